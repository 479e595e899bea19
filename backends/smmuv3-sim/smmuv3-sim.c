/* SPDX-License-Identifier: MIT */
/*
 * smmuv3-sim: a simulated Arm SMMUv3 with the Linux host driver's nesting
 * path in front of it.  The user data is the SMMUv3 RFC's {u32 sid}
 * (kernel-facts 1.6): the guest's vSID of the device.  Invalidation runs
 * the host layer (host-*.c) per profile, then the modelled SMMU
 * (smmu-*.c), so a vector sees both what the host sent and what the
 * hardware did with it.  Events go the other way (raise_event,
 * host-events.c): the SMMU's record, then the host's rewrite into the
 * guest's vEVENTQ, which the core keeps (kernel-facts 2.12, 3.11).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "host.h"

/* Room for a batch of 63 + CMD_SYNC with plenty to spare: 256 slots. */
#define SIM_CMDQ_LOG2 8
/*
 * The host drains the event queue after every record (host-events.c), so
 * one slot would do; 32 keep the model's queue honest about wrapping.
 */
#define SIM_EVTQ_LOG2 5
#define SIM_CMD_SIZE 16

static const struct nestref_smmuv3_features *
sim_features(struct nestref_ctx *ctx)
{
	return &((struct sim_ctx *)nestref_ctx_priv(ctx))->features;
}

static bool sim_fits(uint64_t value, uint32_t bits)
{
	return bits >= 64 || value < (UINT64_C(1) << bits);
}

static void sim_exec_trace(void *cookie, const struct smmu_exec *exec)
{
	struct nestref_smmuv3_trace_event ev;

	/* Every command the model runs passes here: only when asked. */
	if (!((struct sim_ctx *)nestref_ctx_priv(cookie))->tracing)
		return;
	ev = (struct nestref_smmuv3_trace_event){
		.kind = NESTREF_SMMUV3_TRACE_EXEC,
		.index = exec->slot,
		.out = exec->cmd,
		.rule = exec->reason,
		.section = exec->reason ? "smmu-model.h, IHI 0070" : NULL,
		.cerror = exec->cerror,
	};

	memcpy(ev.removed, exec->removed, sizeof(ev.removed));
	host_trace(cookie, &ev);
}

static int sim_open(struct nestref_ctx *ctx, const char *options)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	int rc;

	/* Its features come as ext_opts (<nestref/smmuv3.h>), not here. */
	rc = nestref_ctx_parse_options(ctx, options, NULL, NULL, NULL);
	if (rc)
		return rc;
	nestref_smmuv3_ctx_features(ctx, &sc->features);
	nestref_vsid_table_init(&sc->streams);
	rc = smmu_model_new(&sc->smmu, &sc->features, SIM_CMDQ_LOG2,
			    SIM_EVTQ_LOG2);
	if (rc)
		return rc;
	host_rewriter_init(&sc->rw,
			   nestref_ctx_rule(ctx, NESTREF_RULE_STRICT_COMMANDS),
			   &sc->features);
	smmu_model_set_trace(sc->smmu, sim_exec_trace, ctx);
	return 0;
}

static void sim_close(struct nestref_ctx *ctx)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);

	smmu_model_free(sc->smmu);
	nestref_vsid_table_fini(&sc->streams);
	nestref_free(sc->trace);
	nestref_free(sc->counters);
}

static int sim_viommu_init(struct nestref_viommu *viommu)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);

	/* Without IDR0.VMID16 VMIDs are 8 bits (kernel-facts 4.3). */
	if (!sim_fits(nestref_viommu_s2_id(viommu),
		      sim_features(ctx)->vmid16 ? 16 : 8)) {
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: VMID 0x%x needs IDR0.VMID16",
					nestref_viommu_s2_id(viommu));
		return -EINVAL;
	}
	return 0;
}

static int sim_dev_init(struct nestref_dev *dev)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);

	if (!sim_fits(nestref_dev_psid(dev), sim_features(ctx)->sidsize)) {
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: pSID 0x%x does not fit SIDSIZE %u",
					nestref_dev_psid(dev),
					sim_features(ctx)->sidsize);
		return -EINVAL;
	}
	/* The host's masters, for events (kernel-facts 3.11 step 2). */
	return host_streams_add(dev);
}

static void sim_dev_destroy(struct nestref_dev *dev)
{
	host_streams_remove(dev);
}

/*
 * The RFC's arm_smmu_set_dev_user_data (kernel-facts 1.6) under the
 * rfc-user-data rule; upstream's vDEVICE rules (kernel-facts 2.9) otherwise.
 */
static int sim_set_dev_user_data(struct nestref_dev *dev, const void *data)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct nestref_viommu *viommu = nestref_dev_viommu(dev);
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	bool rfc = nestref_ctx_rule(ctx, NESTREF_RULE_RFC_USER_DATA);
	uint32_t vsid = nestref_le32(data);
	int rc;

	if (rfc && vsid == 0)
		return nestref_ctx_fail_rule(ctx, -EINVAL,
					     NESTREF_RULE_RFC_USER_DATA,
					     "smmuv3-sim: vSID 0 is refused");
	/*
	 * kernel-facts 2.9: the virt_id slot is taken before the driver's
	 * init runs.
	 */
	rc = nestref_viommu_link(viommu, vsid, dev);
	if (rc == -EEXIST) {
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: vSID 0x%x is already linked",
					vsid);
		/* The RFC's xarray allocation limited to [sid, sid] (derived). */
		if (rfc)
			return nestref_ctx_fail_rule(ctx, -EBUSY,
						     NESTREF_RULE_RFC_USER_DATA,
						     "smmuv3-sim: vSID 0x%x is already linked",
						     vsid);
		return -EEXIST;
	}
	if (rc)
		return rc;
	if (nestref_ctx_rule(ctx, NESTREF_RULE_VDEVICE_ONE_STREAM) &&
	    nestref_dev_stream_count(dev) != 1) {
		nestref_viommu_unlink(viommu, vsid);
		return nestref_ctx_fail_rule(ctx, -EOPNOTSUPP,
					     NESTREF_RULE_VDEVICE_ONE_STREAM,
					     "smmuv3-sim: the device has %zu StreamIDs; a vSID can name only one",
					     nestref_dev_stream_count(dev));
	}
	/* The host installs the nested STE: the vIOMMU's VMID at stage 2. */
	rc = smmu_ste_install(sc->smmu, nestref_dev_psid(dev),
			      nestref_viommu_s2_id(viommu), true);
	if (rc)
		nestref_viommu_unlink(viommu, vsid);
	return rc;
}

static void sim_unset_dev_user_data(struct nestref_dev *dev)
{
	struct sim_ctx *sc = nestref_ctx_priv(nestref_dev_ctx(dev));

	nestref_viommu_unlink(nestref_dev_viommu(dev), nestref_dev_virt_id(dev));
	/* 6.13 let a device hold several vDEVICEs: the STE stays for them. */
	if (!nestref_dev_vdevice_count(dev))
		smmu_ste_clear(sc->smmu, nestref_dev_psid(dev));
}

/* host_rewrite of one command, and a trace event with the guest's
 * command and the rule. */
static const struct host_rule *sim_rewrite_traced(struct nestref_viommu *viommu,
						  struct nestref_smmuv3_cmd *cmd,
						  uint32_t index)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct nestref_smmuv3_trace_event ev = {
		.kind = NESTREF_SMMUV3_TRACE_REWRITE,
		.index = index,
		.in = *cmd,
	};
	const struct host_rule *bad, *why;

	host_rewrite(&sc->rw, viommu, cmd, 1, &bad);
	why = bad ? bad : host_rewrite_rule(&sc->rw, host_opcode(&ev.in));
	if (bad) {
		ev.kind = NESTREF_SMMUV3_TRACE_REJECT;
		ev.err = -EIO;
	}
	ev.out = *cmd;
	ev.rule = why->rule;
	ev.section = why->section;
	ev.function = why->function;
	host_trace(ctx, &ev);
	return bad;
}

/* A handful of ids exist: a list is enough. */
void host_tally_add(struct host_tally *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->items[i].id == id) {
			t->items[i].n++;
			return;
		}
	}
	if (t->n < sizeof(t->items) / sizeof(t->items[0])) {
		t->items[t->n].id = id;
		t->items[t->n++].n = 1;
	}
}

void host_count_reject(struct sim_ctx *sc, const char *id)
{
	host_tally_add(&sc->rejects, id);
}

/*
 * Rewrites cmds[0, n) in place as the profile's host does, tracing each
 * when someone traces; index is the first one's entry number.  0, or -EIO
 * at the first command refused; *done is how many were rewritten.
 */
static int sim_prepare(struct nestref_viommu *viommu,
		       struct nestref_smmuv3_cmd *cmds, uint32_t n,
		       uint32_t index, uint32_t *done)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	const struct host_rule *bad = NULL;
	uint32_t k;

	/* Nobody traces, the common case: one loop for the whole chunk. */
	if (!sc->tracing)
		k = (uint32_t)host_rewrite(&sc->rw, viommu, cmds, n, &bad);
	else
		for (k = 0; k < n; k++)
			if ((bad = sim_rewrite_traced(viommu, &cmds[k],
						      index + k)))
				break;
	sc->rewrites += k;
	*done = k;
	if (!bad)
		return 0;
	host_count_reject(sc, bad->id);
	nestref_ctx_set_message(ctx, "smmuv3-sim: entry %u: %s (%s)",
				index + k, bad->rule, bad->section);
	return -EIO;
}

/* The full-array copy's refusals (kernel-facts 2.6), for people. */
static void sim_copy_message(struct nestref_ctx *ctx, int rc)
{
	if (rc == -EINVAL)
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: the array is empty or its data_type is not arm-smmuv3; the full-array copy refuses both (kernel-facts 2.6, 3.4)");
	else if (rc == -E2BIG)
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: an entry longer than 16 bytes has a non-zero tail (kernel-facts 2.6)");
	else if (rc == -EFAULT)
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: the array reads past the caller's buffer (kernel-facts 2.6)");
}

/*
 * Copies entries [0, n) of the array as commands (on failure, a sentence
 * for people).  Either way entry_num is 0 afterwards: nothing is handled
 * yet, and the caller counts what it then handles.
 */
static int sim_copy(struct nestref_ctx *ctx, struct nestref_user_array *array,
		    uint32_t n, struct nestref_smmuv3_cmd **out)
{
	unsigned char *bytes;
	struct nestref_smmuv3_cmd *cmds;
	uint32_t i;
	int rc;

	*out = NULL;
	bytes = NULL;
	cmds = NULL;
	/* Checked first: a copy that would fail allocates nothing. */
	rc = nestref_user_array_check(array, NESTREF_INV_TYPE_ARM_SMMUV3,
				      SIM_CMD_SIZE, 0, n);
	if (rc)
		goto out;
	bytes = nestref_malloc((size_t)n * SIM_CMD_SIZE);
	cmds = nestref_malloc((size_t)n * sizeof(*cmds));
	if (!bytes || !cmds) {
		rc = -ENOMEM;
		goto out;
	}
	rc = nestref_user_array_copy(array, NESTREF_INV_TYPE_ARM_SMMUV3,
				     SIM_CMD_SIZE, 0, n, bytes);
	if (rc)
		goto out;
	for (i = 0; i < n; i++)
		nestref_smmuv3_from_bytes(&cmds[i],
					  bytes + (size_t)i * SIM_CMD_SIZE);
	*out = cmds;
	cmds = NULL;
out:
	nestref_free(cmds);
	nestref_free(bytes);
	array->entry_num = 0;
	sim_copy_message(ctx, rc);
	return rc;
}

/*
 * Released kernels (kernel-facts 3.4): convert entry by entry, issue every
 * 63 converted commands with a CMD_SYNC.  A conversion failure at entry i
 * reports i handled although the current batch was never issued: the
 * over-report the strict series of 7.4 fixes.
 */
static int sim_invalidate_released(struct nestref_viommu *viommu,
				   struct nestref_user_array *array)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	uint32_t n = array->entry_num, last = 0, len, done;
	struct nestref_smmuv3_cmd *cmds;
	int rc;

	/*
	 * kernel-facts 3.4, invalidate-whole-array: the driver allocates entry_num
	 * commands before it copies or checks the type.  Past the largest
	 * kmalloc nothing is done and entry_num stays as the caller gave it.
	 */
	if (nestref_ctx_rule(ctx, NESTREF_RULE_INVALIDATE_WHOLE_ARRAY) &&
	    (uint64_t)n * SIM_CMD_SIZE > nestref_ctx_kmalloc_max(ctx))
		return nestref_ctx_fail_rule(ctx, -ENOMEM,
					     NESTREF_RULE_INVALIDATE_WHOLE_ARRAY,
					     "smmuv3-sim: %u commands need %llu bytes, more than the largest kmalloc (%llu)",
					     n, (unsigned long long)n * SIM_CMD_SIZE,
					     (unsigned long long)nestref_ctx_kmalloc_max(ctx));
	/* Step 2: the full-array copy also refuses an empty array (EINVAL). */
	rc = sim_copy(ctx, array, n, &cmds);
	if (rc)
		return rc;
	/* Converted a batch at a time: a refusal stops before its issue. */
	for (; last < n; last += len) {
		len = n - last < HOST_BATCH ? n - last : HOST_BATCH;
		rc = sim_prepare(viommu, cmds + last, len, last, &done);
		if (rc) {
			array->entry_num = last + done;
			break;
		}
		rc = host_issue(ctx, cmds + last, len);
		if (rc) {
			/* As the entry-by-entry loop: its last entry, unhandled. */
			array->entry_num = last + len - 1;
			break;
		}
	}
	if (!rc)
		array->entry_num = n;
	nestref_free(cmds);
	return rc;
}

/*
 * The strict series of 7.4 (kernel-facts 3.5): one chunk of up to 63 per call,
 * every entry validated and converted before any is issued; the core calls
 * again for the rest.
 */
static int sim_invalidate_next(struct nestref_viommu *viommu,
			       struct nestref_user_array *array)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	uint32_t n = array->entry_num, done;
	struct nestref_smmuv3_cmd *cmds = NULL;
	int rc = 0;

	/* The probe is fixed there: an empty array of the right type is 0. */
	if (array->type == NESTREF_INV_TYPE_ARM_SMMUV3 && n == 0)
		return 0;
	if (n > HOST_BATCH)
		n = HOST_BATCH;
	/* Only this chunk is copied; a bad type is EINVAL from the helper. */
	rc = sim_copy(ctx, array, n, &cmds);
	if (!rc)
		rc = sim_prepare(viommu, cmds, n,
				 nestref_viommu_inv_base(viommu), &done);
	if (!rc)
		rc = host_issue(ctx, cmds, n);
	if (!rc)
		array->entry_num = n;
	nestref_free(cmds);
	return rc;
}

static int sim_cache_invalidate_user(struct nestref_viommu *viommu,
				     struct nestref_user_array *array)
{
	if (nestref_ctx_rule(nestref_viommu_ctx(viommu),
			     NESTREF_RULE_STRICT_COMMANDS))
		return sim_invalidate_next(viommu, array);
	return sim_invalidate_released(viommu, array);
}

/*
 * arm_smmu_hw_info (kernel-facts 3.8): a host that knows the Tegra264
 * erratum tells user space, so that the guest repeats its own CFGI and
 * TLBI commands; the vIOMMU path then issues them as given.
 */
static int sim_hw_info(struct nestref_dev *dev, uint32_t *flags)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);

	*flags = 0;
	if (sim_features(ctx)->repeat_tlbi_cfgi &&
	    nestref_ctx_rule(ctx, NESTREF_RULE_REPEAT_ERRATUM))
		*flags |= NESTREF_HW_INFO_SMMUV3_REPEAT_TLBI_CFGI;
	return 0;
}

static int sim_issued(struct nestref_ctx *ctx,
		      const struct nestref_smmuv3_cmd **cmds, size_t *count)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);

	/* A list that lost commands would lie: say so, as sim_trace does. */
	if (!smmu_issued_complete(sc->smmu)) {
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: the issued list lost commands (out of memory)");
		return -ENOMEM;
	}
	*cmds = smmu_issued(sc->smmu, count);
	return 0;
}

static void sim_issued_clear(struct nestref_ctx *ctx)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);

	smmu_issued_clear(sc->smmu);
}

static int sim_caches_fill(struct nestref_ctx *ctx,
			   const struct nestref_smmuv3_cache_entry *entries,
			   size_t count)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	int rc = smmu_caches_fill(sc->smmu, entries, count);

	/* The model knows no context: the sentence is said here. */
	switch (rc) {
	case 0:
		break;
	case -EINVAL:
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: caches_fill: an entry the modelled SMMU cannot hold (its kind, fields or features)");
		break;
	case -EEXIST:
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: caches_fill: an entry is cached already or given twice");
		break;
	case -ENOSPC:
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: caches_fill: the caches hold %u entries at most",
					SMMU_CACHES_MAX);
		break;
	default:
		nestref_ctx_set_message(ctx, "smmuv3-sim: caches_fill: %s",
					nestref_strerror(rc));
		break;
	}
	return rc;
}

static int sim_caches_get(struct nestref_ctx *ctx,
			  const struct nestref_smmuv3_cache_entry **entries,
			  size_t *count)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);

	*entries = smmu_caches(sc->smmu, count);
	return 0;
}

static int sim_trace(struct nestref_ctx *ctx,
		     const struct nestref_smmuv3_trace_event **events, size_t *count)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);

	if (sc->trace_full) {
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: the trace lost events (out of memory)");
		return -ENOMEM;
	}
	*events = sc->trace;
	*count = sc->n_trace;
	return 0;
}

/* Appends "name" = value when value is not zero; false when out of memory. */
static bool sim_counter(struct sim_ctx *sc, size_t *n, const char *prefix,
			const char *name, uint64_t value)
{
	struct nestref_counter *grown;

	if (!value)
		return true;
	if (*n == sc->cap_counters) {
		size_t cap = sc->cap_counters ? sc->cap_counters * 2 : 32;

		grown = nestref_realloc(sc->counters, cap * sizeof(*grown));
		if (!grown)
			return false;
		sc->counters = grown;
		sc->cap_counters = cap;
	}
	snprintf(sc->counters[*n].name, sizeof(sc->counters[*n].name), "%s%s",
		 prefix, name);
	sc->counters[(*n)++].value = value;
	return true;
}

/*
 * One counter per opcode or event id that counted: prefix and its name,
 * or unnamed and its value in hex ("op-7f") when the codec has none.
 */
static bool sim_counters_by_id(struct sim_ctx *sc, size_t *n,
			       const char *prefix,
			       const char *(*name_of)(uint8_t),
			       const char *unnamed, const uint64_t counts[256])
{
	const char *name;
	char hex[8];
	bool ok = true;
	size_t i;

	for (i = 0; i < 256; i++) {
		name = name_of((uint8_t)i);
		snprintf(hex, sizeof(hex), "%s%02zx", unnamed, i);
		ok &= sim_counter(sc, n, prefix, name ? name : hex, counts[i]);
	}
	return ok;
}

static int sim_counters(struct nestref_ctx *ctx,
			const struct nestref_counter **counters, size_t *count)
{
	static const char *const cerrors[] = { "none", "ILL", "ABT",
					       "ATC_INV_SYNC" };
	static const char *const caches[] = { "tlb", "cfg", "atc" };
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	const struct smmu_counters *mc = smmu_counters(sc->smmu);
	bool ok = true;
	size_t n = 0, i;

	ok &= sim_counter(sc, &n, "host.", "rewrites", sc->rewrites);
	ok &= sim_counter(sc, &n, "host.", "batches", sc->batches);
	ok &= sim_counter(sc, &n, "host.", "cerror-skips", sc->skips);
	ok &= sim_counter(sc, &n, "host.", "attaches", sc->attaches);
	for (i = 0; i < sc->rejects.n; i++)
		ok &= sim_counter(sc, &n, "host.rejects.",
				  sc->rejects.items[i].id,
				  sc->rejects.items[i].n);
	ok &= sim_counter(sc, &n, "host.events.", "forwarded",
			  sc->events_forwarded);
	for (i = 0; i < sc->drops.n; i++)
		ok &= sim_counter(sc, &n, "host.events.dropped.",
				  sc->drops.items[i].id, sc->drops.items[i].n);
	ok &= sim_counter(sc, &n, "host.events.", "evtq-overflows",
			  sc->evtq_overflows);
	ok &= sim_counters_by_id(sc, &n, "smmu.commands.", nestref_smmuv3_op_name,
				 "op-", mc->commands);
	for (i = 1; i < 4; i++)
		ok &= sim_counter(sc, &n, "smmu.cerrors.", cerrors[i],
				  mc->cerrors[i]);
	for (i = 0; i < NESTREF_SMMUV3_CACHE_KIND_COUNT; i++)
		ok &= sim_counter(sc, &n, "smmu.removed.", caches[i],
				  mc->removed[i]);
	ok &= sim_counters_by_id(sc, &n, "smmu.events.",
				 nestref_smmuv3_event_name, "id-", mc->events);
	ok &= sim_counter(sc, &n, "smmu.evtq.", "lost", mc->events_lost);
	ok &= sim_counter(sc, &n, "smmu.evtq.", "overflows",
			  mc->evtq_overflows);
	if (!ok)
		return -ENOMEM;
	*counters = sc->counters;
	*count = n;
	return 0;
}

static void sim_trace_clear(struct nestref_ctx *ctx)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);

	sc->n_trace = 0;
	sc->trace_full = false;
	sc->tracing = true;
}

static const struct nestref_smmuv3_ops sim_smmuv3_ops = {
	.version = NESTREF_SMMUV3_OPS_VERSION,
	.issued = sim_issued,
	.issued_clear = sim_issued_clear,
	.caches_fill = sim_caches_fill,
	.caches_get = sim_caches_get,
	.trace = sim_trace,
	.trace_clear = sim_trace_clear,
	.rewrite = sim_rewrite_batch,
	.rewrite_symbol = "host_rewrite",
	.raise_event = host_raise_event,
	.execute = sim_execute,
};

/* By name (backend.h, version 2): the kernels it can answer as. */
static const char *const sim_profiles[] = {
	"rfc-v3", "linux-6.13", "linux-7.2", "linux-7.4", NULL,
};

const struct nestref_backend nr_backend_smmuv3_sim = {
	.version = NESTREF_BACKEND_VERSION,
	.name = "smmuv3-sim",
	.description = "simulated Arm SMMUv3 behind the Linux host driver's vSID to pSID rewrite",
	.caps = NESTREF_CAP_INV_ARM_SMMUV3 | NESTREF_CAP_OBSERVE_ISSUED |
		NESTREF_CAP_OBSERVE_CACHES | NESTREF_CAP_RAW_USER_DATA |
		NESTREF_CAP_OBSERVE_HW_INFO | NESTREF_CAP_ATTACH_NESTED |
		NESTREF_CAP_INJECT_EVENT,
	.profile_names = sim_profiles,
	.ctx_priv_size = sizeof(struct sim_ctx),
	.dev_priv_size = sizeof(struct sim_dev),
	.open = sim_open,
	.close = sim_close,
	.viommu_init = sim_viommu_init,
	.dev_init = sim_dev_init,
	.dev_destroy = sim_dev_destroy,
	.hw_info = sim_hw_info,
	.set_dev_user_data = sim_set_dev_user_data,
	.unset_dev_user_data = sim_unset_dev_user_data,
	.dev_user_data_len = 4,
	.cache_invalidate_user = sim_cache_invalidate_user,
	.ext_name = NESTREF_SMMUV3_EXT,
	.ext = &sim_smmuv3_ops,
	.counters = sim_counters,
	.hwpt_priv_size = sizeof(struct sim_hwpt),
	.hwpt_nested_init = host_hwpt_nested_init,
	.dev_attach = host_dev_attach,
};

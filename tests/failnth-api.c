/* SPDX-License-Identifier: MIT */
/*
 * The public API's sequences (tests/failnth.h): what the vectors do not
 * reach, on each backend and under each profile it supports.  Each part
 * is the life of one context: objects made, linked, unlinked and
 * destroyed (past the first growth of the ID table and of a vIOMMU's vSID
 * table), invalidation and every observation, event queues and the
 * trigger, nested HWPTs and attach.
 * Every call goes through FAILNTH_CALL, so a call that hit the failed
 * allocation must say ENOMEM and then work when made again.
 *
 * The iommufd backend runs against the fake kernel of
 * tests/fake-kernel.h, in its selftest and its vfio mode; exec against
 * tests/data/exec/observe.py, which answers every observation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

#include "failnth.h"

#ifdef FAILNTH_IOMMUFD
#include "fake-kernel.h"

static unsigned long fa_unknown_req;

void fake_kernel_unknown(unsigned long req)
{
	fa_unknown_req = req;
}
#endif

/* FAILNTH_CALL with the context's message after the call. */
#define FA_CALL(e, rc, expr) \
	FAILNTH_CALL((e)->run, rc, expr, nestref_ctx_message((e)->ctx))

enum fa_kind { FA_MOCK, FA_SIM, FA_EXEC, FA_IFD_SELFTEST, FA_IFD_VFIO };

/* The nested part is last: a backend without attach-nested stops before. */
enum {
	FA_PART_OBJECTS,
	FA_PART_INVALIDATE,
	FA_PART_EVENTS,
	FA_PART_NESTED,
	FA_PARTS
};

/* Devices made in the objects part: past the ID table's 16 slots and a
 * vSID table's first growth (a quarter of 16). */
#define FA_DEVS 20

struct fa_env {
	const struct failnth_seq *seq;
	struct failnth_run *run;
	struct nestref_ctx *ctx;
	bool selftest; /* selftest invalidations, else SMMUv3 commands */
};

static bool fa_open(struct fa_env *e, const struct failnth_seq *seq,
		    struct failnth_run *run)
{
	struct nestref_smmuv3_features f;
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.backend = seq->backend,
		.backend_options = seq->options,
		.profile = (enum nestref_profile)seq->n_profiles,
		.ext_opts = &f,
	};
	char msg[256];
	int rc;

	/* ext_opts: the core keeps a copy for the extension. */
	nestref_smmuv3_features_default(&f);
	f.size = sizeof(f);
	e->seq = seq;
	e->run = run;
	e->ctx = NULL;
	e->selftest = seq->kind != FA_SIM && seq->kind != FA_IFD_VFIO;
#ifdef FAILNTH_IOMMUFD
	if (seq->kind == FA_IFD_SELFTEST || seq->kind == FA_IFD_VFIO) {
		fake_reset();
		fa_unknown_req = 0;
		ifd_sys_set(&fake_sys);
	}
#endif
	FAILNTH_CALL(run, rc,
		     nestref_ctx_new(&e->ctx, &opts, msg, sizeof(msg)), msg);
	failnth_note(run, "%s\n", msg);
	return rc == 0;
}

/* The fake kernel goes, and what it saw is checked. */
static void fa_end(struct fa_env *e)
{
#ifdef FAILNTH_IOMMUFD
	if (e->seq->kind == FA_IFD_SELFTEST || e->seq->kind == FA_IFD_VFIO) {
		ifd_sys_set(NULL);
		if (fa_unknown_req)
			failnth_problem(e->run,
					"the backend made ioctl 0x%lx, which the fake kernel does not know",
					fa_unknown_req);
	}
#else
	(void)e;
#endif
}

static void fa_close(struct fa_env *e)
{
	uint32_t dev;
	int rc;

	/*
	 * A last call that reaches the backend: a failure of a void op
	 * before it (exec's child not told of a destroy) shows here.
	 */
	FA_CALL(e, rc, nestref_dev_add(e->ctx, 0x3ff, &dev));
	nestref_ctx_free(e->ctx);
	e->ctx = NULL;
	fa_end(e);
}

/* {u32 vsid}: the user data of every backend here. */
static int fa_set(struct fa_env *e, uint32_t viommu, uint32_t dev,
		  uint32_t vsid, uint32_t *vdev)
{
	unsigned char data[4];
	int rc;

	nestref_le_put(data, 4, vsid);
	FA_CALL(e, rc, nestref_set_dev_user_data(e->ctx, viommu, dev, data,
						 sizeof(data), vdev));
	return rc;
}

/* ------------------------------------------------ objects */

static void fa_objects(struct fa_env *e)
{
	static const uint32_t psids[] = { 0x700, 0x701, 0x702 };
	uint32_t v1 = 0, v2 = 0, dev[FA_DEVS] = { 0 }, vdev[FA_DEVS] = { 0 };
	uint32_t multi = 0, extra = 0;
	size_t i, n = e->seq->kind == FA_EXEC ? 4 : FA_DEVS;
	int rc;

	FA_CALL(e, rc, nestref_viommu_alloc(e->ctx, 1, &v1));
	FA_CALL(e, rc, nestref_viommu_alloc(e->ctx, 2, &v2));
	for (i = 0; i < n; i++) {
		FA_CALL(e, rc, nestref_dev_add(e->ctx, 0x100 + (uint32_t)i,
						      &dev[i]));
		fa_set(e, v1, dev[i], 0x40 + (uint32_t)i, &vdev[i]);
	}
	FA_CALL(e, rc, nestref_dev_add_streams(e->ctx, psids, 3, &multi));
	fa_set(e, v2, multi, 0x99, NULL);
	/* A second vDEVICE of a device, where the profile allows one. */
	fa_set(e, v2, dev[3], 0x98, &extra);
	FA_CALL(e, rc, nestref_unset_dev_user_data(e->ctx, dev[0]));
	fa_set(e, v1, dev[0], 0x40, &vdev[0]);
	FA_CALL(e, rc, nestref_destroy(e->ctx, vdev[1]));
	FA_CALL(e, rc, nestref_destroy(e->ctx, dev[2]));
	/* Under vdevice-tombstone dev[2]'s vDEVICE ID stays reserved. */
	FA_CALL(e, rc, nestref_destroy(e->ctx, vdev[2]));
	FA_CALL(e, rc, nestref_destroy(e->ctx, v1));
	FA_CALL(e, rc, nestref_unset_dev_user_data(e->ctx, dev[3]));
	fa_close(e);
}

/* ------------------------------------------------ invalidation */

#define FA_ENTRIES 70 /* past a batch of 63 commands */

static void fa_array(struct fa_env *e, unsigned char *buf, uint32_t vsid,
		     struct nestref_user_array *a)
{
	struct nestref_smmuv3_cmd cmd;
	size_t i;

	memset(a, 0, sizeof(*a));
	a->entry_num = FA_ENTRIES;
	a->data = buf;
	if (e->selftest) {
		/* {flags, vdev_id, cache_id} (kernel-facts 5.4) */
		a->type = NESTREF_INV_TYPE_SELFTEST;
		a->entry_len = 12;
		for (i = 0; i < FA_ENTRIES; i++) {
			nestref_le_put(buf + 12 * i, 4, 0);
			nestref_le_put(buf + 12 * i + 4, 4, vsid);
			nestref_le_put(buf + 12 * i + 8, 4, (uint32_t)i % 4);
		}
		a->data_size = (size_t)12 * FA_ENTRIES;
		return;
	}
	a->type = NESTREF_INV_TYPE_ARM_SMMUV3;
	a->entry_len = 16;
	for (i = 0; i < FA_ENTRIES; i++) {
		nestref_smmuv3_cmd_init(&cmd, i % 2 ? "CFGI_CD" : "TLBI_NH_ASID");
		if (i % 2)
			nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_SID, vsid);
		else
			nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_ASID, i);
		nestref_smmuv3_to_bytes(&cmd, buf + 16 * i);
	}
	a->data_size = (size_t)16 * FA_ENTRIES;
}

/* An invalidation of a copy of in: a retry gets the same array. */
static int fa_inv(struct fa_env *e, uint32_t viommu,
		  const struct nestref_user_array *in, uint32_t *entry_num)
{
	struct nestref_user_array a = *in;
	int rc = nestref_invalidate(e->ctx, viommu, &a);

	*entry_num = a.entry_num;
	return rc;
}

static void fa_observe(struct fa_env *e, uint32_t dev)
{
	static const struct nestref_smmuv3_cache_entry fill[] = {
		{ .kind = NESTREF_SMMUV3_CACHE_TLB, .vmid = 1, .asid = 2,
		  .va = 0x1000, .level = 3, .tg = 4096 },
		{ .kind = NESTREF_SMMUV3_CACHE_CFG, .sid = 0x101 },
		{ .kind = NESTREF_SMMUV3_CACHE_CFG, .sid = 0x101, .ssid = 1,
		  .flags = NESTREF_SMMUV3_CE_SSID },
	};
	const struct nestref_smmuv3_trace_event *ev;
	const struct nestref_smmuv3_cache_entry *ce;
	const struct nestref_smmuv3_cmd *cmds;
	const struct nestref_counter *c;
	struct failnth_run *run = e->run;
	uint32_t flags = 0;
	size_t n = 0;
	int rc;

	FA_CALL(e, rc, nestref_smmuv3_issued(e->ctx, &cmds, &n));
	failnth_note(run, "%zu issued\n", rc ? 0 : n);
	FA_CALL(e, rc, nestref_smmuv3_caches_fill(e->ctx, fill, 3));
	FA_CALL(e, rc, nestref_smmuv3_caches_get(e->ctx, &ce, &n));
	failnth_note(run, "%zu cache entries\n", rc ? 0 : n);
	FA_CALL(e, rc, nestref_smmuv3_trace(e->ctx, &ev, &n));
	failnth_note(run, "%zu events\n", rc ? 0 : n);
	FA_CALL(e, rc, nestref_counters(e->ctx, &c, &n));
	failnth_note(run, "%zu counters\n", rc ? 0 : n);
	FA_CALL(e, rc, nestref_hw_info(e->ctx, dev, &flags));
	FA_CALL(e, rc, nestref_check_cache(e->ctx, dev, 0, 0xbaddad));
}

static void fa_invalidate(struct fa_env *e)
{
	static unsigned char buf[16 * FA_ENTRIES];
	struct failnth_run *run = e->run;
	struct nestref_user_array a;
	uint32_t v = 0, d0 = 0, d1 = 0, entry_num;
	int rc;

	FA_CALL(e, rc, nestref_viommu_alloc(e->ctx, 1, &v));
	FA_CALL(e, rc, nestref_dev_add(e->ctx, 0x101, &d0));
	FA_CALL(e, rc, nestref_dev_add(e->ctx, 0x102, &d1));
	fa_set(e, v, d0, 0x41, NULL);
	fa_set(e, v, d1, 0x42, NULL);
	nestref_smmuv3_issued_clear(e->ctx);
	fa_array(e, buf, 0x41, &a);
	FA_CALL(e, rc, fa_inv(e, v, &a, &entry_num));
	failnth_note(run, "entry_num %u\n", entry_num);
	fa_observe(e, d0);
	/* Traced this time, and an entry the host refuses (unknown vSID). */
	nestref_smmuv3_trace_clear(e->ctx);
	nestref_smmuv3_issued_clear(e->ctx);
	fa_array(e, buf, 0x77, &a);
	FA_CALL(e, rc, fa_inv(e, v, &a, &entry_num));
	failnth_note(run, "entry_num %u\n", entry_num);
	fa_array(e, buf, 0x42, &a);
	FA_CALL(e, rc, fa_inv(e, v, &a, &entry_num));
	failnth_note(run, "entry_num %u\n", entry_num);
	fa_observe(e, d1);
	fa_close(e);
}

/* ------------------------------------------------ nested HWPTs */

/*
 * A nested HWPT of the data the backend's driver takes: the selftest's
 * {u32 iotlb} (kernel-facts 5.10), else an SMMUv3 vSTE (3.7), bypass or
 * stage 1.
 */
static int fa_hwpt(struct fa_env *e, uint32_t viommu, bool s1, uint32_t *out)
{
	/* V=1, Config=4 (bypass): a vSTE every driver takes (3.7). */
	static const unsigned char bypass[NESTREF_SMMUV3_VSTE_SIZE] = { 0x09 };
	static const unsigned char s1_ste[NESTREF_SMMUV3_VSTE_SIZE] = {
		0x0b, 0, 0, 0x80, 0, 0, 0, 0, 0xd5, 0, 0, 0x10,
	};
	static const unsigned char iotlb[4] = { 0 };
	int rc;

	if (e->selftest)
		FA_CALL(e, rc, nestref_hwpt_alloc_nested(e->ctx, viommu, 0xdead,
							 iotlb, sizeof(iotlb),
							 out));
	else
		FA_CALL(e, rc, nestref_hwpt_alloc_nested(e->ctx, viommu,
			NESTREF_HWPT_DATA_ARM_SMMUV3, s1 ? s1_ste : bypass,
			NESTREF_SMMUV3_VSTE_SIZE, out));
	return rc;
}

static void fa_nested(struct fa_env *e)
{
	uint32_t v = 0, d0 = 0, d1 = 0, h1 = 0, h2 = 0;
	int rc;

	FA_CALL(e, rc, nestref_viommu_alloc(e->ctx, 1, &v));
	FA_CALL(e, rc, nestref_dev_add(e->ctx, 0x101, &d0));
	FA_CALL(e, rc, nestref_dev_add(e->ctx, 0x102, &d1));
	fa_set(e, v, d0, 0x41, NULL);
	fa_hwpt(e, v, false, &h1);
	fa_hwpt(e, v, true, &h2);
	FA_CALL(e, rc, nestref_dev_attach(e->ctx, d0, h1));
	FA_CALL(e, rc, nestref_dev_attach(e->ctx, d1, h1));
	FA_CALL(e, rc, nestref_dev_attach(e->ctx, d0, h2));
	FA_CALL(e, rc, nestref_destroy(e->ctx, h1));
	FA_CALL(e, rc, nestref_destroy(e->ctx, d1));
	FA_CALL(e, rc, nestref_destroy(e->ctx, h1));
	fa_close(e);
}

/* ------------------------------------------------ event queues */

/*
 * Two queues, a device attached with its vDEVICE, triggers past the
 * depth (records and the LOST_EVENTS header, kernel-facts 2.12), a read,
 * a queue destroyed with a record unread and one left for the close.
 * Where a call does not apply (no trigger, no attach, no veventq rule)
 * its error is the answer every run must give.
 */
/*
 * The SMMU's events on a backend with inject-event (smmuv3-sim): the
 * host forwards them through nestref_viommu_report_event into a queue
 * of depth 1, the second one lost, and drops one of no device; traced,
 * so that the trace's growth is swept too (kernel-facts 3.11).
 */
static void fa_raise(struct fa_env *e, uint32_t v, uint32_t dev)
{
	struct nestref_smmuv3_event evt = { { 0 } };
	const struct nestref_counter *c;
	uint32_t q = 0;
	size_t n = 0;
	int rc, i;

	FA_CALL(e, rc, nestref_veventq_alloc(e->ctx, v,
					     NESTREF_VEVENTQ_TYPE_ARM_SMMUV3,
					     1, 0, &q));
	nestref_smmuv3_trace_clear(e->ctx);
	nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_ID,
				 NESTREF_SMMUV3_EVT_F_TRANSLATION);
	nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_SID, 0x101);
	for (i = 0; i < 2; i++)
		FA_CALL(e, rc, nestref_smmuv3_raise_event(e->ctx, &evt));
	nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_SID, 0x5555);
	FA_CALL(e, rc, nestref_smmuv3_raise_event(e->ctx, &evt));
	FA_CALL(e, rc, nestref_counters(e->ctx, &c, &n));
	failnth_note(e->run, "%zu counters\n", rc ? 0 : n);
	FA_CALL(e, rc, nestref_destroy(e->ctx, dev));
	FA_CALL(e, rc, nestref_destroy(e->ctx, q));
}

static void fa_events(struct fa_env *e)
{
	unsigned char data[64];
	struct nestref_event_buffer buf = {
		.data = data, .count = sizeof(data), .data_size = sizeof(data),
	};
	uint32_t v = 0, d0 = 0, h = 0, q = 0, q2 = 0;
	int rc, i;

	FA_CALL(e, rc, nestref_viommu_alloc(e->ctx, 1, &v));
	FA_CALL(e, rc, nestref_dev_add(e->ctx, 0x101, &d0));
	fa_set(e, v, d0, 0x41, NULL);
	FA_CALL(e, rc, nestref_veventq_alloc(e->ctx, v,
					     NESTREF_VEVENTQ_TYPE_SELFTEST, 2,
					     0, &q));
	FA_CALL(e, rc, nestref_veventq_alloc(e->ctx, v, 0x77, 1, 0, &q2));
	fa_hwpt(e, v, true, &h);
	FA_CALL(e, rc, nestref_dev_attach(e->ctx, d0, h));
	for (i = 0; i < 3; i++)
		FA_CALL(e, rc, nestref_trigger_vevent(e->ctx, d0));
	FA_CALL(e, rc, nestref_veventq_read(e->ctx, q, &buf));
	failnth_note(e->run, "read %zu bytes\n", buf.done);
	FA_CALL(e, rc, nestref_trigger_vevent(e->ctx, d0));
	FA_CALL(e, rc, nestref_destroy(e->ctx, q));
	fa_raise(e, v, d0);
	fa_close(e);
}

static void fa_part(const struct failnth_seq *seq, size_t part,
		    struct failnth_run *run)
{
	struct fa_env e;

	if (!fa_open(&e, seq, run)) {
		fa_end(&e);
		return;
	}
	switch (part) {
	case FA_PART_OBJECTS:
		fa_objects(&e);
		break;
	case FA_PART_INVALIDATE:
		fa_invalidate(&e);
		break;
	case FA_PART_EVENTS:
		fa_events(&e);
		break;
	default:
		fa_nested(&e);
		break;
	}
}

/* ------------------------------------------------ the vSID table */

/* <nestref/backend.h>'s table on its own: growth, removal, the end. */
static void fa_vsid_table(const struct failnth_seq *seq, size_t part,
			  struct failnth_run *run)
{
	static int values[64];
	struct nestref_vsid_table t;
	uint64_t key;
	int rc;

	(void)seq;
	(void)part;
	nestref_vsid_table_init(&t);
	for (key = 1; key <= 40; key++)
		FAILNTH_CALL(run, rc,
			     nestref_vsid_table_insert(&t, key * 7919,
						       &values[key]),
			     NULL);
	for (key = 1; key <= 40; key += 3)
		failnth_note(run, "removed %d\n",
			     nestref_vsid_table_remove(&t, key * 7919) ==
				     &values[key]);
	failnth_note(run, "found %d\n",
		     nestref_vsid_table_find(&t, UINT64_C(2) * 7919) ==
				     &values[2]);
	nestref_vsid_table_fini(&t);
}

/* ------------------------------------------------ the list */

static void fa_backend(struct failnth_list *list, const char *backend,
		       const char *options, const char *label, enum fa_kind kind,
		       uint32_t only)
{
	const struct nestref_backend *be = nestref_backend_find(backend);
	struct failnth_seq *seq;
	unsigned int p;
	uint32_t profiles;

	if (!be)
		return;
	profiles = nestref_backend_profiles(be) & only;
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		if (!(profiles & NESTREF_PROFILE_BIT(p)))
			continue;
		seq = failnth_add(list, fa_part,
				  nestref_backend_caps(be) &
						  NESTREF_CAP_ATTACH_NESTED ?
					  FA_PARTS :
					  FA_PARTS - 1,
				  "api on %s under %s", label,
				  nestref_profile_name((enum nestref_profile)p));
		seq->backend = backend;
		seq->options = options;
		seq->kind = kind;
		/* fa_open's profile. */
		seq->n_profiles = p;
		if (kind == FA_EXEC) {
			seq->prepare = failnth_need_python;
			seq->heavy = true;
		}
	}
}

void failnth_api_add(struct failnth_list *list)
{
	/* The sequences point at it. */
	static char *exec_cmd;

	fa_backend(list, "mock", NULL, "mock", FA_MOCK, NESTREF_PROFILES_ALL);
	fa_backend(list, "smmuv3-sim", NULL, "smmuv3-sim", FA_SIM,
		   NESTREF_PROFILES_ALL);
	/*
	 * A child per context, jansson around every request: one profile
	 * (the exec backend's code does not depend on it; the rules reach
	 * the child as a list).
	 */
	if (asprintf(&exec_cmd, "cmd=/usr/bin/python3 -B -S -E '%s'",
		     failnth_srcpath("tests/data/exec/observe.py")) < 0) {
		perror("failnth");
		exit(99);
	}
	fa_backend(list, "exec", exec_cmd,
		   "exec (tests/data/exec/observe.py)", FA_EXEC,
		   NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_2));
#ifdef FAILNTH_IOMMUFD
	fa_backend(list, "iommufd", "mode=selftest,iommufd=/dev/iommu",
		   "iommufd (fake kernel, mode=selftest)", FA_IFD_SELFTEST,
		   NESTREF_PROFILES_ALL);
	fa_backend(list, "iommufd",
		   "mode=vfio,devices=/fake/vfio0:/fake/vfio1",
		   "iommufd (fake kernel, mode=vfio)", FA_IFD_VFIO,
		   NESTREF_PROFILES_ALL);
#endif
	failnth_add(list, fa_vsid_table, 1, "api vsid table");
}

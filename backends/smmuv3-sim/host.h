/* SPDX-License-Identifier: MIT */
/*
 * The host-driver layer of smmuv3-sim: what Linux's arm-smmu-v3-iommufd.c
 * does with a guest's invalidation array before the physical SMMU sees it
 * (kernel-facts section 3), per profile, and with the SMMU's events on
 * their way back to the guest (3.11).  The SMMU itself is smmu-model.h.
 */
#ifndef NESTREF_SMMUV3_SIM_HOST_H
#define NESTREF_SMMUV3_SIM_HOST_H

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

#include "smmu-model.h"

/* Linux's CMDQ_BATCH_ENTRIES - 1 on arm64: commands per host CMD_SYNC. */
#define HOST_BATCH 63

/*
 * The opcode, dw0[7:0] (kernel-facts 4.2), inline: the exported
 * nestref_smmuv3_opcode() is a PLT call from inside the shared library,
 * and this is read once per guest command on the hot path (issue 5).
 */
static inline uint8_t host_opcode(const struct nestref_smmuv3_cmd *cmd)
{
	return (uint8_t)cmd->dw[0];
}

/* Why the host did what it did: constants, for traces and counters. */
struct host_rule {
	const char *id; /* short and stable, for counter names */
	const char *rule;
	const char *section;
	const char *function;
};

/*
 * What the host does with one opcode (kernel-facts 3.3 and 3.5), worked
 * out once per context from its profile and the SMMU's features, so that
 * rewriting a command is one table load, one mask test and one switch.
 */
enum host_act {
	HOST_REFUSE = 0,  /* -EIO with the entry's rule: not from a guest */
	HOST_NSNH,        /* TLBI_NSNH_ALL narrowed to NH_ALL of the VMID */
	HOST_VMID,        /* TLBI_NH_*: the VMID forced */
	HOST_VMID_RANGE,  /* linux-7.4 TLBI_NH_VA(A) with RIL: range, VMID */
	HOST_SID,         /* ATC_INV, CFGI_CD(_ALL): the vSID replaced */
	HOST_SID_ATC,     /* linux-7.4 ATC_INV: Size <= 52, then the vSID */
};

/* The acts host_rewrite's loop handles itself, fastest first. */
enum host_fast {
	HOST_FAST_SID,        /* HOST_SID: the vSID replaced */
	HOST_FAST_VMID_RANGE, /* HOST_VMID_RANGE */
	HOST_FAST_VMID,       /* HOST_VMID */
	HOST_FAST_SID_ATC,    /* HOST_SID_ATC */
	HOST_FAST_N,
};

/*
 * One array per field, indexed by opcode: a field is then one load with
 * the opcode as a scaled index, with nothing to compute on the hot path.
 */
struct host_rewriter {
	/* Bits a guest may not set: 3.5's masks, inverted; 0 before 3.5. */
	uint64_t deny0[256], deny1[256];
	/*
	 * only0[f][op]: deny0[op] when act[op] is f's act, else every bit: a
	 * command passes f's test only with f's act and allowed dw0 bits
	 * (or with dw0 all zero: host-rewrite.c).
	 */
	uint64_t only0[HOST_FAST_N][256];
	const struct host_rule *refusal[256]; /* HOST_REFUSE's reason */
	uint8_t act[256];                     /* enum host_act */
	/*
	 * 3.5's range rules: bit TG:TTL (dw1[11:8]) of range_ok[NUM or SCALE
	 * set] is 1 when the combination is allowed; each word holds four
	 * copies of its 16 bits (host-rewrite.c tests dw1[13:8]).
	 */
	uint64_t range_ok[2];
	struct nestref_smmuv3_features features;
};

/* Counts by a rule's id, for counters: a handful of ids exist. */
struct host_tally {
	struct {
		const char *id;
		uint64_t n;
	} items[16];
	size_t n;
};

/* Counts one more under id (the same pointer each time: rule constants). */
void host_tally_add(struct host_tally *t, const char *id);

/* The context's private area. */
struct sim_ctx {
	struct smmu_model *smmu;
	struct host_rewriter rw; /* the profile's rules, this SMMU's masks */
	struct nestref_smmuv3_features features; /* the context's SMMU */
	struct nestref_smmuv3_trace_event *trace;
	size_t n_trace;
	size_t cap_trace;
	bool trace_full; /* events were dropped: memory ran out */
	bool tracing;    /* since the first nestref_smmuv3_trace_clear() */
	/* counters (smmuv3-sim.c builds the public list from these) */
	uint64_t rewrites, batches, skips, attaches;
	struct host_tally rejects;
	/* The way back (host-events.c, kernel-facts 3.11). */
	uint64_t events_forwarded;
	uint64_t evtq_overflows; /* drains that found PROD.OVFLG toggled */
	struct host_tally drops; /* events dropped, by the rule's id */
	struct nestref_counter *counters;
	size_t cap_counters;
	/* StreamID -> struct nestref_dev: the host's masters (host-streams.c) */
	struct nestref_vsid_table streams;
};

/*
 * A device's private area: its vmaster (arm_smmu_vmaster, kernel-facts
 * 3.11), made at attach (host-vste.c).  vmaster is the vIOMMU of the
 * nested HWPT the device was attached to, NULL when it has none; vsid the
 * virt_id its vDEVICE there had at that attach.  A device stays attached
 * until it is destroyed, and the HWPT holds its vIOMMU, so the pointer
 * stays valid.
 */
struct sim_dev {
	struct nestref_viommu *vmaster;
	uint64_t vsid;
};

/* A nested HWPT's private area: the vSTE as the host keeps it (3.7). */
struct sim_hwpt {
	uint64_t ste[2];
};

/* Counts a refusal under its rule's id (smmuv3-sim.c). */
void host_count_reject(struct sim_ctx *sc, const char *id);

/*
 * The host's StreamID map (host-streams.c): arm_smmu_insert_master at
 * dev_init adds every StreamID of the device, arm_smmu_remove_master at
 * dev_destroy takes them out, arm_smmu_find_master looks one up.
 */
int host_streams_add(struct nestref_dev *dev);
void host_streams_remove(struct nestref_dev *dev);
struct nestref_dev *host_find_master(const struct sim_ctx *sc, uint32_t sid);

/*
 * struct nestref_smmuv3_ops.raise_event (host-events.c): the SMMU records
 * evt in its event queue, then the host's event thread drains the queue
 * as arm_smmu_evtq_thread does (kernel-facts 3.11).  Always 0.
 */
int host_raise_event(struct nestref_ctx *ctx,
		     const struct nestref_smmuv3_event *evt);

/*
 * struct nestref_backend's hwpt_nested_init and dev_attach (host-vste.c):
 * arm_vsmmu_alloc_domain_nested with arm_smmu_validate_vste
 * (kernel-facts 3.7), and arm_smmu_attach_dev_nested's vDEVICE check
 * under attach-needs-vdevice (2.11).
 */
int host_hwpt_nested_init(struct nestref_hwpt *hwpt, uint32_t data_type,
			  const void *data, size_t len);
int host_dev_attach(struct nestref_dev *dev, struct nestref_hwpt *hwpt);

/* Fills rw for the strict rules or the released ones, and an SMMU
 * (host-rewrite.c). */
void host_rewriter_init(struct host_rewriter *rw, bool strict,
			const struct nestref_smmuv3_features *smmu);

/*
 * Guest commands rewritten in place for the vIOMMU, one after the other,
 * as the profile's kernel does: arm_vsmmu_validate_user_cmd (linux-7.4,
 * 3.5), then arm_vsmmu_convert_user_cmd (3.3).  Stops at the first
 * command refused, which it leaves as it was, as it leaves those after
 * it: returns how many were rewritten (n when all were) and sets *why to
 * the refusing rule (the call's error is then -EIO), or to NULL.  This is
 * the cost of every guest command: issue 15 holds it to 25 instructions
 * per command (docs/bench.md 3.5), which is why it takes the batch.
 */
size_t host_rewrite(const struct host_rewriter *rw,
		    const struct nestref_viommu *viommu,
		    struct nestref_smmuv3_cmd *cmds, size_t n,
		    const struct host_rule **why);

/* For traces: the rule host_rewrite applied to an accepted opcode. */
const struct host_rule *host_rewrite_rule(const struct host_rewriter *rw,
					  uint8_t opcode);

/*
 * struct nestref_smmuv3_ops.rewrite (bench-rewrite.c): host_rewrite over n
 * commands for the bench, nothing else; how many were refused (the
 * commands after a refused one are rewritten all the same).
 */
size_t sim_rewrite_batch(struct nestref_viommu *viommu,
			 struct nestref_smmuv3_cmd *cmds, size_t n);

/*
 * arm_smmu_cmdq_issue_cmdlist with sync: writes n commands and one host
 * CMD_SYNC, lets the SMMU consume them and handles command errors as the
 * Linux host's arm_smmu_cmdq_skip_err does.  0, or a negative errno when
 * the sync never completes.
 */
int host_issue(struct nestref_ctx *ctx, const struct nestref_smmuv3_cmd *cmds,
	       size_t n);

/* The host's own CMD_SYNC, one per batch (host-issue.c). */
void host_sync(struct nestref_smmuv3_cmd *sync);

/*
 * struct nestref_smmuv3_ops.execute (smmu-direct.c): physical commands
 * and a CMD_SYNC into the modelled SMMU alone.
 */
int sim_execute(struct nestref_ctx *ctx, const struct nestref_smmuv3_cmd *cmds,
		size_t n, uint32_t *cerror);

/* Appends an event to the context's trace (dropped when memory is short). */
void host_trace(struct nestref_ctx *ctx, const struct nestref_smmuv3_trace_event *ev);

#endif /* NESTREF_SMMUV3_SIM_HOST_H */

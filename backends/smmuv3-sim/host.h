/* SPDX-License-Identifier: MIT */
/*
 * The host-driver layer of smmuv3-sim: what Linux's arm-smmu-v3-iommufd.c
 * does with a guest's invalidation array before the physical SMMU sees it
 * (kernel-facts section 3), per profile.  The SMMU itself is smmu-model.h.
 */
#ifndef NESTREF_SMMUV3_SIM_HOST_H
#define NESTREF_SMMUV3_SIM_HOST_H

#include <nestref/backend.h>

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

/* The allowed bits of each opcode for one SMMU (kernel-facts 3.5). */
enum host_vkind {
	HOST_V_REFUSE = 0, /* not accepted from a guest */
	HOST_V_PLAIN,      /* the masks alone decide */
	HOST_V_TLBI_VA,    /* the masks, then the range rules */
	HOST_V_ATC,        /* the masks and Size <= 52 */
	HOST_V_NO_ATS,     /* ATC_INV on an SMMU without ATS */
};

struct host_masks {
	struct nestref_smmu_features features;
	uint64_t allow0[256];
	uint64_t allow1[256];
	uint8_t kind[256]; /* enum host_vkind */
};

/* The context's private area. */
struct sim_ctx {
	struct smmu_model *smmu;
	struct host_masks masks; /* linux-next's, from the SMMU's features */
	struct nestref_trace_event *trace;
	size_t n_trace;
	size_t cap_trace;
	bool trace_full; /* events were dropped: memory ran out */
	bool tracing;    /* since the first nestref_trace_clear() */
	/* counters (smmuv3-sim.c builds the public list from these) */
	uint64_t rewrites, batches, skips;
	struct {
		const char *id;
		uint64_t n;
	} rejects[16];
	size_t n_rejects;
	struct nestref_counter *counters;
	size_t cap_counters;
};

/*
 * arm_vsmmu_convert_user_cmd (kernel-facts 3.3): rewrites one guest command
 * in place for the vIOMMU.  0, or -EIO with the reason in *why.
 */
int host_convert(struct nestref_viommu *viommu,
		 struct nestref_smmuv3_cmd *cmd, const struct host_rule **why);

void host_masks_init(struct host_masks *m,
		     const struct nestref_smmu_features *smmu);

/*
 * arm_vsmmu_validate_user_cmd (kernel-facts 3.5, linux-next only): the
 * allowed-bit masks and range checks.  0, or -EIO with the reason.
 */
int host_validate(const struct host_masks *m,
		  const struct nestref_smmuv3_cmd *cmd,
		  const struct host_rule **why);

/*
 * arm_smmu_cmdq_issue_cmdlist with sync: writes n commands and one host
 * CMD_SYNC, lets the SMMU consume them and handles command errors as the
 * Linux host's arm_smmu_cmdq_skip_err does.  0, or a negative errno when
 * the sync never completes.
 */
int host_issue(struct nestref_ctx *ctx, const struct nestref_smmuv3_cmd *cmds,
	       size_t n);

/* Appends an event to the context's trace (dropped when memory is short). */
void host_trace(struct nestref_ctx *ctx, const struct nestref_trace_event *ev);

#endif /* NESTREF_SMMUV3_SIM_HOST_H */

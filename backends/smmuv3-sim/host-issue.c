/* SPDX-License-Identifier: MIT */
/*
 * Issuing to the modelled SMMU as the Linux host does
 * (arm_smmu_cmdq_issue_cmdlist with a sync), and what the host does when
 * the SMMU raises a command error.  That reaction is read from Linux's
 * arm_smmu_cmdq_skip_err (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c),
 * not from kernel-facts: an illegal command is rewritten into a CMD_SYNC
 * in its queue slot and the queue resumes, so the guest's call succeeds
 * and the command is counted as handled; an abort on fetch is retried; an
 * ATC invalidation timeout repeats the CMD_SYNC.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "host.h"

/* Retries before a sync that never completes becomes -ETIMEDOUT. */
#define HOST_ERROR_RETRIES 8

void host_trace(struct nestref_ctx *ctx, const struct nestref_smmuv3_trace_event *ev)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct nestref_smmuv3_trace_event *grown;
	size_t cap;

	/* Recorded only once someone asked (nestref_smmuv3_trace_clear). */
	if (!sc->tracing)
		return;
	if (sc->n_trace == sc->cap_trace) {
		cap = sc->cap_trace ? sc->cap_trace * 2 : 64;
		grown = nestref_realloc(sc->trace, cap * sizeof(*grown));
		if (!grown) {
			sc->trace_full = true;
			return;
		}
		sc->trace = grown;
		sc->cap_trace = cap;
	}
	sc->trace[sc->n_trace++] = *ev;
}

/*
 * The host's own CMD_SYNC (kernel-facts 4.3): CS = SEV (2, dw0[13:12]; no
 * MSI modelled), MSH = Inner Shareable (3, dw0[23:22]), MSIAttr =
 * outer/inner write-back (0xf, dw0[27:24]).  A constant: one per batch.
 */
void host_sync(struct nestref_smmuv3_cmd *sync)
{
	sync->dw[0] = NESTREF_SMMUV3_SYNC | UINT64_C(2) << 12 |
		      UINT64_C(3) << 22 | UINT64_C(0xf) << 24;
	sync->dw[1] = 0;
}

static void host_note(struct nestref_ctx *ctx, const char *rule,
		      const char *function)
{
	struct nestref_smmuv3_trace_event ev = {
		.kind = NESTREF_SMMUV3_TRACE_NOTE,
		.rule = rule,
		.section = "linux source, not in kernel-facts",
		.function = function,
	};

	host_trace(ctx, &ev);
}

/*
 * Consumes until the queue is empty, reacting to errors as Linux does.
 * With gerror_irq_blocked (one CPU, kernel-facts 3.10) the skip of an
 * illegal command still happens, but only once the poll for the CMD_SYNC
 * has timed out: the queue ends as it would have, and the call fails.
 */
static int host_drain(struct nestref_ctx *ctx, struct smmu_model *smmu)
{
	/* The context's features, read once at open: this runs per batch. */
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct nestref_smmuv3_cmd sync;
	enum smmu_cerror err;
	bool timed_out = false;
	int tries = 0;

	host_sync(&sync);
	while ((err = smmu_cmdq_consume(smmu)) != SMMU_CERROR_NONE) {
		/* A skipped command is progress; a repeated error is not. */
		if (err != SMMU_CERROR_ILL && ++tries > HOST_ERROR_RETRIES)
			return -ETIMEDOUT;
		switch (err) {
		case SMMU_CERROR_ILL:
			if (sc->features.gerror_irq_blocked && !timed_out) {
				timed_out = true;
				host_note(ctx,
					  "CERROR_ILL with the global-error interrupt blocked by the CMD_SYNC poll: the poll times out (ETIMEDOUT); the interrupt skips the command afterwards",
					  "arm_smmu_cmdq_poll_until_sync");
			}
			sc->skips++;
			host_note(ctx,
				  "CERROR_ILL: the host rewrites the failing slot into a CMD_SYNC and resumes; the guest is not told",
				  "arm_smmu_cmdq_skip_err");
			smmu_cmdq_write_at_cons(smmu, &sync);
			break;
		case SMMU_CERROR_ABT:
			host_note(ctx, "CERROR_ABT: the host retries the fetch",
				  "arm_smmu_cmdq_skip_err");
			break;
		default:
			host_note(ctx,
				  "CERROR_ATC_INV_SYNC: the host repeats the CMD_SYNC",
				  "arm_smmu_cmdq_skip_err");
			break;
		}
		smmu_gerror_ack(smmu);
	}
	return timed_out ? -ETIMEDOUT : 0;
}

int host_issue(struct nestref_ctx *ctx, const struct nestref_smmuv3_cmd *cmds,
	       size_t n)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct nestref_smmuv3_trace_event ev = {
		.kind = NESTREF_SMMUV3_TRACE_ISSUE,
		.count = (uint32_t)n + 1,
		.rule = "a batch and one host CMD_SYNC",
		.section = "kernel-facts 3.4",
		.function = "arm_smmu_cmdq_issue_cmdlist",
	};
	struct nestref_smmuv3_cmd sync;
	int rc;

	host_trace(ctx, &ev);
	sc->batches++;
	host_sync(&sync);
	/* A batch is at most 63 + 1 commands; the queue always has room. */
	rc = smmu_cmdq_write(sc->smmu, cmds, n);
	if (!rc)
		rc = smmu_cmdq_write(sc->smmu, &sync, 1);
	if (rc)
		return rc;
	return host_drain(ctx, sc->smmu);
}

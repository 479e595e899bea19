/* SPDX-License-Identifier: MIT */
/*
 * struct nestref_smmuv3_ops.execute (version 4, <nestref/smmuv3.h>): the
 * modelled SMMU alone, as a peer of another SMMU model such as QEMU's
 * (nestref-bench's qemu-smmu rows, docs/bench.md).  The commands are
 * physical and go into the command queue as they are; the host layer, its
 * rewrite and its vIOMMUs take no part.
 *
 * A command error is handled as Linux's arm_smmu_cmdq_skip_err does for
 * CERROR_ILL (the slot at CONS rewritten into a CMD_SYNC, then the
 * GERRORN acknowledgement), for every error code: the caller wants to know
 * which command the SMMU refused, not to retry it.
 */
#include <errno.h>
#include <limits.h>

#include <nestref/backend.h>

#include "host.h"

/* Writes cmds and a sync, drains; the errors seen go into *errors. */
static int sim_execute_chunk(struct smmu_model *smmu,
			     const struct nestref_smmuv3_cmd *cmds, size_t n,
			     const struct nestref_smmuv3_cmd *sync,
			     size_t *errors, uint32_t *first)
{
	enum smmu_cerror err;
	size_t skips = 0;
	int rc;

	rc = smmu_cmdq_write(smmu, cmds, n);
	if (!rc)
		rc = smmu_cmdq_write(smmu, sync, 1);
	if (rc)
		return rc;
	while ((err = smmu_cmdq_consume(smmu)) != SMMU_CERROR_NONE) {
		/* Each skip turns one slot into a sync: n + 1 at most. */
		if (++skips > n + 1)
			return -ETIMEDOUT;
		if (!*first)
			*first = err;
		smmu_cmdq_write_at_cons(smmu, sync);
		smmu_gerror_ack(smmu);
	}
	/* The model raises only CERROR_ILL (smmu-model.h), never on the
	 * host's sync (CS = SEV): each skip was one of the commands. */
	*errors += skips;
	return 0;
}

int sim_execute(struct nestref_ctx *ctx, const struct nestref_smmuv3_cmd *cmds,
		size_t n, uint32_t *cerror)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct nestref_smmuv3_cmd sync;
	size_t done = 0, errors = 0, room, chunk;
	uint32_t first = 0;
	int rc = 0;

	if (cerror)
		*cerror = 0;
	if (n > INT_MAX)
		return -EINVAL;
	host_sync(&sync);
	while (!rc && (done < n || !n)) {
		/* The queue is empty between chunks; one slot for the sync. */
		room = smmu_cmdq_space(sc->smmu) - 1;
		chunk = n - done < room ? n - done : room;
		rc = sim_execute_chunk(sc->smmu, cmds + done, chunk, &sync,
				       &errors, &first);
		done += chunk;
		if (!n)
			break;
	}
	if (cerror)
		*cerror = first;
	if (rc)
		return rc;
	return (int)(n - (errors < n ? errors : n));
}

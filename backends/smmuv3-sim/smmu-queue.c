/* SPDX-License-Identifier: MIT */
/*
 * The command queue of the modelled SMMU (IHI 0070 3.5.1 circular queues,
 * 6.3 SMMU_CMDQ_PROD and SMMU_CMDQ_CONS, 7.1 command queue errors).
 *
 * PROD and CONS are a struct smmu_ring (smmu-priv.h), shared with the
 * event queue (smmu-evtq.c).  The SMMU consumes synchronously, when software
 * asks it to (smmu_cmdq_consume), which stands for the PROD write that
 * would wake real hardware (IHI 0070 4.1.2).
 */
#include <errno.h>

#include "smmu-priv.h"

uint32_t smmu_cmdq_space(const struct smmu_model *m)
{
	return smmu_ring_slots(&m->cmdq) - smmu_ring_used(&m->cmdq);
}

bool smmu_cmdq_empty(const struct smmu_model *m)
{
	return smmu_ring_empty(&m->cmdq);
}

uint32_t smmu_cmdq_prod(const struct smmu_model *m)
{
	return m->cmdq.prod;
}

uint32_t smmu_cmdq_cons(const struct smmu_model *m)
{
	return m->cmdq.cons;
}

enum smmu_cerror smmu_cmdq_cons_err(const struct smmu_model *m)
{
	return m->cons_err;
}

bool smmu_gerror_cmdq_err(const struct smmu_model *m)
{
	return m->cmdq_err;
}

/* All or nothing: a partial write would leave the host half a batch. */
int smmu_cmdq_write(struct smmu_model *m, const struct nestref_smmuv3_cmd *cmds,
		    size_t n)
{
	size_t i;

	if (n > smmu_cmdq_space(m))
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		m->slots[smmu_ring_index(&m->cmdq, m->cmdq.prod)] = cmds[i];
		m->cmdq.prod = smmu_ring_next(&m->cmdq, m->cmdq.prod);
	}
	return 0;
}

/*
 * IHI 0070 7.1: on a command error consumption stops, CONS stays on the
 * failing command, CONS.ERR takes the code and GERROR.CMDQ_ERR becomes
 * active; nothing is consumed until software acknowledges it.  The
 * return value is what this call ran into: the error raised now, the one
 * still pending, or CERROR_NONE once the queue is empty.
 */
enum smmu_cerror smmu_cmdq_consume(struct smmu_model *m)
{
	if (m->cmdq_err)
		return m->cons_err;
	while (!smmu_cmdq_empty(m)) {
		struct smmu_exec ex = { 0 };

		ex.slot = smmu_ring_index(&m->cmdq, m->cmdq.cons);
		ex.cmd = m->slots[ex.slot];
		smmu_exec(m, &ex);
		smmu_record(m, &ex);
		if (ex.cerror != SMMU_CERROR_NONE) {
			m->cons_err = ex.cerror;
			m->cmdq_err = true;
			return ex.cerror;
		}
		m->cmdq.cons = smmu_ring_next(&m->cmdq, m->cmdq.cons);
	}
	return SMMU_CERROR_NONE;
}

/*
 * IHI 0070 7.1: while the error is active software may change the failing
 * command and newer ones; they are fetched again after the acknowledgement.
 */
void smmu_cmdq_write_at_cons(struct smmu_model *m,
			     const struct nestref_smmuv3_cmd *cmd)
{
	m->slots[smmu_ring_index(&m->cmdq, m->cmdq.cons)] = *cmd;
}

/*
 * The GERRORN toggle (IHI 0070 6.3 SMMU_GERRORN, 7.5): consumption may
 * resume.  CONS.ERR keeps its code: the SMMU never writes CERROR_NONE
 * into it (7.1, the CERROR_NONE row), so software reads the last error.
 */
void smmu_gerror_ack(struct smmu_model *m)
{
	m->cmdq_err = false;
}

/* SPDX-License-Identifier: MIT */
/*
 * The command queue of the modelled SMMU (IHI 0070 3.5.1 circular queues,
 * 6.3 SMMU_CMDQ_PROD and SMMU_CMDQ_CONS, 7.1 command queue errors).
 *
 * PROD and CONS are indexes of log2 bits plus a wrap bit just above them:
 * the queue is empty when both are equal and full when only the wrap bits
 * differ (IHI 0070 3.5.1).  The SMMU consumes synchronously, when software
 * asks it to (smmu_cmdq_consume), which stands for the PROD write that
 * would wake real hardware (IHI 0070 4.1.2).
 */
#include <errno.h>

#include "smmu-priv.h"

static uint32_t q_slots(const struct smmu_model *m)
{
	return UINT32_C(1) << m->log2;
}

/* Index and wrap bit together wrap at twice the queue size. */
static uint32_t q_next(const struct smmu_model *m, uint32_t ptr)
{
	return (ptr + 1) & (2 * q_slots(m) - 1);
}

static uint32_t q_used(const struct smmu_model *m)
{
	return (m->prod - m->cons) & (2 * q_slots(m) - 1);
}

uint32_t smmu_cmdq_space(const struct smmu_model *m)
{
	return q_slots(m) - q_used(m);
}

bool smmu_cmdq_empty(const struct smmu_model *m)
{
	return m->prod == m->cons;
}

uint32_t smmu_cmdq_prod(const struct smmu_model *m)
{
	return m->prod;
}

uint32_t smmu_cmdq_cons(const struct smmu_model *m)
{
	return m->cons;
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
		m->slots[m->prod & (q_slots(m) - 1)] = cmds[i];
		m->prod = q_next(m, m->prod);
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

		ex.slot = m->cons & (q_slots(m) - 1);
		ex.cmd = m->slots[ex.slot];
		smmu_exec(m, &ex);
		smmu_record(m, &ex);
		if (ex.cerror != SMMU_CERROR_NONE) {
			m->cons_err = ex.cerror;
			m->cmdq_err = true;
			return ex.cerror;
		}
		m->cons = q_next(m, m->cons);
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
	m->slots[m->cons & (q_slots(m) - 1)] = *cmd;
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

/* SPDX-License-Identifier: MIT */
/*
 * The event queue of the modelled SMMU (IHI 0070 3.5.1 circular queues,
 * 6.3 SMMU_EVENTQ_PROD and SMMU_EVENTQ_CONS, 7.2 event recording, 7.3
 * the 32-byte record, 7.4 overflow).  The SMMU is the producer: it writes
 * a record at PROD for each fault or configuration error it meets, naming
 * the device by its physical StreamID (kernel-facts 3.11); software reads
 * at CONS.  The pointers are a struct smmu_ring, as the command queue's.
 *
 * Overflow, modelled simply: a record that finds the queue full is lost,
 * and PROD.OVFLG toggles when no overflow is pending, that is when it
 * equals CONS.OVACKFLG.  Losses while one is pending change nothing but
 * the count: software learns "events were lost" once, not how many, and
 * acknowledges by copying OVFLG into OVACKFLG (Linux's queue_sync_cons_ovf
 * after arm_smmu_evtq_thread has drained the queue).
 */
#include <errno.h>

#include "smmu-priv.h"

int smmu_evtq_record(struct smmu_model *m,
		     const struct nestref_smmuv3_event *evt, uint32_t *slot)
{
	struct smmu_ring *q = &m->evtq;

	if (smmu_ring_used(q) == smmu_ring_slots(q)) {
		m->counters.events_lost++;
		if (m->evtq_ovflg == m->evtq_ovackflg) {
			m->evtq_ovflg = !m->evtq_ovflg;
			m->counters.evtq_overflows++;
		}
		return -ENOSPC;
	}
	*slot = smmu_ring_index(q, q->prod);
	m->events[*slot] = *evt;
	q->prod = smmu_ring_next(q, q->prod);
	m->counters.events[(uint8_t)evt->dw[0]]++;
	return 0;
}

bool smmu_evtq_remove(struct smmu_model *m, struct nestref_smmuv3_event *evt)
{
	struct smmu_ring *q = &m->evtq;

	if (smmu_ring_empty(q))
		return false;
	*evt = m->events[smmu_ring_index(q, q->cons)];
	q->cons = smmu_ring_next(q, q->cons);
	return true;
}

bool smmu_evtq_empty(const struct smmu_model *m)
{
	return smmu_ring_empty(&m->evtq);
}

uint32_t smmu_evtq_prod(const struct smmu_model *m)
{
	return m->evtq.prod;
}

uint32_t smmu_evtq_cons(const struct smmu_model *m)
{
	return m->evtq.cons;
}

bool smmu_evtq_overflow(const struct smmu_model *m)
{
	return m->evtq_ovflg != m->evtq_ovackflg;
}

void smmu_evtq_overflow_ack(struct smmu_model *m)
{
	m->evtq_ovackflg = m->evtq_ovflg;
}

/* SPDX-License-Identifier: MIT */
/*
 * Inside the modelled SMMU (smmu-model.h): the state every part shares and
 * the calls between the parts.  One file per job:
 *   smmu-model.c   lifetime, stream and CD tables, observation, counters;
 *   smmu-queue.c   the command queue (IHI 0070 3.5, 6.3, 7.1);
 *   smmu-evtq.c    the event queue (IHI 0070 3.5, 6.3, 7.2 to 7.4);
 *   smmu-exec.c    what one command does: its legality (IHI 0070 4.1) and
 *                  the cache scope it must remove (chapter 4);
 *   smmu-caches.c  the cached entries: checks, order, removal by scope.
 * Nothing here is for the host layer; it includes smmu-model.h only.
 */
#ifndef NESTREF_SMMUV3_SIM_SMMU_PRIV_H
#define NESTREF_SMMUV3_SIM_SMMU_PRIV_H

#include <nestref/backend.h>
#include "smmu-model.h"

/*
 * Largest IDR1 sizes (IHI 0070 6.3.2): SIDSIZE 32, SSIDSIZE 20, CMDQS and
 * EVENTQS 19.
 */
#define SMMU_SIDSIZE_MAX 32u
#define SMMU_SSIDSIZE_MAX 20u
#define SMMU_CMDQS_MAX 19u
#define SMMU_EVENTQS_MAX 19u

/*
 * The pointers of a circular queue (IHI 0070 3.5.1), the command queue's
 * and the event queue's alike: PROD and CONS are indexes of log2 bits
 * plus a wrap bit just above them.  The queue is empty when both are
 * equal and full when only the wrap bits differ.  Who advances which
 * pointer is the queue's business: software writes the command queue's
 * PROD and the SMMU its CONS; the event queue is the other way round.
 */
struct smmu_ring {
	unsigned int log2;
	uint32_t prod;
	uint32_t cons;
};

static inline uint32_t smmu_ring_slots(const struct smmu_ring *q)
{
	return UINT32_C(1) << q->log2;
}

/* The slot a pointer names: its index without the wrap bit. */
static inline uint32_t smmu_ring_index(const struct smmu_ring *q,
				       uint32_t ptr)
{
	return ptr & (smmu_ring_slots(q) - 1);
}

/* Index and wrap bit together wrap at twice the queue size. */
static inline uint32_t smmu_ring_next(const struct smmu_ring *q, uint32_t ptr)
{
	return (ptr + 1) & (2 * smmu_ring_slots(q) - 1);
}

static inline uint32_t smmu_ring_used(const struct smmu_ring *q)
{
	return (q->prod - q->cons) & (2 * smmu_ring_slots(q) - 1);
}

static inline bool smmu_ring_empty(const struct smmu_ring *q)
{
	return q->prod == q->cons;
}

struct smmu_ste {
	uint32_t sid;
	uint32_t vmid;
	bool stage1;
};

struct smmu_cd {
	uint32_t sid;
	uint32_t ssid;
	uint32_t asid;
};

struct smmu_model {
	struct nestref_smmuv3_features f;

	/* Command queue: 2^cmdq.log2 slots. */
	struct smmu_ring cmdq;
	struct nestref_smmuv3_cmd *slots;
	enum smmu_cerror cons_err; /* CMDQ_CONS.ERR: the last error code */
	bool cmdq_err;             /* GERROR.CMDQ_ERR not yet acknowledged */

	/* Event queue: 2^evtq.log2 records (smmu-evtq.c). */
	struct smmu_ring evtq;
	struct nestref_smmuv3_event *events;
	bool evtq_ovflg;    /* SMMU_EVENTQ_PROD.OVFLG */
	bool evtq_ovackflg; /* SMMU_EVENTQ_CONS.OVACKFLG */

	/* All cached entries, kept sorted by nestref_smmuv3_cache_entry_cmp. */
	struct nestref_smmuv3_cache_entry *ce;
	size_t n_ce;

	/* Stream table and CD tables, each sorted by (sid[, ssid]). */
	/*
	 * STEs in no order, and their index by StreamID: O(1) install,
	 * lookup and removal, so a million devices cost a million steps.
	 */
	struct smmu_ste *ste;
	size_t n_ste;
	size_t cap_ste;
	struct nestref_vsid_table ste_index; /* sid -> (void *)(index + 1) */
	struct smmu_cd *cd;
	size_t n_cd;
	size_t cap_cd;

	/* Every command the SMMU read and acted on (smmu_issued). */
	struct nestref_smmuv3_cmd *issued;
	size_t n_issued;
	size_t cap_issued;
	bool issued_lost; /* memory ran out: some commands were not kept */
	bool issued_on;   /* recording, since the first smmu_issued_clear() */

	struct smmu_counters counters;
	smmu_exec_fn trace;
	void *trace_cookie;
};

/*
 * The entries one invalidation must remove (its architectural minimum).
 * Built by smmu-exec.c from a command, applied by smmu-caches.c.
 */
enum smmu_asid_match {
	SMMU_ASID_ANY,        /* every ASID and global entries */
	SMMU_ASID_NON_GLOBAL, /* non-global entries of asid only */
	SMMU_ASID_OR_GLOBAL,  /* entries of asid, and global entries */
};

struct smmu_tlb_scope {
	bool by_vmid;
	uint32_t vmid;
	enum smmu_asid_match asid_match;
	uint32_t asid;
	/* Address-based: entries whose block meets [first, last]. */
	bool by_addr;
	uint64_t first;
	uint64_t last;
	bool leaf_only;   /* Leaf = 1: walk (table) entries stay */
	uint32_t granule; /* TG in bytes; 0: entries of any granule */
	uint32_t ttl;     /* level hint; 0: entries of any level */
};

struct smmu_cfg_scope {
	uint64_t sid_first; /* 64-bit: CFGI_ALL spans 2^32 StreamIDs */
	uint64_t sid_last;
	bool stes;          /* STEs of those StreamIDs */
	bool cds;           /* CDs cached through them */
	bool one_ssid;      /* only the CD at ssid */
	uint32_t ssid;
};

struct smmu_atc_scope {
	uint32_t sid;
	bool pasid_only; /* only entries requested with PASID ssid */
	uint32_t ssid;
	uint64_t first;
	uint64_t last;
};

struct smmu_scope {
	uint32_t kind; /* enum nestref_smmuv3_cache_kind; ignored when none */
	bool none;     /* the command removes nothing */
	union {
		struct smmu_tlb_scope tlb;
		struct smmu_cfg_scope cfg;
		struct smmu_atc_scope atc;
	} u;
};

/* smmu-caches.c */
/* log2 of the bytes a TLB entry's page, block or table covers; 0 if none. */
unsigned int smmu_tlb_block_shift(uint32_t granule, uint32_t level);
/* Removes what scope names; returns how many entries went. */
uint32_t smmu_caches_remove(struct smmu_model *m,
			    const struct smmu_scope *scope);
void smmu_caches_free(struct smmu_model *m);

/* smmu-exec.c: runs one command, filling ex (cmd and slot already set). */
void smmu_exec(struct smmu_model *m, struct smmu_exec *ex);

/* smmu-model.c: after each command (issued list, counters, trace). */
void smmu_record(struct smmu_model *m, const struct smmu_exec *ex);

#endif /* NESTREF_SMMUV3_SIM_SMMU_PRIV_H */

/* SPDX-License-Identifier: MIT */
/*
 * The modelled Arm SMMUv3: what the physical SMMU does with the commands a
 * host driver writes into its command queue.  It knows nothing of guests,
 * vSIDs or profiles: those are the host layer's (host-*.c).
 *
 * It models (kernel-facts 4.3, Arm IHI 0070 chapters 3, 4, 6, 7):
 *  - the command queue: PROD/CONS with wrap bits, CONS.ERR, GERROR.CMDQ_ERR
 *    and the GERRORN acknowledgement; consumption stops at a command that
 *    raises a command error, CONS pointing at it;
 *  - the event queue: 32-byte records the SMMU writes at PROD and software
 *    reads at CONS, and its overflow (PROD.OVFLG, CONS.OVACKFLG).  The
 *    model does not find faults itself: a caller hands it the record it
 *    meets (smmu_evtq_record), and it queues or loses it;
 *  - the stream table (per StreamID: stage-2 VMID, stage 1 present) and
 *    CD tables (per SubstreamID: ASID), which the host installs;
 *  - three caches: the configuration cache (STEs and CDs), the TLB (tagged
 *    by VMID, ASID or global; page or block at a level; leaf or walk) and
 *    each device's ATC.  Every invalidation removes exactly the scope the
 *    architecture requires a correct SMMU to remove, no more and no less.
 *
 * Command errors (CERROR_ILL) the model raises, and nothing else:
 *  1. an opcode that is reserved or not for the Non-secure queue: anything
 *     but 0x01-0x07, 0x10-0x13, 0x20-0x23, 0x28, 0x2a, 0x30, 0x40, 0x41,
 *     0x44, 0x45, 0x46 (so 0x18/0x1a EL3, 0x50+ Secure, DPTI and IMPDEF
 *     opcodes are illegal here);
 *  2. SSec (dw0[10]) set on a command that has SSec;
 *  3. ATC_INV when IDR0.ATS is 0, or with Size above 52;
 *  4. CMD_SYNC with CS = 3;
 *  5. with IDR3.RIL: a TLBI whose TG is non-zero while NUM, SCALE and TTL
 *     are all zero, where TTL 1 with TG 16K and no IDR5.DS counts as 0.
 *     Without RIL, NUM, SCALE, TG and TTL are RES0 and ignored;
 *  6. PRI_RESP with Resp = 0b11 (IHI 0070 4.5.2: Reserved, ILLEGAL).
 * Other non-zero RES0 fields are ignored (the architecture allows either).
 */
#ifndef NESTREF_SMMUV3_SIM_SMMU_MODEL_H
#define NESTREF_SMMUV3_SIM_SMMU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nestref/smmuv3.h>

/* CMDQ_CONS.ERR values (kernel-facts 4.3). */
enum smmu_cerror {
	SMMU_CERROR_NONE = 0,
	SMMU_CERROR_ILL = 1,
	SMMU_CERROR_ABT = 2,
	SMMU_CERROR_ATC_INV_SYNC = 3,
};

/* What one consumed command did: for traces, explain and counters. */
struct smmu_exec {
	struct nestref_smmuv3_cmd cmd;
	uint32_t slot;             /* queue index it was read from */
	enum smmu_cerror cerror;   /* SMMU_CERROR_NONE when it completed */
	const char *reason;        /* why it was illegal, or NULL */
	uint32_t removed[NESTREF_SMMUV3_CACHE_KIND_COUNT]; /* entries it removed */
};

typedef void (*smmu_exec_fn)(void *cookie, const struct smmu_exec *exec);

struct smmu_counters {
	uint64_t commands[256];   /* consumed, by opcode */
	uint64_t cerrors[4];      /* by enum smmu_cerror */
	uint64_t removed[NESTREF_SMMUV3_CACHE_KIND_COUNT];
	uint64_t events[256];     /* event records written, by event id */
	uint64_t events_lost;     /* records lost to a full event queue */
	uint64_t evtq_overflows;  /* times PROD.OVFLG toggled */
};

/*
 * The most entries the three caches hold together.  Vectors name a
 * handful; the bound keeps a wrong fill from eating memory and every
 * invalidation (a linear scan) cheap.
 */
#define SMMU_CACHES_MAX 65536u

struct smmu_model;

/*
 * cmdq_log2 and evtq_log2: log2 of the command queue's and the event
 * queue's entries (IDR1.CMDQS, IDR1.EVENTQS), each 1..19.
 */
int smmu_model_new(struct smmu_model **out,
		   const struct nestref_smmuv3_features *features,
		   unsigned int cmdq_log2, unsigned int evtq_log2);
void smmu_model_free(struct smmu_model *m);
/* Called for every command the SMMU consumes (NULL to stop). */
void smmu_model_set_trace(struct smmu_model *m, smmu_exec_fn fn, void *cookie);

/* Stream table and CD tables.  -ERANGE beyond SIDSIZE / SSIDSIZE. */
int smmu_ste_install(struct smmu_model *m, uint32_t sid, uint32_t vmid,
		     bool stage1);
void smmu_ste_clear(struct smmu_model *m, uint32_t sid);
int smmu_cd_install(struct smmu_model *m, uint32_t sid, uint32_t ssid,
		    uint32_t asid);
/* What is installed: 0, or -ENOENT.  (Clearing an STE drops its CDs.) */
int smmu_ste_get(const struct smmu_model *m, uint32_t sid, uint32_t *vmid,
		 bool *stage1);
int smmu_cd_get(const struct smmu_model *m, uint32_t sid, uint32_t ssid,
		uint32_t *asid);

/* The command queue (IHI 0070 6.3, SMMU_CMDQ_PROD/CONS). */
uint32_t smmu_cmdq_space(const struct smmu_model *m);
/* Writes at PROD and advances it; -ENOSPC when n exceeds the space. */
int smmu_cmdq_write(struct smmu_model *m, const struct nestref_smmuv3_cmd *cmds,
		    size_t n);
/*
 * Consumes from CONS until the queue is empty or a command raises an
 * error; returns CONS.ERR.  While GERROR.CMDQ_ERR is not acknowledged it
 * consumes nothing and returns the pending error.
 */
enum smmu_cerror smmu_cmdq_consume(struct smmu_model *m);
bool smmu_cmdq_empty(const struct smmu_model *m);
uint32_t smmu_cmdq_prod(const struct smmu_model *m); /* with wrap bit */
uint32_t smmu_cmdq_cons(const struct smmu_model *m); /* with wrap bit */
/* What software may do in its error handler: rewrite the slot at CONS. */
void smmu_cmdq_write_at_cons(struct smmu_model *m,
			     const struct nestref_smmuv3_cmd *cmd);
/* GERRORN toggle: acknowledges CMDQ_ERR so consumption can resume. */
void smmu_gerror_ack(struct smmu_model *m);
/* CMDQ_CONS.ERR: the last error's code, kept after the acknowledgement. */
enum smmu_cerror smmu_cmdq_cons_err(const struct smmu_model *m);
/* GERROR.CMDQ_ERR: an error is active (not yet acknowledged). */
bool smmu_gerror_cmdq_err(const struct smmu_model *m);

/*
 * The event queue (IHI 0070 3.5, 6.3 SMMU_EVENTQ_PROD/CONS, 7.2 to 7.4).
 *
 * smmu_evtq_record: the SMMU meets evt and writes it at PROD: 0 and the
 * slot it went to.  When the queue is full the record is lost (-ENOSPC)
 * and, unless an overflow is already pending (PROD.OVFLG differs from
 * CONS.OVACKFLG), PROD.OVFLG toggles: IHI 0070 7.4, modelled simply.
 * Every record is treated alike; the model holds no stalled transaction
 * that would wait for room.
 */
int smmu_evtq_record(struct smmu_model *m,
		     const struct nestref_smmuv3_event *evt, uint32_t *slot);
/* Software reads the record at CONS and advances it; false when empty. */
bool smmu_evtq_remove(struct smmu_model *m, struct nestref_smmuv3_event *evt);
bool smmu_evtq_empty(const struct smmu_model *m);
uint32_t smmu_evtq_prod(const struct smmu_model *m); /* with wrap bit */
uint32_t smmu_evtq_cons(const struct smmu_model *m); /* with wrap bit */
/* PROD.OVFLG differs from CONS.OVACKFLG: records were lost since the ack. */
bool smmu_evtq_overflow(const struct smmu_model *m);
/* Software copies PROD.OVFLG into CONS.OVACKFLG: the overflow is seen. */
void smmu_evtq_overflow_ack(struct smmu_model *m);

/* Observation. */
/*
 * Every command consumed since the last smmu_issued_clear(), in order,
 * one that raised an error included.  Nothing is kept before the first
 * clear, so a model nobody observes does not grow.
 */
const struct nestref_smmuv3_cmd *smmu_issued(const struct smmu_model *m,
					     size_t *count);
void smmu_issued_clear(struct smmu_model *m);
/* False when memory ran out and smmu_issued() misses commands. */
bool smmu_issued_complete(const struct smmu_model *m);
/*
 * -EINVAL for a malformed entry (level 0, unknown granule, ...), -EEXIST
 * for one already cached, -ENOSPC past SMMU_CACHES_MAX entries in all;
 * nothing is added unless every entry is.
 */
int smmu_caches_fill(struct smmu_model *m,
		     const struct nestref_smmuv3_cache_entry *entries, size_t count);
/* Everything cached now, in a stable order. */
const struct nestref_smmuv3_cache_entry *smmu_caches(const struct smmu_model *m,
					      size_t *count);
const struct smmu_counters *smmu_counters(const struct smmu_model *m);

#endif /* NESTREF_SMMUV3_SIM_SMMU_MODEL_H */

/* SPDX-License-Identifier: MIT */
/*
 * The Arm SMMUv3 extension of nestref: the command codec, the features of
 * a modelled SMMU, and what a vector can observe of an SMMUv3 backend (the
 * commands the SMMU received, its caches, the host's trace).
 *
 * The core (<nestref/nestref.h>, lib/core/) never includes this header:
 * an architecture is an extension of it.  A backend that implements the
 * extension points nestref_backend.ext at a struct nestref_smmuv3_ops and
 * sets ext_name to NESTREF_SMMUV3_EXT; the functions below find it there
 * (docs/writing-backends.md, "Extensions").
 */
#ifndef NESTREF_SMMUV3_H
#define NESTREF_SMMUV3_H

#include <nestref/nestref.h>

#ifdef __cplusplus
extern "C" {
#endif

/* nestref_backend.ext_name of a backend with struct nestref_smmuv3_ops. */
#define NESTREF_SMMUV3_EXT "smmuv3"

/* Capabilities of the extension (bits the core's enum leaves free). */
#define NESTREF_CAP_INV_ARM_SMMUV3 (1u << 0)
#define NESTREF_CAP_OBSERVE_ISSUED (1u << 2)
#define NESTREF_CAP_OBSERVE_CACHES (1u << 5)
/* nestref_smmuv3_raise_event(): the modelled SMMU raises events. */
#define NESTREF_CAP_INJECT_EVENT (1u << 10)

/* IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 (kernel-facts 2.5) */
#define NESTREF_INV_TYPE_ARM_SMMUV3 1u

/*
 * IOMMU_HWPT_DATA_ARM_SMMUV3 (kernel-facts 2.5): a nested HWPT's data,
 * struct iommu_hwpt_arm_smmuv3, the guest's vSTE as two little-endian
 * 64-bit words, 16 bytes (2.4, 3.7).
 */
#define NESTREF_HWPT_DATA_ARM_SMMUV3 2u
#define NESTREF_SMMUV3_VSTE_SIZE 16u

/*
 * Features of a modelled SMMU (spec/vectors.md setup.smmu), passed as
 * nestref_ctx_opts.ext_opts.  Extensible: size first, a shorter struct
 * takes the defaults for what it lacks.
 */
struct nestref_smmuv3_features {
	uint32_t size;     /* sizeof(struct nestref_smmuv3_features) */
	uint32_t sidsize;  /* IDR1.SIDSIZE, 0..32 */
	uint32_t ssidsize; /* IDR1.SSIDSIZE, 0..20; 0 = no substreams */
	bool asid16;       /* IDR0.ASID16 */
	bool vmid16;       /* IDR0.VMID16 */
	bool ril;          /* IDR3.RIL */
	bool ats;          /* IDR0.ATS */
	bool ds;           /* IDR5.DS */
	/* The Tegra264 erratum: CFGI and TLBI commands must be issued twice
	 * (kernel-facts 3.8). */
	bool repeat_tlbi_cfgi;
	/*
	 * The host cannot take the SMMU's global-error interrupt while it
	 * polls for a CMD_SYNC with interrupts off: a host with one CPU
	 * (docs/kernel.md 5.6).  An illegal command then makes the call time
	 * out before the interrupt skips it.  Not an SMMU feature: where the
	 * interrupt runs, carried here because setup.smmu is the machine.
	 */
	bool gerror_irq_blocked;
};

/** Fills the defaults of spec/vectors.md (32, 20, true x4, the rest false)
 * and size. */
NESTREF_API void
nestref_smmuv3_features_default(struct nestref_smmuv3_features *features);


/* IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI (kernel-facts 3.8). */
#define NESTREF_HW_INFO_SMMUV3_REPEAT_TLBI_CFGI (1u << 0)

/* One 128-bit SMMUv3 command: dw[0] = bits 63:0, dw[1] = bits 127:64. */
struct nestref_smmuv3_cmd {
	uint64_t dw[2];
};

/**
 * The commands the physical SMMU received since the last
 * nestref_smmuv3_issued_clear(), CMD_SYNCs included; recording starts with the
 * first clear.  The array stays valid until the next call on ctx.
 * -EOPNOTSUPP without the observe-issued capability.
 */
NESTREF_API int nestref_smmuv3_issued(struct nestref_ctx *ctx,
			       const struct nestref_smmuv3_cmd **cmds,
			       size_t *count);

NESTREF_API void nestref_smmuv3_issued_clear(struct nestref_ctx *ctx);

/* Cache contents (spec/vectors.md 3.4); needs observe-caches. */
enum nestref_smmuv3_cache_kind {
	NESTREF_SMMUV3_CACHE_TLB = 0,
	NESTREF_SMMUV3_CACHE_CFG = 1,
	NESTREF_SMMUV3_CACHE_ATC = 2,
	NESTREF_SMMUV3_CACHE_KIND_COUNT
};

#define NESTREF_SMMUV3_CE_GLOBAL (1u << 0) /* tlb: global instead of an ASID */
#define NESTREF_SMMUV3_CE_WALK (1u << 1)   /* tlb: a walk (table) entry, leaf false */
#define NESTREF_SMMUV3_CE_SSID (1u << 2)   /* cfg: a CD; atc: requested with PASID */

struct nestref_smmuv3_cache_entry {
	uint32_t kind;  /* enum nestref_smmuv3_cache_kind */
	uint32_t flags; /* NESTREF_CE_* */
	uint32_t vmid;  /* tlb */
	uint32_t asid;  /* tlb, unless NESTREF_SMMUV3_CE_GLOBAL */
	uint64_t va;    /* tlb */
	uint32_t level; /* tlb: 1..3 */
	uint32_t tg;    /* tlb: granule in bytes, 4096, 16384 or 65536 */
	uint32_t sid;   /* cfg, atc: physical StreamID */
	uint32_t ssid;  /* cfg, atc: with NESTREF_SMMUV3_CE_SSID */
	uint64_t addr;  /* atc */
	uint64_t span;  /* atc: bytes */
};

/** Puts entries into the modelled caches. -EOPNOTSUPP without the cap. */
NESTREF_API int nestref_smmuv3_caches_fill(struct nestref_ctx *ctx,
				    const struct nestref_smmuv3_cache_entry *entries,
				    size_t count);

/**
 * Everything the modelled caches hold now.  The array stays valid until
 * the next call on ctx.  -EOPNOTSUPP without observe-caches.
 */
NESTREF_API int nestref_smmuv3_caches_get(struct nestref_ctx *ctx,
				   const struct nestref_smmuv3_cache_entry **entries,
				   size_t *count);

/** Compares two cache entries field by field (for sorting and matching). */
NESTREF_API int nestref_smmuv3_cache_entry_cmp(const struct nestref_smmuv3_cache_entry *a,
					const struct nestref_smmuv3_cache_entry *b);

/* One event record (kernel-facts 3.11): dw[0] = bits 63:0 ... dw[3] = bits 255:192. */
struct nestref_smmuv3_event {
	uint64_t dw[4];
};

/*
 * Traces: what a backend did with the last calls, step by step, for people
 * (`nestref explain`).  Recording starts with the first
 * nestref_smmuv3_trace_clear(), and events accumulate until the next one.
 */
enum nestref_smmuv3_trace_kind {
	NESTREF_SMMUV3_TRACE_REWRITE = 0, /* entry `index` converted: in -> out */
	NESTREF_SMMUV3_TRACE_REJECT,      /* entry `index` refused with `err` */
	NESTREF_SMMUV3_TRACE_ISSUE,       /* `count` commands written to the queue */
	NESTREF_SMMUV3_TRACE_EXEC,        /* the SMMU consumed `out` */
	NESTREF_SMMUV3_TRACE_NOTE,        /* anything else worth saying: `rule` */
	NESTREF_SMMUV3_TRACE_EVENT,       /* the SMMU wrote record `evt` (pSID) */
	NESTREF_SMMUV3_TRACE_FORWARD,     /* the host reported `evt` as `evt_out` (vSID) */
	NESTREF_SMMUV3_TRACE_DROP,        /* the host dropped `evt`: `err`, `rule` */
	NESTREF_SMMUV3_TRACE_KIND_COUNT
};

struct nestref_smmuv3_trace_event {
	uint32_t kind;  /* enum nestref_smmuv3_trace_kind */
	uint32_t index; /* entry of the user array, or queue slot for EXEC */
	uint32_t count; /* ISSUE: commands written, host CMD_SYNC included */
	int err;        /* REJECT: the errno returned */
	struct nestref_smmuv3_cmd in;  /* REWRITE, REJECT: the guest's */
	struct nestref_smmuv3_cmd out; /* REWRITE: the host's; EXEC: run */
	const char *rule;     /* static text: the rule that fired */
	const char *section;  /* static text: where it is specified */
	const char *function; /* static text: the Linux function doing it */
	uint32_t cerror;      /* EXEC: CMDQ_CONS.ERR raised, 0 for none */
	uint32_t removed[NESTREF_SMMUV3_CACHE_KIND_COUNT]; /* EXEC: entries removed */
	struct nestref_smmuv3_event evt;     /* EVENT, FORWARD, DROP */
	struct nestref_smmuv3_event evt_out; /* FORWARD: the guest's record */
};

/**
 * The events recorded since the context was opened or last cleared.  The
 * array stays valid until the next call on ctx.  -EOPNOTSUPP for a
 * backend that does not trace.
 */
NESTREF_API int nestref_smmuv3_trace(struct nestref_ctx *ctx,
			      const struct nestref_smmuv3_trace_event **events,
			      size_t *count);
NESTREF_API void nestref_smmuv3_trace_clear(struct nestref_ctx *ctx);

/* ------------------------------------------------------------------ */
/* SMMUv3 command codec (kernel-facts 4.1, 4.2)                        */

/* Opcodes named by spec/vectors.md 3.3 (the Arm names without CMD_). */
enum nestref_smmuv3_op {
	NESTREF_SMMUV3_PREFETCH_CONFIG = 0x01,
	NESTREF_SMMUV3_PREFETCH_ADDR = 0x02,
	NESTREF_SMMUV3_CFGI_STE = 0x03,
	NESTREF_SMMUV3_CFGI_STE_RANGE = 0x04, /* CFGI_ALL = Range 31 */
	NESTREF_SMMUV3_CFGI_CD = 0x05,
	NESTREF_SMMUV3_CFGI_CD_ALL = 0x06,
	NESTREF_SMMUV3_CFGI_VMS_PIDM = 0x07,
	NESTREF_SMMUV3_TLBI_NH_ALL = 0x10,
	NESTREF_SMMUV3_TLBI_NH_ASID = 0x11,
	NESTREF_SMMUV3_TLBI_NH_VA = 0x12,
	NESTREF_SMMUV3_TLBI_NH_VAA = 0x13,
	NESTREF_SMMUV3_TLBI_EL3_ALL = 0x18,
	NESTREF_SMMUV3_TLBI_EL3_VA = 0x1a,
	NESTREF_SMMUV3_TLBI_EL2_ALL = 0x20,
	NESTREF_SMMUV3_TLBI_EL2_ASID = 0x21,
	NESTREF_SMMUV3_TLBI_EL2_VA = 0x22,
	NESTREF_SMMUV3_TLBI_EL2_VAA = 0x23,
	NESTREF_SMMUV3_TLBI_S12_VMALL = 0x28,
	NESTREF_SMMUV3_TLBI_S2_IPA = 0x2a,
	NESTREF_SMMUV3_TLBI_NSNH_ALL = 0x30,
	NESTREF_SMMUV3_ATC_INV = 0x40,
	NESTREF_SMMUV3_PRI_RESP = 0x41,
	NESTREF_SMMUV3_RESUME = 0x44,
	NESTREF_SMMUV3_STALL_TERM = 0x45,
	NESTREF_SMMUV3_SYNC = 0x46,
};

/* Field names of spec/vectors.md 3.3, in that order. */
enum nestref_smmuv3_field {
	NESTREF_SMMUV3_F_SID,
	NESTREF_SMMUV3_F_SSID,
	NESTREF_SMMUV3_F_SSV,
	NESTREF_SMMUV3_F_SSEC,
	NESTREF_SMMUV3_F_LEAF,
	NESTREF_SMMUV3_F_RANGE,
	NESTREF_SMMUV3_F_VMID,
	NESTREF_SMMUV3_F_ASID,
	NESTREF_SMMUV3_F_NUM,
	NESTREF_SMMUV3_F_SCALE,
	NESTREF_SMMUV3_F_TTL128,
	NESTREF_SMMUV3_F_TTL,
	NESTREF_SMMUV3_F_TG,
	NESTREF_SMMUV3_F_ADDR,
	NESTREF_SMMUV3_F_GLOBAL,
	NESTREF_SMMUV3_F_SIZE,
	NESTREF_SMMUV3_F_CS,
	NESTREF_SMMUV3_F_MSH,
	NESTREF_SMMUV3_F_MSIATTR,
	NESTREF_SMMUV3_F_MSIDATA,
	NESTREF_SMMUV3_F_MSIADDR,
	NESTREF_SMMUV3_F_STAG,
	NESTREF_SMMUV3_F_RESP,
	NESTREF_SMMUV3_F_GRPID,
	NESTREF_SMMUV3_F_COUNT
};

/** The opcode in dw0[7:0]. */
NESTREF_API uint8_t nestref_smmuv3_opcode(const struct nestref_smmuv3_cmd *cmd);

/**
 * The name of the command: "CFGI_CD", "CFGI_ALL" for CFGI_STE_RANGE with
 * Range 31, NULL for an opcode with no name.
 */
NESTREF_API const char *
nestref_smmuv3_cmd_name(const struct nestref_smmuv3_cmd *cmd);

/** The name of an opcode value ("CFGI_STE_RANGE" for 0x04); NULL if none. */
NESTREF_API const char *nestref_smmuv3_op_name(uint8_t op);

/**
 * Starts a command from an opcode name: zeroes cmd, sets the opcode (and
 * Range 31 for "CFGI_ALL").  Returns 0 or -EINVAL for an unknown name.
 */
NESTREF_API int nestref_smmuv3_cmd_init(struct nestref_smmuv3_cmd *cmd,
					const char *op_name);

NESTREF_API const char *
nestref_smmuv3_field_name(enum nestref_smmuv3_field field);
NESTREF_API int nestref_smmuv3_field_parse(const char *name,
					   enum nestref_smmuv3_field *out);

/** True when the command with opcode op has the field (kernel-facts 4.2). */
NESTREF_API bool nestref_smmuv3_has_field(uint8_t op,
					  enum nestref_smmuv3_field field);

/**
 * Writes a field of cmd (whose opcode is already set).  Address fields
 * (addr, msiaddr) take the byte address.  Returns 0, -ENOENT when the
 * opcode has no such field, -ERANGE when the value does not fit, -EINVAL
 * when an address has bits set below the field's low bit or field is not
 * an enum nestref_smmuv3_field.  A failed set leaves cmd unchanged.
 */
NESTREF_API int nestref_smmuv3_set(struct nestref_smmuv3_cmd *cmd,
				   enum nestref_smmuv3_field field,
				   uint64_t value);

/** Reads a field; -ENOENT when the opcode has no such field, -EINVAL for a
 * value that is not an enum nestref_smmuv3_field. */
NESTREF_API int nestref_smmuv3_get(const struct nestref_smmuv3_cmd *cmd,
				   enum nestref_smmuv3_field field,
				   uint64_t *value);

/**
 * Formats cmd for people: "CFGI_CD sid=0x1234 ssid=0x3 leaf=1": the name,
 * every non-zero field of the opcode in field order (one-bit fields in
 * decimal, wider ones in hex), then " rest=dw0:0x..,dw1:0x.." for bits no
 * field covers; "op=0x8f dw0=0x... dw1=0x..." for an unnamed opcode.
 * Returns the length snprintf would have written.
 */
NESTREF_API int nestref_smmuv3_format(const struct nestref_smmuv3_cmd *cmd,
				      char *buf, size_t len);

/** Little-endian bytes (the uAPI layout) to a command and back. */
NESTREF_API void nestref_smmuv3_from_bytes(struct nestref_smmuv3_cmd *cmd,
					   const unsigned char bytes[16]);
NESTREF_API void nestref_smmuv3_to_bytes(const struct nestref_smmuv3_cmd *cmd,
					 unsigned char bytes[16]);

/* ------------------------------------------------------------------ */
/* Events (kernel-facts 3.11): the SMMU's 256-bit event records          */

/* IOMMU_VEVENTQ_TYPE_ARM_SMMUV3: the vEVENTQ type of SMMUv3 events. */
#define NESTREF_VEVENTQ_TYPE_ARM_SMMUV3 1u
/* struct iommu_vevent_arm_smmuv3: one record, four little-endian words. */
#define NESTREF_SMMUV3_EVENT_SIZE 32u

/* The record's fields the host reads (kernel-facts 3.11). */
enum nestref_smmuv3_event_field {
	NESTREF_SMMUV3_EVT_ID,    /* dw0 7:0, the event type */
	NESTREF_SMMUV3_EVT_SSV,   /* dw0 11 */
	NESTREF_SMMUV3_EVT_SSID,  /* dw0 31:12 */
	NESTREF_SMMUV3_EVT_SID,   /* dw0 63:32 */
	NESTREF_SMMUV3_EVT_STAG,  /* dw1 15:0 */
	NESTREF_SMMUV3_EVT_STALL, /* dw1 31 */
	NESTREF_SMMUV3_EVT_PNU,   /* dw1 33 */
	NESTREF_SMMUV3_EVT_IND,   /* dw1 34 */
	NESTREF_SMMUV3_EVT_RNW,   /* dw1 35 */
	NESTREF_SMMUV3_EVT_S2,    /* dw1 39 */
	NESTREF_SMMUV3_EVT_CLASS, /* dw1 41:40 */
	NESTREF_SMMUV3_EVT_ADDR,  /* dw2 63:0, the input address */
	NESTREF_SMMUV3_EVT_IPA,   /* dw3 51:12, a byte address */
	NESTREF_SMMUV3_EVT_FIELD_COUNT
};

/* Event ids Linux names (kernel-facts 3.11). */
#define NESTREF_SMMUV3_EVT_C_BAD_STREAMID 0x02u
#define NESTREF_SMMUV3_EVT_F_STE_FETCH 0x03u
#define NESTREF_SMMUV3_EVT_C_BAD_STE 0x04u
#define NESTREF_SMMUV3_EVT_F_STREAM_DISABLED 0x06u
#define NESTREF_SMMUV3_EVT_C_BAD_SUBSTREAMID 0x08u
#define NESTREF_SMMUV3_EVT_F_CD_FETCH 0x09u
#define NESTREF_SMMUV3_EVT_C_BAD_CD 0x0au
#define NESTREF_SMMUV3_EVT_F_TRANSLATION 0x10u
#define NESTREF_SMMUV3_EVT_F_ADDR_SIZE 0x11u
#define NESTREF_SMMUV3_EVT_F_ACCESS 0x12u
#define NESTREF_SMMUV3_EVT_F_PERMISSION 0x13u
#define NESTREF_SMMUV3_EVT_F_VMS_FETCH 0x25u

/** "F_TRANSLATION" for 0x10; NULL for an id Linux does not name. */
NESTREF_API const char *nestref_smmuv3_event_name(uint8_t id);
/** Parses an event name into its id: 0 or -EINVAL. */
NESTREF_API int nestref_smmuv3_event_parse(const char *name, uint8_t *id);
/** Whether the host forwards events of this id to a guest (3.11 step 1). */
NESTREF_API bool nestref_smmuv3_event_forwarded(uint8_t id);

/*
 * A field's name in vectors (vectors.md 3.10): "ssv" ... "ipa", and
 * "event" for the id; NULL (parse: -EINVAL) for anything else.
 */
NESTREF_API const char *
nestref_smmuv3_event_field_name(enum nestref_smmuv3_event_field field);
NESTREF_API int
nestref_smmuv3_event_field_parse(const char *name,
				 enum nestref_smmuv3_event_field *out);
/**
 * Writes a field: 0, -ERANGE when the value does not fit, -EINVAL for
 * an IPA with bits below 12 set or an unknown field.  A failed set leaves
 * evt unchanged.
 */
NESTREF_API int nestref_smmuv3_event_set(struct nestref_smmuv3_event *evt,
					 enum nestref_smmuv3_event_field field,
					 uint64_t value);
/** Reads a field (the IPA as a byte address); 0 for an unknown field. */
NESTREF_API uint64_t
nestref_smmuv3_event_get(const struct nestref_smmuv3_event *evt,
			 enum nestref_smmuv3_event_field field);
/**
 * "F_TRANSLATION sid=0x99 rnw=1 addr=0x1000": the name (or id=0xNN), every
 * non-zero field but the id in field order, then " rest=..." for bits no
 * field covers.  Returns the length snprintf would have written.
 */
NESTREF_API int
nestref_smmuv3_event_format(const struct nestref_smmuv3_event *evt,
			    char *buf, size_t len);
/** The uAPI's 32 little-endian bytes to a record and back. */
NESTREF_API void
nestref_smmuv3_event_from_bytes(struct nestref_smmuv3_event *evt,
				const unsigned char bytes[32]);
NESTREF_API void
nestref_smmuv3_event_to_bytes(const struct nestref_smmuv3_event *evt,
			      unsigned char bytes[32]);

/**
 * The modelled SMMU meets evt (its StreamID field is the physical one) and
 * writes it to its event queue; the host handles the queue before the call
 * returns (kernel-facts 3.11): it forwards the event, with the vSID, to the
 * vEVENTQ of the device's vIOMMU, or drops it, as the kernel does.
 * Returns 0 once the SMMU took the record (what the host did is in the
 * trace, the counters and the queue), -EOPNOTSUPP without inject-event,
 * -ENOMEM when the simulation ran out of memory for the guest's record
 * (the queue then shows the event as lost, as the kernel's does).
 */
NESTREF_API int nestref_smmuv3_raise_event(struct nestref_ctx *ctx,
					   const struct nestref_smmuv3_event *evt);

/*
 * What an SMMUv3 backend implements for the functions above, each needing
 * its capability bit (issued: observe-issued, caches: observe-caches);
 * trace is optional and needs none.  Version 2 appended rewrite and
 * rewrite_symbol, which have no wrapper function: a caller finds them
 * with nestref_ctx_ext(ctx, NESTREF_SMMUV3_EXT) and reads them only when
 * version is 2 or more.  Version 3 appended raise_event (inject-event).
 * Version 4 appended execute, found the same way as rewrite.
 */
#define NESTREF_SMMUV3_OPS_VERSION 4

struct nestref_viommu; /* <nestref/backend.h> */

struct nestref_smmuv3_ops {
	unsigned int version; /* NESTREF_SMMUV3_OPS_VERSION */
	int (*issued)(struct nestref_ctx *ctx,
		      const struct nestref_smmuv3_cmd **cmds, size_t *count);
	void (*issued_clear)(struct nestref_ctx *ctx);
	int (*caches_fill)(struct nestref_ctx *ctx,
			   const struct nestref_smmuv3_cache_entry *entries,
			   size_t count);
	int (*caches_get)(struct nestref_ctx *ctx,
			  const struct nestref_smmuv3_cache_entry **entries,
			  size_t *count);
	int (*trace)(struct nestref_ctx *ctx,
		     const struct nestref_smmuv3_trace_event **events,
		     size_t *count);
	void (*trace_clear)(struct nestref_ctx *ctx);

	/* ---------------------------------------------- version 2 */

	/*
	 * Optional, for benchmarks (nestref-bench's `rewrite` rows,
	 * docs/bench.md): rewrites the n guest commands at cmds in place for
	 * viommu (nestref_ctx_viommu()) as the host driver would before
	 * issuing them: under the context's profile, the checks of each
	 * command's fields where the profile has them, then the conversion
	 * (the vSID replaced by the pSID, the VMID forced).  Nothing is
	 * issued, counted or traced.  Returns how many commands were refused;
	 * a refused command may be left half converted.
	 */
	size_t (*rewrite)(struct nestref_viommu *viommu,
			  struct nestref_smmuv3_cmd *cmds, size_t n);
	/*
	 * Optional, with rewrite: the name of the backend's function that
	 * does rewrite's work, for profilers that count inside a function
	 * (callgrind --toggle-collect): its instructions divided by the
	 * commands rewritten are what rewrite costs per command, without the
	 * caller's loop.  It may take one command or a whole batch (smmuv3-
	 * sim's host_rewrite takes the batch).  NULL when there is no such
	 * function.
	 */
	const char *rewrite_symbol;

	/* ---------------------------------------------- version 3 */

	/* nestref_smmuv3_raise_event(), capability inject-event. */
	int (*raise_event)(struct nestref_ctx *ctx,
			   const struct nestref_smmuv3_event *evt);

	/* ---------------------------------------------- version 4 */

	/*
	 * Optional, for benchmarks (nestref-bench's `qemu-smmu` rows,
	 * docs/bench.md): the n physical commands at cmds go straight into
	 * the SMMU's command queue, followed by one CMD_SYNC, and the SMMU
	 * consumes them: no host layer, no vIOMMU, no rewrite, and StreamIDs
	 * are physical.  A command that raises a command error is skipped,
	 * its slot rewritten into a CMD_SYNC before the error is
	 * acknowledged, and the queue resumes.  Returns how many of the n
	 * commands completed without an error; *cerror (may be NULL) gets
	 * CMDQ_CONS.ERR of the first error (kernel-facts 4.3), 0 for none.
	 * -EINVAL for n above INT_MAX, -ETIMEDOUT when the queue stops
	 * making progress.
	 */
	int (*execute)(struct nestref_ctx *ctx,
		       const struct nestref_smmuv3_cmd *cmds, size_t n,
		       uint32_t *cerror);
};

/**
 * The SMMU features a context was opened with (nestref_ctx_opts.ext_opts),
 * or the defaults; for backends, typically in their open hook.
 */
NESTREF_API void nestref_smmuv3_ctx_features(const struct nestref_ctx *ctx,
					     struct nestref_smmuv3_features *out);

#ifdef __cplusplus
}
#endif

#endif /* NESTREF_SMMUV3_H */

/* SPDX-License-Identifier: MIT */
/*
 * nestref: a reference implementation of IOMMU nesting's per-device user
 * data (the guest's virtual StreamID, vSID), its link to the physical
 * StreamID (pSID), and the rewriting of guest invalidation commands.
 *
 * This is the one public header.  Backend authors also include
 * <nestref/backend.h>.
 *
 * Conventions (kernel-facts.md section 2.2):
 *  - every function that can fail returns 0 or a negative errno value;
 *    nestref_ctx_message() then holds a sentence for people;
 *  - object IDs come from one ID space per context, starting at 1; 0 is
 *    never a valid ID (kernel-facts 2.3);
 *  - structs that start with a `size` member follow the kernel's
 *    extensible-struct rules: a shorter size is zero-extended, a longer one
 *    must have an all-zero tail (else -E2BIG).
 */
#ifndef NESTREF_NESTREF_H
#define NESTREF_NESTREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks exported functions; the library is built with hidden visibility. */
#ifndef NESTREF_API
#if defined(__GNUC__) && __GNUC__ >= 4
#define NESTREF_API __attribute__((visibility("default")))
#else
#define NESTREF_API
#endif
#endif

/* ------------------------------------------------------------------ */
/* Version                                                             */

/** The library's version string, e.g. "0.1.0". */
NESTREF_API const char *nestref_version(void);

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/** "EINVAL" for -EINVAL (or EINVAL); NULL for a value with no name here. */
NESTREF_API const char *nestref_errno_name(int err);

/** Parses "EINVAL" into EINVAL (positive).  Returns 0 or -EINVAL. */
NESTREF_API int nestref_errno_parse(const char *name, int *out);

/** A short sentence for -err (or err), e.g. "invalid argument". */
NESTREF_API const char *nestref_strerror(int err);

/* ------------------------------------------------------------------ */
/* Profiles (docs/profiles.md; spec/vectors.md section 2)             */

/*
 * A profile names the kernel whose answers a context gives.  What differs
 * between profiles is data: each profile is a set of rules (enum
 * nestref_rule), and code asks nestref_ctx_rule(), never which profile it
 * runs under.  Zero, what zeroed options give, is the default.
 */
enum nestref_profile {
	/* Linux 7.2 as released; make check-kernel boots it. The default. */
	NESTREF_PROFILE_LINUX_7_2 = 0,
	/* The seed: RFC v3 set/unset_dev_user_data (April 2023). */
	NESTREF_PROFILE_RFC_V3 = 1,
	/* Linux 7.4: the strict invalidation series, merged 2026-10-22. */
	NESTREF_PROFILE_LINUX_7_4 = 2,
	/* Linux 6.13 as released: the first vIOMMU/vDEVICE kernel. */
	NESTREF_PROFILE_LINUX_6_13 = 3,
	NESTREF_PROFILE_COUNT
};

/* The name linux-7.4 had before the series was merged; deprecated. */
#define NESTREF_PROFILE_LINUX_NEXT NESTREF_PROFILE_LINUX_7_4
#define NESTREF_PROFILE_DEFAULT NESTREF_PROFILE_LINUX_7_2

#define NESTREF_PROFILE_BIT(p) (1u << (p))
#define NESTREF_PROFILES_ALL ((1u << NESTREF_PROFILE_COUNT) - 1)

/** "linux-7.2", "rfc-v3", ...; NULL when out of range. */
NESTREF_API const char *nestref_profile_name(enum nestref_profile profile);

/**
 * Parses a profile name or a deprecated alias ("linux-next").  Returns 0,
 * or -EINVAL for an unknown name.  nestref_profile_alias_note() tells
 * whether the name was an alias.
 */
NESTREF_API int nestref_profile_parse(const char *name,
				      enum nestref_profile *out);

/** For a deprecated alias, a sentence saying what to use; else NULL. */
NESTREF_API const char *nestref_profile_alias_note(const char *name);

/** The kernel versions the profile describes, e.g. "7.2 (7.2.13)". */
NESTREF_API const char *nestref_profile_kernels(enum nestref_profile profile);

/**
 * How the profile was checked against those kernels: "booted" (vectors
 * run on the kernel by make check-kernel) or "source-read".
 */
NESTREF_API const char *nestref_profile_checked(enum nestref_profile profile);

/*
 * The behaviours that differ between profiles (docs/profiles.md has the
 * table with the kernel function each one comes from).
 */
enum nestref_rule {
	/* A bad user-data tail is EFAULT, not E2BIG (RFC SET_DATA). */
	NESTREF_RULE_USER_DATA_TAIL_EFAULT = 0,
	/* The RFC's drivers: the mock stores its value opaquely; SMMUv3
	 * refuses vSID 0 (EINVAL) and a taken vSID (EBUSY). */
	NESTREF_RULE_RFC_USER_DATA,
	/* A device holds at most one vDEVICE (EEXIST). */
	NESTREF_RULE_ONE_VDEVICE_PER_DEVICE,
	/* A device destroyed under its vDEVICE leaves the vDEVICE's ID
	 * reserved until the context is closed. */
	NESTREF_RULE_VDEVICE_TOMBSTONE,
	/* A vDEVICE needs a device with exactly one StreamID (EOPNOTSUPP). */
	NESTREF_RULE_VDEVICE_ONE_STREAM,
	/* entry_len above PAGE_SIZE, entry_num above 2^19: EINVAL. */
	NESTREF_RULE_INVALIDATE_BOUNDS,
	/* The core calls the driver again on the rest of the array. */
	NESTREF_RULE_INVALIDATE_CORE_LOOP,
	/* The driver allocates the whole array before copying it: above
	 * the largest kmalloc that is ENOMEM with entry_num unchanged. */
	NESTREF_RULE_INVALIDATE_WHOLE_ARRAY,
	/* SMMUv3 commands checked bit by bit and chunk by chunk before any
	 * is issued; an empty array probes the type. */
	NESTREF_RULE_STRICT_COMMANDS,
	/* The host knows the Tegra264 repeat erratum (hw_info flag; guest
	 * commands issued as given, not repeated again). */
	NESTREF_RULE_REPEAT_ERRATUM,
	NESTREF_RULE_COUNT
};

#define NESTREF_RULE_BIT(r) (1u << (r))

/** "invalidate-bounds" for NESTREF_RULE_INVALIDATE_BOUNDS; NULL if none. */
NESTREF_API const char *nestref_rule_name(enum nestref_rule rule);
/** Returns 0 or -EINVAL for an unknown name. */
NESTREF_API int nestref_rule_parse(const char *name, enum nestref_rule *out);
/** One sentence: what the rule does. */
NESTREF_API const char *nestref_rule_text(enum nestref_rule rule);
/** The Linux function (or RFC patch) the rule comes from. */
NESTREF_API const char *nestref_rule_source(enum nestref_rule rule);
/**
 * The capabilities a backend needs for the rule to matter at all (an
 * SMMUv3 driver's rule needs inv-arm-smmuv3); 0 for the core's rules.
 */
NESTREF_API uint32_t nestref_rule_caps(enum nestref_rule rule);
/** NESTREF_RULE_BIT() of every rule the profile follows. */
NESTREF_API uint32_t nestref_profile_rules(enum nestref_profile profile);

/* ------------------------------------------------------------------ */
/* Capabilities (spec/vectors.md section 2)                            */

enum nestref_cap {
	NESTREF_CAP_INV_ARM_SMMUV3 = 1u << 0,
	NESTREF_CAP_INV_SELFTEST = 1u << 1,
	NESTREF_CAP_OBSERVE_ISSUED = 1u << 2,
	NESTREF_CAP_CHECK_CACHE = 1u << 3,
	NESTREF_CAP_RAW_USER_DATA = 1u << 4,
	NESTREF_CAP_OBSERVE_CACHES = 1u << 5,
	NESTREF_CAP_OBSERVE_HW_INFO = 1u << 6,
};

#define NESTREF_CAP_COUNT 7

/** "inv-arm-smmuv3" for NESTREF_CAP_INV_ARM_SMMUV3; NULL unless one bit. */
NESTREF_API const char *nestref_cap_name(uint32_t cap);

/** Returns 0 or -EINVAL for an unknown name. */
NESTREF_API int nestref_cap_parse(const char *name, uint32_t *out);

/* ------------------------------------------------------------------ */
/* Invalidation data types and core limits (kernel-facts 2.5, 2.7)     */

/* IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 */
#define NESTREF_INV_TYPE_ARM_SMMUV3 1u
/* IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST */
#define NESTREF_INV_TYPE_SELFTEST 0xdeadbeefu
/* IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID */
#define NESTREF_INV_TYPE_SELFTEST_INVALID 0xdadbeefu

/*
 * kernel-facts 10.1, under the invalidate-bounds rule: entry_len above
 * PAGE_SIZE (nestref_ctx_opts.page_size) is EINVAL, and so is entry_num
 * above this, IOMMU_HWPT_INVALIDATE_ENTRY_NUM_MAX.
 */
#define NESTREF_INV_ENTRY_NUM_MAX (1u << 19)

/* ------------------------------------------------------------------ */
/* Context: one "iommufd file"                                          */

struct nestref_ctx;

/* Features of a modelled SMMU (spec/vectors.md setup.smmu). */
struct nestref_smmu_features {
	uint32_t sidsize;  /* IDR1.SIDSIZE, 0..32 */
	uint32_t ssidsize; /* IDR1.SSIDSIZE, 0..20; 0 = no substreams */
	bool asid16;       /* IDR0.ASID16 */
	bool vmid16;       /* IDR0.VMID16 */
	bool ril;          /* IDR3.RIL */
	bool ats;          /* IDR0.ATS */
	bool ds;           /* IDR5.DS */
	/* The Tegra264 erratum: CFGI and TLBI commands must be issued twice
	 * (kernel-facts 10.7). */
	bool repeat_tlbi_cfgi;
};

/** Fills the defaults of spec/vectors.md: 32, 20, true x4, ds false. */
NESTREF_API void
nestref_smmu_features_default(struct nestref_smmu_features *features);

struct nestref_ctx_opts {
	uint32_t size; /* sizeof(struct nestref_ctx_opts) */
	enum nestref_profile profile;
	const char *backend;         /* NULL: nestref_backend_default() */
	const char *backend_options; /* backend-specific "key=value,..." */
	const struct nestref_smmu_features *smmu; /* NULL: defaults */
	/*
	 * The kernel's PAGE_SIZE: 4096 (0 means this), 16384 or 65536.  It
	 * bounds entry_len and sets the largest kmalloc (4 MiB, 32 MiB and
	 * 512 MiB), and so where whole-array allocations fail.
	 */
	uint32_t page_size;
	/*
	 * NESTREF_RULE_BIT()s of the profile's rules to switch off: for
	 * ablation studies only (tests/ablation.sh), never for conformance.
	 */
	uint32_t rules_off;
};

/**
 * Opens a context on a backend.
 *
 * Returns 0, -EINVAL for bad options, -ENOENT for an unknown backend,
 * -EOPNOTSUPP when the backend does not support the profile, -ENODEV when
 * the backend cannot run on this machine (no /dev/iommu, say), -ENOMEM.
 * On failure *out is NULL and, where msg is not NULL, a sentence for people
 * is written into msg (up to msg_len bytes, NUL-terminated).
 */
NESTREF_API int nestref_ctx_new(struct nestref_ctx **out,
				const struct nestref_ctx_opts *opts, char *msg,
				size_t msg_len);

/** Destroys every object, then the context.  NULL is allowed. */
NESTREF_API void nestref_ctx_free(struct nestref_ctx *ctx);

/** The sentence describing the last failure on ctx ("" if none). */
NESTREF_API const char *nestref_ctx_message(const struct nestref_ctx *ctx);

NESTREF_API enum nestref_profile
nestref_ctx_profile(const struct nestref_ctx *ctx);

/** Whether the context follows rule: its profile's, less rules_off. */
NESTREF_API bool nestref_ctx_rule(const struct nestref_ctx *ctx,
				  enum nestref_rule rule);

/** The context's PAGE_SIZE (nestref_ctx_opts.page_size). */
NESTREF_API uint32_t nestref_ctx_page_size(const struct nestref_ctx *ctx);

/** This context's capabilities (enum nestref_cap bits): the backend's,
 * narrowed by the mode its options chose. */
NESTREF_API uint32_t nestref_ctx_caps(const struct nestref_ctx *ctx);

NESTREF_API const char *nestref_ctx_backend(const struct nestref_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Objects                                                             */

/**
 * Allocates a vIOMMU whose stage-2 VMID is vmid (kernel-facts 3.1).
 * Returns 0 and its ID, or a negative errno.
 */
NESTREF_API int nestref_viommu_alloc(struct nestref_ctx *ctx, uint32_t vmid,
				     uint32_t *out_viommu_id);

/**
 * Adds (binds) a device whose physical StreamID is psid.
 * Returns 0 and its device ID, or a negative errno.
 */
NESTREF_API int nestref_dev_add(struct nestref_ctx *ctx, uint32_t psid,
				uint32_t *out_dev_id);

/* The most StreamIDs one device may have here. */
#define NESTREF_DEV_STREAMS_MAX 8

/**
 * Adds a device with n physical StreamIDs (1 .. NESTREF_DEV_STREAMS_MAX),
 * psids[0] first: a PCI function has one, other devices may have several
 * (kernel-facts 10.4).  -EINVAL for n out of range.
 */
NESTREF_API int nestref_dev_add_streams(struct nestref_ctx *ctx,
					const uint32_t *psids, size_t n,
					uint32_t *out_dev_id);

/**
 * IOMMU_DESTROY (kernel-facts 2.3): destroys any object by ID.
 * -ENOENT for an unknown ID; -EBUSY for a vIOMMU that still has user data
 * linked.  Destroying the user-data (vDEVICE) object is the same as
 * nestref_unset_dev_user_data() on its device; destroying a device unsets
 * its user data first, as the RFC core did on unbind (kernel-facts 1.3).
 */
NESTREF_API int nestref_destroy(struct nestref_ctx *ctx, uint32_t id);

/* ------------------------------------------------------------------ */
/* Per-device user data: the seed's set/unset_dev_user_data            */

/**
 * Sets the device's user data (RFC v3 SET_DATA, kernel-facts 1.3; its
 * upstream successor IOMMU_VDEVICE_ALLOC, 2.9).
 *
 * data/len is the user's struct; the core copies it into a buffer of the
 * backend's dev_user_data_len bytes by the extensible-struct rules and
 * calls the backend's set_dev_user_data op.  On success the link gets its
 * own object ID (the vDEVICE ID) in *out_id (may be NULL).
 *
 * Errors, in the order they are checked: -EINVAL (data NULL or len 0),
 * -ENOENT (no such vIOMMU or device), -EEXIST (the device already has user
 * data), -EOPNOTSUPP (backend without the ops), -E2BIG (longer than
 * dev_user_data_len with a non-zero tail; -EFAULT under rfc-v3), then the
 * backend's own error.
 */
NESTREF_API int nestref_set_dev_user_data(struct nestref_ctx *ctx,
					  uint32_t viommu_id, uint32_t dev_id,
					  const void *data, size_t len,
					  uint32_t *out_id);

/**
 * Unsets the device's user data (RFC v3 UNSET_DATA).
 * -ENOENT for an unknown device or one with no user data.
 */
NESTREF_API int nestref_unset_dev_user_data(struct nestref_ctx *ctx,
					    uint32_t dev_id);

/** The backend's dev_user_data_len: the size of its user-data struct. */
NESTREF_API size_t nestref_dev_user_data_len(const struct nestref_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Invalidation (IOMMU_HWPT_INVALIDATE, kernel-facts 2.7)              */

/*
 * A user array.  data_size is how many bytes at data the caller may read:
 * the core treats bytes past it as unmapped user memory, so a read there
 * fails with -EFAULT as copy_from_user would.
 */
struct nestref_user_array {
	uint32_t type;      /* data_type */
	uint32_t entry_len; /* bytes per entry */
	uint32_t entry_num; /* in: entries; out: entries handled */
	const void *data;
	size_t data_size;
};

/**
 * Invalidates through the vIOMMU target_id.  entry_num is written back with
 * the number of entries handled whether or not the call failed.
 */
NESTREF_API int nestref_invalidate(struct nestref_ctx *ctx, uint32_t target_id,
				   struct nestref_user_array *array);

/* ------------------------------------------------------------------ */
/* Observation                                                         */

/**
 * IOMMU_TEST_OP_DEV_CHECK_CACHE (kernel-facts 5.5): 0 when the device's
 * cache word index equals value, -EINVAL when not (or index > 3), -ENOENT
 * for an unknown device, -EOPNOTSUPP without the check-cache capability.
 */
NESTREF_API int nestref_check_cache(struct nestref_ctx *ctx, uint32_t dev_id,
				    uint32_t index, uint32_t value);

/*
 * IOMMU_GET_HW_INFO's flags word for a device (kernel-facts 10.7): what
 * the host tells user space about its IOMMU, such as an erratum the
 * guest must work around.  -ENOENT for an unknown device, -EOPNOTSUPP
 * without the observe-hw-info capability.
 */
NESTREF_API int nestref_hw_info(struct nestref_ctx *ctx, uint32_t dev_id,
				uint32_t *flags);

/* IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI (kernel-facts 10.7). */
#define NESTREF_HW_INFO_SMMUV3_REPEAT_TLBI_CFGI (1u << 0)

/* One 128-bit SMMUv3 command: dw[0] = bits 63:0, dw[1] = bits 127:64. */
struct nestref_smmuv3_cmd {
	uint64_t dw[2];
};

/**
 * The commands the physical SMMU received since the last
 * nestref_issued_clear(), CMD_SYNCs included; recording starts with the
 * first clear.  The array stays valid until the next call on ctx.
 * -EOPNOTSUPP without the observe-issued capability.
 */
NESTREF_API int nestref_issued(struct nestref_ctx *ctx,
			       const struct nestref_smmuv3_cmd **cmds,
			       size_t *count);

NESTREF_API void nestref_issued_clear(struct nestref_ctx *ctx);

/* Cache contents (spec/vectors.md 3.4); needs observe-caches. */
enum nestref_cache_kind {
	NESTREF_CACHE_TLB = 0,
	NESTREF_CACHE_CFG = 1,
	NESTREF_CACHE_ATC = 2,
	NESTREF_CACHE_KIND_COUNT
};

#define NESTREF_CE_GLOBAL (1u << 0) /* tlb: global instead of an ASID */
#define NESTREF_CE_WALK (1u << 1)   /* tlb: a walk (table) entry, leaf false */
#define NESTREF_CE_SSID (1u << 2)   /* cfg: a CD; atc: requested with PASID */

struct nestref_cache_entry {
	uint32_t kind;  /* enum nestref_cache_kind */
	uint32_t flags; /* NESTREF_CE_* */
	uint32_t vmid;  /* tlb */
	uint32_t asid;  /* tlb, unless NESTREF_CE_GLOBAL */
	uint64_t va;    /* tlb */
	uint32_t level; /* tlb: 1..3 */
	uint32_t tg;    /* tlb: granule in bytes, 4096, 16384 or 65536 */
	uint32_t sid;   /* cfg, atc: physical StreamID */
	uint32_t ssid;  /* cfg, atc: with NESTREF_CE_SSID */
	uint64_t addr;  /* atc */
	uint64_t span;  /* atc: bytes */
};

/** Puts entries into the modelled caches. -EOPNOTSUPP without the cap. */
NESTREF_API int nestref_caches_fill(struct nestref_ctx *ctx,
				    const struct nestref_cache_entry *entries,
				    size_t count);

/**
 * Everything the modelled caches hold now.  The array stays valid until
 * the next call on ctx.  -EOPNOTSUPP without observe-caches.
 */
NESTREF_API int nestref_caches_get(struct nestref_ctx *ctx,
				   const struct nestref_cache_entry **entries,
				   size_t *count);

/** Compares two cache entries field by field (for sorting and matching). */
NESTREF_API int nestref_cache_entry_cmp(const struct nestref_cache_entry *a,
					const struct nestref_cache_entry *b);

/*
 * Traces: what a backend did with the last calls, step by step, for people
 * (`nestref explain`).  Recording starts with the first
 * nestref_trace_clear(), and events accumulate until the next one.
 */
enum nestref_trace_kind {
	NESTREF_TRACE_REWRITE = 0, /* entry `index` converted: in -> out */
	NESTREF_TRACE_REJECT,      /* entry `index` refused with `err` */
	NESTREF_TRACE_ISSUE,       /* `count` commands written to the queue */
	NESTREF_TRACE_EXEC,        /* the SMMU consumed `out` */
	NESTREF_TRACE_NOTE,        /* anything else worth saying: `rule` */
	NESTREF_TRACE_KIND_COUNT
};

struct nestref_trace_event {
	uint32_t kind;  /* enum nestref_trace_kind */
	uint32_t index; /* entry of the user array, or queue slot for EXEC */
	uint32_t count; /* ISSUE: commands written, host CMD_SYNC included */
	int err;        /* REJECT: the errno returned */
	struct nestref_smmuv3_cmd in;  /* REWRITE, REJECT: the guest's */
	struct nestref_smmuv3_cmd out; /* REWRITE: the host's; EXEC: run */
	const char *rule;     /* static text: the rule that fired */
	const char *section;  /* static text: where it is specified */
	const char *function; /* static text: the Linux function doing it */
	uint32_t cerror;      /* EXEC: CMDQ_CONS.ERR raised, 0 for none */
	uint32_t removed[NESTREF_CACHE_KIND_COUNT]; /* EXEC: entries removed */
};

/**
 * The events recorded since the context was opened or last cleared.  The
 * array stays valid until the next call on ctx.  -EOPNOTSUPP for a
 * backend that does not trace.
 */
NESTREF_API int nestref_trace(struct nestref_ctx *ctx,
			      const struct nestref_trace_event **events,
			      size_t *count);
NESTREF_API void nestref_trace_clear(struct nestref_ctx *ctx);

/*
 * Counters: how much a backend did since the context was opened, for
 * people and tools ("smmu.commands.CFGI_CD", "host.rejects.unknown-vsid").
 * Only non-zero counters are listed.
 */
struct nestref_counter {
	char name[48];
	uint64_t value;
};

/**
 * The array stays valid until the next call on ctx.  -EOPNOTSUPP for a
 * backend that keeps no counters.
 */
NESTREF_API int nestref_counters(struct nestref_ctx *ctx,
				 const struct nestref_counter **counters,
				 size_t *count);

/* ------------------------------------------------------------------ */
/* Backends (listing; implementing one: <nestref/backend.h>)           */

struct nestref_backend;

NESTREF_API size_t nestref_backend_count(void);
/** The i-th registered backend in name order, NULL past the end. */
NESTREF_API const struct nestref_backend *nestref_backend_at(size_t i);
NESTREF_API const struct nestref_backend *nestref_backend_find(const char *name);
/** The name used when nestref_ctx_opts.backend is NULL. */
NESTREF_API const char *nestref_backend_default(void);
NESTREF_API const char *
nestref_backend_name(const struct nestref_backend *backend);
NESTREF_API const char *
nestref_backend_description(const struct nestref_backend *backend);
NESTREF_API uint32_t nestref_backend_caps(const struct nestref_backend *backend);
/** Bit NESTREF_PROFILE_BIT(p) set for each supported profile. */
NESTREF_API uint32_t
nestref_backend_profiles(const struct nestref_backend *backend);

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

#ifdef __cplusplus
}
#endif

#endif /* NESTREF_NESTREF_H */

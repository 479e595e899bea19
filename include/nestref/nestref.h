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
#include <string.h>

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
/* Small helpers every user of the uAPI layouts needs                   */

#define NESTREF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * uAPI structs are little-endian whatever the host is (kernel-facts 2.4).
 * On a little-endian host a field of 2, 4 or 8 bytes is one load or
 * store: the byte loop costs a few instructions a byte, and these run for
 * every entry of an invalidation (docs/bench.md section 5).
 */
static inline bool nestref_le_host(void)
{
	const uint16_t one = 1;
	unsigned char low;

	memcpy(&low, &one, 1);
	return low == 1; /* a constant to the compiler */
}

static inline uint64_t nestref_le_get(const void *p, unsigned int bytes)
{
	const unsigned char *b = (const unsigned char *)p;
	uint64_t v = 0;
	uint32_t w;
	uint16_t h;

	if (nestref_le_host() && bytes == 8) {
		memcpy(&v, p, 8);
		return v;
	}
	if (nestref_le_host() && bytes == 4) {
		memcpy(&w, p, 4);
		return w;
	}
	if (nestref_le_host() && bytes == 2) {
		memcpy(&h, p, 2);
		return h;
	}
	while (bytes-- > 0)
		v = v << 8 | b[bytes];
	return v;
}

static inline void nestref_le_put(void *p, unsigned int bytes, uint64_t v)
{
	unsigned char *b = (unsigned char *)p;
	unsigned int i;
	uint32_t w = (uint32_t)v;

	if (nestref_le_host() && bytes == 8) {
		memcpy(p, &v, 8);
		return;
	}
	if (nestref_le_host() && bytes == 4) {
		memcpy(p, &w, 4);
		return;
	}
	for (i = 0; i < bytes; i++, v >>= 8)
		b[i] = (unsigned char)v;
}

static inline uint32_t nestref_le32(const void *p)
{
	return (uint32_t)nestref_le_get(p, 4);
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */

/**
 * Where the libraries take their memory from.  Every allocation that
 * libnestref, libnestref-vectors and the built-in backends make goes
 * through these three functions, so an embedder can account for it or
 * make it fail (tests/check-failnth.c fails each one in turn).  alloc and
 * resize return NULL for failure, like malloc and realloc; a size is never
 * 0.  Memory that the C library hands out for the caller to free() (the
 * JSON text of nestref_vec_export_file, the TAP text of a result) and
 * libyaml's and jansson's own allocations are not counted: jansson's go
 * through json_set_alloc_funcs if the embedder wants them.
 */
struct nestref_allocator {
	void *(*alloc)(void *opaque, size_t size);
	void *(*resize)(void *opaque, void *ptr, size_t size);
	void (*release)(void *opaque, void *ptr);
	void *opaque;
};

/**
 * Installs an allocator; NULL puts back the C library's.  Set it before
 * the first context or file and keep it until the last is freed: memory
 * is given back to the allocator that handed it out.  Not thread-safe.
 */
NESTREF_API void nestref_set_allocator(const struct nestref_allocator *a);

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
	/* Attaching a device to a nested HWPT that translates at stage 1
	 * needs a vDEVICE of the device in its vIOMMU (ENOENT). */
	NESTREF_RULE_ATTACH_NEEDS_VDEVICE,
	/* vEVENTQs exist (6.15): IOMMU_VEVENTQ_ALLOC and reading events;
	 * without the rule both are -ENOTTY, an unknown ioctl. */
	NESTREF_RULE_VEVENTQ,
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
	/* Bits 0, 2 and 5 belong to <nestref/smmuv3.h>. */
	NESTREF_CAP_INV_SELFTEST = 1u << 1,
	NESTREF_CAP_CHECK_CACHE = 1u << 3,
	NESTREF_CAP_RAW_USER_DATA = 1u << 4,
	NESTREF_CAP_OBSERVE_HW_INFO = 1u << 6,
	/* nestref_hwpt_alloc_nested() and nestref_dev_attach() */
	NESTREF_CAP_ATTACH_NESTED = 1u << 7,
	/* nestref_trigger_vevent(): the selftest mock's TRIGGER_VEVENT */
	NESTREF_CAP_TRIGGER_VEVENT = 1u << 8,
	/*
	 * nestref_veventq_set_sequence(): a queue's next sequence number can
	 * be preset, a simulation aid no kernel offers.  The core gives it
	 * to every backend whose queues it keeps (no veventq_alloc op).
	 */
	NESTREF_CAP_VEVENTQ_SEQUENCE = 1u << 9,
	/* Bit 10 belongs to <nestref/smmuv3.h>. */
};

#define NESTREF_CAP_COUNT 11

/** "inv-selftest" for NESTREF_CAP_INV_SELFTEST; NULL unless one bit. */
NESTREF_API const char *nestref_cap_name(uint32_t cap);

/** Returns 0 or -EINVAL for an unknown name. */
NESTREF_API int nestref_cap_parse(const char *name, uint32_t *out);

/* ------------------------------------------------------------------ */
/* Invalidation data types and core limits (kernel-facts 2.5, 2.7)     */

/* IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST */
#define NESTREF_INV_TYPE_SELFTEST 0xdeadbeefu
/* IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID */
#define NESTREF_INV_TYPE_SELFTEST_INVALID 0xdadbeefu

/*
 * kernel-facts 2.7, under the invalidate-bounds rule: entry_len above
 * PAGE_SIZE (nestref_ctx_opts.page_size) is EINVAL, and so is entry_num
 * above this, IOMMU_HWPT_INVALIDATE_ENTRY_NUM_MAX.
 */
#define NESTREF_INV_ENTRY_NUM_MAX (1u << 19)

/* ------------------------------------------------------------------ */
/* Context: one "iommufd file"                                          */

struct nestref_ctx;

struct nestref_ctx_opts {
	uint32_t size; /* sizeof(struct nestref_ctx_opts) */
	enum nestref_profile profile;
	const char *backend;         /* a name of nestref_backend_at(); required */
	const char *backend_options; /* backend-specific "key=value,..." */
	/*
	 * An architecture extension's options, which start with their own
	 * uint32_t size (<nestref/smmuv3.h>: struct nestref_smmuv3_features).
	 * The core keeps a copy of size bytes for the backend.  NULL: the
	 * extension's defaults.
	 */
	const void *ext_opts;
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
 * narrowed by the mode its options chose, and veventq-sequence where the
 * core keeps the queues. */
NESTREF_API uint32_t nestref_ctx_caps(const struct nestref_ctx *ctx);

NESTREF_API const char *nestref_ctx_backend(const struct nestref_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Objects                                                             */

/**
 * Allocates a vIOMMU whose nesting parent's stage-2 tag is s2_id (on
 * SMMUv3 the VMID, kernel-facts 3.1); the backend checks its width.
 * Returns 0 and its ID, or a negative errno.
 */
NESTREF_API int nestref_viommu_alloc(struct nestref_ctx *ctx, uint32_t s2_id,
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
 * (kernel-facts 2.9, 3.2).  -EINVAL for n out of range.
 */
NESTREF_API int nestref_dev_add_streams(struct nestref_ctx *ctx,
					const uint32_t *psids, size_t n,
					uint32_t *out_dev_id);

/**
 * IOMMU_DESTROY (kernel-facts 2.3): destroys any object by ID.
 * -ENOENT for an unknown ID; -EBUSY for a vIOMMU that still has user data
 * linked, a nested HWPT or a vEVENTQ, and for a nested HWPT a device is
 * attached to.
 * Destroying the user-data (vDEVICE) object is the same as
 * nestref_unset_dev_user_data() on its device; destroying a device unsets
 * its user data first, as the RFC core did on unbind (kernel-facts 1.3),
 * and detaches it.
 */
NESTREF_API int nestref_destroy(struct nestref_ctx *ctx, uint32_t id);

/* ------------------------------------------------------------------ */
/* Nested HWPTs and attach (kernel-facts 2.3, 2.8, 2.11)               */

/*
 * A nested HWPT is what a guest's stream table entry becomes on the host:
 * IOMMU_HWPT_ALLOC with a vIOMMU as pt_id and the driver's data (on
 * SMMUv3 the guest's vSTE, kernel-facts 3.7), then
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT of a device to it.  Both calls need the
 * attach-nested capability: without it they are -EOPNOTSUPP.
 */

/* IOMMU_HWPT_DATA_NONE (kernel-facts 2.5): no driver data. */
#define NESTREF_HWPT_DATA_NONE 0u

/**
 * IOMMU_HWPT_ALLOC of a nested HWPT on the vIOMMU viommu_id, with len
 * bytes of driver data at data, of type data_type (the kernel's
 * iommufd_hwpt_alloc, kernel-facts 2.11).  Returns 0 and its ID, or, in
 * the order they are checked: -EOPNOTSUPP without attach-nested; -EINVAL
 * for data_type NONE with data or another type without (len 0); -EINVAL
 * for an ID that is not a vIOMMU (the kernel answers EINVAL for any
 * pt_id it cannot use); -EOPNOTSUPP for len 0 or a backend without the
 * op; then the backend's own error (SMMUv3: -EINVAL for a wrong type or
 * length, -EIO for a vSTE it refuses, -EFAULT for data NULL).  The HWPT
 * holds its vIOMMU: destroying the vIOMMU is -EBUSY until it goes.
 */
NESTREF_API int nestref_hwpt_alloc_nested(struct nestref_ctx *ctx,
					  uint32_t viommu_id,
					  uint32_t data_type, const void *data,
					  size_t len, uint32_t *out_hwpt_id);

/**
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT of the device dev_id to the nested HWPT
 * hwpt_id, replacing what the device was attached to (kernel-facts
 * 2.11).  Returns 0 (also for the HWPT it is already attached to, which
 * changes nothing), or: -EOPNOTSUPP without attach-nested; -ENOENT for
 * dev_id not a device or hwpt_id no object; -EINVAL for hwpt_id an
 * object that is no HWPT; then the backend's own error, after which the
 * old attachment stays.  An attached HWPT cannot be destroyed (-EBUSY);
 * destroying the device detaches it.
 */
NESTREF_API int nestref_dev_attach(struct nestref_ctx *ctx, uint32_t dev_id,
				   uint32_t hwpt_id);

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
/* Event queues: the way back (IOMMU_VEVENTQ_ALLOC, kernel-facts 2.12) */

/*
 * A vEVENTQ is a queue of events on a vIOMMU: what a device did wrong,
 * named by its virtual ID so that the guest can tell which of its devices
 * it was.  A driver reports events into it (on SMMUv3 with the vSID in
 * place of the pSID, kernel-facts 3.11); the guest's VMM reads records out:
 * an 8-byte header, then the event's data, whose length the queue's type
 * fixes.  Under profiles without the veventq rule (before 6.15) both calls
 * are -ENOTTY.
 */

/* IOMMU_VEVENTQ_TYPE_DEFAULT: reserved, refused (-EOPNOTSUPP). */
#define NESTREF_VEVENTQ_TYPE_DEFAULT 0u
/* IOMMU_VEVENTQ_TYPE_SELFTEST: the selftest mock's, 4-byte {u32 virt_id}. */
#define NESTREF_VEVENTQ_TYPE_SELFTEST 0xbeefbeefu
#define NESTREF_VEVENT_SELFTEST_SIZE 4u
/* VEVENTQ_MAX_DEPTH: the largest veventq_depth. */
#define NESTREF_VEVENTQ_DEPTH_MAX (1u << 19)

/*
 * struct iommufd_vevent_header, little-endian in the buffer: flags at 0,
 * sequence at 4.  Sequence numbers run from 0 to 0x7fffffff and wrap to 0.
 */
#define NESTREF_VEVENT_HEADER_SIZE 8u
/* The header ends the records and no data follows it: events were lost. */
#define NESTREF_VEVENT_FLAG_LOST_EVENTS (1u << 0)
#define NESTREF_VEVENT_SEQUENCE_MAX 0x7fffffffu

/**
 * IOMMU_VEVENTQ_ALLOC: a queue of type events on the vIOMMU viommu_id
 * holding at most depth of them.  Returns 0 and its object ID, or, in the
 * order they are checked (kernel-facts 2.12): -ENOTTY under a profile
 * without the veventq rule; -EOPNOTSUPP for non-zero flags or type
 * NESTREF_VEVENTQ_TYPE_DEFAULT (any other type is taken); -EINVAL for depth
 * 0 or above NESTREF_VEVENTQ_DEPTH_MAX; -ENOENT for an ID that is not a
 * vIOMMU; -EEXIST when the vIOMMU has a queue of that type; then the
 * backend's error.  The queue holds its vIOMMU (destroying that is -EBUSY);
 * nestref_destroy() of the queue closes it and drops unread events (the
 * kernel's file descriptor is closed first).
 */
NESTREF_API int nestref_veventq_alloc(struct nestref_ctx *ctx,
				      uint32_t viommu_id, uint32_t type,
				      uint32_t depth, uint32_t flags,
				      uint32_t *out_veventq_id);

/*
 * A read(2) of a queue.  data_size is how many bytes at data the callee
 * may write: a write past it is a fault (-EFAULT), as on unmapped memory.
 */
struct nestref_event_buffer {
	void *data;
	size_t count;     /* read(2)'s count */
	size_t data_size; /* writable bytes at data */
	size_t done;      /* out: the bytes read, whole records */
};

/**
 * Reads whole records, oldest first, into buf (kernel-facts 2.12):
 * 0 with buf->done bytes (0 for an empty queue), or -ENOTTY (profile),
 * -ENOENT for an ID that is not a vEVENTQ (the kernel's closed file
 * descriptor), -EINVAL for count below NESTREF_VEVENT_HEADER_SIZE or a
 * first record that does not fit in count, -EFAULT for a fault before the
 * first record was written.  A record that does not fit, or faults,
 * stays queued.
 */
NESTREF_API int nestref_veventq_read(struct nestref_ctx *ctx,
				     uint32_t veventq_id,
				     struct nestref_event_buffer *buf);

/**
 * A simulation aid no kernel offers (capability veventq-sequence): the
 * sequence number the queue's next event takes, 0 to
 * NESTREF_VEVENT_SEQUENCE_MAX, so that the wrap is reached without 2^31
 * events.  -EOPNOTSUPP without the capability, -ENOENT for an ID that is
 * not a vEVENTQ, -EINVAL above the maximum.
 */
NESTREF_API int nestref_veventq_set_sequence(struct nestref_ctx *ctx,
					     uint32_t veventq_id,
					     uint32_t sequence);

/**
 * IOMMU_TEST_OP_TRIGGER_VEVENT (capability trigger-vevent, kernel-facts
 * 5.10): the selftest mock reports one event {virt_id} for the device,
 * with the virt_id of the vDEVICE it had when it was attached to a nested
 * HWPT.  -EOPNOTSUPP without the capability; -ENOENT for an ID that is not
 * a device, a device not attached to a nested HWPT of a vIOMMU, or
 * virt_id 0; -EOPNOTSUPP when that vIOMMU has no selftest queue; 0 also
 * when the event was lost to a full queue.
 */
NESTREF_API int nestref_trigger_vevent(struct nestref_ctx *ctx,
				       uint32_t dev_id);

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
 * IOMMU_GET_HW_INFO's flags word for a device (kernel-facts 2.4, 3.8): what
 * the host tells user space about its IOMMU, such as an erratum the
 * guest must work around.  -ENOENT for an unknown device, -EOPNOTSUPP
 * without the observe-hw-info capability.
 */
NESTREF_API int nestref_hw_info(struct nestref_ctx *ctx, uint32_t dev_id,
				uint32_t *flags);

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
NESTREF_API const char *
nestref_backend_name(const struct nestref_backend *backend);
NESTREF_API const char *
nestref_backend_description(const struct nestref_backend *backend);
NESTREF_API uint32_t nestref_backend_caps(const struct nestref_backend *backend);
/** Bit NESTREF_PROFILE_BIT(p) set for each supported profile. */
NESTREF_API uint32_t
nestref_backend_profiles(const struct nestref_backend *backend);

/*
 * Loadable modules: shared objects that register backends through their
 * nestref_module_init (<nestref/backend.h>; docs/writing-backends.md
 * section 11).  Not thread-safe, like nestref_backend_register(): load
 * before opening contexts.  A module stays loaded until the process ends.
 */

/**
 * Loads the module at path (dlopen) and calls its nestref_module_init,
 * which registers its backends; *first (first may be NULL) is then the
 * first backend it registered.  A path without '/' names a file in the
 * current folder: it is not searched for.  A module already loaded is not
 * run again: *first is its first backend.
 *
 * Returns 0, or a negative errno with a sentence "PATH: why" in msg (up
 * to msg_len bytes), and then nothing of the module stays: -ENOENT (or
 * another file error) when the file is not there, -ENOEXEC when it is not
 * a shared object, exports no nestref_module_init or registers no
 * backend, -EPROTO when it was built for another NESTREF_MODULE_ABI,
 * -EEXIST when a backend's name is taken, -EINVAL or -ENOSPC when
 * nestref_backend_register() refuses a backend, or what its init
 * returned.
 */
NESTREF_API int nestref_module_load(const char *path,
				    const struct nestref_backend **first,
				    char *msg, size_t msg_len);

/**
 * Loads every module named *.so in each folder of dirs, a colon-separated
 * list, in name order within a folder (the nestref command's
 * $NESTREF_BACKEND_PATH).  Empty entries are passed over.  Stops at the
 * first error: the -errno of a folder that cannot be read, or
 * nestref_module_load()'s, with msg as there.
 */
NESTREF_API int nestref_module_load_dirs(const char *dirs, char *msg,
					 size_t msg_len);

/**
 * The path of the module that registered the backend, as it was given to
 * nestref_module_load(); NULL for a built-in backend or one the program
 * registered itself.
 */
NESTREF_API const char *
nestref_backend_origin(const struct nestref_backend *backend);

#ifdef __cplusplus
}
#endif

#endif /* NESTREF_NESTREF_H */

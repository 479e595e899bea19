/* SPDX-License-Identifier: MIT */
/*
 * For people who implement a nestref backend.
 *
 * A backend is one constant `struct nestref_backend`: a versioned ops table
 * (the shape of libgit2's ODB backends) found by name (SQLite's VFS
 * registry).  Its centre is the seed's three iommu_ops members
 * (docs/spec/seed.md, kernel-facts 1.2), with the seed's signatures:
 *
 *	int (*set_dev_user_data)(struct device *dev, const void *user_data);
 *	void (*unset_dev_user_data)(struct device *dev);
 *	size_t dev_user_data_len;
 *
 * The core does what the iommufd core does around them: object IDs, the
 * checks and copies of kernel-facts 1.3, 2.6, 2.7 and 2.9, and writing
 * entry_num back.  The backend does what a driver does.
 *
 * Per-object backend state: the core allocates ctx_priv_size,
 * viommu_priv_size and dev_priv_size zeroed bytes with each object; the
 * backend reaches them with nestref_*_priv().
 */
#ifndef NESTREF_BACKEND_H
#define NESTREF_BACKEND_H

#include <nestref/nestref.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The struct below is versioned (libgit2's git_error__check_version,
 * SQLite's iVersion): a backend sets version to the NESTREF_BACKEND_VERSION
 * it was built with, and the core reads only the slots that version has.
 * Later versions only append.  Version 1 ends before hw_info; version 2
 * adds hw_info and profile_names; version 3 nested HWPTs and attach;
 * version 4 event queues.
 */
#define NESTREF_BACKEND_VERSION 4
#define NESTREF_BACKEND_V1_SIZE offsetof(struct nestref_backend, hw_info)
#define NESTREF_BACKEND_V2_SIZE \
	offsetof(struct nestref_backend, hwpt_priv_size)
#define NESTREF_BACKEND_V3_SIZE \
	offsetof(struct nestref_backend, veventq_priv_size)

struct nestref_viommu; /* a vIOMMU: its stage-2 tag and its vSID table */
struct nestref_dev;    /* a bound device: its pSIDs and its user data */
struct nestref_hwpt;   /* a nested HWPT: its vIOMMU and the driver's data */
struct nestref_veventq; /* a vEVENTQ: its vIOMMU, type and records */

struct nestref_backend {
	unsigned int version; /* NESTREF_BACKEND_VERSION */
	const char *name;     /* [a-z0-9-]+, for --backend */
	const char *description;
	uint32_t caps;     /* enum nestref_cap bits (and its extension's) */
	/*
	 * NESTREF_PROFILE_BIT() of each supported profile.  The values of
	 * enum nestref_profile never change, so a built backend keeps its
	 * meaning; from version 2, profile_names may name them instead.
	 */
	uint32_t profiles;

	size_t ctx_priv_size;
	size_t viommu_priv_size;
	size_t dev_priv_size;

	/*
	 * Optional.  Called once per context after its private area is
	 * allocated.  -ENODEV means "cannot run on this machine" (the command
	 * exits 77 on it); message it with nestref_ctx_set_message().
	 */
	int (*open)(struct nestref_ctx *ctx, const char *options);
	/* Optional.  Called after every object is gone. */
	void (*close)(struct nestref_ctx *ctx);

	/* Optional object hooks; an error from *_init aborts the creation. */
	int (*viommu_init)(struct nestref_viommu *viommu);
	void (*viommu_destroy)(struct nestref_viommu *viommu);
	int (*dev_init)(struct nestref_dev *dev);
	void (*dev_destroy)(struct nestref_dev *dev);

	/*
	 * The seed's ops.  set_dev_user_data receives dev_user_data_len bytes
	 * the core has already copied and checked; it returns 0 or a negative
	 * errno which the core passes on unchanged.  unset_dev_user_data
	 * cannot fail.  A backend that leaves any of the three unset makes
	 * set_dev_user_data fail with -EOPNOTSUPP (kernel-facts 1.3 step 5).
	 */
	int (*set_dev_user_data)(struct nestref_dev *dev,
				 const void *user_data);
	void (*unset_dev_user_data)(struct nestref_dev *dev);
	size_t dev_user_data_len;

	/*
	 * The vIOMMU's cache_invalidate (kernel-facts 2.7 step 5): handle
	 * entries in order and always set array->entry_num to how many were
	 * handled, also on failure.  Read entries only through
	 * nestref_user_array_copy(), before overwriting entry_num (the helper
	 * reads it).  Under the invalidate-core-loop rule (linux-7.4) the
	 * core calls it again on the rest of the array while it makes
	 * progress (kernel-facts 2.7, 3.5).
	 */
	int (*cache_invalidate_user)(struct nestref_viommu *viommu,
				     struct nestref_user_array *array);

	/* Observation, check-cache: the selftest mock's cache words. */
	int (*check_cache)(struct nestref_dev *dev, uint32_t index,
			   uint32_t value);
	/* Optional, no capability bit: counters for people and the bench. */
	int (*counters)(struct nestref_ctx *ctx,
			const struct nestref_counter **counters, size_t *count);

	/*
	 * An architecture extension's ops (libgit2's sys/ headers): ext
	 * points at the ops struct that the extension's header defines, and
	 * ext_name says which ("smmuv3": <nestref/smmuv3.h>).  The core never
	 * reads ext; the extension finds it with nestref_ctx_ext().
	 */
	const char *ext_name;
	const void *ext;

	/* ---------------------------------------------- version 2 */

	/* Observation, observe-hw-info: IOMMU_GET_HW_INFO's flags. */
	int (*hw_info)(struct nestref_dev *dev, uint32_t *flags);
	/*
	 * Optional: the supported profiles by name, NULL-terminated (names
	 * the library does not know are ignored).  When set, profiles is not
	 * read: a profile added later is supported without a new bitmask.
	 */
	const char *const *profile_names;

	/* ---------------------------------------------- version 3 */

	/*
	 * Nested HWPTs and attach (capability attach-nested; kernel-facts
	 * 2.11, on SMMUv3 3.7).  The core allocates hwpt_priv_size zeroed
	 * bytes with each nested HWPT (nestref_hwpt_priv()).
	 *
	 * hwpt_nested_init is the driver's alloc_domain_nested: the HWPT is
	 * on nestref_hwpt_viommu(hwpt), and data is len bytes (len > 0) of
	 * type data_type, read by the driver's single-struct copy (2.6).
	 * Check them as the driver does and return 0 or a negative errno,
	 * which the caller gets unchanged.  The core has already refused what
	 * the iommufd core refuses (NONE with data, a type without).
	 * hwpt_nested_destroy cannot fail; no device is attached then.
	 *
	 * dev_attach is VFIO_DEVICE_ATTACH_IOMMUFD_PT: dev is attached to
	 * hwpt, replacing what it was attached to (nestref_dev_hwpt(), NULL
	 * at first); on an error the old attachment stays.  The core never
	 * calls it for the HWPT the device is attached to already, and
	 * detaches the device itself when the device is destroyed (the
	 * backend's dev_destroy then runs with nestref_dev_hwpt() still set).
	 */
	size_t hwpt_priv_size;
	int (*hwpt_nested_init)(struct nestref_hwpt *hwpt, uint32_t data_type,
				const void *data, size_t len);
	void (*hwpt_nested_destroy)(struct nestref_hwpt *hwpt);
	int (*dev_attach)(struct nestref_dev *dev, struct nestref_hwpt *hwpt);

	/* ---------------------------------------------- version 4 */

	/*
	 * Event queues (kernel-facts 2.12).  For a backend that leaves
	 * veventq_alloc NULL the core keeps the queues, as the iommufd core
	 * keeps them for its drivers: the backend reports events with
	 * nestref_viommu_report_event() and never sees a read.  A backend
	 * whose queues live elsewhere (the real kernel's) sets veventq_alloc,
	 * veventq_read and veventq_destroy together.  The core has made
	 * every check of nestref_veventq_alloc() (profile, flags, type,
	 * depth, vIOMMU, one queue per type) before veventq_alloc, and
	 * allocates veventq_priv_size zeroed bytes with each queue
	 * (nestref_veventq_priv()); veventq_read gets a count of at least
	 * NESTREF_VEVENT_HEADER_SIZE and must honour buf->data_size as the
	 * core does; answers of both come back unchanged.  veventq_destroy
	 * cannot fail.
	 */
	size_t veventq_priv_size;
	int (*veventq_alloc)(struct nestref_veventq *q);
	int (*veventq_read)(struct nestref_veventq *q,
			    struct nestref_event_buffer *buf);
	void (*veventq_destroy)(struct nestref_veventq *q);
	/*
	 * IOMMU_TEST_OP_TRIGGER_VEVENT (capability trigger-vevent,
	 * kernel-facts 5.10): report the selftest event of dev, or say why
	 * not.  The core has found the device; the rest is the backend's.
	 */
	int (*trigger_vevent)(struct nestref_dev *dev);
};

/**
 * Adds a backend to the registry (the built-in ones are always there).
 * -EINVAL for a version of 0 or above NESTREF_BACKEND_VERSION, a bad name
 * or no profile; -EEXIST for a taken name; -ENOSPC when the registry is
 * full.  The core copies the slots of backend->version, so the struct may
 * be as short as that version's size; what the ext and name pointers
 * point to must outlive every context opened on it.
 */
NESTREF_API int nestref_backend_register(const struct nestref_backend *backend);

/* Memory (nestref.h's nestref_set_allocator) ------------------------ */

/*
 * The allocator every backend and the vectors library use, so that an
 * embedder's allocator and the allocation-failure sweep reach them too.
 * NULL for failure (and for a size that overflows); never NULL for a
 * size of 0.  nestref_free(NULL) does nothing.
 */
NESTREF_API void *nestref_malloc(size_t size);
NESTREF_API void *nestref_calloc(size_t n, size_t size);
NESTREF_API void *nestref_realloc(void *ptr, size_t size);
NESTREF_API void *nestref_reallocarray(void *ptr, size_t n, size_t size);
NESTREF_API char *nestref_strdup(const char *s);
NESTREF_API char *nestref_strndup(const char *s, size_t n);
NESTREF_API char *nestref_asprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
NESTREF_API void nestref_free(void *ptr);

/* Loadable modules (docs/writing-backends.md section 11) ------------- */

/*
 * A module is a shared object that registers backends, loaded with
 * nestref_module_load() (<nestref/nestref.h>): `nestref run --backend
 * ./libmy.so`, --load, $NESTREF_BACKEND_PATH.  It exports one function,
 * nestref_module_init, which the library calls once after dlopen (the
 * entry point of SQLite's loadable extensions):
 *
 *	int nestref_module_init(unsigned int abi,
 *				nestref_module_register_fn register_backend)
 *	{
 *		if (abi != NESTREF_MODULE_ABI)
 *			return -EPROTO;
 *		return register_backend(&my_backend);
 *	}
 *
 * abi is the library's NESTREF_MODULE_ABI.  The module checks it: one
 * built for another ABI returns -EPROTO, and the library then refuses
 * the module ("built for another module ABI").  The ABI is this entry
 * point's contract (its signature, when it runs, what register_backend
 * does), not struct nestref_backend's version: a backend's version is
 * checked per backend by the version rule, and a new backend version
 * leaves the ABI as it is.
 *
 * register_backend is nestref_backend_register() that also records the
 * module as the backend's origin (nestref_backend_origin()).  Call it once
 * per backend and pass its error on.  Return 0 or a negative errno.  An
 * error, from the init or from any registration, drops every backend the
 * module registered and unloads it: a module loads whole or not at all.
 *
 * Build a module against the headers alone and leave the nestref_
 * symbols undefined: they resolve to the library of the program that
 * loads it.
 *	cc -shared -fPIC -o libmy.so my.c $(pkg-config --cflags nestref)
 */
#define NESTREF_MODULE_ABI 1

typedef int (*nestref_module_register_fn)(
	const struct nestref_backend *backend);

/* Exports the entry point from a module built with hidden visibility. */
#ifndef NESTREF_MODULE_EXPORT
#if defined(__GNUC__) && __GNUC__ >= 4
#define NESTREF_MODULE_EXPORT __attribute__((visibility("default")))
#else
#define NESTREF_MODULE_EXPORT
#endif
#endif

/* Defined by each module, never by the library. */
NESTREF_MODULE_EXPORT int
nestref_module_init(unsigned int abi,
		    nestref_module_register_fn register_backend);

/* Context ---------------------------------------------------------- */

NESTREF_API void *nestref_ctx_priv(struct nestref_ctx *ctx);

/**
 * Narrows this context's capabilities (for a backend whose modes differ:
 * call it from open).  Bits the backend does not declare are ignored;
 * the one the core gives (veventq-sequence, version 4) stays.
 */
NESTREF_API void nestref_ctx_set_caps(struct nestref_ctx *ctx, uint32_t caps);

/**
 * Sets this context's dev_user_data_len, for a backend that learns the
 * size of its user-data struct only when it opens (the exec backend asks
 * its child): call it from open.  The core then copies and checks user
 * data against len instead of the backend's dev_user_data_len; 0 means
 * no set/unset (EOPNOTSUPP).
 */
NESTREF_API void nestref_ctx_set_dev_user_data_len(struct nestref_ctx *ctx,
						   size_t len);

/*
 * A key a backend's options may hold (nestref_ctx_parse_options()).
 * value says what its value is, for messages ("selftest|vfio", "PATH");
 * NULL makes the key a flag, given bare and without a value.
 */
struct nestref_option_key {
	const char *key;
	const char *value;
};

/* Called for each item in order: key indexes the keys array; value is
 * the text after '=' (never empty), or NULL for a flag.  0 or a negative
 * errno, with the message set, which ends the walk. */
typedef int (*nestref_option_fn)(struct nestref_ctx *ctx, size_t key,
				 const char *value, void *arg);

/**
 * The one parser of open's options (the --backend-options string):
 * comma-separated items, "key=value" or a bare flag "key"; NULL or ""
 * has none.  keys is the backend's list, ended by a NULL key (NULL: it
 * takes none).  An item whose key is not in keys, a key without its
 * value, a flag given one and an empty item ("a,,b") fail with -EINVAL
 * and a message naming the item and the keys accepted
 * ("my-backend: unknown backend option 'fast' (it takes mode=a|b)"):
 * a backend refuses what it does not understand, never ignores it.
 * Otherwise fn (may be NULL) gets each item; -ENOMEM, or fn's error.
 * A backend without open takes no options: the core refuses them.
 */
NESTREF_API int nestref_ctx_parse_options(struct nestref_ctx *ctx,
					  const char *options,
					  const struct nestref_option_key *keys,
					  nestref_option_fn fn, void *arg);

/** Sets the sentence nestref_ctx_message() returns (printf format). */
NESTREF_API void nestref_ctx_set_message(struct nestref_ctx *ctx,
					 const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * The largest allocation the modelled kernel's kmalloc grants: PAGE_SIZE
 * shifted by the page allocator's largest order (10 for 4 KiB pages, 11
 * for 16 KiB, 13 for 64 KiB on arm64): 4 MiB, 32 MiB or 512 MiB.
 */
NESTREF_API uint64_t nestref_ctx_kmalloc_max(const struct nestref_ctx *ctx);

/**
 * For an answer a profile rule decided: sets the message as
 * nestref_ctx_set_message() does, followed by " [rule NAME, PROFILE]", and
 * returns err, so that people see which rule of which profile spoke.
 */
NESTREF_API int nestref_ctx_fail_rule(struct nestref_ctx *ctx, int err,
				      enum nestref_rule rule, const char *fmt,
				      ...) __attribute__((format(printf, 4, 5)));

/**
 * The backend's extension ops when its ext_name is name, else NULL: how an
 * extension (<nestref/smmuv3.h>) reaches its own slots.
 */
NESTREF_API const void *nestref_ctx_ext(const struct nestref_ctx *ctx,
					const char *name);

/**
 * The copy of nestref_ctx_opts.ext_opts the context keeps (*size bytes,
 * the first uint32_t of the caller's struct), or NULL when none was given.
 */
NESTREF_API const void *nestref_ctx_ext_opts(const struct nestref_ctx *ctx,
					     uint32_t *size);

/* vIOMMU ----------------------------------------------------------- */

/** The vIOMMU with object ID id, or NULL (for extensions and white-box
 * tools that hold an ID). */
NESTREF_API struct nestref_viommu *nestref_ctx_viommu(struct nestref_ctx *ctx,
						      uint32_t id);
NESTREF_API void *nestref_viommu_priv(struct nestref_viommu *viommu);
NESTREF_API struct nestref_ctx *
nestref_viommu_ctx(const struct nestref_viommu *viommu);
NESTREF_API uint32_t nestref_viommu_id(const struct nestref_viommu *viommu);
/** nestref_viommu_alloc's s2_id: on SMMUv3 the VMID commands are forced to. */
NESTREF_API uint32_t nestref_viommu_s2_id(const struct nestref_viommu *viommu);

/**
 * Links virt_id to dev in the vIOMMU's vSID table (the vDEVICE xarray of
 * kernel-facts 2.9).  -EEXIST when virt_id is taken; -ENOMEM.  The link is
 * removed by nestref_viommu_unlink(), and by the core after
 * unset_dev_user_data when the backend left it.
 */
NESTREF_API int nestref_viommu_link(struct nestref_viommu *viommu,
				    uint64_t virt_id, struct nestref_dev *dev);
NESTREF_API void nestref_viommu_unlink(struct nestref_viommu *viommu,
				       uint64_t virt_id);

/**
 * iommufd_viommu_find_dev (kernel-facts 1.7): the device linked to
 * virt_id, or NULL.  O(1).
 */
NESTREF_API struct nestref_dev *
nestref_viommu_find_dev(const struct nestref_viommu *viommu, uint64_t virt_id);

/**
 * iommufd_viommu_get_vdev_id (kernel-facts 3.11, 5.10): 0 and, in
 * *virt_id, the virtual ID of dev's vDEVICE in viommu; -ENOENT when dev
 * has none there.  What a driver records when a device is attached to a
 * nested HWPT, to name the device in the events it reports.
 */
NESTREF_API int nestref_viommu_dev_virt_id(const struct nestref_viommu *viommu,
					   const struct nestref_dev *dev,
					   uint64_t *virt_id);

/**
 * During cache_invalidate_user: the index, in the caller's whole array, of
 * the first entry of the array the core passed.  0 except under the
 * invalidate-core-loop rule (linux-7.4), which passes the rest again.
 * For messages and traces that name entries as the caller numbers them.
 */
NESTREF_API uint32_t
nestref_viommu_inv_base(const struct nestref_viommu *viommu);

/* Device ----------------------------------------------------------- */

/** The device with object ID id, or NULL (for extensions that hold an
 * ID, as nestref_ctx_viommu()). */
NESTREF_API struct nestref_dev *nestref_ctx_dev(struct nestref_ctx *ctx,
						uint32_t id);
NESTREF_API void *nestref_dev_priv(struct nestref_dev *dev);
NESTREF_API struct nestref_ctx *nestref_dev_ctx(const struct nestref_dev *dev);
NESTREF_API uint32_t nestref_dev_id(const struct nestref_dev *dev);
/** The device's first StreamID (the one a vSID reaches, kernel-facts 3.2). */
NESTREF_API uint32_t nestref_dev_psid(const struct nestref_dev *dev);
/** How many StreamIDs the device has (1 for a PCI function). */
NESTREF_API size_t nestref_dev_stream_count(const struct nestref_dev *dev);
/** The device's i-th StreamID (0 is nestref_dev_psid()); 0 past the end. */
NESTREF_API uint32_t nestref_dev_stream(const struct nestref_dev *dev,
					size_t i);
/**
 * During set_dev_user_data and unset_dev_user_data: the virtual ID the
 * vDEVICE in question linked with nestref_viommu_link() (0 before it
 * linked).  Under profiles without one-vdevice-per-device a device may
 * hold several vDEVICEs, and this says which one the call is about.
 */
NESTREF_API uint64_t nestref_dev_virt_id(const struct nestref_dev *dev);
/** The vDEVICEs the device holds besides the one a set/unset is about. */
NESTREF_API size_t nestref_dev_vdevice_count(const struct nestref_dev *dev);
/** The vIOMMU of the set_dev_user_data call in progress or done; or NULL. */
NESTREF_API struct nestref_viommu *
nestref_dev_viommu(const struct nestref_dev *dev);
/** The nested HWPT the device is attached to, or NULL. */
NESTREF_API struct nestref_hwpt *nestref_dev_hwpt(const struct nestref_dev *dev);

/* Nested HWPT ------------------------------------------------------ */

NESTREF_API void *nestref_hwpt_priv(struct nestref_hwpt *hwpt);
NESTREF_API struct nestref_ctx *nestref_hwpt_ctx(const struct nestref_hwpt *hwpt);
NESTREF_API uint32_t nestref_hwpt_id(const struct nestref_hwpt *hwpt);
/** The vIOMMU the HWPT was allocated on (IOMMU_HWPT_ALLOC's pt_id). */
NESTREF_API struct nestref_viommu *
nestref_hwpt_viommu(const struct nestref_hwpt *hwpt);

/* vEVENTQ ---------------------------------------------------------- */

NESTREF_API void *nestref_veventq_priv(struct nestref_veventq *q);
NESTREF_API struct nestref_ctx *
nestref_veventq_ctx(const struct nestref_veventq *q);
NESTREF_API uint32_t nestref_veventq_id(const struct nestref_veventq *q);
NESTREF_API uint32_t nestref_veventq_type(const struct nestref_veventq *q);
NESTREF_API uint32_t nestref_veventq_depth(const struct nestref_veventq *q);
NESTREF_API struct nestref_viommu *
nestref_veventq_viommu(const struct nestref_veventq *q);

/**
 * iommufd_viommu_report_event (kernel-facts 2.12): puts one event of type,
 * len bytes at data, into the vIOMMU's queue of that type, which the core
 * keeps.  Returns 0, also when the event was lost to a full queue (the
 * LOST_EVENTS header then carries its sequence number); -EOPNOTSUPP when
 * the vIOMMU has no queue of type (the event is dropped, as the kernel's
 * drivers drop it); -EINVAL for len 0 or data NULL; -ENOMEM when the
 * record could not be allocated, which counts as a lost event.
 */
NESTREF_API int nestref_viommu_report_event(struct nestref_viommu *viommu,
					    uint32_t type, const void *data,
					    size_t len);

/* -------------------------------------------- published for hot paths */

/*
 * A vSID table: virt_id -> value, open addressing with linear probing and
 * Fibonacci hashing (the vDEVICE xarray of kernel-facts 2.9).  Each vIOMMU
 * has one (virt_id -> device); a backend may keep its own (smmuv3-sim's
 * stream table).  The layout is published so that a driver's per-command
 * lookup is inline: a call per command costs more than the probe
 * (docs/bench.md).  Read it only through the inline functions below.
 *
 * Slots are 16 bytes on every host, so that a lookup walks byte offsets
 * and a slot's address is one addressing mode.  An empty slot has key 0
 * and value NULL and ends every probe run; an empty table points at a
 * static pair of empty slots, so lookups test neither.
 */
struct nestref_vsid_slot {
	uint64_t key;
	union {
		void *value; /* NULL: empty */
		uint64_t pad;
	} u;
};

struct nestref_vsid_table {
	struct nestref_vsid_slot *slots;
	size_t mask;             /* capacity - 1, a power of two minus one */
	unsigned int shift;      /* 64 - log2(capacity) */
	unsigned int byte_shift; /* shift - log2(sizeof(slot)) */
	size_t byte_mask;        /* mask * sizeof(slot) */
	size_t count;
};

/* The TOP bits of key * 2^64/phi: consecutive vSIDs land far apart. */
#define NESTREF_VSID_PHI UINT64_C(0x9e3779b97f4a7c15)

static inline size_t nestref_vsid_hash(uint64_t key, unsigned int shift)
{
	return (size_t)((key * NESTREF_VSID_PHI) >> shift);
}

/* The slot holding key, or NULL: the one probe loop of the table. */
static inline struct nestref_vsid_slot *
nestref_vsid_table_slot(const struct nestref_vsid_table *t, uint64_t key)
{
	unsigned char *base = (unsigned char *)t->slots;
	size_t off = nestref_vsid_hash(key, t->byte_shift) & t->byte_mask;
	struct nestref_vsid_slot *slot;

	for (;; off = (off + sizeof(*slot)) & t->byte_mask) {
		slot = (struct nestref_vsid_slot *)(void *)(base + off);
		if (slot->key == key)
			return slot->u.value ? slot : NULL;
		if (!slot->u.value)
			return NULL;
	}
}

static inline void *nestref_vsid_table_find(const struct nestref_vsid_table *t,
					     uint64_t key)
{
	const struct nestref_vsid_slot *slot = nestref_vsid_table_slot(t, key);

	return slot ? slot->u.value : NULL;
}

NESTREF_API void nestref_vsid_table_init(struct nestref_vsid_table *t);
NESTREF_API void nestref_vsid_table_fini(struct nestref_vsid_table *t);
/** 0, -EEXIST for a taken key, -ENOMEM; value must not be NULL. */
NESTREF_API int nestref_vsid_table_insert(struct nestref_vsid_table *t,
					  uint64_t key, void *value);
/** The removed value; NULL if the key was absent. */
NESTREF_API void *nestref_vsid_table_remove(struct nestref_vsid_table *t,
					    uint64_t key);

/*
 * The first member of every struct nestref_viommu and struct nestref_dev,
 * read-only for backends: what a per-command path needs without a call.
 */
struct nestref_viommu_head {
	struct nestref_vsid_table vsids; /* virt_id -> struct nestref_dev */
	uint32_t s2_id;                  /* nestref_viommu_s2_id() */
};

struct nestref_dev_head {
	uint32_t psid; /* nestref_dev_psid(): the first StreamID */
};

static inline const struct nestref_viommu_head *
nestref_viommu_head(const struct nestref_viommu *viommu)
{
	return (const struct nestref_viommu_head *)(const void *)viommu;
}

static inline const struct nestref_dev_head *
nestref_dev_head(const struct nestref_dev *dev)
{
	return (const struct nestref_dev_head *)(const void *)dev;
}

/* User arrays (kernel-facts 2.6) ------------------------------------ */

/**
 * iommu_copy_struct_from_full_user_array: copies entries [first,
 * first + count) of array into dst as entry_size-byte structs.
 *
 * Checks every one of those entries before copying any, so a failure means
 * "nothing handled": -EINVAL when array->type is not type, entry_num is 0
 * or first + count exceeds entry_num; per entry a shorter entry_len is
 * zero-extended, a longer one needs an all-zero tail (-E2BIG), and a read
 * past data_size is -EFAULT.
 */
NESTREF_API int nestref_user_array_copy(const struct nestref_user_array *array,
					uint32_t type, size_t entry_size,
					uint32_t first, uint32_t count,
					void *dst);

/**
 * What nestref_user_array_copy() with the same arguments would return,
 * without copying.  A backend that models a kernel's "allocate entry_num
 * entries, then copy" calls it before allocating, so that the memory it
 * takes follows the caller's buffer, not the entry_num the caller claims
 * (docs/writing-backends.md section 5).
 */
NESTREF_API int nestref_user_array_check(const struct nestref_user_array *array,
					 uint32_t type, size_t entry_size,
					 uint32_t first, uint32_t count);

#ifdef __cplusplus
}
#endif

#endif /* NESTREF_BACKEND_H */

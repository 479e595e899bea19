/* SPDX-License-Identifier: MIT */
/*
 * The in-memory form of a vector file (spec/vectors.md, format
 * nestref/vectors-1), as the loader produces it and the runner consumes it.
 *
 * Every value the loader accepts has already been checked against the
 * format: names resolved, integers range-checked, entries encoded to the
 * bytes the runner passes.  The runner never re-validates.
 */
#ifndef NESTREF_VECTORS_VECTOR_H
#define NESTREF_VECTORS_VECTOR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nestref/smmuv3.h>

#define VEC_FORMAT "nestref/vectors-1"
/* setup.viommus: vIOMMUs on the one physical IOMMU (spec/vectors.md 1.2) */
#define VEC_VIOMMUS_MAX 4

/* A position in the file, 1-based, as libyaml's marks + 1. */
struct vec_mark {
	unsigned int line;
	unsigned int column;
};

enum vec_result {
	VEC_RESULT_OK,
	VEC_RESULT_ERROR,
	VEC_RESULT_EITHER,
};

/* One entry of an invalidate step, already encoded. */
enum vec_entry_form {
	VEC_ENTRY_SMMUV3, /* {op: ..., fields} or {raw: [dw0, dw1]}: 16 bytes */
	VEC_ENTRY_SELFTEST, /* {flags, vdev_id, cache_id}: 12 bytes */
	VEC_ENTRY_BYTES,    /* {bytes: "..."}: as given */
};

struct vec_entry {
	enum vec_entry_form form;
	unsigned char *bytes; /* little-endian uAPI layout */
	size_t len;
	struct vec_mark mark;
};

/* One command of expect.issued. */
struct vec_issued {
	struct nestref_smmuv3_cmd cmd;
	struct vec_mark mark;
};

/* One record of expect.records (vectors.md 3.10), already encoded. */
enum vec_record_form {
	VEC_RECORD_NONE,     /* not read: the file has a load error */
	VEC_RECORD_LOST,     /* lost: true, the LOST_EVENTS header */
	VEC_RECORD_SELFTEST, /* virt_id: N, 4 bytes */
	VEC_RECORD_SMMUV3,   /* event: ... or raw: [...], 32 bytes */
	VEC_RECORD_BYTES,    /* bytes: "...", as given */
};

struct vec_record {
	enum vec_record_form form;
	uint32_t sequence;
	/* The event's data as read(2) gives it, after the 8-byte header;
	 * NULL and 0 for a LOST_EVENTS header. */
	unsigned char *data;
	size_t len;
	struct vec_mark mark;
};

struct vec_expect {
	bool present; /* an expect key was written */
	enum vec_result result; /* default VEC_RESULT_OK */
	int *errnos;            /* positive values; required with error */
	size_t n_errnos;
	bool has_entry_num;
	uint32_t entry_num;
	bool has_issued; /* issued: [] sets it with n_issued 0 */
	struct vec_issued *issued;
	size_t n_issued;
	/* hw_info: the flags word */
	bool has_flags;
	uint32_t flags;
	/* caches: per kind, whether it was named and its exact entries */
	bool has_caches;
	bool cache_named[NESTREF_SMMUV3_CACHE_KIND_COUNT];
	struct nestref_smmuv3_cache_entry *caches; /* all named kinds together */
	size_t n_caches;
	/* read_vevents: the bytes read and every record, in order (3.10) */
	bool has_bytes;
	uint32_t bytes;
	bool has_records; /* records: [] sets it with n_records 0 */
	struct vec_record *records;
	size_t n_records;
	struct vec_mark mark;
};

enum vec_step_kind {
	VEC_STEP_SET_DEV_USER_DATA,
	VEC_STEP_UNSET_DEV_USER_DATA,
	VEC_STEP_INVALIDATE,
	VEC_STEP_CHECK_CACHE,
	VEC_STEP_DESTROY,
	VEC_STEP_HW_INFO,
	VEC_STEP_ATTACH,
	VEC_STEP_ALLOC_VEVENTQ,
	VEC_STEP_READ_VEVENTS,
	VEC_STEP_TRIGGER_VEVENT,
	VEC_STEP_FAULT,
};

/* A device reference: a named setup device, or a raw object ID. */
struct vec_devref {
	bool raw;           /* dev_id: given */
	uint32_t dev_id;    /* with raw */
	size_t dev_index;   /* without raw: index into vec_file.devices */
};

/*
 * A vEVENTQ as setup.veventqs or an alloc_veventq step allocates it (1.2,
 * 3.9).  Its name is one of vec_file.queues, where `queue` says which.
 */
struct vec_veventq {
	char *name;
	size_t queue;     /* index into vec_file.queues */
	bool raw_viommu;  /* viommu_id: given */
	uint32_t viommu;  /* index into vec_file.vmids, or the raw ID */
	uint32_t type;    /* selftest 0xbeefbeef, arm-smmuv3 1, or raw */
	uint32_t depth;
	uint32_t flags;
	bool has_sequence; /* setup only, capability veventq-sequence */
	uint32_t sequence;
	struct vec_mark mark;
};

/*
 * A queue reference: a named queue (setup.veventqs, or an alloc_veventq
 * step earlier in the same test), or a raw object ID (veventq_id:).
 */
struct vec_queueref {
	bool raw;
	uint32_t id;    /* with raw */
	char *name;     /* without raw */
	size_t queue;   /* without raw: index into vec_file.queues */
	struct vec_mark mark;
};

struct vec_step {
	enum vec_step_kind kind;
	struct vec_mark mark; /* of the action key */
	struct vec_devref dev; /* set, unset, check_cache, destroy, attach */
	/* destroy: the vDEVICE of dev's last successful set, not dev */
	bool destroy_vdevice;
	/* set_dev_user_data, invalidate, attach: index into vec_file.vmids */
	uint32_t viommu;

	/*
	 * set_dev_user_data: the user data is `data` (n_data bytes: the 4
	 * little-endian bytes of sid:, or bytes:) passed with length `len`
	 * (n_data unless len: was given).  When len exceeds n_data the loader
	 * has already zero-padded data to len bytes.  data_null: neither sid:
	 * nor bytes: was given, so the runner passes a NULL pointer with len.
	 * attach: the HWPT data likewise (the 16 bytes of vste:, or bytes:),
	 * with its data_type in `type`.
	 */
	unsigned char *data;
	size_t n_data;
	size_t len;
	bool data_null;

	/*
	 * invalidate: type is the raw data_type (arm-smmuv3 = 1, selftest =
	 * 0xdeadbeef); attach: the HWPT's (arm-smmuv3 = 2).  entry_len and entry_num hold the defaults when not
	 * written.  has_entries false means no entries: key, and the runner
	 * passes a NULL data pointer.
	 */
	uint32_t type;
	uint32_t entry_len;
	uint32_t entry_num;
	bool has_entries;
	struct vec_entry *entries;
	size_t n_entries;

	/* check_cache */
	uint32_t index;
	uint32_t value;

	/* alloc_veventq (3.9) */
	struct vec_veventq veventq;
	/* read_vevents, destroy {veventq} (3.10, 3.6) */
	struct vec_queueref queue;
	bool destroy_veventq;
	/* destroy {viommu}: the setup vIOMMU `viommu` (3.6) */
	bool destroy_viommu;
	/* read_vevents: read(2)'s count and the bytes of it that are mapped */
	uint32_t count;
	uint32_t writable;
	/*
	 * fault (3.12): the record the SMMU meets, its StreamID already the
	 * first pSID of dev when has_dev.
	 */
	bool has_dev;
	struct nestref_smmuv3_event event;

	struct vec_expect expect;
};

struct vec_test {
	long tc;
	char *comment;
	char **flags;
	size_t n_flags;
	struct vec_step *steps;
	size_t n_steps;
	struct vec_mark mark;
};

struct vec_note {
	char *name;
	char *bug;
	char *description;
};

struct vec_device {
	char *name;
	uint32_t psid; /* psids[0] */
	uint32_t psids[NESTREF_DEV_STREAMS_MAX];
	size_t n_psids; /* psid: a list gives a device several StreamIDs */
	bool has_vsid;
	uint32_t vsid;
	uint32_t viommu; /* index into vec_file.vmids: where vsid is set */
	struct vec_mark mark;
};

struct vec_file {
	char *path;
	char *id;
	char *title;
	char *description;
	char **references;
	size_t n_references;
	uint32_t profiles; /* NESTREF_PROFILE_BIT()s; all when not written */
	/* a deprecated profile name's note, for the command to print once */
	const char *profile_note;
	uint32_t requires; /* enum nestref_cap bits */
	struct vec_note *notes;
	size_t n_notes;

	/* setup */
	uint32_t vmid; /* default 1; vmids[0] */
	/* setup.viommus (or vmid alone): one vIOMMU per VMID, in order */
	uint32_t vmids[VEC_VIOMMUS_MAX];
	size_t n_viommus;
	uint32_t page_size; /* 0: the context's default, 4096 */
	bool has_smmu;
	struct nestref_smmuv3_features smmu; /* defaults when not written */
	bool has_caches;
	struct nestref_smmuv3_cache_entry *caches;
	size_t n_caches;
	struct vec_device *devices;
	size_t n_devices;
	/* setup.veventqs (1.2), allocated in order after the devices */
	struct vec_veventq *veventqs;
	size_t n_veventqs;
	/*
	 * Every queue name of the file: setup.veventqs, then the
	 * alloc_veventq steps in file order (the runner keeps an ID for each).
	 */
	const struct vec_veventq **queues;
	size_t n_queues;

	struct vec_test *tests;
	size_t n_tests;
	struct vec_mark id_mark;
};

/* One load error: its file (an index into the diag's paths), where, what. */
struct vec_diag_msg {
	size_t path;
	struct vec_mark mark;
	char *text;
};

/*
 * Load errors.  Each file's path is kept once, however many errors it
 * has, and vec_diag_message() formats "file:line:column: message" into
 * line on demand: a file of a million errors with a long path must not
 * cost a million copies of the path (docs/spec/vectors.md 1.5).  line is
 * grown by every add to fit the longest message, so that formatting never
 * allocates.
 */
struct vec_diag {
	struct vec_diag_msg *msgs;
	size_t count;
	char **paths;
	size_t n_paths;
	char *line;
	size_t line_size;
};

/*
 * Loads one file.  Returns 0 and *out, or -EINVAL with every load error the
 * loader could find in diag (syntax errors stop at the first; semantic ones
 * are all collected), or -ENOMEM / -errno of fopen (also in diag).
 */
int vec_load(const char *path, struct vec_file **out, struct vec_diag *diag);
/*
 * The same from len bytes in memory, name standing for the path (in
 * messages and vec_file.path): what tests/fuzz feeds the loader without a
 * file per input.  No size limit: the caller already holds the bytes.
 */
int vec_load_mem(const char *name, const unsigned char *buf, size_t len,
		 struct vec_file **out, struct vec_diag *diag);
void vec_file_free(struct vec_file *file);

void vec_diag_init(struct vec_diag *diag);
void vec_diag_free(struct vec_diag *diag);
/*
 * Appends "path:line:column: message"; returns -ENOMEM or 0.  A mark with
 * line 0 means "no position" (the file could not be read): "path: message".
 */
int vec_diag_add(struct vec_diag *diag, const char *path,
		 struct vec_mark mark, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same with a va_list, for callers that format their own messages. */
int vec_diag_vadd(struct vec_diag *diag, const char *path,
		  struct vec_mark mark, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/*
 * Message i as "path:line:column: message" ("path: message" without a
 * position), valid until the next call or a change to diag; NULL past the
 * end.
 */
const char *vec_diag_message(const struct vec_diag *diag, size_t i);

#endif /* NESTREF_VECTORS_VECTOR_H */

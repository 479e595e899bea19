/* SPDX-License-Identifier: MIT */
/*
 * Internal to the vector loader (lib/vectors/vector-*.c): the walk state
 * and the helpers that read libyaml document nodes against the format of
 * spec/vectors.md.  The runner includes vector.h only.
 *
 * Every helper that finds a problem reports it through vl_error() and
 * returns false; the caller carries on with the next key or item, so one
 * run of the loader reports every semantic error of a file.
 */
#ifndef NESTREF_VECTORS_VECTOR_LOAD_H
#define NESTREF_VECTORS_VECTOR_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "vector.h"

/* Longest excerpt of a scalar quoted in a message, in bytes. */
#define VL_EXCERPT 40

/*
 * Anchors and aliases are plain YAML, but an alias to a collection is
 * walked again each time it is used, so a few lines can expand to
 * billions of nodes.  The walk allows this many collection visits beyond
 * the number of nodes the file really has.
 */
#define VL_ALIAS_BUDGET 65536u

/*
 * The loader's resource limits (docs/spec/vectors.md 1.5).  Text: the
 * scalar bytes of the file with every alias expanded, at most this many
 * times the file's size (or of VL_BUDGET_FLOOR for a small file); the
 * walk copies what it keeps, so a few aliases of a long string would
 * otherwise cost gigabytes.  Anchors and aliases: at most this many each
 * (the bundled vectors use a few hundred).
 */
#define VL_EXPANDED_TIMES 4u
#define VL_BUDGET_FLOOR (64u << 10)
#define VL_ALIASES_MAX 4096u
#define VL_ANCHORS_MAX 4096u

/*
 * The errors kept per file; the rest are counted in one last message.  A
 * file with more has a problem that repeats, and the first hundred show
 * it.
 */
#define VL_ERRORS_MAX 100u

/*
 * Memory (docs/spec/vectors.md 1.5).  Loading and running a file must not
 * take more than 20 times its size (of VL_BUDGET_FLOOR for a small file),
 * counted in the bytes the libraries ask their allocator for.  The walk
 * charges what it allocates against VL_LOAD_TIMES of it; each invalidate
 * step's array, which the runner builds, and the backend's copy of it,
 * against VL_ARRAY_TIMES, each entry at VL_ENTRY_COST bytes at least (a
 * backend keeps a decoded command and its bytes per entry).  The rest is
 * the run's own: a context, a step's answers.
 */
#define VL_LOAD_TIMES 12u
#define VL_ARRAY_TIMES 4u
#define VL_ENTRY_COST 64u

/* A name defined in the file (a device, a note) and where. */
struct vl_name {
	const char *name;
	size_t index;
	struct vec_mark mark;
};

struct vl {
	const char *path;
	struct vec_diag *diag;
	yaml_document_t *doc;
	struct vec_file *file;
	unsigned int errors;
	bool nomem; /* an allocation failed: vec_load returns -ENOMEM */
	bool stop;  /* a limit was reached: no more walking or messages */
	const yaml_node_t *at; /* the collection being walked, for messages */
	size_t charged; /* bytes the walk allocated, against budget */
	size_t budget;
	size_t array_max; /* largest array a step may have the runner build */
	size_t visits;
	size_t max_visits;
	/* devices and notes sorted by name, for lookups */
	struct vl_name *dev_names;
	size_t n_dev_names;
	struct vl_name *note_names;
	size_t n_note_names;
};

/* A key of a mapping and its value, as found by vl_map(). */
struct vl_kv {
	yaml_node_t *key;
	yaml_node_t *val;
};

/* vl_str() flags */
#define VL_NON_EMPTY (1u << 0)
#define VL_ONE_LINE (1u << 1)

/* lib/vectors/vector-yaml.c */
struct vec_mark vl_mark(const yaml_node_t *node);
void vl_error(struct vl *vl, const yaml_node_t *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vl_error_at(struct vl *vl, struct vec_mark mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

bool vl_charge(struct vl *vl, const yaml_node_t *node, size_t n,
	       size_t size);
void *vl_calloc(struct vl *vl, size_t n, size_t size);
char *vl_strdup(struct vl *vl, const char *s);

yaml_node_t *vl_node(struct vl *vl, int index);
yaml_node_t *vl_item(struct vl *vl, const yaml_node_t *seq, size_t i);
const char *vl_text(const yaml_node_t *node, char buf[VL_EXCERPT + 8]);
const char *vl_describe(const yaml_node_t *node, char buf[VL_EXCERPT + 8]);
void vl_expected(struct vl *vl, const yaml_node_t *node, const char *what,
		 const char *key);
void vl_join(char *buf, size_t len, const char *const names[]);

bool vl_map(struct vl *vl, yaml_node_t *node, const char *key,
	    const char *what, const char *const names[], struct vl_kv kv[]);
bool vl_require(struct vl *vl, const yaml_node_t *map, const struct vl_kv *kv,
		const char *name);
bool vl_seq(struct vl *vl, yaml_node_t *node, const char *key, size_t *count);

/*
 * An integer as the format writes it (vectors.md 1.4): "0", a decimal
 * without leading zeros, or 0x and hex digits.  False for anything else;
 * *overflow when it does not fit 64 bits.  The loader and the export
 * share it, so both read a scalar the same way.
 */
bool vl_parse_uint(const unsigned char *s, size_t len, uint64_t *out,
		   bool *overflow);
bool vl_pairs(struct vl *vl, yaml_node_t *node, const char *key,
	      size_t *count);

bool vl_is_plain(const yaml_node_t *node);
bool vl_scalar_is(const yaml_node_t *node, const char *s);
/* A `viommu:` index: below the setup's number of vIOMMUs (1.2). */
bool vl_viommu(struct vl *vl, const yaml_node_t *node, uint32_t *out);
bool vl_uint(struct vl *vl, const yaml_node_t *node, const char *name,
	     uint64_t min, uint64_t max, uint64_t *out);
bool vl_u32(struct vl *vl, const yaml_node_t *node, const char *name,
	    uint32_t *out);
bool vl_bool(struct vl *vl, const yaml_node_t *node, const char *name,
	     bool *out);
bool vl_str(struct vl *vl, const yaml_node_t *node, const char *name,
	    unsigned int flags, const char **out);
bool vl_hexbytes(struct vl *vl, const yaml_node_t *node, const char *name,
		 unsigned char **out, size_t *len);

/* lib/vectors/vector-read.c */
int vl_read(const char *path, struct vec_diag *diag, yaml_document_t *doc,
	    size_t *size);
/*
 * The YAML document in len bytes at buf, path naming them in messages:
 * what vl_read() does once the file is read.
 */
int vl_parse(const char *path, struct vec_diag *diag, const unsigned char *buf,
	     size_t len, yaml_document_t *doc);

/* lib/vectors/vector-load.c */
bool vl_find_device(struct vl *vl, const char *name, size_t *index);
/* Names of the format: [a-z0-9] plus the characters of extra. */
bool vl_name_ok(const char *s, const char *extra);
/*
 * Sorts the names (by name, then by index) and reports every repeat
 * against the first as "duplicate <what> 'name'"; what == NULL reports
 * "duplicate key".
 */
void vl_sort_names(struct vl *vl, struct vl_name *names, size_t n,
		   const char *what);
/* A name of a sorted array, or NULL. */
const struct vl_name *vl_find_name(const struct vl_name *names, size_t n,
				   const char *name);

/* lib/vectors/vector-step.c */
void vl_step(struct vl *vl, yaml_node_t *node, struct vec_step *step);
void vl_step_free(struct vec_step *step);
/* A step's device: dev: NAME or dev_id: N, exactly one (vectors.md 3). */
bool vl_devref(struct vl *vl, const yaml_node_t *map, const struct vl_kv *dev,
	       const struct vl_kv *dev_id, struct vec_devref *ref);

/*
 * A type: key: arm-smmuv3, selftest or an integer (32 bits), the two
 * names meaning the values given (3.3, 3.9).
 */
bool vl_type(struct vl *vl, const yaml_node_t *node, uint32_t arm_smmuv3,
	     uint32_t selftest, uint32_t *type);

/* lib/vectors/vector-attach.c: an attach step's mapping (3.8). */
void vl_attach(struct vl *vl, yaml_node_t *node, struct vec_step *step);

/*
 * lib/vectors/vector-veventq.c: the vEVENTQs (1.2, 3.6, 3.9-3.11).  A
 * queue's name resolves once the whole file is read: vl_queues() numbers
 * every queue of the file, reports duplicates and resolves each step's
 * queue reference, then checks the records of each read against its
 * queue's type.
 */
void vl_setup_veventqs(struct vl *vl, yaml_node_t *node);
void vl_alloc_veventq(struct vl *vl, yaml_node_t *node,
		      struct vec_step *step);
void vl_read_vevents(struct vl *vl, yaml_node_t *node,
		     struct vec_step *step);
void vl_trigger_vevent(struct vl *vl, yaml_node_t *node,
		       struct vec_step *step);
/* veventq: NAME, kept for vl_queues() (destroy, read_vevents). */
bool vl_queue_name(struct vl *vl, const yaml_node_t *node,
		   struct vec_queueref *ref);
void vl_queues(struct vl *vl);

/*
 * lib/vectors/vector-event.c: SMMUv3 event records by fields or raw,
 * the fault step (3.12) and the records of expect (3.10).
 */
void vl_fault(struct vl *vl, yaml_node_t *node, struct vec_step *step);
void vl_records(struct vl *vl, yaml_node_t *node, struct vec_expect *ex);
/*
 * The records fit a queue of this type (known: a named queue's), or of
 * a type the runner cannot split (lost and bytes records only).
 */
void vl_records_check(struct vl *vl, const struct vec_expect *ex,
		      bool known, uint32_t type);
void vl_records_free(struct vec_expect *ex);

/* lib/vectors/vector-entry.c */
/* [dw0, ..., dw<n-1>]: a list of n 64-bit integers (n at most 4). */
bool vl_dw_list(struct vl *vl, yaml_node_t *list, const char *key,
		uint64_t *dw, size_t n);
bool vl_smmu_cmd(struct vl *vl, yaml_node_t *node,
		 struct nestref_smmuv3_cmd *cmd);
bool vl_entry(struct vl *vl, yaml_node_t *node, struct vec_entry *entry);
bool vl_caches(struct vl *vl, yaml_node_t *node, const char *what,
	       struct nestref_smmuv3_cache_entry **out, size_t *count,
	       bool named[NESTREF_SMMUV3_CACHE_KIND_COUNT]);

#endif /* NESTREF_VECTORS_VECTOR_LOAD_H */

/* SPDX-License-Identifier: MIT */
/*
 * The core's private structures, shared by the files of lib/.
 *
 * The object model mirrors iommufd (kernel-facts 2.3): a context is one
 * iommufd file; devices, vIOMMUs and user-data links (vDEVICEs) are objects
 * whose first member is struct nr_obj, all numbered from one ID space.
 */
#ifndef NESTREF_LIB_INTERNAL_H
#define NESTREF_LIB_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <nestref/backend.h>

#include "ids.h"

enum nr_obj_type {
	NR_OBJ_DEVICE = 1,
	NR_OBJ_VIOMMU,
	NR_OBJ_VDEVICE,
	NR_OBJ_HWPT, /* a nested HWPT (kernel-facts 2.11) */
	NR_OBJ_VEVENTQ, /* a vEVENTQ (kernel-facts 2.12) */
};

struct nr_obj {
	enum nr_obj_type type;
	uint32_t id;
};

/* From an object to what holds it (the ID space stores &obj). */
#define nr_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct nestref_viommu {
	struct nestref_viommu_head head; /* first: published (backend.h) */
	struct nr_obj obj;
	struct nestref_ctx *ctx;
	size_t users; /* vDEVICEs linked to it: destroy is -EBUSY until 0 */
	size_t hwpts; /* nested HWPTs on it: the same (kernel-facts 2.3) */
	/* Its vEVENTQs, at most one per type: the same (kernel-facts 2.12). */
	struct nestref_veventq *veventqs;
	uint32_t inv_base; /* first entry of the array being invalidated */
	void *priv;
};

struct nr_vdev;

struct nestref_dev {
	struct nestref_dev_head head; /* first: published; head.psid is streams[0] */
	struct nr_obj obj;
	struct nestref_ctx *ctx;
	size_t n_streams;
	uint32_t streams[NESTREF_DEV_STREAMS_MAX];
	/* Its vDEVICEs, newest first: one, unless one-vdevice-per-device
	 * is off (6.13 allowed several). */
	struct nr_vdev *vdevs;
	/* The vDEVICE a set_dev_user_data or unset call is about. */
	struct nr_vdev *cur;
	struct nestref_hwpt *hwpt; /* attached to, or NULL (2.11) */
	void *priv;
};

/* A nested HWPT: IOMMU_HWPT_ALLOC with a vIOMMU as pt_id (2.11). */
struct nestref_hwpt {
	struct nr_obj obj;
	struct nestref_ctx *ctx;
	struct nestref_viommu *viommu;
	size_t users; /* devices attached: destroy is -EBUSY until 0 */
	void *priv;
};

/* One reported event waiting to be read (struct iommufd_vevent). */
struct nr_vevent {
	struct nr_vevent *next;
	uint32_t sequence;
	size_t len;
	unsigned char data[];
};

/*
 * A vEVENTQ (kernel-facts 2.12).  The core keeps its records unless the
 * backend owns its queues (veventq_alloc set); then only the object is
 * here.  The LOST_EVENTS header is only ever at the tail, so a flag and
 * the sequence number it carries are the whole of it.
 */
struct nestref_veventq {
	struct nr_obj obj;
	struct nestref_ctx *ctx;
	struct nestref_viommu *viommu;
	struct nestref_veventq *next; /* the vIOMMU's next queue */
	uint32_t type;
	uint32_t depth;
	uint32_t sequence;   /* the number the next report takes */
	uint32_t num_events; /* records queued, the header not counted */
	struct nr_vevent *first;
	struct nr_vevent **tail; /* &first, or the last record's next */
	bool lost;              /* the LOST_EVENTS header ends the queue */
	uint32_t lost_sequence; /* the sequence number it carries */
	void *priv;
};

/* The user-data link: the RFC's "device has user data", upstream's vDEVICE. */
struct nr_vdev {
	struct nr_obj obj;
	struct nestref_dev *dev;
	struct nestref_viommu *viommu;
	/* what nestref_viommu_link() recorded, so the core can undo it */
	bool linked;
	uint64_t virt_id;
	struct nr_vdev *next; /* the device's next vDEVICE */
};

#define NR_MSG_LEN 256


struct nestref_ctx {
	const struct nestref_backend *be;
	enum nestref_profile profile;
	uint32_t rules;     /* the profile's rules less opts.rules_off */
	uint32_t page_size; /* 4096, 16384 or 65536 */
	uint32_t caps; /* the backend's, narrowed by its open hook */
	/* the backend's dev_user_data_len, or what its open hook set */
	size_t dev_user_data_len;
	/* a copy of opts.ext_opts, for the backend's extension */
	void *ext_opts;
	uint32_t ext_opts_size;
	struct nr_ids ids;
	char msg[NR_MSG_LEN];
	void *priv;
};

/* Allocates struct_size bytes followed by priv_size aligned private bytes. */
void *nr_alloc_with_priv(size_t struct_size, size_t priv_size,
				   void **priv);

/* nestref_ctx_rule(), inline for the per-call paths (docs/bench.md 8.2). */
static inline bool nr_rule(const struct nestref_ctx *ctx,
			   enum nestref_rule rule)
{
	return (ctx->rules & NESTREF_RULE_BIT(rule)) != 0;
}

/* Every API call starts with no message: inline, as invalidation is a
 * per-call path (docs/bench.md 8.2). */
static inline void nr_clear_message(struct nestref_ctx *ctx)
{
	ctx->msg[0] = '\0';
}

/* Sets ctx's message ("" for NULL fmt) and returns err. */
int nr_fail(struct nestref_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * nr_fail for an answer a profile rule decided: the message ends with
 * "[rule NAME, PROFILE]" so that explain and the TAP diagnostics say which
 * rule of which profile gave it.
 */
int nr_fail_rule(struct nestref_ctx *ctx, int err, enum nestref_rule rule,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * For a backend hook's error: the backend's own sentence when it set one
 * (it says more than the errno), else "CALL: <strerror>"; returns err.
 */
int nr_fail_backend(struct nestref_ctx *ctx, int err, const char *call);
void nr_vmessage(struct nestref_ctx *ctx, const char *fmt,
			   va_list ap) __attribute__((format(printf, 2, 0)));

static inline struct nestref_viommu *nr_obj_viommu(struct nr_obj *obj)
{
	return obj ? nr_container_of(obj, struct nestref_viommu, obj) : NULL;
}

static inline struct nestref_dev *nr_obj_dev(struct nr_obj *obj)
{
	return obj ? nr_container_of(obj, struct nestref_dev, obj) : NULL;
}

static inline struct nr_vdev *nr_obj_vdev(struct nr_obj *obj)
{
	return obj ? nr_container_of(obj, struct nr_vdev, obj) : NULL;
}

static inline struct nestref_hwpt *nr_obj_hwpt(struct nr_obj *obj)
{
	return obj ? nr_container_of(obj, struct nestref_hwpt, obj) : NULL;
}

static inline struct nestref_veventq *nr_obj_veventq(struct nr_obj *obj)
{
	return obj ? nr_container_of(obj, struct nestref_veventq, obj) : NULL;
}

/* Typed lookup: NULL for a missing ID or another type (ENOENT). */
struct nr_obj *nr_lookup(struct nestref_ctx *ctx, uint32_t id,
				   enum nr_obj_type type);

/* Unsets one vDEVICE of its device: the backend's op, then the link. */
void nr_vdev_unset(struct nr_vdev *vdev);

/* hwpt.c, for objects.c: IOMMU_DESTROY of a nested HWPT (-EBUSY while
 * attached), and a device's detach when it is destroyed. */
int nr_hwpt_destroy(struct nestref_hwpt *hwpt);
void nr_dev_detach(struct nestref_dev *dev);

/* veventq.c, for objects.c: IOMMU_DESTROY of a vEVENTQ, unread records
 * and all (kernel-facts 2.12); it cannot fail. */
void nr_veventq_destroy(struct nestref_veventq *q);

/*
 * The capabilities the core grants a context on top of the backend's:
 * veventq-sequence when the core keeps the backend's queues.
 */
uint32_t nr_core_caps(const struct nestref_backend *be);

/*
 * The kernel's extensible-struct copy (copy_struct_from_user,
 * kernel-facts 2.2 rule 3): src_size bytes of src into a dst_size buffer;
 * a shorter source is zero-extended, a longer one must have an all-zero
 * tail, else -E2BIG.
 */
int nr_copy_struct(void *dst, size_t dst_size, const void *src,
			     size_t src_size);

/*
 * registry.c, for module.c: the backends registered at run time, in the
 * order they came (0 to nr_backend_extra_count() - 1); dropping all but
 * the first n, to undo a module that failed; and the module whose init
 * is running (NULL after), recorded as the origin of what it registers.
 */
size_t nr_backend_extra_count(void);
const struct nestref_backend *nr_backend_extra(size_t i);
void nr_backend_extra_drop(size_t n);
void nr_backend_loading(const char *origin);
/*
 * Why nestref_backend_register() refuses backend with -EINVAL, for the
 * module loader's message; NULL when it does not.
 */
const char *nr_backend_refusal(const struct nestref_backend *backend);

#endif /* NESTREF_LIB_INTERNAL_H */

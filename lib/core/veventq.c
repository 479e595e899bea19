/* SPDX-License-Identifier: MIT */
/*
 * vEVENTQs, the way back (kernel-facts 2.12): what the iommufd core does
 * for its drivers.  A queue is an object on a vIOMMU, one per event type;
 * a driver reports an event into it with the device's virtual ID in it,
 * and the VMM reads whole records out.  The queue holds its vIOMMU as a
 * nested HWPT does (2.3).
 *
 * The core keeps the records unless the backend owns its queues (the real
 * kernel's, backend.h version 4): then alloc, read and destroy go to the
 * backend after the core's checks, and reports are not the core's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* Reports put records in and reads take them out only where the core
 * keeps the queues (backend.h, version 4). */
static bool nr_veventq_core_kept(const struct nestref_ctx *ctx)
{
	return !ctx->be->veventq_alloc;
}

uint32_t nr_core_caps(const struct nestref_backend *be)
{
	return be->veventq_alloc ? 0 : NESTREF_CAP_VEVENTQ_SEQUENCE;
}

/* Before 6.15 both ioctls are unknown to the kernel: ENOTTY. */
static int nr_veventq_rule(struct nestref_ctx *ctx, const char *call)
{
	if (nestref_ctx_rule(ctx, NESTREF_RULE_VEVENTQ))
		return 0;
	return nr_fail_rule(ctx, -ENOTTY, NESTREF_RULE_VEVENTQ,
			    "%s: this kernel has no vEVENTQ (IOMMU_VEVENTQ_ALLOC came in 6.15), an unknown ioctl",
			    call);
}

static struct nestref_veventq *nr_viommu_veventq(struct nestref_viommu *viommu,
						 uint32_t type)
{
	struct nestref_veventq *q;

	for (q = viommu->veventqs; q; q = q->next)
		if (q->type == type)
			return q;
	return NULL;
}

static struct nestref_veventq *nr_veventq_get(struct nestref_ctx *ctx,
					      uint32_t id, const char *call,
					      int *rc)
{
	struct nestref_veventq *q;

	q = nr_obj_veventq(nr_lookup(ctx, id, NR_OBJ_VEVENTQ));
	*rc = q ? 0 : nr_fail(ctx, -ENOENT, "%s: no vEVENTQ with ID %u", call,
			      id);
	return q;
}

int nestref_veventq_alloc(struct nestref_ctx *ctx, uint32_t viommu_id,
			  uint32_t type, uint32_t depth, uint32_t flags,
			  uint32_t *out_veventq_id)
{
	struct nestref_viommu *viommu;
	struct nestref_veventq *q;
	void *priv;
	int rc;

	nr_clear_message(ctx);
	/* iommufd_veventq_alloc's checks, in its order (2.12). */
	rc = nr_veventq_rule(ctx, "veventq_alloc");
	if (rc)
		return rc;
	if (flags)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "veventq_alloc: flags 0x%x; none are defined (kernel-facts 2.12)",
			       flags);
	if (type == NESTREF_VEVENTQ_TYPE_DEFAULT)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "veventq_alloc: type 0 (IOMMU_VEVENTQ_TYPE_DEFAULT) is reserved (kernel-facts 2.12)");
	if (depth == 0 || depth > NESTREF_VEVENTQ_DEPTH_MAX)
		return nr_fail(ctx, -EINVAL,
			       "veventq_alloc: depth %u; it is 1 to %u (kernel-facts 2.12)",
			       depth, NESTREF_VEVENTQ_DEPTH_MAX);
	viommu = nr_obj_viommu(nr_lookup(ctx, viommu_id, NR_OBJ_VIOMMU));
	if (!viommu)
		return nr_fail(ctx, -ENOENT, "veventq_alloc: no vIOMMU with ID %u",
			       viommu_id);
	if (nr_viommu_veventq(viommu, type))
		return nr_fail(ctx, -EEXIST,
			       "veventq_alloc: vIOMMU %u already has a vEVENTQ of type 0x%x (one per type, kernel-facts 2.12)",
			       viommu_id, type);
	q = nr_alloc_with_priv(sizeof(*q), ctx->be->veventq_priv_size, &priv);
	if (!q)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	q->obj.type = NR_OBJ_VEVENTQ;
	q->ctx = ctx;
	q->viommu = viommu;
	q->type = type;
	q->depth = depth;
	q->tail = &q->first;
	q->priv = priv;
	/* The ID is taken before the backend runs and given back on error. */
	rc = nr_ids_alloc(&ctx->ids, &q->obj, &q->obj.id);
	if (rc)
		goto err_free;
	if (ctx->be->veventq_alloc) {
		rc = ctx->be->veventq_alloc(q);
		if (rc)
			goto err_id;
	}
	q->next = viommu->veventqs;
	viommu->veventqs = q;
	if (out_veventq_id)
		*out_veventq_id = q->obj.id;
	return 0;

err_id:
	nr_ids_remove(&ctx->ids, q->obj.id);
err_free:
	nestref_free(q);
	return nr_fail_backend(ctx, rc, "veventq_alloc");
}

void nr_veventq_destroy(struct nestref_veventq *q)
{
	struct nestref_ctx *ctx = q->ctx;
	struct nestref_veventq **pp;
	struct nr_vevent *ev;

	if (ctx->be->veventq_destroy)
		ctx->be->veventq_destroy(q);
	/* iommufd_veventq_abort: the unread records go with the queue. */
	while ((ev = q->first)) {
		q->first = ev->next;
		nestref_free(ev);
	}
	for (pp = &q->viommu->veventqs; *pp; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	}
	nr_ids_remove(&ctx->ids, q->obj.id);
	nestref_free(q);
}

/* iommufd_vevent_handler's numbering: 0 to INT_MAX, then 0 again. */
static uint32_t nr_veventq_take_sequence(struct nestref_veventq *q)
{
	uint32_t seq = q->sequence;

	q->sequence = (seq + 1) & NESTREF_VEVENT_SEQUENCE_MAX;
	return seq;
}

/*
 * A lost event: the one LOST_EVENTS header moves to the tail (it is there
 * already, or nowhere) and takes the lost report's number.
 */
static void nr_veventq_lose(struct nestref_veventq *q)
{
	q->lost = true;
	q->lost_sequence = nr_veventq_take_sequence(q);
}

int nestref_viommu_report_event(struct nestref_viommu *viommu, uint32_t type,
				const void *data, size_t len)
{
	struct nestref_ctx *ctx = viommu->ctx;
	struct nestref_veventq *q;
	struct nr_vevent *ev;

	if (!len || !data) {
		nestref_ctx_set_message(ctx,
					"report_event: no event (%zu bytes%s)",
					len, data ? "" : ", no data");
		return -EINVAL;
	}
	q = nr_viommu_veventq(viommu, type);
	/* A queue the backend owns is not the core's to fill. */
	if (!q || !nr_veventq_core_kept(ctx)) {
		nestref_ctx_set_message(ctx,
					"report_event: vIOMMU %u has no vEVENTQ of type 0x%x: the event is dropped (kernel-facts 2.12)",
					viommu->obj.id, type);
		return -EOPNOTSUPP;
	}
	ev = len > SIZE_MAX - sizeof(*ev) ? NULL :
					    nestref_malloc(sizeof(*ev) + len);
	if (!ev) {
		/* iommufd_viommu_report_event: a failed allocation is an
		 * overflow that says so. */
		nr_veventq_lose(q);
		nestref_ctx_set_message(ctx,
					"report_event: out of memory: the event is lost (LOST_EVENTS, kernel-facts 2.12)");
		return -ENOMEM;
	}
	if (q->num_events == q->depth) {
		nestref_free(ev);
		nr_veventq_lose(q);
		return 0;
	}
	/* A record after the header removes it: the gap in the numbers
	 * tells the reader how many were lost. */
	q->lost = false;
	ev->next = NULL;
	ev->sequence = nr_veventq_take_sequence(q);
	ev->len = len;
	memcpy(ev->data, data, len);
	*q->tail = ev;
	q->tail = &ev->next;
	q->num_events++;
	return 0;
}

/*
 * Copies the oldest record to the buffer at buf->done:
 * 1 when it was copied, 0 when it does not fit in count (the read ends
 * there), -EFAULT when the header or the data would land past data_size.
 * ev NULL is the LOST_EVENTS header.  Nothing is dequeued here.
 */
static int nr_veventq_copy(const struct nestref_veventq *q,
			   const struct nr_vevent *ev,
			   struct nestref_event_buffer *buf)
{
	/* No buffer at all is memory that faults at once. */
	unsigned char *dst = buf->data ? (unsigned char *)buf->data + buf->done :
					 NULL;
	size_t len = ev ? ev->len : 0;
	size_t room = buf->count - buf->done;
	size_t writable = buf->data ? buf->data_size - buf->done : 0;

	if (room < NESTREF_VEVENT_HEADER_SIZE ||
	    room - NESTREF_VEVENT_HEADER_SIZE < len)
		return 0;
	/* The header, then the data: two copies, either may fault. */
	if (writable < NESTREF_VEVENT_HEADER_SIZE)
		return -EFAULT;
	nestref_le_put(dst, 4, ev ? 0 : NESTREF_VEVENT_FLAG_LOST_EVENTS);
	nestref_le_put(dst + 4, 4, ev ? ev->sequence : q->lost_sequence);
	if (writable - NESTREF_VEVENT_HEADER_SIZE < len)
		return -EFAULT;
	if (len)
		memcpy(dst + NESTREF_VEVENT_HEADER_SIZE, ev->data, len);
	return 1;
}

/* iommufd_veventq_fops_read on a queue the core keeps. */
static int nr_veventq_read_records(struct nestref_veventq *q,
				   struct nestref_event_buffer *buf)
{
	struct nr_vevent *ev;
	int rc;

	while ((ev = q->first) || q->lost) {
		rc = nr_veventq_copy(q, ev, buf);
		if (rc <= 0) {
			/* A record that does not fit or faults stays queued;
			 * only with nothing read is that an error. */
			if (buf->done)
				return 0;
			return rc ? rc : -EINVAL;
		}
		buf->done += NESTREF_VEVENT_HEADER_SIZE;
		if (!ev) {
			/* The header took no place in the queue. */
			q->lost = false;
			break;
		}
		buf->done += ev->len;
		q->first = ev->next;
		if (!q->first)
			q->tail = &q->first;
		q->num_events--;
		nestref_free(ev);
	}
	return 0;
}

int nestref_veventq_read(struct nestref_ctx *ctx, uint32_t veventq_id,
			 struct nestref_event_buffer *buf)
{
	struct nestref_veventq *q;
	int rc;

	nr_clear_message(ctx);
	rc = nr_veventq_rule(ctx, "veventq_read");
	if (rc)
		return rc;
	q = nr_veventq_get(ctx, veventq_id, "veventq_read", &rc);
	if (!q)
		return rc;
	if (!buf)
		return nr_fail(ctx, -EINVAL, "veventq_read: no buffer");
	buf->done = 0;
	if (buf->count < NESTREF_VEVENT_HEADER_SIZE)
		return nr_fail(ctx, -EINVAL,
			       "veventq_read: count %zu is below the %u-byte header (kernel-facts 2.12)",
			       buf->count, NESTREF_VEVENT_HEADER_SIZE);
	if (!nr_veventq_core_kept(ctx)) {
		rc = ctx->be->veventq_read(q, buf);
		return rc ? nr_fail_backend(ctx, rc, "veventq_read") : 0;
	}
	rc = nr_veventq_read_records(q, buf);
	if (rc == -EINVAL)
		return nr_fail(ctx, rc,
			       "veventq_read: count %zu cannot hold the first record, %zu bytes (kernel-facts 2.12)",
			       buf->count,
			       NESTREF_VEVENT_HEADER_SIZE + q->first->len);
	if (rc)
		return nr_fail(ctx, rc,
			       "veventq_read: a fault writing the first record: only %zu bytes are writable (kernel-facts 2.12)",
			       buf->data ? buf->data_size : 0);
	return 0;
}

int nestref_veventq_set_sequence(struct nestref_ctx *ctx, uint32_t veventq_id,
				 uint32_t sequence)
{
	struct nestref_veventq *q;
	int rc;

	nr_clear_message(ctx);
	if (!(ctx->caps & NESTREF_CAP_VEVENTQ_SEQUENCE))
		return nr_fail(ctx, -EOPNOTSUPP,
			       "veventq_set_sequence: backend %s cannot preset a sequence number (no veventq-sequence)",
			       ctx->be->name);
	q = nr_veventq_get(ctx, veventq_id, "veventq_set_sequence", &rc);
	if (!q)
		return rc;
	if (sequence > NESTREF_VEVENT_SEQUENCE_MAX)
		return nr_fail(ctx, -EINVAL,
			       "veventq_set_sequence: 0x%x is above 0x%x, the last sequence number",
			       sequence, NESTREF_VEVENT_SEQUENCE_MAX);
	q->sequence = sequence;
	return 0;
}

int nestref_trigger_vevent(struct nestref_ctx *ctx, uint32_t dev_id)
{
	struct nestref_dev *dev;
	int rc;

	nr_clear_message(ctx);
	if (!(ctx->caps & NESTREF_CAP_TRIGGER_VEVENT) ||
	    !ctx->be->trigger_vevent)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "trigger_vevent: backend %s has no TRIGGER_VEVENT (no trigger-vevent)",
			       ctx->be->name);
	dev = nr_obj_dev(nr_lookup(ctx, dev_id, NR_OBJ_DEVICE));
	if (!dev)
		return nr_fail(ctx, -ENOENT,
			       "trigger_vevent: no device with ID %u", dev_id);
	rc = ctx->be->trigger_vevent(dev);
	return rc ? nr_fail_backend(ctx, rc, "trigger_vevent") : 0;
}

/* Accessors for backends ---------------------------------------------- */

void *nestref_veventq_priv(struct nestref_veventq *q)
{
	return q->priv;
}

struct nestref_ctx *nestref_veventq_ctx(const struct nestref_veventq *q)
{
	return q->ctx;
}

uint32_t nestref_veventq_id(const struct nestref_veventq *q)
{
	return q->obj.id;
}

uint32_t nestref_veventq_type(const struct nestref_veventq *q)
{
	return q->type;
}

uint32_t nestref_veventq_depth(const struct nestref_veventq *q)
{
	return q->depth;
}

struct nestref_viommu *nestref_veventq_viommu(const struct nestref_veventq *q)
{
	return q->viommu;
}

/* SPDX-License-Identifier: MIT */
/*
 * The way back on the real kernel (kernel-facts 2.12): the kernel keeps
 * each vEVENTQ and its records; this file allocates it, reads it through
 * the file descriptor IOMMU_VEVENTQ_ALLOC answers with, and closes it.
 * In selftest mode IOMMU_TEST_OP_TRIGGER_VEVENT makes the mock report an
 * event (5.10).  Whatever the kernel answers comes back unchanged.
 */
#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include "ifd.h"
#include "sys.h"
#include "uapi.h"
#include "user-buffer.h"

static struct ifd_veventq *ifd_veventq(struct nestref_veventq *q)
{
	return nestref_veventq_priv(q);
}

/* The core has made every check of nestref_veventq_alloc() already. */
int ifd_veventq_alloc(struct nestref_veventq *q)
{
	struct nestref_ctx *ctx = nestref_veventq_ctx(q);
	struct ifd_veventq *iq = ifd_veventq(q);
	const struct ifd_viommu *iv =
		nestref_viommu_priv(nestref_veventq_viommu(q));
	struct nr_iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = iv->viommu_id,
		.type = nestref_veventq_type(q),
		.veventq_depth = nestref_veventq_depth(q),
	};
	int rc;

	iq->fd = -1;
	rc = ifd_ioctl(ctx, ifd_ctx(ctx)->fd, NR_IOMMU_VEVENTQ_ALLOC, &cmd,
		       "IOMMU_VEVENTQ_ALLOC");
	if (rc)
		return rc;
	iq->veventq_id = cmd.out_veventq_id;
	iq->fd = (int)cmd.out_veventq_fd;
	return 0;
}

/*
 * read(2) of the descriptor.  The core treats a write past data_size as a
 * fault; the kernel faults only on unmapped memory.  A read of at most
 * data_size bytes goes straight into the caller's buffer; a longer one
 * goes into the context's guarded buffer, which ends where an
 * inaccessible page starts (user-buffer.c), so that a record the kernel
 * cannot write whole stays queued exactly as in the core (kernel-facts
 * 2.12).
 */
int ifd_veventq_read(struct nestref_veventq *q,
		     struct nestref_event_buffer *buf)
{
	struct nestref_ctx *ctx = nestref_veventq_ctx(q);
	unsigned char *into = buf->data;
	ssize_t n;
	int rc;

	buf->done = 0;
	if (buf->count > buf->data_size) {
		rc = ifd_guard_reserve(&ifd_ctx(ctx)->guard, buf->data_size,
				       &into);
		if (rc) {
			nestref_ctx_set_message(ctx,
						"iommufd: cannot map a buffer of %zu bytes to read vEVENTQ %u into: %s",
						buf->data_size,
						nestref_veventq_id(q),
						nestref_strerror(rc));
			return rc;
		}
	}
	n = ifd_sys()->read(ifd_veventq(q)->fd, into, buf->count);
	if (n < 0) {
		rc = -errno;
		nestref_ctx_set_message(ctx, "iommufd: read of vEVENTQ %u: %s",
					nestref_veventq_id(q),
					nestref_strerror(rc));
		return rc;
	}
	/* Never more than data_size: the next byte is unmapped. */
	buf->done = (size_t)n < buf->data_size ? (size_t)n : buf->data_size;
	if (buf->done && into != buf->data)
		memcpy(buf->data, into, buf->done);
	return 0;
}

/* The descriptor holds the object: IOMMU_DESTROY is EBUSY before. */
void ifd_veventq_destroy(struct nestref_veventq *q)
{
	struct ifd_veventq *iq = ifd_veventq(q);

	if (iq->fd >= 0)
		ifd_sys()->close(iq->fd);
	iq->fd = -1;
	ifd_destroy(nestref_veventq_ctx(q), iq->veventq_id);
}

/* The mock reports {virt_id} for the device's iommufd ID (5.10). */
int ifd_trigger_vevent(struct nestref_dev *dev)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	const struct ifd_dev *id = nestref_dev_priv(dev);
	struct nr_iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = NR_IOMMU_TEST_OP_TRIGGER_VEVENT,
		.trigger_vevent = { .dev_id = id->idev },
	};

	return ifd_ioctl(ctx, ifd_ctx(ctx)->fd, NR_IOMMU_TEST_CMD, &cmd,
			 "IOMMU_TEST_OP_TRIGGER_VEVENT");
}

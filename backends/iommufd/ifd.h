/* SPDX-License-Identifier: MIT */
/*
 * The iommufd backend's private state and helpers, shared by its files:
 * iommufd.c (contexts, vIOMMUs, devices, vDEVICEs, invalidation),
 * nested.c (nested HWPTs and attach) and events.c (vEVENTQs and the
 * selftest's TRIGGER_VEVENT).
 */
#ifndef NESTREF_IOMMUFD_IFD_H
#define NESTREF_IOMMUFD_IFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nestref/backend.h>

#include "sys.h"
#include "user-buffer.h"

#define IFD_MAX_VFIO 16

enum ifd_mode {
	IFD_SELFTEST,
	IFD_VFIO,
};

struct ifd_ctx {
	int fd;
	enum ifd_mode mode;
	char *iommufd_path; /* NULL: /dev/iommu */
	uint32_t ioas_id;
	char *paths[IFD_MAX_VFIO];
	size_t n_paths;
	size_t n_devs; /* devices created, to pick the next cdev */
	/*
	 * The anchor device, made with the first vIOMMU: a mock device
	 * (stdev) in selftest mode; in vfio mode the first cdev, which the
	 * vector's first device then shares (a cdev opens once).
	 */
	bool anchored;
	uint32_t anchor_stdev;
	int anchor_fd;
	uint32_t anchor_idev;
	/* Arrays and event buffers the kernel could read or write past their
	 * end go here (user-buffer.c). */
	struct ifd_guard guard;
};

struct ifd_viommu {
	uint32_t hwpt_id;
	uint32_t viommu_id;
	int fd; /* the context's, for the invalidation path (8.2) */
};

struct ifd_dev {
	uint32_t idev;
	uint32_t stdev;   /* selftest: destroying it removes the mock device */
	int vfio_fd;      /* vfio: -1, or the cdev this device owns */
	uint32_t vdevice;
};

/* A nested HWPT: the kernel's ID of it. */
struct ifd_hwpt {
	uint32_t hwpt_id;
};

/*
 * A vEVENTQ: the kernel keeps the records (kernel-facts 2.12); the
 * backend keeps the object's ID and the file descriptor they are read
 * from, which holds the object until it is closed.
 */
struct ifd_veventq {
	uint32_t veventq_id;
	int fd; /* -1 once closed */
};

static inline struct ifd_ctx *ifd_ctx(struct nestref_ctx *ctx)
{
	return nestref_ctx_priv(ctx);
}

/* The cdev of a device (vfio mode): its own, or the anchor's it shares. */
static inline int ifd_dev_fd(struct nestref_dev *dev)
{
	const struct ifd_dev *id = nestref_dev_priv(dev);

	return id->vfio_fd >= 0 ? id->vfio_fd :
				  ifd_ctx(nestref_dev_ctx(dev))->anchor_fd;
}

/* After a failed ioctl: -errno, with a sentence naming the call. */
int ifd_ioctl_error(struct nestref_ctx *ctx, const char *name);

/* One ioctl; 0 or -errno, with a sentence naming it on failure. */
static inline int ifd_ioctl(struct nestref_ctx *ctx, int fd,
			    unsigned long req, void *arg, const char *name)
{
	if (ifd_sys()->ioctl(fd, req, arg) == 0)
		return 0;
	return ifd_ioctl_error(ctx, name);
}
/* IOMMU_DESTROY of a kernel ID (0: nothing); a refusal is only told. */
void ifd_destroy(struct nestref_ctx *ctx, uint32_t id);

/*
 * nested.c: IOMMU_HWPT_ALLOC of a nested HWPT on the vIOMMU, IOMMU_DESTROY
 * of it, and the attach (kernel-facts 2.11): VFIO_DEVICE_ATTACH_IOMMUFD_PT
 * in vfio mode, IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE of the mock device in
 * selftest mode (5.10).  ifd_dev_detach_shared undoes an attach of the
 * device that shares the anchor's cdev, which destroying it does not
 * close (vfio mode only: destroying a mock device detaches it).
 */
int ifd_hwpt_nested_init(struct nestref_hwpt *hwpt, uint32_t data_type,
			 const void *data, size_t len);
void ifd_hwpt_nested_destroy(struct nestref_hwpt *hwpt);
int ifd_dev_attach(struct nestref_dev *dev, struct nestref_hwpt *hwpt);
void ifd_dev_detach_shared(struct nestref_dev *dev);

/*
 * events.c: IOMMU_VEVENTQ_ALLOC, read(2) of the queue's descriptor,
 * its close and IOMMU_DESTROY (kernel-facts 2.12), and
 * IOMMU_TEST_OP_TRIGGER_VEVENT (5.10).
 */
int ifd_veventq_alloc(struct nestref_veventq *q);
int ifd_veventq_read(struct nestref_veventq *q,
		     struct nestref_event_buffer *buf);
void ifd_veventq_destroy(struct nestref_veventq *q);
int ifd_trigger_vevent(struct nestref_dev *dev);

#endif /* NESTREF_IOMMUFD_IFD_H */

/* SPDX-License-Identifier: MIT */
/*
 * The iommufd extension: what a caller may ask a backend that runs on the
 * real kernel through /dev/iommu (the `iommufd` backend) beyond the
 * backend interface.  nestref-bench's `ioctl` rows use it to call
 * IOMMU_HWPT_INVALIDATE on the kernel's vIOMMU themselves, without
 * nestref, with the entries its `kernel` rows pass through
 * nestref_invalidate() (docs/bench.md).
 *
 * A backend that implements it points nestref_backend.ext at a struct
 * nestref_iommufd_ops and sets ext_name to NESTREF_IOMMUFD_EXT; callers
 * find it with nestref_ctx_ext(ctx, NESTREF_IOMMUFD_EXT)
 * (<nestref/backend.h>), NULL on any other backend.
 */
#ifndef NESTREF_IOMMUFD_H
#define NESTREF_IOMMUFD_H

#include <nestref/nestref.h>

#ifdef __cplusplus
extern "C" {
#endif

/* nestref_backend.ext_name of a backend with struct nestref_iommufd_ops. */
#define NESTREF_IOMMUFD_EXT "iommufd"

/* Version 2 appended ioas_target and dev_target; a later version only
 * appends.  A caller reads a member only when version says it is there. */
#define NESTREF_IOMMUFD_OPS_VERSION 2

struct nestref_iommufd_ops {
	unsigned int version; /* NESTREF_IOMMUFD_OPS_VERSION */
	/*
	 * The kernel objects behind the context's vIOMMU viommu_id (a
	 * nestref object ID): the iommufd file descriptor the context holds
	 * and the kernel's ID of the vIOMMU (IOMMU_HWPT_INVALIDATE's
	 * hwpt_id, kernel-facts 2.7).  The descriptor stays the context's:
	 * do not close it.  0, or -ENOENT when viommu_id is not a vIOMMU of
	 * ctx.
	 */
	int (*viommu_target)(struct nestref_ctx *ctx, uint32_t viommu_id,
			     int *fd, uint32_t *kernel_viommu_id);
	/* Version 2. */
	/*
	 * The IOAS every vIOMMU's nest-parent HWPT is allocated on: what
	 * IOMMU_IOAS_MAP puts there at an IOVA is what the guest sees at
	 * that IPA, through stage 2 (kernel-facts 2.8, 2.11).  The
	 * descriptor is the context's, as above.  Always 0.
	 */
	int (*ioas_target)(struct nestref_ctx *ctx, int *fd,
			   uint32_t *kernel_ioas_id);
	/*
	 * The device dev_id's VFIO cdev (mode=vfio), bound to the context's
	 * iommufd, and the kernel's ID of the bound device: what a caller
	 * needs to reach the device itself (VFIO_DEVICE_GET_REGION_INFO,
	 * its BARs, its config space).  The descriptor stays the
	 * context's.  0, -ENOENT when dev_id is not a device of ctx, or
	 * -EOPNOTSUPP in mode=selftest (a mock device has no cdev).
	 */
	int (*dev_target)(struct nestref_ctx *ctx, uint32_t dev_id,
			  int *vfio_fd, uint32_t *kernel_dev_id);
};

#ifdef __cplusplus
}
#endif

#endif /* NESTREF_IOMMUFD_H */

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

/* Version 1; a later version only appends. */
#define NESTREF_IOMMUFD_OPS_VERSION 1

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
};

#ifdef __cplusplus
}
#endif

#endif /* NESTREF_IOMMUFD_H */

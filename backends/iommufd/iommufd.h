/* SPDX-License-Identifier: MIT */
/*
 * What white-box users may ask the iommufd backend beyond the backend
 * interface.  nestref-bench's `ioctl` rows time IOMMU_HWPT_INVALIDATE on
 * the kernel's vIOMMU directly (kernel-facts 2.7, 5.4), with the same
 * entries as its `kernel` rows, to show what the core and this backend
 * add per call.
 */
#ifndef NESTREF_IOMMUFD_IOMMUFD_H
#define NESTREF_IOMMUFD_IOMMUFD_H

#include <stdint.h>

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

/*
 * The iommufd file descriptor of viommu's context and the kernel's ID of
 * the vIOMMU (IOMMU_HWPT_INVALIDATE's hwpt_id).  0, or -EINVAL when viommu
 * is not on the iommufd backend.
 */
int ifd_viommu_target(struct nestref_viommu *viommu, int *fd,
		      uint32_t *viommu_id);

#endif /* NESTREF_IOMMUFD_IOMMUFD_H */

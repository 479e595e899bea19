/* SPDX-License-Identifier: MIT */
/*
 * Nested HWPTs and attach on the real kernel (kernel-facts 2.11):
 * IOMMU_HWPT_ALLOC with the vIOMMU as pt_id and the caller's data as it
 * is (on SMMUv3 the guest's vSTE, 3.7; on the selftest mock struct
 * iommu_hwpt_selftest, 5.10), IOMMU_DESTROY of it, and the attach: in
 * vfio mode VFIO_DEVICE_ATTACH_IOMMUFD_PT on the device's cdev, in
 * selftest mode IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE of the mock device.
 * Whatever the kernel answers comes back unchanged.
 */
#include <errno.h>
#include <stdint.h>

#include "ifd.h"
#include "uapi.h"

static struct ifd_hwpt *ifd_hwpt(struct nestref_hwpt *hwpt)
{
	return nestref_hwpt_priv(hwpt);
}

/* The vIOMMU needs a device of its physical IOMMU: the anchor (2.8). */
int ifd_hwpt_nested_init(struct nestref_hwpt *hwpt, uint32_t data_type,
			 const void *data, size_t len)
{
	struct nestref_ctx *ctx = nestref_hwpt_ctx(hwpt);
	struct ifd_ctx *ic = ifd_ctx(ctx);
	struct ifd_viommu *iv = nestref_viommu_priv(nestref_hwpt_viommu(hwpt));
	struct nr_iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = ic->anchor_idev,
		.pt_id = iv->viommu_id,
		.data_type = data_type,
		.data_len = (uint32_t)len,
		.data_uptr = (uint64_t)(uintptr_t)data,
	};
	int rc;

	/* A length past 32 bits would be cut: the kernel would see less. */
	if (len > UINT32_MAX) {
		nestref_ctx_set_message(ctx,
					"iommufd: %zu bytes of HWPT data do not fit data_len",
					len);
		return -EOVERFLOW;
	}
	rc = ifd_ioctl(ctx, ic->fd, NR_IOMMU_HWPT_ALLOC, &cmd,
		       "IOMMU_HWPT_ALLOC");
	if (!rc)
		ifd_hwpt(hwpt)->hwpt_id = cmd.out_hwpt_id;
	return rc;
}

void ifd_hwpt_nested_destroy(struct nestref_hwpt *hwpt)
{
	ifd_destroy(nestref_hwpt_ctx(hwpt), ifd_hwpt(hwpt)->hwpt_id);
}

/*
 * 5.10: the mock's replace takes the selftest object (stdev), not the
 * device's iommufd ID; the mock device then remembers the HWPT's vIOMMU
 * and its vDEVICE's virt_id for TRIGGER_VEVENT.
 */
static int ifd_mock_attach(struct nestref_dev *dev, struct nestref_hwpt *hwpt)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	const struct ifd_dev *id = nestref_dev_priv(dev);
	struct nr_iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = NR_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = id->stdev,
		.mock_domain_replace = { .pt_id = ifd_hwpt(hwpt)->hwpt_id },
	};

	return ifd_ioctl(ctx, ifd_ctx(ctx)->fd, NR_IOMMU_TEST_CMD, &cmd,
			 "IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE");
}

int ifd_dev_attach(struct nestref_dev *dev, struct nestref_hwpt *hwpt)
{
	struct nr_vfio_device_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.pt_id = ifd_hwpt(hwpt)->hwpt_id,
	};

	if (ifd_ctx(nestref_dev_ctx(dev))->mode == IFD_SELFTEST)
		return ifd_mock_attach(dev, hwpt);
	return ifd_ioctl(nestref_dev_ctx(dev), ifd_dev_fd(dev),
			 NR_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd,
			 "VFIO_DEVICE_ATTACH_IOMMUFD_PT");
}

/*
 * Closing a cdev detaches its device; the anchor's stays open until the
 * context closes, so the device that shares it is detached here, or its
 * HWPT could not be destroyed (EBUSY, kernel-facts 2.3).  A mock device
 * owns no cdev: destroying its selftest object detaches it.
 */
void ifd_dev_detach_shared(struct nestref_dev *dev)
{
	const struct ifd_dev *id = nestref_dev_priv(dev);
	struct nr_vfio_device_detach_iommufd_pt cmd = { .argsz = sizeof(cmd) };

	if (ifd_ctx(nestref_dev_ctx(dev))->mode == IFD_SELFTEST ||
	    id->vfio_fd >= 0 || !nestref_dev_hwpt(dev))
		return;
	ifd_ioctl(nestref_dev_ctx(dev), ifd_dev_fd(dev),
		  NR_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd,
		  "VFIO_DEVICE_DETACH_IOMMUFD_PT");
}

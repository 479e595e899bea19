/* SPDX-License-Identifier: MIT */
/*
 * set/unset_dev_user_data: what the iommufd core does around the seed's
 * ops.  The checks and their order are RFC v3 2/4's SET_DATA handler
 * (kernel-facts 1.3) with the vIOMMU lookup of its successor
 * IOMMU_VDEVICE_ALLOC (2.9); the errno of a bad tail follows the profile.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

/* Frees the link object; the backend has already dropped its state. */
static void nr_vdev_release(struct nestref_dev *dev)
{
	struct nr_vdev *vdev = dev->vdev;

	/* A backend that forgot to unlink must not leave a dangling pointer. */
	if (dev->linked)
		nestref_viommu_unlink(dev->viommu, dev->linked_virt_id);
	if (vdev) {
		nr_ids_remove(&dev->ctx->ids, vdev->obj.id);
		vdev->viommu->users--;
		free(vdev);
	}
	dev->vdev = NULL;
	dev->viommu = NULL;
}

void nr_dev_unset(struct nestref_dev *dev)
{
	dev->ctx->be->unset_dev_user_data(dev);
	nr_vdev_release(dev);
}

static int nr_set_checked(struct nestref_ctx *ctx,
			  struct nestref_viommu *viommu,
			  struct nestref_dev *dev, const void *data, size_t len,
			  uint32_t *out_id)
{
	const struct nestref_backend *be = ctx->be;
	struct nr_vdev *vdev;
	void *copy;
	int rc;

	/* Step 6: the kernel buffer is exactly the driver's struct. */
	copy = malloc(be->dev_user_data_len);
	if (!copy)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	/* Step 7: the extensible copy; the RFC reported any failure EFAULT. */
	rc = nr_copy_struct(copy, be->dev_user_data_len, data, len);
	if (rc) {
		if (ctx->profile == NESTREF_PROFILE_RFC_V3)
			rc = -EFAULT;
		nr_fail(ctx, rc,
			"set_dev_user_data: %zu bytes given, the backend's struct has %zu and bytes beyond it are not zero",
			len, be->dev_user_data_len);
		goto out_free;
	}
	vdev = calloc(1, sizeof(*vdev));
	if (!vdev) {
		rc = nr_fail(ctx, -ENOMEM, "out of memory");
		goto out_free;
	}
	vdev->obj.type = NR_OBJ_VDEVICE;
	vdev->dev = dev;
	vdev->viommu = viommu;
	rc = nr_ids_alloc(&ctx->ids, &vdev->obj, &vdev->obj.id);
	if (rc) {
		free(vdev);
		nr_fail(ctx, rc, "set_dev_user_data: no free object ID");
		goto out_free;
	}
	/* Step 8: the driver's verdict, passed on unchanged. */
	dev->viommu = viommu;
	rc = be->set_dev_user_data(dev, copy);
	if (rc) {
		nr_ids_remove(&ctx->ids, vdev->obj.id);
		free(vdev);
		nr_vdev_release(dev);
		if (!ctx->msg[0])
			nr_fail(ctx, rc, "set_dev_user_data: backend '%s': %s",
				be->name, nestref_strerror(rc));
		goto out_free;
	}
	dev->vdev = vdev;
	viommu->users++;
	if (out_id)
		*out_id = vdev->obj.id;
out_free:
	/* Step 9: the driver keeps what it needs; the copy goes. */
	free(copy);
	return rc;
}

int nestref_set_dev_user_data(struct nestref_ctx *ctx, uint32_t viommu_id,
			      uint32_t dev_id, const void *data, size_t len,
			      uint32_t *out_id)
{
	const struct nestref_backend *be = ctx->be;
	struct nestref_viommu *viommu;
	struct nestref_dev *dev;

	nr_fail(ctx, 0, NULL);
	/* Step 1, before any lookup. */
	if (!data || !len)
		return nr_fail(ctx, -EINVAL,
			       "set_dev_user_data: user data is %s",
			       data ? "empty (length 0)" : "a NULL pointer");
	viommu = (struct nestref_viommu *)nr_lookup(ctx, viommu_id,
						    NR_OBJ_VIOMMU);
	if (!viommu)
		return nr_fail(ctx, -ENOENT,
			       "set_dev_user_data: no vIOMMU with ID %u",
			       viommu_id);
	/* Step 2. */
	dev = (struct nestref_dev *)nr_lookup(ctx, dev_id, NR_OBJ_DEVICE);
	if (!dev)
		return nr_fail(ctx, -ENOENT,
			       "set_dev_user_data: no device with ID %u",
			       dev_id);
	/* Step 4: one user-data link per device; unset first. */
	if (dev->vdev)
		return nr_fail(ctx, -EEXIST,
			       "set_dev_user_data: device %u already has user data (object %u)",
			       dev_id, dev->vdev->obj.id);
	/* Step 5. */
	if (!be->set_dev_user_data || !be->unset_dev_user_data ||
	    !be->dev_user_data_len)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "set_dev_user_data: backend '%s' has no set/unset_dev_user_data ops",
			       be->name);
	return nr_set_checked(ctx, viommu, dev, data, len, out_id);
}

int nestref_unset_dev_user_data(struct nestref_ctx *ctx, uint32_t dev_id)
{
	struct nestref_dev *dev;

	nr_fail(ctx, 0, NULL);
	dev = (struct nestref_dev *)nr_lookup(ctx, dev_id, NR_OBJ_DEVICE);
	if (!dev)
		return nr_fail(ctx, -ENOENT,
			       "unset_dev_user_data: no device with ID %u",
			       dev_id);
	if (!dev->vdev)
		return nr_fail(ctx, -ENOENT,
			       "unset_dev_user_data: device %u has no user data",
			       dev_id);
	nr_dev_unset(dev);
	return 0;
}

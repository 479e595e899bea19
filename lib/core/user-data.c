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

/* Takes vdev off its device's list. */
static void nr_vdev_detach(struct nr_vdev *vdev)
{
	struct nr_vdev **p;

	for (p = &vdev->dev->vdevs; *p; p = &(*p)->next) {
		if (*p == vdev) {
			*p = vdev->next;
			break;
		}
	}
	vdev->next = NULL;
}

/* Undoes the vSID link of vdev; the backend has already let go. */
static void nr_vdev_release(struct nr_vdev *vdev)
{
	/* A backend that forgot to unlink must not leave a dangling pointer. */
	if (vdev->linked)
		nestref_viommu_unlink(vdev->viommu, vdev->virt_id);
}

void nr_vdev_unset(struct nr_vdev *vdev)
{
	struct nestref_dev *dev = vdev->dev;

	nr_vdev_detach(vdev);
	dev->cur = vdev;
	dev->ctx->be->unset_dev_user_data(dev);
	dev->cur = NULL;
	nr_vdev_release(vdev);
	nr_ids_remove(&dev->ctx->ids, vdev->obj.id);
	vdev->viommu->users--;
	nestref_free(vdev);
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
	copy = nestref_malloc(ctx->dev_user_data_len);
	if (!copy)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	/* Step 7: the extensible copy; the RFC reported any failure EFAULT. */
	rc = nr_copy_struct(copy, ctx->dev_user_data_len, data, len);
	if (rc && nestref_ctx_rule(ctx, NESTREF_RULE_USER_DATA_TAIL_EFAULT)) {
		rc = nr_fail_rule(ctx, -EFAULT,
				  NESTREF_RULE_USER_DATA_TAIL_EFAULT,
				  "set_dev_user_data: %zu bytes given, the backend's struct has %zu and bytes beyond it are not zero",
				  len, ctx->dev_user_data_len);
		goto out_free;
	}
	if (rc) {
		nr_fail(ctx, rc,
			"set_dev_user_data: %zu bytes given, the backend's struct has %zu and bytes beyond it are not zero",
			len, ctx->dev_user_data_len);
		goto out_free;
	}
	vdev = nestref_calloc(1, sizeof(*vdev));
	if (!vdev) {
		rc = nr_fail(ctx, -ENOMEM, "out of memory");
		goto out_free;
	}
	vdev->obj.type = NR_OBJ_VDEVICE;
	vdev->dev = dev;
	vdev->viommu = viommu;
	rc = nr_ids_alloc(&ctx->ids, &vdev->obj, &vdev->obj.id);
	if (rc) {
		nr_fail(ctx, rc, "set_dev_user_data: no free object ID");
		goto out_vdev;
	}
	/* Step 8: the driver's verdict, passed on unchanged. */
	dev->cur = vdev;
	rc = be->set_dev_user_data(dev, copy);
	dev->cur = NULL;
	if (rc) {
		nr_vdev_release(vdev);
		nr_ids_remove(&ctx->ids, vdev->obj.id);
		if (!ctx->msg[0])
			nr_fail(ctx, rc, "set_dev_user_data: backend '%s': %s",
				be->name, nestref_strerror(rc));
		goto out_vdev;
	}
	vdev->next = dev->vdevs;
	dev->vdevs = vdev;
	viommu->users++;
	if (out_id)
		*out_id = vdev->obj.id;
	goto out_free;

out_vdev:
	nestref_free(vdev);
out_free:
	/* Step 9: the driver keeps what it needs; the copy goes. */
	nestref_free(copy);
	return rc;
}

int nestref_set_dev_user_data(struct nestref_ctx *ctx, uint32_t viommu_id,
			      uint32_t dev_id, const void *data, size_t len,
			      uint32_t *out_id)
{
	const struct nestref_backend *be = ctx->be;
	struct nestref_viommu *viommu;
	struct nestref_dev *dev;

	nr_clear_message(ctx);
	/* Step 1, before any lookup. */
	if (!data || !len)
		return nr_fail(ctx, -EINVAL,
			       "set_dev_user_data: user data is %s",
			       data ? "empty (length 0)" : "a NULL pointer");
	viommu = nr_obj_viommu(nr_lookup(ctx, viommu_id, NR_OBJ_VIOMMU));
	if (!viommu)
		return nr_fail(ctx, -ENOENT,
			       "set_dev_user_data: no vIOMMU with ID %u",
			       viommu_id);
	/* Step 2. */
	dev = nr_obj_dev(nr_lookup(ctx, dev_id, NR_OBJ_DEVICE));
	if (!dev)
		return nr_fail(ctx, -ENOENT,
			       "set_dev_user_data: no device with ID %u",
			       dev_id);
	/* Step 4 (2.9 from 6.17): one user-data link per device. */
	if (dev->vdevs &&
	    nestref_ctx_rule(ctx, NESTREF_RULE_ONE_VDEVICE_PER_DEVICE))
		return nr_fail_rule(ctx, -EEXIST,
				    NESTREF_RULE_ONE_VDEVICE_PER_DEVICE,
				    "set_dev_user_data: device %u already has user data (object %u)",
				    dev_id, dev->vdevs->obj.id);
	/* Step 5. */
	if (!be->set_dev_user_data || !be->unset_dev_user_data ||
	    !ctx->dev_user_data_len)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "set_dev_user_data: backend '%s' has no set/unset_dev_user_data ops",
			       be->name);
	return nr_set_checked(ctx, viommu, dev, data, len, out_id);
}

int nestref_unset_dev_user_data(struct nestref_ctx *ctx, uint32_t dev_id)
{
	struct nestref_dev *dev;

	nr_clear_message(ctx);
	dev = nr_obj_dev(nr_lookup(ctx, dev_id, NR_OBJ_DEVICE));
	if (!dev)
		return nr_fail(ctx, -ENOENT,
			       "unset_dev_user_data: no device with ID %u",
			       dev_id);
	if (!dev->vdevs)
		return nr_fail(ctx, -ENOENT,
			       "unset_dev_user_data: device %u has no user data",
			       dev_id);
	/* With several (6.13), the newest goes, as a stack would. */
	nr_vdev_unset(dev->vdevs);
	return 0;
}

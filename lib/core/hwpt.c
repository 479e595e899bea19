/* SPDX-License-Identifier: MIT */
/*
 * Nested HWPTs and attach (kernel-facts 2.11): what the iommufd core does
 * around a driver's alloc_domain_nested and attach_dev.  A nested HWPT
 * is made on a vIOMMU and holds it; a device attached to it holds it in
 * turn, until it is attached elsewhere or destroyed (2.3).  The driver
 * data (on SMMUv3 the guest's vSTE, 3.7) is the backend's to read.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

/* Both calls promise what the capability promises (vectors.md 2.2). */
static int nr_attach_supported(struct nestref_ctx *ctx, const char *call)
{
	if (ctx->caps & NESTREF_CAP_ATTACH_NESTED)
		return 0;
	return nr_fail(ctx, -EOPNOTSUPP,
		       "%s: backend %s cannot make nested HWPTs (no attach-nested)",
		       call, ctx->be->name);
}

static const char *nr_obj_kind(const struct nr_obj *obj)
{
	switch (obj->type) {
	case NR_OBJ_DEVICE:
		return "a device";
	case NR_OBJ_VIOMMU:
		return "a vIOMMU";
	case NR_OBJ_VDEVICE:
		return "a vDEVICE";
	case NR_OBJ_HWPT:
		return "a nested HWPT";
	case NR_OBJ_VEVENTQ:
		return "a vEVENTQ";
	}
	return "an object";
}

int nestref_hwpt_alloc_nested(struct nestref_ctx *ctx, uint32_t viommu_id,
			      uint32_t data_type, const void *data, size_t len,
			      uint32_t *out_hwpt_id)
{
	struct nestref_viommu *viommu;
	struct nestref_hwpt *hwpt;
	void *priv;
	int rc;

	nr_clear_message(ctx);
	rc = nr_attach_supported(ctx, "hwpt_alloc_nested");
	if (rc)
		return rc;
	/* iommufd_hwpt_alloc: data exactly when the type is not NONE. */
	if ((data_type == NESTREF_HWPT_DATA_NONE) != (len == 0))
		return nr_fail(ctx, -EINVAL,
			       "hwpt_alloc_nested: data_type %u with data_len %zu; data goes with a type other than NONE (kernel-facts 2.11)",
			       data_type, len);
	/* Any pt_id it cannot use is EINVAL there, unknown IDs too. */
	viommu = nr_obj_viommu(nr_lookup(ctx, viommu_id, NR_OBJ_VIOMMU));
	if (!viommu)
		return nr_fail(ctx, -EINVAL,
			       "hwpt_alloc_nested: ID %u is not a vIOMMU; IOMMU_HWPT_ALLOC answers EINVAL for such a pt_id (kernel-facts 2.11)",
			       viommu_id);
	/* iommufd_viommu_alloc_hwpt_nested: a nested HWPT needs data. */
	if (!len || !ctx->be->hwpt_nested_init)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "hwpt_alloc_nested: %s (kernel-facts 2.11)",
			       len ? "the backend has no hwpt_nested_init" :
				     "no driver data");
	hwpt = nr_alloc_with_priv(sizeof(*hwpt), ctx->be->hwpt_priv_size,
				  &priv);
	if (!hwpt)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	hwpt->obj.type = NR_OBJ_HWPT;
	hwpt->ctx = ctx;
	hwpt->viommu = viommu;
	hwpt->priv = priv;
	/* The ID is taken before the driver runs and given back on error. */
	rc = nr_ids_alloc(&ctx->ids, &hwpt->obj, &hwpt->obj.id);
	if (!rc)
		rc = ctx->be->hwpt_nested_init(hwpt, data_type, data, len);
	if (rc) {
		nr_ids_remove(&ctx->ids, hwpt->obj.id);
		nestref_free(hwpt);
		return nr_fail_backend(ctx, rc, "hwpt_alloc_nested");
	}
	viommu->hwpts++;
	if (out_hwpt_id)
		*out_hwpt_id = hwpt->obj.id;
	return 0;
}

int nestref_dev_attach(struct nestref_ctx *ctx, uint32_t dev_id,
		       uint32_t hwpt_id)
{
	struct nestref_dev *dev;
	struct nestref_hwpt *hwpt;
	struct nr_obj *obj;
	int rc;

	nr_clear_message(ctx);
	rc = nr_attach_supported(ctx, "dev_attach");
	if (rc)
		return rc;
	dev = nr_obj_dev(nr_lookup(ctx, dev_id, NR_OBJ_DEVICE));
	if (!dev)
		return nr_fail(ctx, -ENOENT, "dev_attach: no device with ID %u",
			       dev_id);
	/* iommufd_device_change_pt: unknown ENOENT, another kind EINVAL. */
	obj = nr_ids_get(&ctx->ids, hwpt_id);
	if (!obj)
		return nr_fail(ctx, -ENOENT, "dev_attach: no object with ID %u",
			       hwpt_id);
	if (obj->type != NR_OBJ_HWPT)
		return nr_fail(ctx, -EINVAL,
			       "dev_attach: ID %u is %s, not a HWPT (kernel-facts 2.11)",
			       hwpt_id, nr_obj_kind(obj));
	hwpt = nr_obj_hwpt(obj);
	/* iommufd_device_do_replace: the same HWPT again changes nothing. */
	if (dev->hwpt == hwpt)
		return 0;
	if (!ctx->be->dev_attach)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "dev_attach: the backend has no dev_attach");
	rc = ctx->be->dev_attach(dev, hwpt);
	if (rc)
		return nr_fail_backend(ctx, rc, "dev_attach");
	nr_dev_detach(dev);
	dev->hwpt = hwpt;
	hwpt->users++;
	return 0;
}

void nr_dev_detach(struct nestref_dev *dev)
{
	if (!dev->hwpt)
		return;
	dev->hwpt->users--;
	dev->hwpt = NULL;
}

int nr_hwpt_destroy(struct nestref_hwpt *hwpt)
{
	struct nestref_ctx *ctx = hwpt->ctx;

	/* An attached device holds the HWPT (kernel-facts 2.3). */
	if (hwpt->users)
		return nr_fail(ctx, -EBUSY,
			       "destroy: nested HWPT %u still has %zu device(s) attached",
			       hwpt->obj.id, hwpt->users);
	if (ctx->be->hwpt_nested_destroy)
		ctx->be->hwpt_nested_destroy(hwpt);
	hwpt->viommu->hwpts--;
	nr_ids_remove(&ctx->ids, hwpt->obj.id);
	nestref_free(hwpt);
	return 0;
}

/* Accessors for backends ---------------------------------------------- */

struct nestref_hwpt *nestref_dev_hwpt(const struct nestref_dev *dev)
{
	return dev->hwpt;
}

void *nestref_hwpt_priv(struct nestref_hwpt *hwpt)
{
	return hwpt->priv;
}

struct nestref_ctx *nestref_hwpt_ctx(const struct nestref_hwpt *hwpt)
{
	return hwpt->ctx;
}

uint32_t nestref_hwpt_id(const struct nestref_hwpt *hwpt)
{
	return hwpt->obj.id;
}

struct nestref_viommu *nestref_hwpt_viommu(const struct nestref_hwpt *hwpt)
{
	return hwpt->viommu;
}

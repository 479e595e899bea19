/* SPDX-License-Identifier: MIT */
/*
 * Devices and vIOMMUs: creation, IOMMU_DESTROY, and the accessors backends
 * use.  Creation is two-phase as in iommufd: the ID is reserved, the
 * backend's init hook runs, and only then is the object visible.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

int nestref_viommu_alloc(struct nestref_ctx *ctx, uint32_t vmid,
			 uint32_t *out_viommu_id)
{
	struct nestref_viommu *viommu;
	void *priv;
	int rc;

	nr_fail(ctx, 0, NULL);
	/* VMIDs are 16 bits wide (kernel-facts 4.2, dw0[47:32]). */
	if (vmid > 0xffff)
		return nr_fail(ctx, -EINVAL, "vmid 0x%x does not fit 16 bits",
			       vmid);
	viommu = nr_alloc_with_priv(sizeof(*viommu), ctx->be->viommu_priv_size,
				    &priv);
	if (!viommu)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	viommu->obj.type = NR_OBJ_VIOMMU;
	viommu->ctx = ctx;
	viommu->vmid = vmid;
	viommu->priv = priv;
	nr_vsid_table_init(&viommu->vsids);
	rc = nr_ids_alloc(&ctx->ids, &viommu->obj, &viommu->obj.id);
	if (rc)
		goto err_free;
	if (ctx->be->viommu_init) {
		rc = ctx->be->viommu_init(viommu);
		if (rc)
			goto err_id;
	}
	if (out_viommu_id)
		*out_viommu_id = viommu->obj.id;
	return 0;

err_id:
	nr_ids_remove(&ctx->ids, viommu->obj.id);
err_free:
	free(viommu);
	return nr_fail(ctx, rc, "viommu_alloc: %s", nestref_strerror(rc));
}

int nestref_dev_add(struct nestref_ctx *ctx, uint32_t psid,
		    uint32_t *out_dev_id)
{
	struct nestref_dev *dev;
	void *priv;
	int rc;

	nr_fail(ctx, 0, NULL);
	dev = nr_alloc_with_priv(sizeof(*dev), ctx->be->dev_priv_size, &priv);
	if (!dev)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	dev->obj.type = NR_OBJ_DEVICE;
	dev->ctx = ctx;
	dev->psid = psid;
	dev->priv = priv;
	rc = nr_ids_alloc(&ctx->ids, &dev->obj, &dev->obj.id);
	if (rc)
		goto err_free;
	if (ctx->be->dev_init) {
		rc = ctx->be->dev_init(dev);
		if (rc)
			goto err_id;
	}
	if (out_dev_id)
		*out_dev_id = dev->obj.id;
	return 0;

err_id:
	nr_ids_remove(&ctx->ids, dev->obj.id);
err_free:
	free(dev);
	return nr_fail(ctx, rc, "dev_add: %s", nestref_strerror(rc));
}

static void nr_dev_destroy(struct nestref_dev *dev)
{
	struct nestref_ctx *ctx = dev->ctx;

	/* The RFC core unset left-over user data on unbind (1.3). */
	if (dev->vdev)
		nr_dev_unset(dev);
	if (ctx->be->dev_destroy)
		ctx->be->dev_destroy(dev);
	nr_ids_remove(&ctx->ids, dev->obj.id);
	free(dev);
}

static int nr_viommu_destroy(struct nestref_viommu *viommu)
{
	struct nestref_ctx *ctx = viommu->ctx;

	/* A vDEVICE pins its vIOMMU (kernel-facts 2.9). */
	if (viommu->users)
		return nr_fail(ctx, -EBUSY,
			       "destroy: vIOMMU %u still has %zu device(s) with user data",
			       viommu->obj.id, viommu->users);
	if (ctx->be->viommu_destroy)
		ctx->be->viommu_destroy(viommu);
	nr_vsid_table_fini(&viommu->vsids);
	nr_ids_remove(&ctx->ids, viommu->obj.id);
	free(viommu);
	return 0;
}

int nestref_destroy(struct nestref_ctx *ctx, uint32_t id)
{
	struct nr_obj *obj;

	nr_fail(ctx, 0, NULL);
	obj = nr_ids_get(&ctx->ids, id);
	if (!obj)
		return nr_fail(ctx, -ENOENT, "destroy: no object with ID %u",
			       id);
	switch (obj->type) {
	case NR_OBJ_VDEVICE:
		nr_dev_unset(((struct nr_vdev *)obj)->dev);
		return 0;
	case NR_OBJ_DEVICE:
		nr_dev_destroy((struct nestref_dev *)obj);
		return 0;
	case NR_OBJ_VIOMMU:
		return nr_viommu_destroy((struct nestref_viommu *)obj);
	}
	return nr_fail(ctx, -EINVAL, "destroy: corrupt object %u", id);
}

/* Accessors for backends ---------------------------------------------- */

void *nestref_viommu_priv(struct nestref_viommu *viommu)
{
	return viommu->priv;
}

struct nestref_ctx *nestref_viommu_ctx(const struct nestref_viommu *viommu)
{
	return viommu->ctx;
}

uint32_t nestref_viommu_id(const struct nestref_viommu *viommu)
{
	return viommu->obj.id;
}

uint32_t nestref_viommu_vmid(const struct nestref_viommu *viommu)
{
	return viommu->vmid;
}

uint32_t nestref_viommu_inv_base(const struct nestref_viommu *viommu)
{
	return viommu->inv_base;
}

int nestref_viommu_link(struct nestref_viommu *viommu, uint64_t virt_id,
			struct nestref_dev *dev)
{
	int rc;

	/* One vSID per device: the single-SID PCI assumption (3.2). */
	if (dev->linked)
		return -EEXIST;
	rc = nr_vsid_table_insert(&viommu->vsids, virt_id, dev);
	if (rc)
		return rc;
	dev->linked = true;
	dev->linked_virt_id = virt_id;
	return 0;
}

void nestref_viommu_unlink(struct nestref_viommu *viommu, uint64_t virt_id)
{
	struct nestref_dev *dev = nr_vsid_table_remove(&viommu->vsids, virt_id);

	if (dev)
		dev->linked = false;
}

struct nestref_dev *nestref_viommu_find_dev(const struct nestref_viommu *viommu,
					    uint64_t virt_id)
{
	return nr_vsid_table_find(&viommu->vsids, virt_id);
}

void *nestref_dev_priv(struct nestref_dev *dev)
{
	return dev->priv;
}

struct nestref_ctx *nestref_dev_ctx(const struct nestref_dev *dev)
{
	return dev->ctx;
}

uint32_t nestref_dev_id(const struct nestref_dev *dev)
{
	return dev->obj.id;
}

uint32_t nestref_dev_psid(const struct nestref_dev *dev)
{
	return dev->psid;
}

struct nestref_viommu *nestref_dev_viommu(const struct nestref_dev *dev)
{
	return dev->viommu;
}

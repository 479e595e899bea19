/* SPDX-License-Identifier: MIT */
/*
 * Devices and vIOMMUs: creation, IOMMU_DESTROY, and the accessors backends
 * use.  Creation is two-phase as in iommufd: the ID is reserved, the
 * backend's init hook runs, and only then is the object visible.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int nestref_viommu_alloc(struct nestref_ctx *ctx, uint32_t s2_id,
			 uint32_t *out_viommu_id)
{
	struct nestref_viommu *viommu;
	void *priv;
	int rc;

	nr_clear_message(ctx);
	/* Its width is the architecture's: the backend checks it. */
	viommu = nr_alloc_with_priv(sizeof(*viommu), ctx->be->viommu_priv_size,
				    &priv);
	if (!viommu)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	viommu->obj.type = NR_OBJ_VIOMMU;
	viommu->ctx = ctx;
	viommu->head.s2_id = s2_id;
	viommu->priv = priv;
	nestref_vsid_table_init(&viommu->head.vsids);
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
	nestref_free(viommu);
	return nr_fail_backend(ctx, rc, "viommu_alloc");
}

int nestref_dev_add_streams(struct nestref_ctx *ctx, const uint32_t *psids,
			    size_t n, uint32_t *out_dev_id)
{
	struct nestref_dev *dev;
	void *priv;
	int rc;

	nr_clear_message(ctx);
	if (!psids || n == 0 || n > NESTREF_DEV_STREAMS_MAX)
		return nr_fail(ctx, -EINVAL,
			       "dev_add: %zu StreamIDs; a device has 1 to %d",
			       psids ? n : 0, NESTREF_DEV_STREAMS_MAX);
	dev = nr_alloc_with_priv(sizeof(*dev), ctx->be->dev_priv_size, &priv);
	if (!dev)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	dev->obj.type = NR_OBJ_DEVICE;
	dev->ctx = ctx;
	dev->head.psid = psids[0];
	dev->n_streams = n;
	memcpy(dev->streams, psids, n * sizeof(*psids));
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
	nestref_free(dev);
	return nr_fail_backend(ctx, rc, "dev_add");
}

int nestref_dev_add(struct nestref_ctx *ctx, uint32_t psid,
		    uint32_t *out_dev_id)
{
	return nestref_dev_add_streams(ctx, &psid, 1, out_dev_id);
}

static void nr_dev_destroy(struct nestref_dev *dev)
{
	struct nestref_ctx *ctx = dev->ctx;
	uint32_t id;

	/*
	 * 7.2 destroys the device's vDEVICE with it but keeps the vDEVICE's
	 * ID reserved (vdevice-tombstone, kernel-facts 2.9).  Otherwise the
	 * user data is unset and its ID freed, as the RFC core did on unbind
	 * (1.3); 6.13 left the vDEVICE behind, a defect not modelled.
	 */
	while (dev->vdevs) {
		id = dev->vdevs->obj.id;
		nr_vdev_unset(dev->vdevs);
		if (nestref_ctx_rule(ctx, NESTREF_RULE_VDEVICE_TOMBSTONE))
			nr_ids_tombstone(&ctx->ids, id);
	}
	if (ctx->be->dev_destroy)
		ctx->be->dev_destroy(dev);
	/* Unbinding detaches: the HWPT may go then (kernel-facts 2.11). */
	nr_dev_detach(dev);
	nr_ids_remove(&ctx->ids, dev->obj.id);
	nestref_free(dev);
}

static int nr_viommu_destroy(struct nestref_viommu *viommu)
{
	struct nestref_ctx *ctx = viommu->ctx;

	/* A vDEVICE pins its vIOMMU (kernel-facts 2.9). */
	if (viommu->users)
		return nr_fail(ctx, -EBUSY,
			       "destroy: vIOMMU %u still has %zu device(s) with user data",
			       viommu->obj.id, viommu->users);
	/* So does a nested HWPT (kernel-facts 2.3). */
	if (viommu->hwpts)
		return nr_fail(ctx, -EBUSY,
			       "destroy: vIOMMU %u still has %zu nested HWPT(s)",
			       viommu->obj.id, viommu->hwpts);
	/* And a vEVENTQ (kernel-facts 2.12). */
	if (viommu->veventqs)
		return nr_fail(ctx, -EBUSY,
			       "destroy: vIOMMU %u still has a vEVENTQ (ID %u)",
			       viommu->obj.id, viommu->veventqs->obj.id);
	if (ctx->be->viommu_destroy)
		ctx->be->viommu_destroy(viommu);
	nestref_vsid_table_fini(&viommu->head.vsids);
	nr_ids_remove(&ctx->ids, viommu->obj.id);
	nestref_free(viommu);
	return 0;
}

int nestref_destroy(struct nestref_ctx *ctx, uint32_t id)
{
	struct nr_obj *obj;

	nr_clear_message(ctx);
	obj = nr_ids_get(&ctx->ids, id);
	if (!obj && nr_ids_is_tombstone(&ctx->ids, id))
		return nr_fail_rule(ctx, -ENOENT, NESTREF_RULE_VDEVICE_TOMBSTONE,
				    "destroy: ID %u was a vDEVICE destroyed with its device and stays reserved",
				    id);
	if (!obj)
		return nr_fail(ctx, -ENOENT, "destroy: no object with ID %u",
			       id);
	switch (obj->type) {
	case NR_OBJ_VDEVICE:
		nr_vdev_unset(nr_obj_vdev(obj));
		return 0;
	case NR_OBJ_DEVICE:
		nr_dev_destroy(nr_obj_dev(obj));
		return 0;
	case NR_OBJ_VIOMMU:
		return nr_viommu_destroy(nr_obj_viommu(obj));
	case NR_OBJ_HWPT:
		return nr_hwpt_destroy(nr_obj_hwpt(obj));
	case NR_OBJ_VEVENTQ:
		/* Its file descriptor is closed first (nestref.h). */
		nr_veventq_destroy(nr_obj_veventq(obj));
		return 0;
	}
	return nr_fail(ctx, -EINVAL, "destroy: corrupt object %u", id);
}

/* Accessors for backends ---------------------------------------------- */

struct nestref_viommu *nestref_ctx_viommu(struct nestref_ctx *ctx, uint32_t id)
{
	return nr_obj_viommu(nr_lookup(ctx, id, NR_OBJ_VIOMMU));
}

struct nestref_dev *nestref_ctx_dev(struct nestref_ctx *ctx, uint32_t id)
{
	return nr_obj_dev(nr_lookup(ctx, id, NR_OBJ_DEVICE));
}

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

uint32_t nestref_viommu_s2_id(const struct nestref_viommu *viommu)
{
	return viommu->head.s2_id;
}

uint32_t nestref_viommu_inv_base(const struct nestref_viommu *viommu)
{
	return viommu->inv_base;
}

int nestref_viommu_link(struct nestref_viommu *viommu, uint64_t virt_id,
			struct nestref_dev *dev)
{
	struct nr_vdev *vdev = dev->cur;
	int rc;

	/* Only a set_dev_user_data in progress links, once (3.2). */
	if (!vdev || vdev->viommu != viommu)
		return -EINVAL;
	if (vdev->linked)
		return -EEXIST;
	rc = nestref_vsid_table_insert(&viommu->head.vsids, virt_id, dev);
	if (rc)
		return rc;
	vdev->linked = true;
	vdev->virt_id = virt_id;
	return 0;
}

void nestref_viommu_unlink(struct nestref_viommu *viommu, uint64_t virt_id)
{
	struct nestref_dev *dev = nestref_vsid_table_remove(&viommu->head.vsids, virt_id);
	struct nr_vdev *vdev;

	if (!dev)
		return;
	if (dev->cur && dev->cur->viommu == viommu &&
	    dev->cur->virt_id == virt_id)
		dev->cur->linked = false;
	for (vdev = dev->vdevs; vdev; vdev = vdev->next)
		if (vdev->viommu == viommu && vdev->virt_id == virt_id)
			vdev->linked = false;
}

struct nestref_dev *nestref_viommu_find_dev(const struct nestref_viommu *viommu,
					    uint64_t virt_id)
{
	return nestref_vsid_table_find(&viommu->head.vsids, virt_id);
}

int nestref_viommu_dev_virt_id(const struct nestref_viommu *viommu,
			       const struct nestref_dev *dev, uint64_t *virt_id)
{
	const struct nr_vdev *vdev;

	/* A vDEVICE is in its vIOMMU's table once its virt_id is linked. */
	for (vdev = dev->vdevs; vdev; vdev = vdev->next) {
		if (vdev->viommu == viommu && vdev->linked) {
			*virt_id = vdev->virt_id;
			return 0;
		}
	}
	return -ENOENT;
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
	return dev->head.psid;
}

size_t nestref_dev_stream_count(const struct nestref_dev *dev)
{
	return dev->n_streams;
}

uint32_t nestref_dev_stream(const struct nestref_dev *dev, size_t i)
{
	return i < dev->n_streams ? dev->streams[i] : 0;
}

/* The vDEVICE a backend call is about: the one in progress, or the newest. */
static const struct nr_vdev *nr_dev_vdev(const struct nestref_dev *dev)
{
	return dev->cur ? dev->cur : dev->vdevs;
}

struct nestref_viommu *nestref_dev_viommu(const struct nestref_dev *dev)
{
	const struct nr_vdev *vdev = nr_dev_vdev(dev);

	return vdev ? vdev->viommu : NULL;
}

uint64_t nestref_dev_virt_id(const struct nestref_dev *dev)
{
	const struct nr_vdev *vdev = nr_dev_vdev(dev);

	return vdev && vdev->linked ? vdev->virt_id : 0;
}

size_t nestref_dev_vdevice_count(const struct nestref_dev *dev)
{
	const struct nr_vdev *vdev;
	size_t n = 0;

	for (vdev = dev->vdevs; vdev; vdev = vdev->next)
		n += vdev != dev->cur;
	return n;
}

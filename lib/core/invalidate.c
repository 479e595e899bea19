/* SPDX-License-Identifier: MIT */
/*
 * IOMMU_HWPT_INVALIDATE as the iommufd core does it (kernel-facts 2.7),
 * with two rules that differ between profiles: the bounds of 7.2
 * (invalidate-bounds, kernel-facts 2.7) and the core loop of 7.4
 * (invalidate-core-loop, kernel-facts 2.7, 3.5).
 */
#include <errno.h>

#include "internal.h"

/* One driver call on entries [done, entry_num); returns how many it handled. */
static int nr_invalidate_call(struct nestref_viommu *viommu,
			      const struct nestref_user_array *array,
			      uint32_t done, uint32_t *handled)
{
	struct nestref_user_array part = *array;
	uint64_t skip = (uint64_t)done * array->entry_len;
	int rc;

	part.entry_num = array->entry_num - done;
	if (done) {
		part.data = (const unsigned char *)array->data + skip;
		part.data_size = skip <= array->data_size ?
					 array->data_size - skip : 0;
	}
	viommu->inv_base = done;
	rc = viommu->ctx->be->cache_invalidate_user(viommu, &part);
	viommu->inv_base = 0;
	/* Never trust a driver to count past what it was given. */
	*handled = part.entry_num < array->entry_num - done ?
			   part.entry_num : array->entry_num - done;
	return rc;
}

static int nr_invalidate_driver(struct nestref_viommu *viommu,
				const struct nestref_user_array *array,
				uint32_t *done)
{
	uint32_t handled;
	int rc;

	*done = 0;
	if (!nr_rule(viommu->ctx, NESTREF_RULE_INVALIDATE_CORE_LOOP))
		return nr_invalidate_call(viommu, array, 0, done);
	/*
	 * The core re-invokes the driver on the rest of the array
	 * while it makes progress; the first call also serves the empty-array
	 * probe.  A call that handles nothing without an error ends the loop
	 * so that a faulty driver cannot spin.
	 */
	do {
		rc = nr_invalidate_call(viommu, array, *done, &handled);
		*done += handled;
	} while (!rc && handled && *done < array->entry_num);
	return rc;
}

int nestref_invalidate(struct nestref_ctx *ctx, uint32_t target_id,
		       struct nestref_user_array *array)
{
	struct nestref_viommu *viommu;
	struct nr_obj *obj;
	uint32_t done = 0;
	bool bounds;
	int rc;

	nr_clear_message(ctx);
	if (!array)
		return nr_fail(ctx, -EFAULT, "invalidate: no array");
	/* From here on entry_num is written back on every path (step 5). */
	if (array->entry_num &&
	    (!array->data || !array->entry_len)) {
		rc = nr_fail(ctx, -EINVAL,
			     "invalidate: %u entries but %s",
			     array->entry_num,
			     array->data ? "entry_len is 0" :
					   "the data pointer is NULL");
		goto out;
	}
	/*
	 * kernel-facts 2.7: 7.2 bounds entry_len by PAGE_SIZE, a machine
	 * parameter, and like entry_num only when there are entries; 6.13
	 * had neither bound.
	 */
	bounds = nr_rule(ctx, NESTREF_RULE_INVALIDATE_BOUNDS);
	if (bounds && array->entry_num && array->entry_len > ctx->page_size) {
		rc = nr_fail_rule(ctx, -EINVAL, NESTREF_RULE_INVALIDATE_BOUNDS,
				  "invalidate: entry_len %u exceeds PAGE_SIZE %u",
				  array->entry_len, ctx->page_size);
		goto out;
	}
	if (bounds && array->entry_num > NESTREF_INV_ENTRY_NUM_MAX) {
		rc = nr_fail_rule(ctx, -EINVAL, NESTREF_RULE_INVALIDATE_BOUNDS,
				  "invalidate: entry_num %u exceeds %u",
				  array->entry_num, NESTREF_INV_ENTRY_NUM_MAX);
		goto out;
	}
	/* Step 3: any type, so that a wrong one is EINVAL, not ENOENT. */
	obj = nr_ids_get(&ctx->ids, target_id);
	if (!obj) {
		rc = nr_fail(ctx, -ENOENT, "invalidate: no object with ID %u",
			     target_id);
		goto out;
	}
	/* Step 4: nested HWPTs are not modelled; a vIOMMU is the target. */
	if (obj->type != NR_OBJ_VIOMMU) {
		rc = nr_fail(ctx, -EINVAL,
			     "invalidate: object %u is not a vIOMMU", target_id);
		goto out;
	}
	viommu = nr_obj_viommu(obj);
	if (!ctx->be->cache_invalidate_user) {
		rc = nr_fail(ctx, -EOPNOTSUPP,
			     "invalidate: backend '%s' cannot invalidate",
			     ctx->be->name);
		goto out;
	}
	rc = nr_invalidate_driver(viommu, array, &done);
	if (rc && !ctx->msg[0])
		nr_fail(ctx, rc, "invalidate: stopped after %u entries: %s", done,
			nestref_strerror(rc));
out:
	array->entry_num = done;
	return rc;
}

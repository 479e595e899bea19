/* SPDX-License-Identifier: MIT */
/* Observation: what vector checks read back from a backend. */
#include <errno.h>

#include "internal.h"

static int nr_need_cap(struct nestref_ctx *ctx, uint32_t cap, bool has_op,
		       const char *what)
{
	if ((ctx->caps & cap) && has_op)
		return 0;
	return nr_fail(ctx, -EOPNOTSUPP, "%s: backend '%s' lacks %s", what,
		       ctx->be->name, nestref_cap_name(cap));
}

/*
 * A per-device observation: the capability and the op first, then the
 * device (kernel-facts 5.5: an unknown device is ENOENT).  NULL with the
 * errno in *rc.
 */
static struct nestref_dev *nr_observed_dev(struct nestref_ctx *ctx,
					   uint32_t cap, bool has_op,
					   const char *what, uint32_t dev_id,
					   int *rc)
{
	struct nestref_dev *dev;

	nr_clear_message(ctx);
	*rc = nr_need_cap(ctx, cap, has_op, what);
	if (*rc)
		return NULL;
	dev = nr_obj_dev(nr_lookup(ctx, dev_id, NR_OBJ_DEVICE));
	if (!dev)
		*rc = nr_fail(ctx, -ENOENT, "%s: no device with ID %u", what,
			      dev_id);
	return dev;
}

int nestref_check_cache(struct nestref_ctx *ctx, uint32_t dev_id,
			uint32_t index, uint32_t value)
{
	struct nestref_dev *dev;
	int rc;

	dev = nr_observed_dev(ctx, NESTREF_CAP_CHECK_CACHE,
			      ctx->be->check_cache, "check_cache", dev_id, &rc);
	if (!dev)
		return rc;
	/* Every failure gets a sentence (nestref.h), the backend's first. */
	rc = ctx->be->check_cache(dev, index, value);
	return rc ? nr_fail_backend(ctx, rc, "check_cache") : 0;
}

int nestref_hw_info(struct nestref_ctx *ctx, uint32_t dev_id, uint32_t *flags)
{
	struct nestref_dev *dev;
	int rc;

	dev = nr_observed_dev(ctx, NESTREF_CAP_OBSERVE_HW_INFO,
			      ctx->be->hw_info, "hw_info", dev_id, &rc);
	if (!dev)
		return rc;
	rc = ctx->be->hw_info(dev, flags);
	return rc ? nr_fail_backend(ctx, rc, "hw_info") : 0;
}

int nestref_counters(struct nestref_ctx *ctx,
		     const struct nestref_counter **counters, size_t *count)
{
	int rc;

	nr_clear_message(ctx);
	if (!ctx->be->counters)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "counters: backend '%s' keeps none",
			       ctx->be->name);
	rc = ctx->be->counters(ctx, counters, count);
	return rc ? nr_fail_backend(ctx, rc, "counters") : 0;
}

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

	nr_fail(ctx, 0, NULL);
	*rc = nr_need_cap(ctx, cap, has_op, what);
	if (*rc)
		return NULL;
	dev = (struct nestref_dev *)nr_lookup(ctx, dev_id, NR_OBJ_DEVICE);
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
	return dev ? ctx->be->check_cache(dev, index, value) : rc;
}

int nestref_hw_info(struct nestref_ctx *ctx, uint32_t dev_id, uint32_t *flags)
{
	struct nestref_dev *dev;
	int rc;

	dev = nr_observed_dev(ctx, NESTREF_CAP_OBSERVE_HW_INFO,
			      ctx->be->hw_info, "hw_info", dev_id, &rc);
	return dev ? ctx->be->hw_info(dev, flags) : rc;
}

int nestref_issued(struct nestref_ctx *ctx,
		   const struct nestref_smmuv3_cmd **cmds, size_t *count)
{
	int rc;

	nr_fail(ctx, 0, NULL);
	rc = nr_need_cap(ctx, NESTREF_CAP_OBSERVE_ISSUED, ctx->be->issued,
			 "issued");
	if (rc)
		return rc;
	return ctx->be->issued(ctx, cmds, count);
}

void nestref_issued_clear(struct nestref_ctx *ctx)
{
	if ((ctx->caps & NESTREF_CAP_OBSERVE_ISSUED) &&
	    ctx->be->issued_clear)
		ctx->be->issued_clear(ctx);
}

int nestref_caches_fill(struct nestref_ctx *ctx,
			const struct nestref_cache_entry *entries, size_t count)
{
	int rc;

	nr_fail(ctx, 0, NULL);
	rc = nr_need_cap(ctx, NESTREF_CAP_OBSERVE_CACHES, ctx->be->caches_fill,
			 "caches_fill");
	if (rc)
		return rc;
	return ctx->be->caches_fill(ctx, entries, count);
}

int nestref_caches_get(struct nestref_ctx *ctx,
		       const struct nestref_cache_entry **entries,
		       size_t *count)
{
	int rc;

	nr_fail(ctx, 0, NULL);
	rc = nr_need_cap(ctx, NESTREF_CAP_OBSERVE_CACHES, ctx->be->caches_get,
			 "caches_get");
	if (rc)
		return rc;
	return ctx->be->caches_get(ctx, entries, count);
}

int nestref_trace(struct nestref_ctx *ctx,
		  const struct nestref_trace_event **events, size_t *count)
{
	nr_fail(ctx, 0, NULL);
	if (!ctx->be->trace)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "trace: backend '%s' does not trace",
			       ctx->be->name);
	return ctx->be->trace(ctx, events, count);
}

int nestref_counters(struct nestref_ctx *ctx,
		     const struct nestref_counter **counters, size_t *count)
{
	nr_fail(ctx, 0, NULL);
	if (!ctx->be->counters)
		return nr_fail(ctx, -EOPNOTSUPP,
			       "counters: backend '%s' keeps none",
			       ctx->be->name);
	return ctx->be->counters(ctx, counters, count);
}

void nestref_trace_clear(struct nestref_ctx *ctx)
{
	if (ctx->be->trace_clear)
		ctx->be->trace_clear(ctx);
}

#define NR_CMP(a, b)                          \
	do {                                  \
		if ((a) != (b))               \
			return (a) < (b) ? -1 : 1; \
	} while (0)

int nestref_cache_entry_cmp(const struct nestref_cache_entry *a,
			    const struct nestref_cache_entry *b)
{
	NR_CMP(a->kind, b->kind);
	NR_CMP(a->flags, b->flags);
	NR_CMP(a->vmid, b->vmid);
	NR_CMP(a->asid, b->asid);
	NR_CMP(a->va, b->va);
	NR_CMP(a->level, b->level);
	NR_CMP(a->tg, b->tg);
	NR_CMP(a->sid, b->sid);
	NR_CMP(a->ssid, b->ssid);
	NR_CMP(a->addr, b->addr);
	NR_CMP(a->span, b->span);
	return 0;
}

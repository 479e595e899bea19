/* SPDX-License-Identifier: MIT */
/*
 * The SMMUv3 extension's observations: they reach the backend's struct
 * nestref_smmuv3_ops through nestref_ctx_ext(), on the public backend API
 * only, as any extension written outside this library would.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

/*
 * The ops version that has the op at op_offset: a backend built against an
 * older <nestref/smmuv3.h> has a shorter struct, whose later slots must
 * not be read (version 2 appended rewrite, version 3 raise_event).
 */
static unsigned int smmuv3_op_version(size_t op_offset)
{
	if (op_offset >= offsetof(struct nestref_smmuv3_ops, raise_event))
		return 3;
	if (op_offset >= offsetof(struct nestref_smmuv3_ops, rewrite))
		return 2;
	return 1;
}

/*
 * The backend's SMMUv3 ops when it has the capability (0 for none) and
 * the op is set; else NULL with the reason as the context's message.
 */
static const struct nestref_smmuv3_ops *
smmuv3_ops(struct nestref_ctx *ctx, uint32_t cap, size_t op_offset,
	   const char *what)
{
	const struct nestref_smmuv3_ops *ops =
		nestref_ctx_ext(ctx, NESTREF_SMMUV3_EXT);
	const void *const *op;

	nestref_ctx_set_message(ctx, "%s", "");
	if (ops && ops->version >= smmuv3_op_version(op_offset) &&
	    (!cap || (nestref_ctx_caps(ctx) & cap))) {
		op = (const void *const *)(const void *)((const char *)ops +
							op_offset);
		if (*op)
			return ops;
	}
	if (cap)
		nestref_ctx_set_message(ctx, "%s: backend '%s' lacks %s", what,
					nestref_ctx_backend(ctx),
					nestref_cap_name(cap));
	else
		nestref_ctx_set_message(ctx, "%s: backend '%s' does not %s",
					what, nestref_ctx_backend(ctx), what);
	return NULL;
}

#define SMMUV3_OPS(ctx, cap, op, what) \
	smmuv3_ops(ctx, cap, offsetof(struct nestref_smmuv3_ops, op), what)

/*
 * A backend's error, with a sentence for people (nestref.h): its own, or
 * "what: <strerror>" when it gave none.
 */
static int smmuv3_said(struct nestref_ctx *ctx, int rc, const char *what)
{
	if (rc && !nestref_ctx_message(ctx)[0])
		nestref_ctx_set_message(ctx, "%s: %s", what,
					nestref_strerror(rc));
	return rc;
}

int nestref_smmuv3_issued(struct nestref_ctx *ctx,
			  const struct nestref_smmuv3_cmd **cmds,
			  size_t *count)
{
	const struct nestref_smmuv3_ops *ops =
		SMMUV3_OPS(ctx, NESTREF_CAP_OBSERVE_ISSUED, issued, "issued");

	if (!ops)
		return -EOPNOTSUPP;
	return smmuv3_said(ctx, ops->issued(ctx, cmds, count), "issued");
}

void nestref_smmuv3_issued_clear(struct nestref_ctx *ctx)
{
	const struct nestref_smmuv3_ops *ops = SMMUV3_OPS(
		ctx, NESTREF_CAP_OBSERVE_ISSUED, issued_clear, "issued_clear");

	if (ops)
		ops->issued_clear(ctx);
	nestref_ctx_set_message(ctx, "%s", "");
}

int nestref_smmuv3_caches_fill(struct nestref_ctx *ctx,
			       const struct nestref_smmuv3_cache_entry *entries,
			       size_t count)
{
	const struct nestref_smmuv3_ops *ops = SMMUV3_OPS(
		ctx, NESTREF_CAP_OBSERVE_CACHES, caches_fill, "caches_fill");

	if (!ops)
		return -EOPNOTSUPP;
	return smmuv3_said(ctx, ops->caches_fill(ctx, entries, count),
			   "caches_fill");
}

int nestref_smmuv3_caches_get(struct nestref_ctx *ctx,
			      const struct nestref_smmuv3_cache_entry **entries,
			      size_t *count)
{
	const struct nestref_smmuv3_ops *ops = SMMUV3_OPS(
		ctx, NESTREF_CAP_OBSERVE_CACHES, caches_get, "caches_get");

	if (!ops)
		return -EOPNOTSUPP;
	return smmuv3_said(ctx, ops->caches_get(ctx, entries, count),
			   "caches_get");
}

int nestref_smmuv3_trace(struct nestref_ctx *ctx,
			 const struct nestref_smmuv3_trace_event **events,
			 size_t *count)
{
	const struct nestref_smmuv3_ops *ops =
		SMMUV3_OPS(ctx, 0, trace, "trace");

	if (!ops)
		return -EOPNOTSUPP;
	return smmuv3_said(ctx, ops->trace(ctx, events, count), "trace");
}

void nestref_smmuv3_trace_clear(struct nestref_ctx *ctx)
{
	const struct nestref_smmuv3_ops *ops =
		SMMUV3_OPS(ctx, 0, trace_clear, "trace");

	if (ops)
		ops->trace_clear(ctx);
	nestref_ctx_set_message(ctx, "%s", "");
}

/*
 * The SMMU meets evt (kernel-facts 3.11).  The record cannot be refused:
 * what became of it is the backend's trace, counters and the guest's
 * vEVENTQ.
 */
int nestref_smmuv3_raise_event(struct nestref_ctx *ctx,
			       const struct nestref_smmuv3_event *evt)
{
	const struct nestref_smmuv3_ops *ops = SMMUV3_OPS(
		ctx, NESTREF_CAP_INJECT_EVENT, raise_event, "raise_event");

	if (!ops)
		return -EOPNOTSUPP;
	return smmuv3_said(ctx, ops->raise_event(ctx, evt), "raise_event");
}

#define SMMUV3_CMP(a, b)                           \
	do {                                       \
		if ((a) != (b))                    \
			return (a) < (b) ? -1 : 1; \
	} while (0)

int nestref_smmuv3_cache_entry_cmp(const struct nestref_smmuv3_cache_entry *a,
				   const struct nestref_smmuv3_cache_entry *b)
{
	SMMUV3_CMP(a->kind, b->kind);
	SMMUV3_CMP(a->flags, b->flags);
	SMMUV3_CMP(a->vmid, b->vmid);
	SMMUV3_CMP(a->asid, b->asid);
	SMMUV3_CMP(a->va, b->va);
	SMMUV3_CMP(a->level, b->level);
	SMMUV3_CMP(a->tg, b->tg);
	SMMUV3_CMP(a->sid, b->sid);
	SMMUV3_CMP(a->ssid, b->ssid);
	SMMUV3_CMP(a->addr, b->addr);
	SMMUV3_CMP(a->span, b->span);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* The context: one "iommufd file" opened on a backend. */
#include <errno.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void *nr_alloc_with_priv(size_t struct_size, size_t priv_size, void **priv)
{
	size_t align = alignof(max_align_t);
	size_t offset = (struct_size + align - 1) / align * align;
	unsigned char *p;

	if (priv_size > SIZE_MAX - offset)
		return NULL;
	p = nestref_calloc(1, offset + priv_size);
	if (p && priv)
		*priv = priv_size ? p + offset : NULL;
	return p;
}

void nr_vmessage(struct nestref_ctx *ctx, const char *fmt, va_list ap)
{
	if (!fmt) {
		ctx->msg[0] = '\0';
		return;
	}
	vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
}

int nr_fail(struct nestref_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nr_vmessage(ctx, fmt, ap);
	va_end(ap);
	return err;
}

int nr_fail_backend(struct nestref_ctx *ctx, int err, const char *call)
{
	return ctx->msg[0] ? err :
			     nr_fail(ctx, err, "%s: %s", call,
				     nestref_strerror(err));
}

static int nr_vfail_rule(struct nestref_ctx *ctx, int err,
			 enum nestref_rule rule, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static int nr_vfail_rule(struct nestref_ctx *ctx, int err,
			 enum nestref_rule rule, const char *fmt, va_list ap)
{
	size_t used;

	nr_vmessage(ctx, fmt, ap);
	used = strlen(ctx->msg);
	snprintf(ctx->msg + used, sizeof(ctx->msg) - used, " [rule %s, %s]",
		 nestref_rule_name(rule), nestref_profile_name(ctx->profile));
	return err;
}

int nr_fail_rule(struct nestref_ctx *ctx, int err, enum nestref_rule rule,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = nr_vfail_rule(ctx, err, rule, fmt, ap);
	va_end(ap);
	return err;
}

int nestref_ctx_fail_rule(struct nestref_ctx *ctx, int err,
			  enum nestref_rule rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = nr_vfail_rule(ctx, err, rule, fmt, ap);
	va_end(ap);
	return err;
}

void nestref_ctx_set_message(struct nestref_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nr_vmessage(ctx, fmt, ap);
	va_end(ap);
}

int nr_copy_struct(void *dst, size_t dst_size, const void *src,
		   size_t src_size)
{
	const unsigned char *tail = (const unsigned char *)src + dst_size;
	size_t i;

	if (src_size > dst_size) {
		for (i = 0; i < src_size - dst_size; i++)
			if (tail[i])
				return -E2BIG;
		memcpy(dst, src, dst_size);
		return 0;
	}
	memcpy(dst, src, src_size);
	memset((unsigned char *)dst + src_size, 0, dst_size - src_size);
	return 0;
}

static void nr_msg_out(char *msg, size_t msg_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void nr_msg_out(char *msg, size_t msg_len, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !msg_len)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, msg_len, fmt, ap);
	va_end(ap);
}

/*
 * Keeps ext_opts for the backend: the core does not know the struct, only
 * that it starts with its size (the extensible-struct rule, 2.2).
 */
static int nr_ext_opts_copy(struct nestref_ctx *ctx, const void *ext_opts)
{
	uint32_t size;

	if (!ext_opts)
		return 0;
	memcpy(&size, ext_opts, sizeof(size));
	/* A bound, so that a garbage size cannot ask for gigabytes. */
	if (size < sizeof(size) || size > 4096)
		return nr_fail(ctx, -EINVAL,
			       "ext_opts of %u bytes: the size is not plausible",
			       size);
	ctx->ext_opts = nestref_malloc(size);
	if (!ctx->ext_opts)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	memcpy(ctx->ext_opts, ext_opts, size);
	ctx->ext_opts_size = size;
	return 0;
}

int nestref_ctx_new(struct nestref_ctx **out, const struct nestref_ctx_opts *opts_in,
		    char *msg, size_t msg_len)
{
	struct nestref_ctx_opts opts;
	const struct nestref_backend *be;
	struct nestref_ctx *ctx;
	void *priv;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	nr_msg_out(msg, msg_len, "%s", "");
	if (!opts_in || opts_in->size < sizeof(uint32_t)) {
		nr_msg_out(msg, msg_len, "options missing or their size is 0");
		return -EINVAL;
	}
	/* Our own options follow the rules we check for others (2.2). */
	if (nr_copy_struct(&opts, sizeof(opts), opts_in, opts_in->size)) {
		nr_msg_out(msg, msg_len,
			   "options of %u bytes carry non-zero bytes this library (%zu bytes) does not understand",
			   opts_in->size, sizeof(opts));
		return -E2BIG;
	}
	if ((unsigned int)opts.profile >= NESTREF_PROFILE_COUNT) {
		nr_msg_out(msg, msg_len, "unknown profile %u",
			   (unsigned int)opts.profile);
		return -EINVAL;
	}
	if (opts.page_size == 0)
		opts.page_size = 4096;
	/* The page sizes Linux supports on arm64 and x86 (kernel-facts 2.7). */
	if (opts.page_size != 4096 && opts.page_size != 16384 &&
	    opts.page_size != 65536) {
		nr_msg_out(msg, msg_len,
			   "page_size %u is not one of 4096, 16384, 65536",
			   opts.page_size);
		return -EINVAL;
	}
	if (opts.rules_off & ~((1u << NESTREF_RULE_COUNT) - 1)) {
		nr_msg_out(msg, msg_len, "rules_off 0x%x names unknown rules",
			   opts.rules_off);
		return -EINVAL;
	}
	/* The core has no favourite: the command picks the default. */
	if (!opts.backend) {
		nr_msg_out(msg, msg_len,
			   "no backend named in the options (see 'nestref backends')");
		return -EINVAL;
	}
	be = nestref_backend_find(opts.backend);
	if (!be) {
		nr_msg_out(msg, msg_len,
			   "no backend named '%s' (see 'nestref backends')",
			   opts.backend);
		return -ENOENT;
	}
	if (!(nestref_backend_profiles(be) & NESTREF_PROFILE_BIT(opts.profile))) {
		nr_msg_out(msg, msg_len,
			   "backend '%s' does not support profile %s", be->name,
			   nestref_profile_name(opts.profile));
		return -EOPNOTSUPP;
	}
	ctx = nr_alloc_with_priv(sizeof(*ctx), be->ctx_priv_size, &priv);
	if (!ctx) {
		nr_msg_out(msg, msg_len, "out of memory");
		return -ENOMEM;
	}
	ctx->be = be;
	ctx->caps = be->caps | nr_core_caps(be);
	ctx->dev_user_data_len = be->dev_user_data_len;
	ctx->profile = opts.profile;
	ctx->rules = nestref_profile_rules(opts.profile) & ~opts.rules_off;
	ctx->page_size = opts.page_size;
	ctx->priv = priv;
	nr_ids_init(&ctx->ids);
	rc = nr_ext_opts_copy(ctx, opts.ext_opts);
	if (rc) {
		nr_msg_out(msg, msg_len, "%s", ctx->msg);
		goto err_free;
	}
	/* A backend without open has nothing to read options with. */
	rc = be->open ? be->open(ctx, opts.backend_options) :
			nestref_ctx_parse_options(ctx, opts.backend_options,
						  NULL, NULL, NULL);
	if (rc) {
		nr_msg_out(msg, msg_len, "backend '%s': %s", be->name,
			   ctx->msg[0] ? ctx->msg : nestref_strerror(rc));
		goto err_free;
	}
	*out = ctx;
	return 0;

err_free:
	nr_ids_fini(&ctx->ids);
	nestref_free(ctx->ext_opts);
	nestref_free(ctx);
	return rc;
}

void nestref_ctx_free(struct nestref_ctx *ctx)
{
	static const enum nr_obj_type pass_types[] = {
		NR_OBJ_VDEVICE, NR_OBJ_DEVICE, NR_OBJ_HWPT, NR_OBJ_VEVENTQ,
		NR_OBJ_VIOMMU,
	};
	size_t id;
	size_t pass;

	if (!ctx)
		return;
	/*
	 * Users before what they use: links, then devices (which detaches
	 * them), then nested HWPTs and vEVENTQs, then vIOMMUs, an order
	 * every backend and the kernel accept (kernel-facts 2.3, 2.12).
	 */
	for (pass = 0; pass < NESTREF_ARRAY_SIZE(pass_types); pass++) {
		for (id = 1; id < ctx->ids.cap; id++) {
			struct nr_obj *obj = nr_ids_get(&ctx->ids, (uint32_t)id);

			if (obj && obj->type == pass_types[pass])
				nestref_destroy(ctx, (uint32_t)id);
		}
	}
	if (ctx->be->close)
		ctx->be->close(ctx);
	nr_ids_fini(&ctx->ids);
	nestref_free(ctx->ext_opts);
	nestref_free(ctx);
}

const char *nestref_ctx_message(const struct nestref_ctx *ctx)
{
	return ctx ? ctx->msg : "";
}

enum nestref_profile nestref_ctx_profile(const struct nestref_ctx *ctx)
{
	return ctx->profile;
}

uint32_t nestref_ctx_page_size(const struct nestref_ctx *ctx)
{
	return ctx->page_size;
}

uint64_t nestref_ctx_kmalloc_max(const struct nestref_ctx *ctx)
{
	/* MAX_PAGE_ORDER: 10, or arm64's 11 (16 KiB) and 13 (64 KiB). */
	unsigned int order = ctx->page_size == 65536 ? 13 :
			     ctx->page_size == 16384 ? 11 : 10;

	return (uint64_t)ctx->page_size << order;
}

uint32_t nestref_ctx_caps(const struct nestref_ctx *ctx)
{
	return ctx->caps;
}

void nestref_ctx_set_caps(struct nestref_ctx *ctx, uint32_t caps)
{
	/* Only narrowing: a context cannot do more than its backend says.
	 * What the core adds is the core's, whatever the backend's mode. */
	ctx->caps = (caps & ctx->be->caps) | nr_core_caps(ctx->be);
}

void nestref_ctx_set_dev_user_data_len(struct nestref_ctx *ctx, size_t len)
{
	ctx->dev_user_data_len = len;
}

const char *nestref_ctx_backend(const struct nestref_ctx *ctx)
{
	return ctx->be->name;
}

void *nestref_ctx_priv(struct nestref_ctx *ctx)
{
	return ctx->priv;
}

const void *nestref_ctx_ext(const struct nestref_ctx *ctx, const char *name)
{
	const char *have = ctx->be->ext_name;

	return have && name && strcmp(have, name) == 0 ? ctx->be->ext : NULL;
}

const void *nestref_ctx_ext_opts(const struct nestref_ctx *ctx, uint32_t *size)
{
	*size = ctx->ext_opts ? ctx->ext_opts_size : 0;
	return ctx->ext_opts;
}

size_t nestref_dev_user_data_len(const struct nestref_ctx *ctx)
{
	return ctx->dev_user_data_len;
}

struct nr_obj *nr_lookup(struct nestref_ctx *ctx, uint32_t id,
			 enum nr_obj_type type)
{
	struct nr_obj *obj = nr_ids_get(&ctx->ids, id);

	return obj && obj->type == type ? obj : NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * A backend's options (issue 13 point 7): the --backend-options string,
 * "key=value,key,...", checked against the keys the backend declares.
 * One parser for every backend, so that each refuses what it does not
 * understand in the same words: an option nobody reads is a typo the
 * user never hears of (the mock used to ignore them while smmuv3-sim
 * refused them).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* "mode=selftest|vfio, devices=PATH[:PATH...], unavailable" into buf. */
static void nr_options_accepted(const struct nestref_option_key *keys,
				char *buf, size_t len)
{
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (; keys && keys->key; keys++) {
		n = snprintf(buf + used, len - used, "%s%s%s%s",
			     used ? ", " : "", keys->key,
			     keys->value ? "=" : "",
			     keys->value ? keys->value : "");
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* A failure about item, naming the keys the backend takes. */
static int nr_option_fail(struct nestref_ctx *ctx,
			  const struct nestref_option_key *keys,
			  const char *what, const char *item)
{
	char accepted[160];

	nr_options_accepted(keys, accepted, sizeof(accepted));
	if (!accepted[0])
		return nr_fail(ctx, -EINVAL, "%s: %s '%s': it takes none",
			       ctx->be->name, what, item);
	return nr_fail(ctx, -EINVAL, "%s: %s '%s' (it takes %s)",
		       ctx->be->name, what, item, accepted);
}

/* One "key=value" or "key" item: the callback's answer, or -EINVAL. */
static int nr_option_item(struct nestref_ctx *ctx, char *item,
			  const struct nestref_option_key *keys,
			  nestref_option_fn fn, void *arg)
{
	char *eq = strchr(item, '=');
	const char *value = eq ? eq + 1 : NULL;
	size_t i;

	if (eq)
		*eq = '\0';
	for (i = 0; keys && keys[i].key; i++)
		if (strcmp(keys[i].key, item) == 0)
			break;
	if (!keys || !keys[i].key)
		return nr_option_fail(ctx, keys, "unknown backend option",
				      item);
	if (keys[i].value && (!value || !*value))
		return nr_fail(ctx, -EINVAL,
			       "%s: backend option '%s' needs a value: %s=%s",
			       ctx->be->name, item, item, keys[i].value);
	if (!keys[i].value && value)
		return nr_fail(ctx, -EINVAL,
			       "%s: backend option '%s' takes no value (got '%s=%s')",
			       ctx->be->name, item, item, value);
	return fn ? fn(ctx, i, value, arg) : 0;
}

int nestref_ctx_parse_options(struct nestref_ctx *ctx, const char *options,
			      const struct nestref_option_key *keys,
			      nestref_option_fn fn, void *arg)
{
	char *copy, *item, *comma;
	int rc = 0;

	if (!options || !*options)
		return 0;
	copy = nestref_strdup(options);
	if (!copy)
		return nr_fail(ctx, -ENOMEM, "out of memory");
	for (item = copy; !rc && item; item = comma ? comma + 1 : NULL) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		/* "a,,b" and a trailing comma are typos too. */
		if (!*item)
			rc = nr_option_fail(ctx, keys,
					    "empty item in the backend options",
					    options);
		else
			rc = nr_option_item(ctx, item, keys, fn, arg);
	}
	nestref_free(copy);
	return rc;
}

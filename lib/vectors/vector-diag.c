/* SPDX-License-Identifier: MIT */
/*
 * Load diagnostics: a growing list of "path:line:column: message" strings
 * (spec/vectors.md section 1: every load error names file:line:column).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "vector.h"

void vec_diag_init(struct vec_diag *diag)
{
	diag->messages = NULL;
	diag->count = 0;
}

void vec_diag_free(struct vec_diag *diag)
{
	size_t i;

	for (i = 0; i < diag->count; i++)
		nestref_free(diag->messages[i]);
	nestref_free(diag->messages);
	vec_diag_init(diag);
}

int vec_diag_vadd(struct vec_diag *diag, const char *path,
		  struct vec_mark mark, const char *fmt, va_list ap)
{
	char prefix[64];
	char **grown;
	char *msg;
	va_list copy;
	size_t plen, path_len;
	int n;

	if (mark.line)
		snprintf(prefix, sizeof(prefix), ":%u:%u: ", mark.line,
			 mark.column);
	else
		snprintf(prefix, sizeof(prefix), ": ");

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return -EINVAL;

	path_len = strlen(path);
	plen = strlen(prefix);
	msg = nestref_malloc(path_len + plen + (size_t)n + 1);
	if (!msg)
		return -ENOMEM;
	memcpy(msg, path, path_len);
	memcpy(msg + path_len, prefix, plen);
	vsnprintf(msg + path_len + plen, (size_t)n + 1, fmt, ap);

	/*
	 * The array doubles (8, 16, 32, ...) when count reaches its size, so
	 * that n messages cost O(n) copies: an alias can make a small file
	 * report tens of thousands (found by tests/fuzz/fuzz-vectors).
	 */
	if (diag->count == 0 ||
	    (diag->count >= 8 && !(diag->count & (diag->count - 1)))) {
		grown = nestref_reallocarray(diag->messages,
					     diag->count ? 2 * diag->count : 8,
					     sizeof(*diag->messages));
		if (!grown) {
			nestref_free(msg);
			return -ENOMEM;
		}
		diag->messages = grown;
	}
	diag->messages[diag->count++] = msg;
	return 0;
}

int vec_diag_add(struct vec_diag *diag, const char *path,
		 struct vec_mark mark, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vec_diag_vadd(diag, path, mark, fmt, ap);
	va_end(ap);
	return ret;
}

/* SPDX-License-Identifier: MIT */
/*
 * Load diagnostics: a growing list of positions and messages, each file's
 * path kept once (spec/vectors.md section 1: every load error names
 * file:line:column; section 1.5: what a file of errors may cost).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "vector.h"

/* ":4294967295:4294967295: " */
#define DIAG_MARK_MAX 24

void vec_diag_init(struct vec_diag *diag)
{
	memset(diag, 0, sizeof(*diag));
}

void vec_diag_free(struct vec_diag *diag)
{
	size_t i;

	for (i = 0; i < diag->count; i++)
		nestref_free(diag->msgs[i].text);
	nestref_free(diag->msgs);
	for (i = 0; i < diag->n_paths; i++)
		nestref_free(diag->paths[i]);
	nestref_free(diag->paths);
	nestref_free(diag->line);
	vec_diag_init(diag);
}

/* The index of path in diag->paths: the last one again, or a new one. */
static int diag_path(struct vec_diag *diag, const char *path, size_t *out)
{
	char **grown;
	char *copy;

	if (diag->n_paths && !strcmp(diag->paths[diag->n_paths - 1], path)) {
		*out = diag->n_paths - 1;
		return 0;
	}
	grown = nestref_reallocarray(diag->paths, diag->n_paths + 1,
				     sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	diag->paths = grown;
	copy = nestref_strdup(path);
	if (!copy)
		return -ENOMEM;
	diag->paths[diag->n_paths] = copy;
	*out = diag->n_paths++;
	return 0;
}

/* Grows line to hold size bytes: formatting must not allocate. */
static int diag_line_fit(struct vec_diag *diag, size_t size)
{
	char *grown;

	if (size <= diag->line_size)
		return 0;
	grown = nestref_realloc(diag->line, size);
	if (!grown)
		return -ENOMEM;
	diag->line = grown;
	diag->line_size = size;
	return 0;
}

int vec_diag_vadd(struct vec_diag *diag, const char *path,
		  struct vec_mark mark, const char *fmt, va_list ap)
{
	struct vec_diag_msg *grown, *m;
	size_t path_index;
	char *text;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return -EINVAL;
	text = nestref_malloc((size_t)n + 1);
	if (!text)
		return -ENOMEM;
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	if (diag_path(diag, path, &path_index) ||
	    diag_line_fit(diag, strlen(path) + DIAG_MARK_MAX + (size_t)n + 1))
		goto err_text;
	/*
	 * The array doubles (8, 16, 32, ...) when count reaches its size, so
	 * that n messages cost O(n) copies: a diag may gather the errors of
	 * many files (found by tests/fuzz/fuzz-vectors).
	 */
	if (diag->count == 0 ||
	    (diag->count >= 8 && !(diag->count & (diag->count - 1)))) {
		grown = nestref_reallocarray(diag->msgs,
					     diag->count ? 2 * diag->count : 8,
					     sizeof(*grown));
		if (!grown)
			goto err_text;
		diag->msgs = grown;
	}
	m = &diag->msgs[diag->count++];
	m->path = path_index;
	m->mark = mark;
	m->text = text;
	return 0;

err_text:
	nestref_free(text);
	return -ENOMEM;
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

const char *vec_diag_message(const struct vec_diag *diag, size_t i)
{
	const struct vec_diag_msg *m;

	if (i >= diag->count)
		return NULL;
	m = &diag->msgs[i];
	if (m->mark.line)
		snprintf(diag->line, diag->line_size, "%s:%u:%u: %s",
			 diag->paths[m->path], m->mark.line, m->mark.column,
			 m->text);
	else
		snprintf(diag->line, diag->line_size, "%s: %s",
			 diag->paths[m->path], m->text);
	return diag->line;
}

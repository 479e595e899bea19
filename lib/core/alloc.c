/* SPDX-License-Identifier: MIT */
/*
 * The one allocator of the libraries and backends (nestref.h,
 * nestref_set_allocator): the C library's unless an embedder or the
 * allocation-failure sweep installs another.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *nr_libc_alloc(void *opaque, size_t size)
{
	(void)opaque;
	return malloc(size);
}

static void *nr_libc_resize(void *opaque, void *ptr, size_t size)
{
	(void)opaque;
	return realloc(ptr, size);
}

static void nr_libc_release(void *opaque, void *ptr)
{
	(void)opaque;
	free(ptr);
}

static const struct nestref_allocator nr_libc = {
	.alloc = nr_libc_alloc,
	.resize = nr_libc_resize,
	.release = nr_libc_release,
};

static struct nestref_allocator nr_current = {
	.alloc = nr_libc_alloc,
	.resize = nr_libc_resize,
	.release = nr_libc_release,
};

void nestref_set_allocator(const struct nestref_allocator *a)
{
	nr_current = a ? *a : nr_libc;
}

void *nestref_malloc(size_t size)
{
	/* malloc(0) may return NULL, which would read as a failure. */
	return nr_current.alloc(nr_current.opaque, size ? size : 1);
}

void *nestref_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = nestref_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *nestref_realloc(void *ptr, size_t size)
{
	if (!ptr)
		return nestref_malloc(size);
	return nr_current.resize(nr_current.opaque, ptr, size ? size : 1);
}

void *nestref_reallocarray(void *ptr, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return nestref_realloc(ptr, n * size);
}

char *nestref_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = nestref_malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *nestref_strdup(const char *s)
{
	return nestref_strndup(s, SIZE_MAX);
}

char *nestref_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = nestref_malloc((size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void nestref_free(void *ptr)
{
	if (ptr)
		nr_current.release(nr_current.opaque, ptr);
}

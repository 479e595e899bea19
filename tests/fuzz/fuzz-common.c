/* SPDX-License-Identifier: MIT */
/* The helpers of fuzz.h: checks, the byte reader, the counting allocator. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
	       ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: invariant broken: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v;

	if (!in->n)
		return 0;
	v = *in->p++;
	in->n--;
	return v;
}

uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);

	return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);

	return lo | (uint32_t)fuzz_u16(in) << 16;
}

uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t lo = fuzz_u32(in);

	return lo | (uint64_t)fuzz_u32(in) << 32;
}

size_t fuzz_take(struct fuzz_in *in, size_t n, const uint8_t **out)
{
	if (n > in->n)
		n = in->n;
	*out = in->p;
	in->p += n;
	in->n -= n;
	return n;
}

/* ----------------------------------------------------------- allocator */

static struct {
	unsigned long count;    /* allocations asked for so far */
	unsigned long fail_at;  /* 0: none fails */
	bool sticky;
	unsigned long failures;
	long live;
} fuzz_heap;

static bool fuzz_alloc_fails(void)
{
	fuzz_heap.count++;
	if (!fuzz_heap.fail_at || fuzz_heap.count < fuzz_heap.fail_at ||
	    (fuzz_heap.count > fuzz_heap.fail_at && !fuzz_heap.sticky))
		return false;
	fuzz_heap.failures++;
	return true;
}

static void *fuzz_alloc(void *opaque, size_t size)
{
	void *p;

	(void)opaque;
	if (fuzz_alloc_fails())
		return NULL;
	p = malloc(size);
	if (p)
		fuzz_heap.live++;
	return p;
}

static void *fuzz_resize(void *opaque, void *ptr, size_t size)
{
	(void)opaque;
	/* The library never resizes NULL (nestref_realloc allocates). */
	if (fuzz_alloc_fails())
		return NULL;
	return realloc(ptr, size);
}

static void fuzz_release(void *opaque, void *ptr)
{
	(void)opaque;
	if (ptr)
		fuzz_heap.live--;
	free(ptr);
}

static const struct nestref_allocator fuzz_allocator = {
	.alloc = fuzz_alloc,
	.resize = fuzz_resize,
	.release = fuzz_release,
};

void fuzz_alloc_start(unsigned long fail_at, bool sticky)
{
	memset(&fuzz_heap, 0, sizeof(fuzz_heap));
	fuzz_heap.fail_at = fail_at;
	fuzz_heap.sticky = sticky;
	nestref_set_allocator(&fuzz_allocator);
}

void fuzz_alloc_stop(void)
{
	nestref_set_allocator(NULL);
}

long fuzz_alloc_live(void)
{
	return fuzz_heap.live;
}

unsigned long fuzz_alloc_failures(void)
{
	return fuzz_heap.failures;
}

const char *fuzz_message(const struct nestref_ctx *ctx)
{
	const char *m = nestref_ctx_message(ctx);

	FUZZ_CHECK(m != NULL, "the context has no message string");
	FUZZ_CHECK(strnlen(m, 256) < 256,
		   "the message is not terminated within 256 bytes");
	return m;
}

/* SPDX-License-Identifier: MIT */
/* Bit fields in 64-bit words and their text (bits.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/smmuv3/bits.h"

uint64_t nr_bits_mask(struct nr_bits f)
{
	/* A shift by 64 is undefined: a whole word is every bit. */
	if (f.width >= 64)
		return UINT64_MAX;
	return ((UINT64_C(1) << f.width) - 1) << f.lo;
}

/* How far a value moves to reach its bits: 0 for addresses (in place). */
static unsigned int bits_shift(struct nr_bits f)
{
	return f.address ? 0 : f.lo;
}

uint64_t nr_bits_read(uint64_t word, struct nr_bits f)
{
	return (word & nr_bits_mask(f)) >> bits_shift(f);
}

int nr_bits_write(uint64_t *word, struct nr_bits f, uint64_t value)
{
	uint64_t mask = nr_bits_mask(f);
	unsigned int shift = bits_shift(f);

	if (f.address && f.lo && (value & ((UINT64_C(1) << f.lo) - 1)))
		return -EINVAL;
	if (value & ~(mask >> shift))
		return -ERANGE;
	*word = (*word & ~mask) | (value << shift);
	return 0;
}

int nr_name_find(const char *name, const void *table, size_t n,
		 size_t stride)
{
	const char *entry = table;
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < n; i++, entry += stride) {
		const char *const *have = (const char *const *)entry;

		if (*have && !strcmp(name, *have))
			return (int)i;
	}
	return -1;
}

void nr_out_printf(struct nr_out *out, const char *fmt, ...)
{
	char *dst = NULL;
	size_t room = 0;
	va_list ap;
	int n;

	if (out->buf && out->len < out->size) {
		dst = out->buf + out->len;
		room = out->size - out->len;
	}
	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		out->len += (size_t)n;
}

void nr_out_field(struct nr_out *out, const char *name, struct nr_bits f,
		  uint64_t value)
{
	if (f.width == 1)
		nr_out_printf(out, " %s=%" PRIu64, name, value);
	else
		nr_out_printf(out, " %s=0x%" PRIx64, name, value);
}

/* SPDX-License-Identifier: MIT */
/*
 * Bit fields in 64-bit words and their text: what the SMMUv3 command codec
 * (codec.c, kernel-facts 4) and the event codec (event-codec.c,
 * kernel-facts 3.11) share, so that a field reads, writes and prints the
 * same way in a command and in an event record.
 */
#ifndef NESTREF_LIB_SMMUV3_BITS_H
#define NESTREF_LIB_SMMUV3_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A field: width bits (1 to 64) from bit lo of its word.  An address
 * field takes and returns the byte address: its bits sit in the word
 * where they sit in the address, so it is stored in place instead of
 * shifted, and the address's bits below lo must be zero.
 */
struct nr_bits {
	uint8_t lo;
	uint8_t width;
	bool address;
};

/* The field's bits within its word. */
uint64_t nr_bits_mask(struct nr_bits f);
uint64_t nr_bits_read(uint64_t word, struct nr_bits f);
/*
 * Writes value into *word: 0; -EINVAL for an address with bits below the
 * field (also when it is too large: the misalignment is the more specific
 * mistake); -ERANGE for a value wider than the field.  *word is unchanged
 * on failure.
 */
int nr_bits_write(uint64_t *word, struct nr_bits f, uint64_t value);

/*
 * The index of name among n table entries of stride bytes, each starting
 * with its const char * name (NULL for an unused entry), or -1: the name
 * look-ups of both codecs' tables.
 */
int nr_name_find(const char *name, const void *table, size_t n,
		 size_t stride);

/*
 * snprintf that appends: len counts what would have been written, so a
 * formatter can return it like snprintf, while nothing past buf[size - 1]
 * is touched.  Once the buffer is full, later pieces are only counted.
 */
struct nr_out {
	char *buf;
	size_t size;
	size_t len;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void nr_out_printf(struct nr_out *out, const char *fmt, ...);

/*
 * " name=value": a one-bit field (a flag) in decimal, a wider one in hex
 * with 0x whatever its value, so that a field looks the same from record
 * to record.
 */
void nr_out_field(struct nr_out *out, const char *name, struct nr_bits f,
		  uint64_t value);

#endif

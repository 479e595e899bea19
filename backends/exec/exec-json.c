/* SPDX-License-Identifier: MIT */
/*
 * The values of the exec protocol (docs/spec/protocol.md section 2):
 * 64-bit values as numbers below 2^53 and "0x..." strings above, byte
 * arrays as lowercase hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "exec.h"

#define EXEC_JSON_EXACT (UINT64_C(1) << 53)

json_t *exec_json_u64(uint64_t v)
{
	char text[24];

	if (v < EXEC_JSON_EXACT)
		return json_integer((json_int_t)v);
	snprintf(text, sizeof(text), "0x%llx", (unsigned long long)v);
	return json_string(text);
}

static int exec_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int exec_json_get_u64(const json_t *v, uint64_t *out)
{
	const char *s;
	uint64_t x = 0;
	size_t i, n;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -1;
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n < 3 || n > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (i = 2; i < n; i++) {
		int d = exec_hex_digit(s[i]);

		if (d < 0)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	*out = x;
	return 0;
}

int exec_json_get_u32(const json_t *v, uint32_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX)
		return -1;
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

json_t *exec_json_hex(const void *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = bytes;
	json_t *j;
	char *s;
	size_t i;

	s = nestref_malloc(2 * n + 1);
	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		s[2 * i] = digits[b[i] >> 4];
		s[2 * i + 1] = digits[b[i] & 0xf];
	}
	s[2 * n] = '\0';
	j = json_stringn_nocheck(s, 2 * n);
	nestref_free(s);
	return j;
}

int exec_json_unhex(const json_t *v, void *out, size_t n)
{
	unsigned char *b = out;
	const char *s;
	size_t i;

	if (!json_is_string(v) || json_string_length(v) != 2 * n)
		return -1;
	s = json_string_value(v);
	for (i = 0; i < n; i++) {
		int hi = exec_hex_digit(s[2 * i]);
		int lo = exec_hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

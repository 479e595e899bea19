/* SPDX-License-Identifier: MIT */
/*
 * Strings from vectors and paths made safe to show (spec/report.md 6):
 * what the library's writers of TAP, JSON and messages share besides the
 * public nestref_vec_escape() and nestref_vec_escape_fputs().
 */
#ifndef NESTREF_VECTORS_ESCAPE_H
#define NESTREF_VECTORS_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One character of a string, as report.md 6.1 reads it. */
struct esc_char {
	size_t len;   /* its bytes: 1 to 4, 1 for a byte that is not UTF-8 */
	uint32_t cp;  /* its code point, or the byte that is not UTF-8 */
	bool invalid; /* a byte that is not part of valid UTF-8 */
};

/* The character s starts with (s is not at its NUL). */
void esc_decode(const char *s, struct esc_char *c);

/* Whether code point cp is one report.md 6.1 never shows as it is. */
bool esc_is_control(uint32_t cp);

/*
 * What a JSON string or a YAML scalar holds for s (report.md 6.3): s
 * itself when it is valid UTF-8, else its escaped form, allocated in
 * *copy (nestref_free() it; NULL when s was kept).  NULL without memory.
 */
const char *esc_value(const char *s, char **copy);

/*
 * Writes JSON text (valid UTF-8, as jansson makes it) to out with every
 * control that JSON lets stand raw (DEL, C1, the line separators and the
 * bidirectional controls) as \uXXXX instead: the same JSON value, and no
 * control byte in the file (report.md 6.3).  0 or -EIO.
 */
int esc_json_write(FILE *out, const char *json);

#endif /* NESTREF_VECTORS_ESCAPE_H */

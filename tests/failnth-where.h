/* SPDX-License-Identifier: MIT */
/*
 * Where a failed allocation was asked for, for check-failnth's messages,
 * and the allocations whose failure changes nothing a caller could see,
 * by design, each with its reason: a failure swallowed where the stack
 * holds one of them is counted apart, not as a finding.
 */
#ifndef NESTREF_TESTS_FAILNTH_WHERE_H
#define NESTREF_TESTS_FAILNTH_WHERE_H

#include <stddef.h>
#include <stdio.h>

/*
 * The return addresses frames[0..n) (failnth_alloc_where()) as addr2line
 * names them, up to max of them past the allocators' own: "function at
 * file:line < caller at file:line ...".
 */
void failnth_where(void *const *frames, size_t n, size_t max, char *out,
		   size_t len);

/* The reason when the failure at frames is one by design, else NULL. */
const char *failnth_optional(void *const *frames, size_t n);

/* Each of those, a "#   in FUNCTION: reason" line. */
void failnth_optional_print(FILE *out);

#endif /* NESTREF_TESTS_FAILNTH_WHERE_H */

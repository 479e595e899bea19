/* SPDX-License-Identifier: MIT */
/* fuzz-exec's child without a process (exec-child-fake.c). */
#ifndef NESTREF_TESTS_FUZZ_EXEC_CHILD_FAKE_H
#define NESTREF_TESTS_FUZZ_EXEC_CHILD_FAKE_H

#include <stddef.h>
#include <stdint.h>

/* The reply lines the next context's child gives, n bytes at p. */
void fuzz_exec_replies(const uint8_t *p, size_t n);

#endif /* NESTREF_TESTS_FUZZ_EXEC_CHILD_FAKE_H */

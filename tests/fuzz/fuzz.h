/* SPDX-License-Identifier: MIT */
/*
 * What the harnesses of tests/fuzz/ share (docs/fuzzing.md): libFuzzer's
 * entry point, the check that stops a run, a reader of the input's bytes,
 * and a counting allocator that can fail allocations on purpose.
 *
 * Each harness is built twice: with clang and -fsanitize=fuzzer (configure
 * --enable-fuzz), and with the build's compiler and replay.c's main, which
 * runs the entry point once per file (the regression inputs in every build
 * flavour's make check).
 */
#ifndef NESTREF_TESTS_FUZZ_H
#define NESTREF_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nestref/nestref.h>

/* libFuzzer calls it once per input; 0 always (a failed check aborts). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant the library must keep.  A failure prints where and why on
 * stderr and aborts: libFuzzer saves the input as a crash, replay.c dies
 * with SIGABRT.
 */
#define FUZZ_CHECK(cond, ...)                                             \
	do {                                                              \
		if (!(cond))                                              \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
	       ...) __attribute__((noreturn, format(printf, 4, 5)));

/* The bytes of an input, read from the front; past the end they are 0. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
uint64_t fuzz_u64(struct fuzz_in *in);
/* Up to n bytes at *out (what is left if fewer); returns how many. */
size_t fuzz_take(struct fuzz_in *in, size_t n, const uint8_t **out);

/*
 * The allocator every harness installs with nestref_set_allocator(): it
 * counts the blocks the library holds, so that a harness can check that
 * freeing a context or a file gives every one back, and fails allocation
 * number fail_at (1 for the first; 0 for none), only that one or, with
 * sticky, every one after it too.
 */
void fuzz_alloc_start(unsigned long fail_at, bool sticky);
/* Puts the C library's allocator back. */
void fuzz_alloc_stop(void);
/* Blocks allocated and not yet freed since fuzz_alloc_start(). */
long fuzz_alloc_live(void);
/* Allocations failed on purpose so far. */
unsigned long fuzz_alloc_failures(void);

/* The message of a context: NUL-terminated, shorter than 256 bytes. */
const char *fuzz_message(const struct nestref_ctx *ctx);

#endif /* NESTREF_TESTS_FUZZ_H */

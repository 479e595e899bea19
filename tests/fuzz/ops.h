/* SPDX-License-Identifier: MIT */
/*
 * The core API driven by a byte-coded sequence of calls, with the
 * invariants checked after each (tests/fuzz/ops.c): shared by fuzz-core
 * (the in-process backends) and fuzz-exec (the exec backend, its child's
 * replies taken from the input).
 */
#ifndef NESTREF_TESTS_FUZZ_OPS_H
#define NESTREF_TESTS_FUZZ_OPS_H

#include <stdbool.h>

#include "fuzz.h"

struct fuzz_ops_target {
	const char *backend;
	const char *options; /* nestref_ctx_opts.backend_options */
	/*
	 * mock and smmuv3-sim: the virtual ID a set links is the user data's
	 * first 4 bytes, always on smmuv3-sim and on the mock unless
	 * rfc-user-data; a child of exec links what it says.
	 */
	bool builtin;
};

/*
 * Reads the context's options from the front of in (profile, PAGE_SIZE,
 * rules switched off, SMMU features, an allocation to fail), opens the
 * context, runs one call per op byte until in is used up, and frees the
 * context; any broken invariant aborts.
 */
void fuzz_ops_run(struct fuzz_in *in, const struct fuzz_ops_target *target);

#endif /* NESTREF_TESTS_FUZZ_OPS_H */

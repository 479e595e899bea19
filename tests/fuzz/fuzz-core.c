/* SPDX-License-Identifier: MIT */
/*
 * fuzz-core: the core API on each in-process backend, under each profile,
 * driven by a byte-coded sequence of calls (ops.c, docs/fuzzing.md
 * section 3).  The first byte picks the backend: even for mock, odd for
 * smmuv3-sim; the rest is ops.c's header and calls.
 */
#include "ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_ops_target targets[] = {
		{ .backend = "mock", .builtin = true },
		{ .backend = "smmuv3-sim", .builtin = true },
	};
	struct fuzz_in in = { data, size };

	fuzz_ops_run(&in, &targets[fuzz_u8(&in) & 1]);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * run-mock-vectors PATH...: registers the out-of-tree "example-mock"
 * backend (a version-1 struct, example-mock.c) and runs the vector files
 * or folders given on it under linux-7.2, as `nestref run` would.  Exits
 * 1 if a test failed, and also when no test ran at all, so that a broken
 * registration cannot pass as a run of skips.
 *
 * Built against the installed libraries alone (make installcheck):
 *   cc -o run-mock-vectors run-mock-vectors.c example-mock.c \
 *      $(pkg-config --cflags --libs nestref-vectors)
 */
#include <stdio.h>

#include <nestref/vectors.h>

#include "example-mock.h"

int main(int argc, char **argv)
{
	struct nestref_ctx_opts ctx = {
		.size = sizeof(ctx),
		.backend = "example-mock",
		.profile = NESTREF_PROFILE_LINUX_7_2,
	};
	struct nestref_vec_run_opts opts = { .size = sizeof(opts),
					     .ctx = &ctx };
	struct nestref_vec_summary sum = { .size = sizeof(sum) };
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH...\n", argv[0]);
		return NESTREF_VEC_EXIT_USAGE;
	}
	rc = example_mock_register();
	if (rc) {
		fprintf(stderr, "%s: registering example-mock: %s\n", argv[0],
			nestref_strerror(rc));
		return NESTREF_VEC_EXIT_USAGE;
	}
	rc = nestref_vec_run_files((const char *const *)(argv + 1),
				   (size_t)(argc - 1), &opts, &sum);
	if (rc == NESTREF_VEC_EXIT_OK && sum.passed + sum.passed_partly == 0) {
		fprintf(stderr, "%s: no test ran on example-mock\n", argv[0]);
		return NESTREF_VEC_EXIT_FAILED;
	}
	return rc;
}

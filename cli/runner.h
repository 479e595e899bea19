/* SPDX-License-Identifier: MIT */
/*
 * The vector runner: runs loaded vector files against one backend under
 * one profile and reports TAP version 13 (spec/vectors.md section 5).
 */
#ifndef NESTREF_CLI_RUNNER_H
#define NESTREF_CLI_RUNNER_H

#include <stdbool.h>
#include <stdio.h>

#include "vector.h"

/* Exit statuses of `nestref run` (spec/vectors.md 5, style.md 0.6). */
#define RUNNER_EXIT_OK 0
#define RUNNER_EXIT_FAILED 1
#define RUNNER_EXIT_USAGE 2
#define RUNNER_EXIT_UNAVAILABLE 77

struct runner_opts {
	const char *backend; /* NULL: the library's default */
	enum nestref_profile profile;
	const char *backend_options;
	uint32_t rules_off; /* --without-rule: nestref_ctx_opts.rules_off */
	FILE *out;     /* TAP */
	FILE *err;     /* summary, progress */
	bool progress; /* "\r[n/N]" lines on err */
	bool quiet;    /* no summary line on err; errors still go there */
};

struct runner_summary {
	size_t passed;
	size_t passed_partly; /* ok, some checks not made for a capability */
	size_t failed;
	size_t skipped;
};

/*
 * Checks that the files' ids are unique (a load error otherwise, reported
 * on err as file:line:column), then runs every test.  Returns one of the
 * RUNNER_EXIT_* values.
 */
int runner_run(const struct runner_opts *opts, struct vec_file *const *files,
	       size_t n_files, struct runner_summary *summary);

#endif /* NESTREF_CLI_RUNNER_H */

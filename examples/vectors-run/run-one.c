/* SPDX-License-Identifier: MIT */
/*
 * run-one BACKEND FILE: loads one vector file with libnestref-vectors,
 * lists its tests, runs each on BACKEND under the default profile, and
 * prints the TAP report `nestref run` would print.  Exit status: 0 when
 * nothing failed, 1 when a test failed, 2 for a load or usage error, 77
 * when the backend cannot run here.
 *
 * Built by `make installcheck` against the installed library alone:
 *   cc -o run-one run-one.c $(pkg-config --cflags --libs nestref-vectors)
 * (docs/vectors-library.md).
 */
#include <stdio.h>

#include <nestref/vectors.h>

int main(int argc, char **argv)
{
	struct nestref_ctx_opts opts = { .size = sizeof(opts) };
	struct nestref_vec_diag *diag = nestref_vec_diag_new();
	struct nestref_vec_result *result = NULL;
	struct nestref_vec_file *file = NULL;
	int status = NESTREF_VEC_EXIT_USAGE;
	size_t i;

	if (argc != 3 || !diag) {
		fprintf(stderr, "usage: %s BACKEND FILE\n", argv[0]);
		goto out;
	}
	opts.backend = argv[1];
	if (nestref_vec_load(argv[2], &file, diag)) {
		/* The path and the message may hold any character. */
		for (i = 0; i < nestref_vec_diag_count(diag); i++)
			nestref_vec_escape_line(stderr, "%s",
					nestref_vec_diag_message(diag, i));
		goto out;
	}
	for (i = 0; i < nestref_vec_file_tests(file); i++)
		nestref_vec_escape_line(stderr, "# %s/%ld %s",
					nestref_vec_file_id(file),
					nestref_vec_test_tc(file, i),
					nestref_vec_test_comment(file, i) ?
					nestref_vec_test_comment(file, i) : "");
	if (nestref_vec_run_file(file, &opts, &result)) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		goto out;
	}
	fputs(nestref_vec_result_tap(result), stdout);
	nestref_vec_escape_line(stderr, "# %s: %s%s%s",
		nestref_vec_file_id(file),
		nestref_vec_verdict_name(nestref_vec_result_verdict(result)),
		nestref_vec_result_reason(result) ? ": " : "",
		nestref_vec_result_reason(result) ?
			nestref_vec_result_reason(result) : "");
	status = nestref_vec_result_status(result);
out:
	nestref_vec_result_free(result);
	nestref_vec_file_free(file);
	nestref_vec_diag_free(diag);
	return status;
}

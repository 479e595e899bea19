/* SPDX-License-Identifier: MIT */
/* nestref lint: load files without running them (spec/vectors.md 5). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "paths.h"
#include "profile-arg.h"
#include "vector.h"

int load_files(const struct path_list *paths, struct vec_file ***out,
	       size_t *n_out)
{
	struct vec_file **files;
	size_t i, j, n = 0;
	int bad = 0;

	*out = NULL;
	*n_out = 0;
	files = calloc(paths->count ? paths->count : 1, sizeof(*files));
	if (!files) {
		fputs("nestref: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < paths->count; i++) {
		struct vec_diag diag;

		vec_diag_init(&diag);
		if (vec_load(paths->paths[i], &files[n], &diag) == 0)
			cli_alias_warn(files[n++]->profile_note);
		else
			bad = 1;
		for (j = 0; j < diag.count; j++)
			fprintf(stderr, "%s\n", diag.messages[j]);
		vec_diag_free(&diag);
	}
	*out = files;
	*n_out = n;
	return bad ? EXIT_USAGE : 0;
}

void free_files(struct vec_file **files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vec_file_free(files[i]);
	free(files);
}

static void lint_usage(FILE *out)
{
	fputs("Usage: nestref lint PATH...\n"
	      "\n"
	      "Loads each vector file (folders recursively) without running it and\n"
	      "prints every load error as FILE:LINE:COLUMN: MESSAGE on stderr.\n"
	      "Exit status: 0 all files load, 2 a load or usage error.\n",
	      out);
}

int cmd_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct path_list paths;
	struct vec_file **files;
	size_t n;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			lint_usage(stdout);
			return 0;
		}
		lint_usage(stderr);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fputs("nestref lint: no PATH given\n", stderr);
		lint_usage(stderr);
		return EXIT_USAGE;
	}
	if (paths_collect(argv + optind, (size_t)(argc - optind), &paths,
			  stderr))
		return EXIT_USAGE;
	rc = load_files(&paths, &files, &n);
	if (!rc)
		fprintf(stderr, "nestref: %zu file(s), no load errors\n", n);
	free_files(files, n);
	paths_free(&paths);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* nestref lint: load files without running them (spec/vectors.md 5). */
#include <stdio.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "options.h"

static void lint_usage(FILE *out)
{
	fputs("Usage: nestref lint PATH...\n"
	      "\n"
	      "Loads each vector file (folders recursively; - is standard input)\n"
	      "without running it and\n"
	      "prints every load error as FILE:LINE:COLUMN: MESSAGE on stderr.\n"
	      "It runs nothing, so it takes no backend and loads no module.\n"
	      "Exit status: 0 all files load, 2 a load or usage error.\n",
	      out);
}

int cmd_lint(int argc, char **argv)
{
	struct nestref_vec_run_opts lint = {
		.size = sizeof(lint),
		.err = stderr,
	};
	struct cli_opts opts;
	int rc;

	rc = cli_parse("lint", argc, argv, 0, lint_usage, &opts);
	if (rc >= 0)
		return rc;
	if (opts.first_arg >= argc) {
		fputs("nestref lint: no PATH given\n", stderr);
		lint_usage(stderr);
		return EXIT_USAGE;
	}
	return nestref_vec_lint_files((const char *const *)argv +
					      opts.first_arg,
				      (size_t)(argc - opts.first_arg), &lint);
}

/* SPDX-License-Identifier: MIT */
/* nestref run: vectors against one backend under one profile. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "options.h"

#ifndef NESTREF_VECTORDIR
#define NESTREF_VECTORDIR "/usr/local/share/nestref/vectors"
#endif

static void run_usage(FILE *out)
{
	fprintf(out,
		"Usage: nestref run [OPTIONS] [PATH...]\n"
		"\n"
		"Runs vector files (folders recursively, in sorted order) and prints\n"
		"TAP version 13 on stdout, one line per test, and a summary on stderr.\n"
		"Without PATH it runs the installed vectors in %s.\n"
		"\n"
		"Options:\n"
		"  -b, --backend=NAME          backend to run on (default: $NESTREF_BACKEND,\n"
		"                              else %s); see 'nestref backends'\n"
		CLI_PROFILE_HELP
		"  -o, --backend-options=OPTS  backend-specific options, key=value,...\n"
		"  -q, --quiet                 no progress and no summary on stderr\n"
		"                              (errors are still printed)\n"
		"      --progress              show progress on stderr even when it is\n"
		"                              not a terminal\n"
		"  -h, --help                  show this help\n"
		"\n"
		"Exit status: 0 all ran tests passed, 1 a test failed, 2 usage or load\n"
		"error, 77 the backend cannot run on this machine (nothing ran).\n",
		NESTREF_VECTORDIR, cli_default_backend());
}

int cmd_run(int argc, char **argv)
{
	static const char *const default_path[] = { NESTREF_VECTORDIR };
	struct nestref_vec_run_opts run = {
		.size = sizeof(run),
		.out = stdout,
		.err = stderr,
	};
	struct cli_opts opts;
	struct stat st;
	int rc;

	rc = cli_parse("run", argc, argv,
		       CLI_OPT_CONTEXT | CLI_OPT_QUIET | CLI_OPT_PROGRESS,
		       run_usage, &opts);
	if (rc >= 0)
		return rc;
	if (cli_check_backend("run", &opts))
		return EXIT_USAGE;
	if (opts.first_arg >= argc && stat(NESTREF_VECTORDIR, &st) != 0) {
		fprintf(stderr,
			"nestref run: no PATH given and no installed vectors in %s\n",
			NESTREF_VECTORDIR);
		return EXIT_USAGE;
	}
	run.ctx = &opts.ctx;
	if (opts.quiet)
		run.flags |= NESTREF_VEC_QUIET;
	else if (opts.progress || isatty(STDERR_FILENO))
		run.flags |= NESTREF_VEC_PROGRESS;
	if (opts.first_arg >= argc)
		return nestref_vec_run_files(default_path, 1, &run, NULL);
	return nestref_vec_run_files((const char *const *)argv + opts.first_arg,
				     (size_t)(argc - opts.first_arg), &run,
				     NULL);
}

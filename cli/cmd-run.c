/* SPDX-License-Identifier: MIT */
/* nestref run: vectors against one backend under one profile. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "paths.h"
#include "profile-arg.h"
#include "runner.h"

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
		NESTREF_VECTORDIR, nestref_backend_default());
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "profile", required_argument, NULL, 'p' },
		{ "backend-options", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", no_argument, NULL, 'P' },
		{ "without-rule", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct runner_opts opts = {
		.backend = getenv("NESTREF_BACKEND"),
		.out = stdout,
		.err = stderr,
		.progress = isatty(STDERR_FILENO),
	};
	char *default_path[] = { (char *)NESTREF_VECTORDIR };
	struct runner_summary summary;
	struct path_list paths;
	struct vec_file **files;
	struct stat st;
	bool quiet = false, force_progress = false;
	size_t n;
	int c, rc;

	if (opts.backend && !*opts.backend)
		opts.backend = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:p:o:W:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			opts.backend = optarg;
			break;
		case 'p':
			if (cli_profile_arg("run", optarg, &opts.profile))
				return EXIT_USAGE;
			break;
		case 'W':
			if (cli_rule_arg("run", optarg, &opts.rules_off))
				return EXIT_USAGE;
			break;
		case 'o':
			opts.backend_options = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'P':
			force_progress = true;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (opts.backend && !nestref_backend_find(opts.backend)) {
		fprintf(stderr,
			"nestref run: no backend named '%s' (see 'nestref backends')\n",
			opts.backend);
		return EXIT_USAGE;
	}
	if (optind >= argc && stat(NESTREF_VECTORDIR, &st) != 0) {
		fprintf(stderr,
			"nestref run: no PATH given and no installed vectors in %s\n",
			NESTREF_VECTORDIR);
		return EXIT_USAGE;
	}
	if (optind < argc)
		rc = paths_collect(argv + optind, (size_t)(argc - optind),
				   &paths, stderr);
	else
		rc = paths_collect(default_path, 1, &paths, stderr);
	if (rc)
		return EXIT_USAGE;
	rc = load_files(&paths, &files, &n);
	if (rc)
		goto out;
	opts.quiet = quiet;
	opts.progress = !quiet && (opts.progress || force_progress);
	rc = runner_run(&opts, files, n, &summary);
out:
	free_files(files, n);
	paths_free(&paths);
	return rc;
}

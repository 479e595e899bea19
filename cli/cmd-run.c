/* SPDX-License-Identifier: MIT */
/* nestref run: vectors against one backend under one profile. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "html.h"
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
		"A PATH of - is standard input.  Without PATH it runs the installed\n"
		"vectors in %s.\n"
		"\n"
		"Options:\n"
		CLI_BACKEND_HELP
		CLI_LOAD_HELP
		CLI_PROFILE_HELP
		"  -o, --backend-options=OPTS  backend-specific options, key=value,...\n"
		"      --expect-caps=CAP[,CAP...]\n"
		"                              the capabilities the backend declares: the\n"
		"                              run fails (exit 1) when it lacks one or a\n"
		"                              test is skipped for lacking one\n"
		"      --report=FILE           also write the JSON report of the run to\n"
		"                              FILE (docs/spec/report.md): the backend,\n"
		"                              the profile, each test's verdict with its\n"
		"                              references, expected and got; compare\n"
		"                              reports with 'nestref report'\n"
		"      --junit=FILE            also write the run as JUnit XML to FILE\n"
		CLI_HTML_HELP
		"      --partial               run files that require an observation the\n"
		"                              backend lacks (observe-issued, ...): their\n"
		"                              checks that need it are not made\n"
		"      --only-applicable       leave out the files that need a capability\n"
		"                              the backend lacks (not counted as tests;\n"
		"                              the summary says how many, and which\n"
		"                              backend runs them)\n"
		"  -q, --quiet                 no progress and no summary on stderr\n"
		"                              (errors are still printed)\n"
		"      --progress              show progress on stderr from the start,\n"
		"                              even when it is not a terminal (by\n"
		"                              default only on a terminal, once the run\n"
		"                              has taken two seconds: the tests and\n"
		"                              files done, the failures so far)\n"
		"      --no-progress           never show progress\n"
		"  -h, --help                  show this help\n"
		"\n"
		"After the summary, the skipped tests are grouped by reason, each with\n"
		"what runs them (a backend that has the capabilities they need).\n"
		"\n"
		"Exit status: 0 all ran tests passed, 1 a test failed (or an expected\n"
		"capability is missing), 2 usage or load error (a vector file or a\n"
		"module), 77 nothing ran: the backend cannot run on this machine, or\n"
		"every test was skipped or left out.\n",
		NESTREF_VECTORDIR, cli_default_backend());
}

/* --report, --junit and --html: the file opened for writing, or NULL. */
static int run_open(const char *path, FILE **out)
{
	*out = NULL;
	if (!path)
		return 0;
	/* Read and write: the page of --html is drawn from --report's JSON. */
	*out = fopen(path, "w+");
	if (*out)
		return 0;
	nestref_vec_escape_line(stderr, "nestref run: %s: %s", path,
				strerror(errno));
	return -1;
}

static int run_close(const char *path, FILE *f)
{
	if (!f || !fclose(f))
		return 0;
	nestref_vec_escape_line(stderr, "nestref run: %s: %s", path,
				strerror(errno));
	return -1;
}

int cmd_run(int argc, char **argv)
{
	static const char *const default_path[] = { NESTREF_VECTORDIR };
	struct nestref_vec_run_opts run = {
		.size = sizeof(run),
		.out = stdout,
		.err = stderr,
	};
	FILE *report = NULL, *html = NULL;
	struct cli_opts opts;
	struct stat st;
	int rc, hrc;

	rc = cli_parse("run", argc, argv,
		       CLI_OPT_CONTEXT | CLI_OPT_QUIET | CLI_OPT_PROGRESS |
			       CLI_OPT_LOAD | CLI_OPT_EXPECT | CLI_OPT_REPORT |
			       CLI_OPT_HTML,
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
	run.expect_caps = opts.expect_caps;
	if (opts.partial)
		run.flags |= NESTREF_VEC_PARTIAL;
	if (opts.applicable)
		run.flags |= NESTREF_VEC_APPLICABLE;
	/* Progress on a terminal once the run is slow (..._PROGRESS_LATE);
	 * anywhere, from the start, with --progress; never with
	 * --no-progress (tests and CI compare stderr). */
	if (opts.quiet)
		run.flags |= NESTREF_VEC_QUIET;
	else if (opts.progress)
		run.flags |= NESTREF_VEC_PROGRESS;
	else if (!opts.no_progress && isatty(STDERR_FILENO))
		run.flags |= NESTREF_VEC_PROGRESS | NESTREF_VEC_PROGRESS_LATE;
	if (run_open(opts.report, &report) || run_open(opts.junit, &run.junit) ||
	    run_open(opts.html, &html)) {
		run_close(opts.report, report);
		run_close(opts.junit, run.junit);
		return EXIT_USAGE;
	}
	/* The page is drawn from the JSON report: without --report, from
	 * one kept in a temporary file (report.md 7). */
	run.report = html && !report ? tmpfile() : report;
	if (html && !run.report) {
		fprintf(stderr, "nestref run: no temporary file for the report: %s\n",
			strerror(errno));
		run_close(opts.junit, run.junit);
		run_close(opts.html, html);
		return EXIT_USAGE;
	}
	if (opts.first_arg >= argc)
		rc = nestref_vec_run_files(default_path, 1, &run, NULL);
	else
		rc = nestref_vec_run_files((const char *const *)argv +
						   opts.first_arg,
					   (size_t)(argc - opts.first_arg),
					   &run, NULL);
	if (html) {
		struct html_page page = { .command = "nestref run",
					  .ctx = &opts.ctx };

		fflush(run.report);
		hrc = html_report_file("run", html, run.report, &page);
		if (hrc) {
			fprintf(stderr, "nestref run: %s: %s\n", opts.html,
				nestref_strerror(hrc));
			rc = EXIT_USAGE;
		}
	}
	if (run.report != report)
		fclose(run.report);
	if (run_close(opts.report, report) ||
	    run_close(opts.junit, run.junit) || run_close(opts.html, html))
		return EXIT_USAGE;
	return rc;
}

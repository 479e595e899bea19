/* SPDX-License-Identifier: MIT */
/*
 * nestref explain PATH[:TC]...: runs tests like `run` does, and after each
 * step tells in plain text what happened: every guest command before and
 * after the host's rewrite, the rule that fired (with its specification
 * section and the Linux function that does the same), what the modelled
 * SMMU did with each command, each event record on its way back to the
 * guest, and the answer against the expectation.
 * For learning; it needs a backend that traces (smmuv3-sim).
 * The walk and the text are in explain-walk.c and explain-text.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "explain.h"
#include "html.h"
#include "options.h"

static int explain_test(FILE *out, const struct nestref_vec_file *file,
			size_t test, const struct nestref_ctx_opts *base)
{
	explain_text_heading(out, file, test);
	return explain_walk(file, test, base, &explain_text_view, out);
}

/* What one argument selects, and the worst exit status so far. */
struct explain_sel {
	const struct nestref_ctx_opts *base;
	const char *tc;  /* the test number as typed, or NULL: every test */
	int rc;
};

static void explain_worst(struct explain_sel *sel, int rc)
{
	if (rc > sel->rc)
		sel->rc = rc;
}

/* The test numbered sel->tc, or -ENOENT (the number echoed as typed). */
static int explain_find(const struct nestref_vec_file *file,
			const struct explain_sel *sel, size_t *test)
{
	char *end;
	long tc;

	errno = 0;
	tc = strtol(sel->tc, &end, 10);
	if (!errno && !*end && !nestref_vec_test_find(file, tc, test))
		return 0;
	nestref_vec_escape_line(stderr, "nestref explain: %s has no test %s",
				nestref_vec_file_path(file), sel->tc);
	return -ENOENT;
}

/* One vector file of the selection: its tests, or the one asked for. */
static int explain_file(const char *path, void *arg)
{
	struct explain_sel *sel = arg;
	struct nestref_vec_file *file = NULL;
	struct nestref_vec_diag *diag = nestref_vec_diag_new();
	size_t i, n;

	if (!diag || nestref_vec_load(path, &file, diag)) {
		for (i = 0; i < nestref_vec_diag_count(diag); i++)
			nestref_vec_escape_line(stderr, "%s",
					nestref_vec_diag_message(diag, i));
		if (!diag)
			fputs("nestref explain: out of memory\n", stderr);
		nestref_vec_diag_free(diag);
		explain_worst(sel, EXIT_USAGE);
		return 0;
	}
	nestref_vec_diag_free(diag);
	i = 0;
	n = nestref_vec_file_tests(file);
	if (sel->tc) {
		if (explain_find(file, sel, &i)) {
			explain_worst(sel, EXIT_USAGE);
			n = 0;
		} else {
			n = i + 1;
		}
	}
	for (; i < n && sel->rc != 77; i++)
		explain_worst(sel, explain_test(stdout, file, i, sel->base));
	nestref_vec_file_free(file);
	/* 77: the backend cannot run here, so no later file can either. */
	return sel->rc == 77;
}

/*
 * "file.yaml:3" names test 3 of that file; a plain file names every
 * test, a folder every file found in it as `run` finds them (the same
 * walk, nestref_vec_each_file()).
 */
static int explain_arg(const char *arg, const struct nestref_ctx_opts *base,
		       struct html_pick *pick)
{
	struct explain_sel sel = { .base = base };
	char *path = strdup(arg), *colon;
	const char *one[1];
	struct stat st;

	if (!path) {
		fputs("nestref explain: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	colon = strrchr(path, ':');
	if (colon && colon[1] && strspn(colon + 1, "0123456789") ==
				 strlen(colon + 1)) {
		*colon = '\0';
		sel.tc = colon + 1;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			nestref_vec_escape_line(stderr,
				"nestref explain: %s:%s: a test number names a test of one file, %s is a folder",
				path, sel.tc, path);
			free(path);
			return EXIT_USAGE;
		}
	}
	one[0] = path;
	if (nestref_vec_each_file(one, 1, stderr, explain_file, &sel) < 0)
		explain_worst(&sel, EXIT_USAGE);
	/* The page shows what the argument selected: the pick keeps path. */
	pick->path = path;
	pick->tc = sel.tc;
	return sel.rc;
}

/*
 * --html: the page of the tests explained.  They run once more through
 * the library, as `run` runs them, for the JSON report the page is drawn
 * from (its verdicts, reasons and references); the page shows the tests
 * the arguments picked.
 */
static int explain_html(const struct cli_opts *opts, FILE *html,
			const struct html_pick *picks, size_t n_picks)
{
	struct nestref_vec_run_opts run = {
		.size = sizeof(run),
		.ctx = &opts->ctx,
		.flags = NESTREF_VEC_QUIET,
	};
	struct html_page page = {
		.command = "nestref explain",
		.ctx = &opts->ctx,
		.picks = picks,
		.n_picks = n_picks,
	};
	const char **paths = calloc(n_picks ? n_picks : 1, sizeof(*paths));
	size_t i, j, n = 0;
	int rc = -ENOMEM;

	run.out = fopen("/dev/null", "w");
	run.err = run.out;
	run.report = tmpfile();
	if (!paths || !run.out || !run.report)
		goto out;
	/* Each file once, though several of its tests are picked. */
	for (i = 0; i < n_picks; i++) {
		for (j = 0; j < n && strcmp(paths[j], picks[i].path) != 0; j++)
			;
		if (j == n)
			paths[n++] = picks[i].path;
	}
	nestref_vec_run_files(paths, n, &run, NULL);
	fflush(run.report);
	rc = html_report_file("explain", html, run.report, &page);
out:
	if (run.report)
		fclose(run.report);
	if (run.out)
		fclose(run.out);
	free(paths);
	return rc;
}

static void explain_usage(FILE *out)
{
	fprintf(out,
		"Usage: nestref explain [OPTIONS] PATH[:TC]...\n"
		"\n"
		"Runs the tests of a vector file (or only its test TC; a folder is\n"
		"searched recursively for vector files, as by `run`; - is standard\n"
		"input, and -- -:TC one of its tests) and explains each\n"
		"step: every guest command before and after the host's rewrite, the\n"
		"rule that fired with its specification section and the Linux\n"
		"function doing the same, what the modelled SMMU did with each\n"
		"command, and the answer against the vector's expectation.\n"
		"A file outside the profile or the backend's capabilities is\n"
		"skipped, as `run` skips it.\n"
		"\n"
		"Exit status: 0 every answer is what the vectors expect, 1 one is\n"
		"not, 2 usage or load error (a vector file or a module), 77 the\n"
		"backend cannot run here.\n"
		"\n"
		"Options:\n"
		CLI_BACKEND_HELP
		"                              (explain shows most with one that traces)\n"
		CLI_LOAD_HELP
		"  -o, --backend-options=OPTS  backend-specific options, key=value,...\n"
		CLI_PROFILE_HELP
		CLI_HTML_HELP
		"  -h, --help                  show this help\n",
		cli_default_backend());
}

int cmd_explain(int argc, char **argv)
{
	struct html_pick *picks = NULL;
	struct cli_opts opts;
	FILE *html = NULL;
	int i, rc, one, n_picks = 0;

	rc = cli_parse("explain", argc, argv,
		       CLI_OPT_CONTEXT | CLI_OPT_LOAD | CLI_OPT_HTML,
		       explain_usage, &opts);
	if (rc >= 0)
		return rc;
	if (opts.first_arg >= argc) {
		fputs("nestref explain: no PATH given\n", stderr);
		explain_usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_check_backend("explain", &opts) ||
	    cli_check_context("explain", &opts))
		return EXIT_USAGE;
	picks = calloc((size_t)(argc - opts.first_arg), sizeof(*picks));
	if (!picks) {
		fputs("nestref explain: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	if (opts.html && !(html = fopen(opts.html, "w"))) {
		nestref_vec_escape_line(stderr, "nestref explain: %s: %s",
					opts.html, strerror(errno));
		free(picks);
		return EXIT_USAGE;
	}
	rc = 0;
	for (i = opts.first_arg; i < argc; i++) {
		one = explain_arg(argv[i], &opts.ctx, &picks[n_picks]);
		if (picks[n_picks].path)
			n_picks++;
		if (one > rc)
			rc = one;
	}
	if (html) {
		one = explain_html(&opts, html, picks, (size_t)n_picks);
		if (fclose(html) && !one)
			one = -EIO;
		if (one) {
			nestref_vec_escape_line(stderr, "nestref explain: %s: %s",
						opts.html, nestref_strerror(one));
			rc = EXIT_USAGE;
		}
	}
	for (i = 0; i < n_picks; i++)
		free((char *)picks[i].path);
	free(picks);
	return rc;
}

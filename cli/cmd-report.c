/* SPDX-License-Identifier: MIT */
/*
 * nestref report: reports of `nestref run --report` side by side
 * (spec/report.md section 4): one column per report, one row per test any
 * of them has, then the tests they disagree on and the counts.  Two
 * reports disagree on a test that both ran (passed, partly or not, or
 * failed) when one passed it and the other failed it; a skip is no
 * verdict and disagrees with nothing.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "options.h"

#define REPORT_FORMAT "nestref/report-1"

enum mark {
	MARK_ABSENT, /* the report has no such test */
	MARK_SKIP,
	MARK_PASS,
	MARK_PARTLY, /* passed, some checks not made: a pass here */
	MARK_FAIL,
};

static const char *const mark_text[] = {
	[MARK_ABSENT] = "-",
	[MARK_SKIP] = "skip",
	[MARK_PASS] = "pass",
	[MARK_PARTLY] = "pass*",
	[MARK_FAIL] = "fail",
};

struct rtest {
	const char *name;
	enum mark mark;
	const json_t *obj;
};

struct report {
	const char *path;
	json_t *root;
	const char *backend;
	const char *profile;
	char label[160];
	struct rtest *tests;
	size_t n_tests;
	size_t counts[MARK_FAIL + 1];
};

/* A test of any report; at[r] is its index in report r, or SIZE_MAX. */
struct row {
	const char *name;
	size_t *at;
};

struct table {
	struct report *reports;
	size_t n_reports;
	struct row *rows;
	size_t n_rows;
	size_t cap_rows;
	size_t *hash; /* row index + 1, 0 for empty; hash_size slots */
	size_t hash_size;
};

struct counts {
	size_t compared, agree, disagree, by_one, by_none, absent, failures;
};

static void report_usage(FILE *out)
{
	fputs("Usage: nestref report [--tap [--tap-from=N]] FILE...\n"
	      "\n"
	      "Compares the JSON reports of 'nestref run --report' (docs/spec/report.md),\n"
	      "one per implementation and profile.  Prints each report's totals, a\n"
	      "table with one column per report and one row per test any report has\n"
	      "(pass, pass* for a pass with checks not made, fail, skip, - when the\n"
	      "report has no such test), then the tests they disagree on with the\n"
	      "reasons, and the counts: tests compared (run by two reports or more),\n"
	      "agree, disagree.\n"
	      "\n"
	      "Options:\n"
	      "      --tap                   TAP version 13 instead of the table: a line per\n"
	      "                              test (not ok where the reports disagree, a\n"
	      "                              skip where fewer than two ran it) and a not ok\n"
	      "                              line for each failure in a report\n"
	      "      --tap-from=N            TAP lines numbered from N, without the version\n"
	      "                              line and the plan, to continue another TAP\n"
	      "                              stream (implies --tap)\n"
	      "  -h, --help                  show this help\n"
	      "\n"
	      "Exit status: 0 no two reports disagree on a test both ran, 1 they do,\n"
	      "2 a usage error or a file that is not a report.\n",
	      out);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int bad(const char *path, const char *why)
{
	nestref_vec_escape_line(stderr, "nestref report: %s: %s", path, why);
	return -1;
}

static int mark_of(const char *verdict, enum mark *mark)
{
	static const struct {
		const char *name;
		enum mark mark;
	} verdicts[] = {
		{ "pass", MARK_PASS },
		{ "pass-partly", MARK_PARTLY },
		{ "fail", MARK_FAIL },
		{ "skip", MARK_SKIP },
	};
	size_t i;

	for (i = 0; verdict && i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		if (!strcmp(verdict, verdicts[i].name)) {
			*mark = verdicts[i].mark;
			return 0;
		}
	}
	return -1;
}

/* Loads and checks one report; -1 after a message. */
static int report_load(const char *path, struct report *r)
{
	const json_t *impl, *tests, *t;
	json_error_t error;
	char why[300];
	size_t i;

	memset(r, 0, sizeof(*r));
	r->path = path;
	r->root = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
	if (!r->root) {
		snprintf(why, sizeof(why), "line %d: %s", error.line,
			 error.text);
		return bad(path, why);
	}
	if (!json_is_object(r->root) || !str(r->root, "format") ||
	    strcmp(str(r->root, "format"), REPORT_FORMAT) != 0)
		return bad(path, "not a report (format " REPORT_FORMAT ")");
	impl = json_object_get(r->root, "implementation");
	r->backend = str(impl, "backend");
	r->profile = str(r->root, "profile");
	tests = json_object_get(r->root, "tests");
	if (!r->backend || !r->profile || !json_is_array(tests))
		return bad(path,
			   "a report needs implementation.backend, profile and tests");
	r->n_tests = json_array_size(tests);
	r->tests = calloc(r->n_tests ? r->n_tests : 1, sizeof(*r->tests));
	if (!r->tests)
		return bad(path, "out of memory");
	json_array_foreach(tests, i, t) {
		struct rtest *rt = &r->tests[i];

		rt->obj = t;
		rt->name = str(t, "name");
		if (!rt->name || mark_of(str(t, "verdict"), &rt->mark)) {
			snprintf(why, sizeof(why),
				 "test %zu has no name or no verdict (pass, pass-partly, fail or skip)",
				 i + 1);
			return bad(path, why);
		}
		r->counts[rt->mark]++;
	}
	return 0;
}

static void report_free(struct report *r)
{
	free(r->tests);
	json_decref(r->root);
}

/* The report's name in lines and headers: its backend, and its profile
 * too when another report has the same backend. */
static void report_labels(struct report *reports, size_t n)
{
	size_t i, j;
	bool same_backend, same_both;

	for (i = 0; i < n; i++) {
		same_backend = same_both = false;
		for (j = 0; j < n; j++) {
			if (j == i || strcmp(reports[i].backend, reports[j].backend) != 0)
				continue;
			same_backend = true;
			if (!strcmp(reports[i].profile, reports[j].profile))
				same_both = true;
		}
		if (same_both)
			snprintf(reports[i].label, sizeof(reports[i].label),
				 "%s[%zu]", reports[i].backend, i + 1);
		else if (same_backend)
			snprintf(reports[i].label, sizeof(reports[i].label),
				 "%s/%s", reports[i].backend, reports[i].profile);
		else
			snprintf(reports[i].label, sizeof(reports[i].label),
				 "%s", reports[i].backend);
	}
}

/* ------------------------------------------------------------------ */
/* The rows: every test of any report, in the order first seen         */

static size_t hash_name(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int table_grow(struct table *t)
{
	size_t size = t->hash_size ? t->hash_size * 2 : 1024, i, slot;
	size_t *hash = calloc(size, sizeof(*hash));
	struct row *rows;

	if (!hash)
		return -1;
	rows = realloc(t->rows, size / 2 * sizeof(*rows));
	if (!rows) {
		free(hash);
		return -1;
	}
	t->rows = rows;
	t->cap_rows = size / 2;
	for (i = 0; i < t->n_rows; i++) {
		slot = hash_name(t->rows[i].name) & (size - 1);
		while (hash[slot])
			slot = (slot + 1) & (size - 1);
		hash[slot] = i + 1;
	}
	free(t->hash);
	t->hash = hash;
	t->hash_size = size;
	return 0;
}

/* The row of name, added if new; NULL without memory. */
static struct row *table_row(struct table *t, const char *name)
{
	size_t slot, i;
	struct row *row;

	if (t->n_rows >= t->cap_rows && table_grow(t))
		return NULL;
	slot = hash_name(name) & (t->hash_size - 1);
	while (t->hash[slot]) {
		row = &t->rows[t->hash[slot] - 1];
		if (!strcmp(row->name, name))
			return row;
		slot = (slot + 1) & (t->hash_size - 1);
	}
	row = &t->rows[t->n_rows];
	row->name = name;
	row->at = malloc(t->n_reports * sizeof(*row->at));
	if (!row->at)
		return NULL;
	for (i = 0; i < t->n_reports; i++)
		row->at[i] = SIZE_MAX;
	t->hash[slot] = ++t->n_rows;
	return row;
}

static int table_build(struct table *t)
{
	struct report *r;
	struct row *row;
	size_t i, k;

	for (k = 0; k < t->n_reports; k++) {
		r = &t->reports[k];
		for (i = 0; i < r->n_tests; i++) {
			row = table_row(t, r->tests[i].name);
			if (!row)
				return bad(r->path, "out of memory");
			if (row->at[k] != SIZE_MAX)
				return bad(r->path, "a test is named twice");
			row->at[k] = i;
		}
	}
	return 0;
}

static void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n_rows; i++)
		free(t->rows[i].at);
	free(t->rows);
	free(t->hash);
}

static enum mark row_mark(const struct table *t, const struct row *row,
			  size_t k)
{
	return row->at[k] == SIZE_MAX ? MARK_ABSENT :
					t->reports[k].tests[row->at[k]].mark;
}

static bool ran(enum mark m)
{
	return m == MARK_PASS || m == MARK_PARTLY || m == MARK_FAIL;
}

/* How many reports ran the test, and whether they disagree. */
static size_t row_ran(const struct table *t, const struct row *row,
		      bool *disagree)
{
	size_t k, n = 0, failed = 0;

	for (k = 0; k < t->n_reports; k++) {
		enum mark m = row_mark(t, row, k);

		n += ran(m);
		failed += m == MARK_FAIL;
	}
	*disagree = failed && failed < n;
	return n;
}

static void count(const struct table *t, struct counts *c)
{
	size_t i, k, n;
	bool disagree, absent;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < t->n_rows; i++) {
		n = row_ran(t, &t->rows[i], &disagree);
		absent = false;
		for (k = 0; k < t->n_reports; k++) {
			absent |= t->rows[i].at[k] == SIZE_MAX;
			c->failures += row_mark(t, &t->rows[i], k) == MARK_FAIL;
		}
		c->absent += absent;
		if (n >= 2) {
			c->compared++;
			if (disagree)
				c->disagree++;
			else
				c->agree++;
		} else if (n == 1) {
			c->by_one++;
		} else {
			c->by_none++;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */

/*
 * Every string of a report may hold anything (another implementation
 * wrote it, or a path did): each is printed escaped (spec/report.md 6),
 * in a TAP test line with '#' too, so that none can start a line or turn
 * into a directive.
 */
static void put(const char *s, uint32_t flags)
{
	nestref_vec_escape_fputs(stdout, s, flags);
}

static int shown_width(const char *s)
{
	size_t n = nestref_vec_escape(NULL, 0, s, 0);

	return n > INT_MAX ? INT_MAX : (int)n;
}

/* s escaped, then spaces up to width columns. */
static void put_padded(const char *s, int width)
{
	put(s, 0);
	printf("%*s", width > shown_width(s) ? width - shown_width(s) : 0, "");
}

static void print_totals(const struct report *r, size_t k, const char *prefix)
{
	const char *system = str(json_object_get(r->root, "implementation"),
				 "system");
	const json_t *rule;
	const char *sep = " without ";
	size_t i;

	printf("%s[%zu] ", prefix, k + 1);
	put(r->backend, 0);
	fputs(", profile ", stdout);
	put(r->profile, 0);
	json_array_foreach(json_object_get(r->root, "rules_off"), i, rule) {
		if (json_string_value(rule)) {
			fputs(sep, stdout);
			put(json_string_value(rule), 0);
			sep = ",";
		}
	}
	if (system) {
		fputs(", on ", stdout);
		put(system, 0);
	}
	fputs(" (", stdout);
	put(r->path, 0);
	printf("): %zu tests, %zu pass, %zu pass-partly, %zu fail, %zu skip\n",
	       r->n_tests, r->counts[MARK_PASS], r->counts[MARK_PARTLY],
	       r->counts[MARK_FAIL], r->counts[MARK_SKIP]);
}

static void print_counts(const struct table *t, const struct counts *c,
			 const char *prefix)
{
	printf("%snestref report: %zu tests, %zu compared, %zu agree, %zu disagree, %zu run by one report, %zu run by none, %zu absent from a report\n",
	       prefix, t->n_rows, c->compared, c->agree, c->disagree,
	       c->by_one, c->by_none, c->absent);
}

/* A test's reason in report k ("missing observe-issued"), or "". */
static const char *reason(const struct table *t, const struct row *row,
			  size_t k)
{
	const char *why;

	if (row->at[k] == SIZE_MAX)
		return "not in this report";
	why = str(t->reports[k].tests[row->at[k]].obj, "reason");
	return why ? why : "";
}

static void print_row(const struct table *t, const struct row *row,
		      int name_width, const int *widths)
{
	size_t k;

	put_padded(row->name, name_width);
	for (k = 0; k < t->n_reports; k++)
		printf("  %-*s", k + 1 < t->n_reports ? widths[k] : 0,
		       mark_text[row_mark(t, row, k)]);
	putchar('\n');
}

static void print_table(const struct table *t, const struct counts *c)
{
	int name_width = 4, *widths;
	size_t i, k;
	bool disagree;

	widths = calloc(t->n_reports, sizeof(*widths));
	if (!widths)
		return;
	for (i = 0; i < t->n_rows; i++)
		if (shown_width(t->rows[i].name) > name_width)
			name_width = shown_width(t->rows[i].name);
	for (k = 0; k < t->n_reports; k++) {
		widths[k] = shown_width(t->reports[k].label);
		if (shown_width(t->reports[k].profile) > widths[k])
			widths[k] = shown_width(t->reports[k].profile);
		if (widths[k] < 5)
			widths[k] = 5;
	}
	puts("Reports:");
	for (k = 0; k < t->n_reports; k++)
		print_totals(&t->reports[k], k, "  ");
	printf("\n%-*s", name_width, "TEST");
	for (k = 0; k < t->n_reports; k++) {
		fputs("  ", stdout);
		put_padded(t->reports[k].label,
			   k + 1 < t->n_reports ? widths[k] : 0);
	}
	printf("\n%-*s", name_width, "");
	for (k = 0; k < t->n_reports; k++) {
		fputs("  ", stdout);
		put_padded(t->reports[k].profile,
			   k + 1 < t->n_reports ? widths[k] : 0);
	}
	putchar('\n');
	for (i = 0; i < t->n_rows; i++)
		print_row(t, &t->rows[i], name_width, widths);
	puts("(pass*: passed with checks not made; -: not in the report)");
	printf("\nDisagreements (%zu):\n", c->disagree);
	for (i = 0; i < t->n_rows; i++) {
		row_ran(t, &t->rows[i], &disagree);
		if (!disagree)
			continue;
		print_row(t, &t->rows[i], name_width, widths);
		for (k = 0; k < t->n_reports; k++) {
			if (!ran(row_mark(t, &t->rows[i], k)))
				continue;
			fputs("    ", stdout);
			put(t->reports[k].label, 0);
			printf(": %s%s", mark_text[row_mark(t, &t->rows[i], k)],
			       *reason(t, &t->rows[i], k) ? ": " : "");
			put(reason(t, &t->rows[i], k), 0);
			putchar('\n');
		}
	}
	if (!c->disagree)
		puts("(none)");
	putchar('\n');
	print_counts(t, c, "");
	free(widths);
}

/* "# key: value" lines of a failure, for TAP. */
static void tap_failure(const json_t *test)
{
	static const char *const keys[] = { "position", "message", "rule" };
	const json_t *failure = json_object_get(test, "failure");
	const char *v;
	size_t i;

	if (str(test, "reason")) {
		fputs("#   ", stdout);
		put(str(test, "reason"), 0);
		putchar('\n');
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = str(failure, keys[i]);
		if (v) {
			printf("#   %s: ", keys[i]);
			put(v, 0);
			putchar('\n');
		}
	}
}

/* " LABEL MARK" of report k, in a TAP test line. */
static void tap_mark(const struct table *t, const struct row *row, size_t k,
		     const char *sep)
{
	printf("%s ", sep);
	put(t->reports[k].label, NESTREF_VEC_ESCAPE_TAP);
	printf(" %s", mark_text[row_mark(t, row, k)]);
}

static void print_tap(const struct table *t, const struct counts *c,
		      long from)
{
	const struct row *row;
	long n = from ? from : 1;
	size_t i, k, ran_by;
	bool disagree;
	const char *sep;

	if (!from)
		printf("TAP version 13\n1..%zu\n", t->n_rows + c->failures);
	for (k = 0; k < t->n_reports; k++)
		print_totals(&t->reports[k], k, "# ");
	for (i = 0; i < t->n_rows; i++) {
		row = &t->rows[i];
		ran_by = row_ran(t, row, &disagree);
		if (ran_by < 2) {
			printf("ok %ld - ", n++);
			put(row->name, NESTREF_VEC_ESCAPE_TAP);
			printf(" # SKIP run by %s:",
			       ran_by ? "one report only" : "no report");
			sep = "";
			for (k = 0; k < t->n_reports; k++) {
				tap_mark(t, row, k, sep);
				if (!ran(row_mark(t, row, k)) && *reason(t, row, k)) {
					fputs(" (", stdout);
					put(reason(t, row, k),
					    NESTREF_VEC_ESCAPE_TAP);
					putchar(')');
				}
				sep = ",";
			}
			putchar('\n');
		} else {
			printf("%s %ld - ", disagree ? "not ok" : "ok", n++);
			put(row->name, NESTREF_VEC_ESCAPE_TAP);
			fputs(": ", stdout);
			sep = disagree ? "they disagree:" : "they agree:";
			for (k = 0; k < t->n_reports; k++) {
				tap_mark(t, row, k, sep);
				sep = ",";
			}
			putchar('\n');
			for (k = 0; disagree && k < t->n_reports; k++) {
				if (!ran(row_mark(t, row, k)))
					continue;
				fputs("# ", stdout);
				put(t->reports[k].label, 0);
				printf(": %s\n", mark_text[row_mark(t, row, k)]);
				if (row_mark(t, row, k) == MARK_FAIL)
					tap_failure(t->reports[k].tests[row->at[k]].obj);
			}
		}
		for (k = 0; k < t->n_reports; k++) {
			if (row_mark(t, row, k) != MARK_FAIL)
				continue;
			printf("not ok %ld - ", n++);
			put(row->name, NESTREF_VEC_ESCAPE_TAP);
			fputs(": ", stdout);
			put(t->reports[k].label, NESTREF_VEC_ESCAPE_TAP);
			puts(" does not give the vector's answer");
			tap_failure(t->reports[k].tests[row->at[k]].obj);
		}
	}
	print_counts(t, c, "# ");
}

int cmd_report(int argc, char **argv)
{
	struct table t = { 0 };
	struct cli_opts opts;
	struct counts c;
	size_t k;
	int rc;

	rc = cli_parse("report", argc, argv, CLI_OPT_COMPARE, report_usage,
		       &opts);
	if (rc >= 0)
		return rc;
	if (opts.first_arg >= argc) {
		fputs("nestref report: no FILE given\n", stderr);
		report_usage(stderr);
		return EXIT_USAGE;
	}
	t.n_reports = (size_t)(argc - opts.first_arg);
	t.reports = calloc(t.n_reports, sizeof(*t.reports));
	if (!t.reports) {
		fputs("nestref report: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	rc = 0;
	for (k = 0; k < t.n_reports && !rc; k++)
		rc = report_load(argv[opts.first_arg + (int)k], &t.reports[k]);
	if (!rc) {
		report_labels(t.reports, t.n_reports);
		rc = table_build(&t);
	}
	if (!rc) {
		count(&t, &c);
		if (opts.tap)
			print_tap(&t, &c, opts.tap_from);
		else
			print_table(&t, &c);
		rc = c.disagree ? 1 : 0;
		if (fflush(stdout) || ferror(stdout)) {
			fputs("nestref report: cannot write the output\n", stderr);
			rc = EXIT_USAGE;
		}
	} else {
		rc = EXIT_USAGE;
	}
	for (k = 0; k < t.n_reports; k++)
		report_free(&t.reports[k]);
	free(t.reports);
	table_free(&t);
	return rc;
}

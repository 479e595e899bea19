/* SPDX-License-Identifier: MIT */
/*
 * The HTML report of `nestref run --html` and `nestref explain --html`
 * (spec/report.md section 7): one self-contained page, written from the
 * run's JSON report, with each test that ran walked again to draw what
 * happened to its commands.
 */
#ifndef NESTREF_CLI_HTML_H
#define NESTREF_CLI_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include <nestref/vectors.h>

/* ------------------------------------------------------------------ */
/* Text into the page (html-escape.c)                                  */

/*
 * A string from a vector, a backend or a report, as text of an element
 * or an attribute: first its escaped form (report.md 6.1: no control
 * character, no invalid UTF-8), then the five characters HTML gives a
 * meaning to as entities.
 */
void html_text(FILE *out, const char *s);
/* The escaped form alone, malloc()ed (free() it); NULL without memory. */
char *html_escape_dup(const char *s);
/* Text the tool already escaped (explain's lines): entities only. */
void html_entities(FILE *out, const char *s, size_t len);

/* ------------------------------------------------------------------ */
/* One test drawn (html-trace.c)                                       */

/*
 * Walks test `test` of file as `explain` does and writes its trace as an
 * inline SVG diagram (the guest's commands, the host's rewrite with the
 * changed fields marked, the batches and CMD_SYNCs, what the SMMU ran and
 * removed, the events on their way back, each step's answer), then the
 * same walk as explain's text in a <details>.
 */
void html_trace(FILE *out, const struct nestref_vec_file *file, size_t test,
		const struct nestref_ctx_opts *base);

/* ------------------------------------------------------------------ */
/* The page (html-page.c)                                              */

/* Which tests of the report the page shows: a file's tests, or one. */
struct html_pick {
	const char *path; /* a vector file or a folder, as given */
	const char *tc;   /* the test number as typed, or NULL: every test */
};

struct html_page {
	const char *command;          /* "nestref run", "nestref explain" */
	const json_t *report;         /* nestref/report-1 (report.md) */
	const struct nestref_ctx_opts *ctx; /* to walk the tests again */
	const struct html_pick *picks; /* NULL: every test of the report */
	size_t n_picks;
};

/* Writes the page: 0, or -EIO when out could not be written. */
int html_page_write(FILE *out, const struct html_page *page);

/*
 * Reads the run's JSON report back from json and writes the page to out
 * (page->report is ignored): 0, or a negative errno (the JSON did not
 * read back, said on stderr; out could not be written).
 */
int html_report_file(const char *cmd, FILE *out, FILE *json,
		     const struct html_page *page);

/* The page's style and script (cli/html/report.css and report.js). */
extern const char html_asset_css[];
extern const char html_asset_js[];

#endif /* NESTREF_CLI_HTML_H */

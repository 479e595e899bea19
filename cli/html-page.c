/* SPDX-License-Identifier: MIT */
/*
 * The HTML report's page (spec/report.md 7): one file with its style and
 * script inside and nothing fetched from anywhere, written from a run's
 * JSON report (so its counts, verdicts and reasons are the run's own):
 * the summary with the skips grouped by reason and the failed tests
 * listed, a table of every test with filters, and for each test that ran
 * its trace drawn (html-trace.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static const char *const verdicts[] = { "pass", "pass-partly", "fail", "skip" };
static const char *const verdict_words[] = {
	"passed", "passed with unchecked parts", "failed", "skipped",
};
#define N_VERDICTS (sizeof(verdicts) / sizeof(verdicts[0]))

static const char *jstr(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* An element id from a test's name: letters, digits, - and _ only. */
static void put_id(FILE *out, const char *prefix, const char *name)
{
	fputs(prefix, out);
	for (; *name; name++)
		fputc((*name >= 'a' && *name <= 'z') ||
			      (*name >= 'A' && *name <= 'Z') ||
			      (*name >= '0' && *name <= '9') || *name == '-' ?
			      *name : '_',
		      out);
}

/* Whether the page shows the test: every test, or one the picks name. */
static bool picked(const struct html_page *page, const json_t *test)
{
	const char *file = jstr(test, "file");
	json_int_t tc = json_integer_value(json_object_get(test, "tc"));
	size_t i, len;
	char *end;

	if (!page->picks)
		return true;
	for (i = 0; i < page->n_picks; i++) {
		const struct html_pick *p = &page->picks[i];

		len = strlen(p->path);
		/* The file itself, or a file of the folder. */
		if (strcmp(file, p->path) != 0 &&
		    (strncmp(file, p->path, len) != 0 ||
		     (file[len] != '/' && (!len || p->path[len - 1] != '/'))))
			continue;
		if (!p->tc || strtoll(p->tc, &end, 10) == tc)
			return true;
	}
	return false;
}

static size_t verdict_index(const char *v)
{
	size_t i;

	for (i = 0; i < N_VERDICTS; i++)
		if (!strcmp(v, verdicts[i]))
			return i;
	return N_VERDICTS;
}

/* ---------------------------------------------------------------- */
/* Header and summary                                                 */

static void page_head(FILE *out, const struct html_page *page,
		      const size_t *counts)
{
	const json_t *impl = json_object_get(page->report, "implementation");

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"", out);
	html_text(out, jstr(impl, "library"));
	fputs("\">\n<title>", out);
	html_text(out, page->command);
	fprintf(out, ": %zu passed, %zu failed, %zu skipped (", counts[0] + counts[1],
		counts[2], counts[3]);
	html_text(out, jstr(impl, "backend"));
	fputs(", ", out);
	html_text(out, jstr(page->report, "profile"));
	fprintf(out, ")</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		html_asset_css);
	/* The arrowhead every trace's arrows share. */
	fputs("<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>"
	      "<marker id=\"nr-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
	      "<path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs></svg>\n",
	      out);
}

static void page_implementation(FILE *out, const struct html_page *page)
{
	const json_t *rep = page->report;
	const json_t *impl = json_object_get(rep, "implementation");
	const json_t *off = json_object_get(rep, "rules_off");
	const json_t *status = json_object_get(rep, "status");
	const char *stopped = json_string_value(json_object_get(rep, "stopped"));
	size_t i;

	fputs("<header>\n<h1>", out);
	html_text(out, page->command);
	fputs(" on <span id=\"backend\">", out);
	html_text(out, jstr(impl, "backend"));
	fputs("</span>, profile <span id=\"profile\">", out);
	html_text(out, jstr(rep, "profile"));
	fputs("</span></h1>\n<p class=\"intro\">Each test is a vector: a call of "
	      "IOMMU nesting's per-device user data (the guest's vSID of a device, its "
	      "link to the pSID) or of a cache invalidation it makes safe, with the "
	      "answer a conforming implementation gives. Below: the counts, why tests "
	      "were skipped and what runs them, every test, and what each command "
	      "went through.</p>\n<p class=\"impl\">", out);
	html_text(out, jstr(impl, "description"));
	if (json_string_value(json_object_get(impl, "backend_options"))) {
		fputs(" &middot; options <code>", out);
		html_text(out, jstr(impl, "backend_options"));
		fputs("</code>", out);
	}
	fputs(" &middot; ", out);
	html_text(out, jstr(impl, "library"));
	fputs(" &middot; ", out);
	html_text(out, jstr(impl, "system"));
	fprintf(out, "</p>\n<p class=\"status\" id=\"status\" data-status=\"%lld\">Exit status %lld",
		(long long)json_integer_value(status),
		(long long)json_integer_value(status));
	switch (json_integer_value(status)) {
	case 0:
		fputs(": every test that ran gave the vectors' answer.", out);
		break;
	case 1:
		fputs(": a test did not give the vector's answer.", out);
		break;
	case 77:
		fputs(": nothing could run here.", out);
		break;
	default:
		fputs(": a usage or load error.", out);
		break;
	}
	fputs("</p>\n", out);
	if (stopped) {
		fputs("<p class=\"bad\" id=\"stopped\">Stopped: ", out);
		html_text(out, stopped);
		fputs("</p>\n", out);
	}
	if (json_array_size(off)) {
		fputs("<p class=\"bad\" id=\"rules-off\">Rules switched off (an ablation, not a conformance run):", out);
		for (i = 0; i < json_array_size(off); i++) {
			fputs(i ? ", " : " ", out);
			html_text(out, json_string_value(json_array_get(off, i)));
		}
		fputs("</p>\n", out);
	}
	fputs("</header>\n", out);
}

/* One skip line: its count and its sentence. */
static void page_skip_line(FILE *out, json_int_t tests, json_int_t files,
			   const char *why)
{
	fprintf(out, "<li data-count=\"%lld\"><b>%lld</b> ", (long long)tests,
		(long long)tests);
	if (files)
		fprintf(out, "tests in %lld files left out as not for this backend: ",
			(long long)files);
	else
		fputs("skipped: ", out);
	html_text(out, why);
	fputs("</li>\n", out);
}

/*
 * The skips by reason: the run's own groups for a page of the whole
 * run; for a page of some tests, those tests' reasons counted here.
 */
static void page_skips(FILE *out, const struct html_page *page)
{
	const json_t *tests = json_object_get(page->report, "tests");
	const json_t *skips = json_object_get(page->report, "skips");
	const json_t *left = json_object_get(page->report, "left_out");
	const json_t *t;
	const char *why;
	json_t *n;
	size_t i;
	bool any = false;

	fputs("<h3>Skipped, by reason</h3>\n<ul id=\"skips\">\n", out);
	if (!page->picks) {
		json_array_foreach(skips, i, t) {
			page_skip_line(out, json_integer_value(json_object_get(t, "tests")),
				       0, jstr(t, "why"));
			any = true;
		}
		if (json_is_object(left)) {
			page_skip_line(out, json_integer_value(json_object_get(left, "tests")),
				       json_integer_value(json_object_get(left, "files")),
				       jstr(left, "why"));
			any = true;
		}
	} else {
		/* The picked tests' reasons, counted in the order first seen
		 * (a jansson object keeps its keys in that order). */
		json_t *counts = json_object();

		json_array_foreach(tests, i, t) {
			const char *reason = jstr(t, "reason");

			if (!counts || !picked(page, t) ||
			    strcmp(jstr(t, "verdict"), "skip") != 0)
				continue;
			json_object_set_new(counts, reason, json_integer(
				json_integer_value(json_object_get(counts, reason)) + 1));
		}
		json_object_foreach(counts, why, n) {
			page_skip_line(out, json_integer_value(n), 0, why);
			any = true;
		}
		json_decref(counts);
	}
	if (!any)
		fputs("<li class=\"none\">none</li>\n", out);
	fputs("</ul>\n", out);
}

static void page_summary(FILE *out, const struct html_page *page,
			 const size_t *counts, size_t total)
{
	const json_t *tests = json_object_get(page->report, "tests");
	const json_t *t;
	size_t i, failed = 0;

	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<ul class=\"counts\">\n", out);
	fprintf(out, "<li class=\"count all\"><span id=\"count-tests\" data-count=\"%zu\">%zu</span> tests</li>\n",
		total, total);
	for (i = 0; i < N_VERDICTS; i++)
		fprintf(out, "<li class=\"count %s\"><span id=\"count-%s\" data-count=\"%zu\">%zu</span> %s</li>\n",
			verdicts[i], verdicts[i], counts[i], counts[i],
			verdict_words[i]);
	fputs("</ul>\n<p id=\"self-check\" data-ok=\"\">The page has not checked itself: its script did not run.</p>\n",
	      out);
	fputs("<h3>Failed</h3>\n<ul id=\"failed-list\">\n", out);
	json_array_foreach(tests, i, t) {
		if (!picked(page, t) || strcmp(jstr(t, "verdict"), "fail") != 0)
			continue;
		fputs("<li><a href=\"#", out);
		put_id(out, "t-", jstr(t, "name"));
		fputs("\">", out);
		html_text(out, jstr(t, "name"));
		fputs("</a>: ", out);
		html_text(out, jstr(t, "reason"));
		fputs("</li>\n", out);
		failed++;
	}
	if (!failed)
		fputs("<li class=\"none\">none</li>\n", out);
	fputs("</ul>\n", out);
	page_skips(out, page);
	fputs("</section>\n", out);
}

/* ---------------------------------------------------------------- */
/* The table                                                          */

/* The references of the shown tests, each once, for the filter. */
static void page_ref_options(FILE *out, const struct html_page *page)
{
	const json_t *tests = json_object_get(page->report, "tests");
	json_t *seen = json_object();
	const json_t *t, *r;
	size_t i, j;

	fputs("<option value=\"\">any</option>\n", out);
	json_array_foreach(tests, i, t) {
		if (!picked(page, t))
			continue;
		json_array_foreach(json_object_get(t, "references"), j, r) {
			const char *ref = json_string_value(r);

			if (!ref || !seen || json_object_get(seen, ref))
				continue;
			json_object_set_new(seen, ref, json_true());
			fputs("<option>", out);
			html_text(out, ref);
			fputs("</option>\n", out);
		}
	}
	json_decref(seen);
}

static void page_filters(FILE *out, const struct html_page *page,
			 const size_t *counts)
{
	size_t i;

	fputs("<form id=\"filters\" onsubmit=\"return false\">\n<fieldset><legend>Show</legend>\n",
	      out);
	for (i = 0; i < N_VERDICTS; i++)
		fprintf(out, "<label><input type=\"checkbox\" name=\"verdict\" value=\"%s\" checked> %s (%zu)</label>\n",
			verdicts[i], verdict_words[i], counts[i]);
	fputs("</fieldset>\n<label>reference <select id=\"filter-ref\">\n", out);
	page_ref_options(out, page);
	fputs("</select></label>\n<label>name or comment <input type=\"search\" id=\"filter-text\" placeholder=\"e.g. CFGI_CD\"></label>\n"
	      "<button type=\"button\" id=\"only-failed\">only failed</button>\n"
	      "<button type=\"button\" id=\"show-all\">all</button>\n"
	      "<span id=\"shown\"></span>\n</form>\n",
	      out);
}

/* A test's references, each escaped, with sep between them. */
static void put_refs(FILE *out, const json_t *refs, const char *sep)
{
	const json_t *r;
	size_t i;

	json_array_foreach(refs, i, r) {
		if (i)
			fputs(sep, out);
		html_text(out, json_string_value(r));
	}
}

static void page_row(FILE *out, const json_t *t)
{
	const json_t *refs = json_object_get(t, "references");
	const char *verdict = jstr(t, "verdict");

	fprintf(out, "<tr class=\"test %s\" data-verdict=\"%s\" data-name=\"",
		verdict, verdict);
	html_text(out, jstr(t, "name"));
	fputs("\" data-refs=\"", out);
	put_refs(out, refs, "&#10;");
	fputs("\"><td class=\"name\">", out);
	if (strcmp(verdict, "skip") != 0) {
		fputs("<a href=\"#", out);
		put_id(out, "t-", jstr(t, "name"));
		fputs("\">", out);
		html_text(out, jstr(t, "name"));
		fputs("</a>", out);
	} else {
		html_text(out, jstr(t, "name"));
	}
	fprintf(out, "</td><td class=\"verdict\">%s</td><td class=\"comment\">",
		verdict);
	html_text(out, jstr(t, "comment"));
	fputs("</td><td class=\"refs\">", out);
	put_refs(out, refs, "<br>");
	fputs("</td><td class=\"reason\">", out);
	html_text(out, jstr(t, "reason"));
	fputs("</td></tr>\n", out);
}

static void page_table(FILE *out, const struct html_page *page,
		       const size_t *counts)
{
	const json_t *tests = json_object_get(page->report, "tests");
	const json_t *t;
	size_t i;

	fputs("<section id=\"tests\">\n<h2>Tests</h2>\n", out);
	page_filters(out, page, counts);
	fputs("<table id=\"test-table\">\n<thead><tr><th>test</th><th>verdict</th><th>comment</th><th>references</th><th>why</th></tr></thead>\n<tbody>\n",
	      out);
	json_array_foreach(tests, i, t)
		if (picked(page, t))
			page_row(out, t);
	fputs("</tbody>\n</table>\n</section>\n", out);
}

/* ---------------------------------------------------------------- */
/* Each test's trace                                                  */

/* A failure's lines (report.md 3.2): each key, then its value. */
static void page_failure(FILE *out, const json_t *failure)
{
	const char *key;
	const json_t *v, *e;
	size_t i;

	fputs("<dl class=\"failure\">\n", out);
	json_object_foreach((json_t *)failure, key, v) {
		fputs("<dt>", out);
		html_text(out, key);
		fputs("</dt><dd>", out);
		if (json_is_string(v)) {
			html_text(out, json_string_value(v));
		} else if (json_is_array(v)) {
			if (!json_array_size(v))
				fputs("(none)", out);
			json_array_foreach(v, i, e) {
				char *text = json_is_string(e) ? NULL :
					     json_dumps(e, JSON_COMPACT);

				fputs(i ? "<br>" : "", out);
				html_text(out, text ? text : json_string_value(e));
				free(text);
			}
		} else {
			char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

			html_text(out, text ? text : "");
			free(text);
		}
		fputs("</dd>\n", out);
	}
	fputs("</dl>\n", out);
}

/* The file a test came from, loaded once for all its tests. */
struct loaded {
	char *path;
	struct nestref_vec_file *file;
	char why[512];
};

static const struct nestref_vec_file *page_load(struct loaded *l,
						const char *path)
{
	struct nestref_vec_diag *diag;

	if (l->path && !strcmp(l->path, path))
		return l->file;
	nestref_vec_file_free(l->file);
	free(l->path);
	l->file = NULL;
	l->path = strdup(path);
	diag = nestref_vec_diag_new();
	if (!l->path || !diag) {
		snprintf(l->why, sizeof(l->why), "out of memory");
	} else if (nestref_vec_load(path, &l->file, diag)) {
		l->file = NULL;
		snprintf(l->why, sizeof(l->why), "%s",
			 nestref_vec_diag_message(diag, 0) ?
				 nestref_vec_diag_message(diag, 0) :
				 "it did not load again");
	}
	nestref_vec_diag_free(diag);
	return l->file;
}

static void page_article(FILE *out, const struct html_page *page,
			 const json_t *t, struct loaded *l)
{
	const struct nestref_vec_file *file;
	const json_t *failure = json_object_get(t, "failure");
	const char *verdict = jstr(t, "verdict");
	size_t index;

	fprintf(out, "<article class=\"test-trace %s\" data-verdict=\"%s\" id=\"",
		verdict, verdict);
	put_id(out, "t-", jstr(t, "name"));
	fputs("\" data-name=\"", out);
	html_text(out, jstr(t, "name"));
	fputs("\">\n<h3>", out);
	html_text(out, jstr(t, "name"));
	fprintf(out, " <span class=\"verdict\">%s</span></h3>\n<p class=\"comment\">",
		verdict);
	html_text(out, jstr(t, "comment"));
	fputs("</p>\n<p class=\"file\">", out);
	html_text(out, jstr(t, "file"));
	fputs("</p>\n", out);
	if (json_is_object(failure))
		page_failure(out, failure);
	file = page_load(l, jstr(t, "file"));
	if (!file) {
		fputs("<p class=\"bad\">No trace: the file did not load again: ", out);
		html_text(out, l->why);
		fputs("</p>\n", out);
	} else if (nestref_vec_test_find(file, (long)json_integer_value(
						       json_object_get(t, "tc")),
					 &index)) {
		fputs("<p class=\"bad\">No trace: the file has no such test any more.</p>\n",
		      out);
	} else {
		html_trace(out, file, index, page->ctx);
	}
	fputs("</article>\n", out);
}

static void page_traces(FILE *out, const struct html_page *page)
{
	const json_t *tests = json_object_get(page->report, "tests");
	struct loaded l = { 0 };
	const json_t *t;
	size_t i;

	fputs("<section id=\"traces\">\n<h2>What each test did</h2>\n"
	      "<p class=\"legend\">Each test that ran, walked again as <code>nestref explain</code> walks it. "
	      "Left, the guest: the commands it wrote with its virtual StreamIDs. "
	      "Middle, the host: the core's answer and the driver's rewrite, "
	      "with <span class=\"chg-sample\">each field it changed</span> marked "
	      "(a vSID that became the device's pSID, the VMID of the guest's vIOMMU). "
	      "Right, the SMMU: each batch written to its command queue, the host's CMD_SYNC last, "
	      "each command run and what it removed from which cache. "
	      "Event records go the other way.</p>\n",
	      out);
	json_array_foreach(tests, i, t)
		if (picked(page, t) && strcmp(jstr(t, "verdict"), "skip") != 0)
			page_article(out, page, t, &l);
	nestref_vec_file_free(l.file);
	free(l.path);
	fputs("</section>\n", out);
}

int html_page_write(FILE *out, const struct html_page *page)
{
	const json_t *tests = json_object_get(page->report, "tests");
	size_t counts[N_VERDICTS + 1] = { 0 }, total = 0, i;
	const json_t *t;

	json_array_foreach(tests, i, t) {
		if (!picked(page, t))
			continue;
		counts[verdict_index(jstr(t, "verdict"))]++;
		total++;
	}
	page_head(out, page, counts);
	page_implementation(out, page);
	page_summary(out, page, counts, total);
	page_table(out, page, counts);
	page_traces(out, page);
	fprintf(out, "<footer>Written by <code>");
	html_text(out, page->command);
	fprintf(out, "</code>; the format is docs/spec/report.md section 7.</footer>\n<script>\n%s</script>\n</body>\n</html>\n",
		html_asset_js);
	return fflush(out) || ferror(out) ? -EIO : 0;
}

int html_report_file(const char *cmd, FILE *out, FILE *json,
		     const struct html_page *page)
{
	struct html_page with = *page;
	json_error_t error;
	json_t *report;
	int rc;

	rewind(json);
	report = json_loadf(json, 0, &error);
	if (!report) {
		fprintf(stderr, "nestref %s: the run's report did not read back: %s\n",
			cmd, error.text);
		return -EINVAL;
	}
	with.report = report;
	rc = html_page_write(out, &with);
	json_decref(report);
	return rc;
}

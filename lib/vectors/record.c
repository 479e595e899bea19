/* SPDX-License-Identifier: MIT */
/*
 * The JSON report of a run (spec/report.md, format nestref/report-1) and
 * its JUnit XML form.  The report is a jansson tree grown test by test;
 * JUnit is written from that tree, so the two always say the same.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <jansson.h>

#include <nestref/backend.h>

#include "escape.h"
#include "record.h"
#include "runner-events.h"
#include "runner-report.h"

#define RECORD_FORMAT "nestref/report-1"

struct record {
	json_t *root;
	json_t *impl;  /* root's implementation */
	json_t *tests; /* root's tests */
	json_t *skips; /* root's skips */
	size_t counts[NESTREF_VEC_VERDICT_COUNT];
	bool nomem;
};

/* jansson's setters free the value when they fail: only note it. */
static void set(struct record *rec, json_t *obj, const char *key,
		json_t *value)
{
	if (json_object_set_new(obj, key, value))
		rec->nomem = true;
}

static void append(struct record *rec, json_t *array, json_t *value)
{
	if (json_array_append_new(array, value))
		rec->nomem = true;
}

/*
 * A string from a vector, a path, a backend or the command line: itself
 * when it is UTF-8, else its escaped form (report.md 6.3), where jansson
 * would refuse it.  NULL without memory.
 */
static json_t *any_string(const char *s)
{
	char *copy;
	const char *value = esc_value(s, &copy);
	json_t *j = value ? json_string(value) : NULL;

	nestref_free(copy);
	return j;
}

/* A string, or JSON null for NULL. */
static json_t *str_or_null(const char *s)
{
	return s ? any_string(s) : json_null();
}

/* "Linux 7.2.13 x86_64": what the machine that ran the tests runs. */
static json_t *system_text(void)
{
	struct utsname uts;
	char buf[3 * sizeof(uts.release) + 3];

	if (uname(&uts))
		return json_null();
	snprintf(buf, sizeof(buf), "%s %s %s", uts.sysname, uts.release,
		 uts.machine);
	return any_string(buf);
}

struct record *record_new(const struct nestref_ctx_opts *ctx)
{
	const struct nestref_backend *be = ctx->backend ?
		nestref_backend_find(ctx->backend) : NULL;
	struct record *rec = nestref_calloc(1, sizeof(*rec));
	json_t *rules;
	char library[64];
	int r;

	if (!rec)
		return NULL;
	rec->root = json_object();
	rec->impl = json_object();
	rec->tests = json_array();
	rec->skips = json_array();
	rules = json_array();
	if (!rec->root || !rec->impl || !rec->tests || !rec->skips || !rules) {
		json_decref(rules);
		record_free(rec);
		return NULL;
	}
	snprintf(library, sizeof(library), "libnestref %s", nestref_version());
	set(rec, rec->root, "format", json_string(RECORD_FORMAT));
	set(rec, rec->impl, "backend", str_or_null(ctx->backend));
	set(rec, rec->impl, "description",
	    str_or_null(be ? nestref_backend_description(be) : NULL));
	set(rec, rec->impl, "backend_options",
	    str_or_null(ctx->backend_options && *ctx->backend_options ?
				ctx->backend_options : NULL));
	/* A module's path; null for a built-in backend. */
	set(rec, rec->impl, "origin",
	    str_or_null(be ? nestref_backend_origin(be) : NULL));
	set(rec, rec->impl, "capabilities", json_array());
	set(rec, rec->impl, "library", json_string(library));
	set(rec, rec->impl, "system", system_text());
	json_incref(rec->impl);
	set(rec, rec->root, "implementation", rec->impl);
	set(rec, rec->root, "profile",
	    json_string(nestref_profile_name(ctx->profile)));
	for (r = 0; r < NESTREF_RULE_COUNT; r++)
		if (ctx->rules_off & NESTREF_RULE_BIT(r))
			append(rec, rules,
			       json_string(nestref_rule_name((enum nestref_rule)r)));
	set(rec, rec->root, "rules_off", rules);
	/* Placeholders, so that they come before the tests. */
	set(rec, rec->root, "status", json_integer(0));
	set(rec, rec->root, "stopped", json_null());
	set(rec, rec->root, "totals", json_object());
	json_incref(rec->skips);
	set(rec, rec->root, "skips", rec->skips);
	set(rec, rec->root, "left_out", json_null());
	json_incref(rec->tests);
	set(rec, rec->root, "tests", rec->tests);
	return rec;
}

void record_free(struct record *rec)
{
	if (!rec)
		return;
	json_decref(rec->impl);
	json_decref(rec->tests);
	json_decref(rec->skips);
	json_decref(rec->root);
	nestref_free(rec);
}

/* Capability names of the bits in caps, as a JSON array. */
static json_t *cap_list(struct record *rec, uint32_t caps)
{
	json_t *list = json_array();
	uint32_t bit;

	for (bit = 1; list && bit; bit <<= 1)
		if (caps & bit)
			append(rec, list, json_string(nestref_cap_name(bit)));
	return list;
}

void record_caps(struct record *rec, uint32_t caps)
{
	if (rec)
		set(rec, rec->impl, "capabilities", cap_list(rec, caps));
}

static json_t *string_list(struct record *rec, char *const *s, size_t n)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; list && i < n; i++)
		append(rec, list, any_string(s[i]));
	return list;
}

/* "path:line:column" of a mark. */
static json_t *position(const struct vec_file *file, struct vec_mark mark)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s:%u:%u", file->path, mark.line,
		 mark.column);
	return any_string(buf);
}

/* The test's entry, appended to the tests; NULL without memory. */
static json_t *test_entry(struct record *rec, const struct vec_file *file,
			  const struct vec_test *test,
			  enum nestref_vec_verdict verdict)
{
	json_t *t = json_object();
	char name[512];

	if (!t) {
		rec->nomem = true;
		return NULL;
	}
	snprintf(name, sizeof(name), "%s/%ld", file->id, test->tc);
	set(rec, t, "name", json_string(name));
	set(rec, t, "id", json_string(file->id));
	set(rec, t, "tc", json_integer(test->tc));
	set(rec, t, "file", any_string(file->path));
	if (test->comment)
		set(rec, t, "comment", any_string(test->comment));
	set(rec, t, "verdict", json_string(nestref_vec_verdict_name(verdict)));
	set(rec, t, "flags", string_list(rec, test->flags, test->n_flags));
	set(rec, t, "references",
	    string_list(rec, file->references, file->n_references));
	json_incref(t);
	append(rec, rec->tests, t);
	rec->counts[verdict]++;
	return t;
}

/* The rule a backend's message ends with: "... [rule NAME, PROFILE]". */
static json_t *message_rule(const char *msg)
{
	const char *at = NULL, *p = msg, *end;

	while ((p = strstr(p, " [rule "))) {
		at = p;
		p++;
	}
	if (!at)
		return NULL;
	at += strlen(" [rule ");
	end = strchr(at, ',');
	if (!end || end == at)
		return NULL;
	return json_stringn(at, (size_t)(end - at));
}

/* A failure's message and the rule it names, into obj. */
static void set_message(struct record *rec, json_t *obj, const char *msg)
{
	json_t *rule;

	if (!msg || !*msg)
		return;
	set(rec, obj, "message", any_string(msg));
	rule = message_rule(msg);
	if (rule)
		set(rec, obj, "rule", rule);
}

void record_test(struct record *rec, const struct vec_file *file,
		 const struct vec_test *test, enum nestref_vec_verdict verdict,
		 const char *reason, unsigned int not_made, uint32_t missing)
{
	json_t *t, *checks, *failure;
	const char *name;
	unsigned int bit;
	size_t i;

	if (!rec)
		return;
	t = test_entry(rec, file, test, verdict);
	if (!t)
		return;
	if (verdict == NESTREF_VEC_FAIL) {
		/* Before the first step: the setup, or the runner itself. */
		failure = json_object();
		set(rec, failure, "position", position(file, test->mark));
		set_message(rec, failure, reason);
		set(rec, t, "reason", str_or_null(reason));
		set(rec, t, "failure", failure);
	} else if (reason) {
		set(rec, t, "reason", any_string(reason));
	}
	if (verdict == NESTREF_VEC_PASS_PARTLY) {
		char caps[256];

		checks = json_array();
		for (i = 0; checks && (name = report_check_name(i, &bit)); i++)
			if (not_made & bit)
				append(rec, checks, json_string(name));
		set(rec, t, "not_checked", checks);
		set(rec, t, "missing", cap_list(rec, missing));
		if (!reason) {
			report_caps(caps, sizeof(caps), "missing", missing);
			set(rec, t, "reason", json_string(caps));
		}
	}
	json_decref(t);
}

static json_t *errno_text(int err)
{
	const char *name = nestref_errno_name(err);
	char buf[32];

	if (name)
		return json_string(name);
	snprintf(buf, sizeof(buf), "errno %d", err < 0 ? -err : err);
	return json_string(buf);
}

/* What the step expected, as the TAP block's "expected:" says it. */
static json_t *expected(struct record *rec, const struct vec_step *step,
			const struct step_verdict *v)
{
	static const char *const results[] = { "ok", "error", "either" };
	const struct vec_expect *ex = &step->expect;
	json_t *e = json_object(), *errnos;
	size_t i;

	if (!e)
		return NULL;
	set(rec, e, "result", json_string(results[ex->result]));
	if (ex->result == VEC_RESULT_ERROR) {
		errnos = json_array();
		for (i = 0; errnos && i < ex->n_errnos; i++)
			append(rec, errnos, errno_text(ex->errnos[i]));
		set(rec, e, "errno", errnos);
	}
	if (ex->has_flags)
		set(rec, e, "flags", json_integer(ex->flags));
	if (ex->has_bytes)
		set(rec, e, "bytes", json_integer(ex->bytes));
	if (v->made && step->kind == VEC_STEP_INVALIDATE &&
	    (ex->has_entry_num || ex->result == VEC_RESULT_OK))
		set(rec, e, "entry_num",
		    json_integer(step_expected_entry_num(step)));
	return e;
}

/* What came back, as the TAP block's "got:" says it. */
static json_t *got_object(struct record *rec, const struct vec_step *step,
			  const struct step_got *got)
{
	json_t *g = json_object();

	if (!g)
		return NULL;
	set(rec, g, "result", json_string(got->rc ? "error" : "ok"));
	if (got->rc)
		set(rec, g, "errno", errno_text(got->rc));
	if (step->kind == VEC_STEP_INVALIDATE && got->has_entry_num)
		set(rec, g, "entry_num", json_integer(got->entry_num));
	if (got->has_flags)
		set(rec, g, "flags", json_integer(got->flags));
	if (got->has_read)
		set(rec, g, "bytes", json_integer((json_int_t)got->n_read));
	return g;
}

/* A list of the report's lines, built by events_say_*(). */
struct line_list {
	struct record *rec;
	json_t *list;
};

static void line_append(const char *text, void *arg)
{
	struct line_list *l = arg;

	if (l->list)
		append(l->rec, l->list, json_string(text));
}

/* The records expected and read, as the TAP block lists them. */
static void record_records(struct record *rec, json_t *failure,
			   const struct vec_file *file,
			   const struct vec_step *step,
			   const struct step_got *got)
{
	struct line_list want = { rec, json_array() };
	struct line_list have = { rec, json_array() };

	events_say_expected(file, step, line_append, &want);
	events_say_got(file, step, got->read, got->n_read, line_append,
		       &have);
	set(rec, failure, "expected_records", want.list);
	set(rec, failure, "got_records", have.list);
}

static json_t *cmd_list(struct record *rec,
			const struct nestref_smmuv3_cmd *cmds, size_t stride,
			size_t n)
{
	json_t *list = json_array();
	char text[320];
	size_t i;

	for (i = 0; list && i < n; i++) {
		report_cmd_text(text, sizeof(text),
				(const void *)((const char *)cmds + i * stride));
		append(rec, list, json_string(text));
	}
	return list;
}

/* The entries of the caches the vector named. */
static json_t *cache_list(struct record *rec,
			  const struct nestref_smmuv3_cache_entry *e, size_t n,
			  const bool named[NESTREF_SMMUV3_CACHE_KIND_COUNT])
{
	json_t *list = json_array();
	char text[256];
	size_t i;

	for (i = 0; list && i < n; i++) {
		if (e[i].kind >= NESTREF_SMMUV3_CACHE_KIND_COUNT ||
		    !named[e[i].kind])
			continue;
		report_cache_text(text, sizeof(text), &e[i]);
		append(rec, list, json_string(text));
	}
	return list;
}

/* "{result: error, errno: EIO, entry_num: 0}" from an expected or got. */
static void flow_text(const json_t *obj, char *buf, size_t len)
{
	const char *key;
	json_t *value, *item;
	size_t used = 0, i, n;

	buf[0] = '\0';
	json_object_foreach((json_t *)obj, key, value) {
		report_add(buf, len, &used, "%s%s: ", used ? ", " : "{", key);
		if (json_is_array(value)) {
			n = json_array_size(value);
			json_array_foreach(value, i, item) {
				report_add(buf, len, &used, "%s%s",
					 i ? ", " : n > 1 ? "[" : "",
					 json_string_value(item));
			}
			if (n > 1)
				report_add(buf, len, &used, "]");
		} else if (json_is_integer(value)) {
			report_add(buf, len, &used, "%" JSON_INTEGER_FORMAT,
				 json_integer_value(value));
		} else {
			report_add(buf, len, &used, "%s", json_string_value(value));
		}
	}
	report_add(buf, len, &used, "}");
}

void record_failed_step(struct record *rec, const struct vec_file *file,
			const struct vec_test *test, size_t step_index,
			const struct step_got *got,
			const struct step_verdict *v)
{
	const struct vec_step *step = &test->steps[step_index];
	json_t *t, *failure, *want, *have;
	char want_text[512], have_text[512], reason[1200];

	if (!rec)
		return;
	t = test_entry(rec, file, test, NESTREF_VEC_FAIL);
	if (!t)
		return;
	failure = json_object();
	want = expected(rec, step, v);
	have = got_object(rec, step, got);
	if (!failure || !want || !have) {
		rec->nomem = true;
		json_decref(failure);
		json_decref(want);
		json_decref(have);
		json_decref(t);
		return;
	}
	flow_text(want, want_text, sizeof(want_text));
	flow_text(have, have_text, sizeof(have_text));
	snprintf(reason, sizeof(reason), "step %zu, %s: expected %s, got %s",
		 step_index + 1, report_action(step->kind), want_text,
		 have_text);
	set(rec, t, "reason", json_string(reason));
	set(rec, failure, "position", position(file, step->mark));
	set(rec, failure, "step", json_integer((json_int_t)step_index + 1));
	set(rec, failure, "action", json_string(report_action(step->kind)));
	set(rec, failure, "expected", want);
	set(rec, failure, "got", have);
	if (v->failed & STEP_CHECK_ISSUED) {
		set(rec, failure, "expected_issued",
		    cmd_list(rec, step->expect.n_issued ?
				      &step->expect.issued[0].cmd : NULL,
			     sizeof(struct vec_issued), step->expect.n_issued));
		set(rec, failure, "got_issued",
		    cmd_list(rec, got->issued, sizeof(struct nestref_smmuv3_cmd),
			     got->n_issued));
	}
	if (v->failed & STEP_CHECK_CACHES) {
		set(rec, failure, "expected_caches",
		    cache_list(rec, step->expect.caches, step->expect.n_caches,
			       step->expect.cache_named));
		set(rec, failure, "got_caches",
		    cache_list(rec, got->caches, got->n_caches,
			       step->expect.cache_named));
	}
	if (v->failed & STEP_CHECK_RECORDS)
		record_records(rec, failure, file, step, got);
	set_message(rec, failure, got->message);
	set(rec, t, "failure", failure);
	json_decref(t);
}

void record_skips(struct record *rec, size_t tests, size_t files,
		  const char *why)
{
	json_t *line;

	if (!rec)
		return;
	line = json_object();
	if (!line) {
		rec->nomem = true;
		return;
	}
	if (files)
		set(rec, line, "files", json_integer((json_int_t)files));
	set(rec, line, "tests", json_integer((json_int_t)tests));
	set(rec, line, "why", any_string(why));
	if (files)
		set(rec, rec->root, "left_out", line);
	else
		append(rec, rec->skips, line);
}

void record_end(struct record *rec, int status, const char *stopped)
{
	static const char *const keys[] = {
		[NESTREF_VEC_PASS] = "pass",
		[NESTREF_VEC_PASS_PARTLY] = "pass-partly",
		[NESTREF_VEC_FAIL] = "fail",
		[NESTREF_VEC_SKIP] = "skip",
	};
	json_t *totals;
	size_t i;

	if (!rec)
		return;
	totals = json_object();
	set(rec, totals, "tests", json_integer((json_int_t)json_array_size(rec->tests)));
	for (i = 0; i < NESTREF_VEC_ERROR; i++)
		set(rec, totals, keys[i], json_integer((json_int_t)rec->counts[i]));
	set(rec, rec->root, "status", json_integer(status));
	set(rec, rec->root, "stopped",
	    stopped && *stopped ? any_string(stopped) : json_null());
	set(rec, rec->root, "totals", totals);
}

int record_write_json(const struct record *rec, FILE *out)
{
	json_free_t json_release;
	char *json;
	int rc;

	if (!rec || rec->nomem)
		return -ENOMEM;
	/* jansson leaves DEL and C1 raw: report.md 6.3 escapes them too. */
	json = json_dumps(rec->root, JSON_INDENT(2));
	if (!json)
		return -ENOMEM;
	rc = esc_json_write(out, json);
	/* jansson's memory goes back to jansson's allocator, whichever */
	json_get_alloc_funcs(NULL, &json_release);
	json_release(json);
	if (rc || fputc('\n', out) == EOF)
		return -EIO;
	return fflush(out) || ferror(out) ? -EIO : 0;
}

/* ------------------------------------------------------------------ */
/* JUnit XML                                                           */

/*
 * Text for an attribute (attr) or an element: the five entities, in an
 * attribute line breaks and tabs as character references (so that they
 * are kept), the control characters XML 1.0 forbids as U+FFFD, and DEL,
 * C1 and the other controls of report.md 6.1, which it allows, as
 * character references, so that none stands raw in the file.
 */
static void xml_text(FILE *out, const char *s, bool attr)
{
	struct esc_char ch;

	for (; s && *s; s += ch.len) {
		unsigned char c = (unsigned char)*s;

		esc_decode(s, &ch);
		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		case '\t':
		case '\n':
			if (attr)
				fprintf(out, "&#%u;", c);
			else
				fputc(c, out);
			break;
		case '\r':
			fprintf(out, "&#%u;", c);
			break;
		default:
			/* A byte that is not UTF-8: only a name cut to fit
			 * (junit_case()) can end in one. */
			if (c < 0x20 || ch.invalid)
				fputs("\xef\xbf\xbd", out);
			else if (esc_is_control(ch.cp))
				fprintf(out, "&#x%x;", (unsigned int)ch.cp);
			else
				fwrite(s, 1, ch.len, out);
		}
	}
}

static void xml_attr(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	xml_text(out, value, true);
	fputc('"', out);
}

static void xml_count(FILE *out, const char *name, size_t n)
{
	fprintf(out, " %s=\"%zu\"", name, n);
}

static const char *get_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* One line "key: value" of a failure's body, for a string or a list. */
static void xml_body_line(FILE *out, const json_t *failure, const char *key)
{
	const json_t *value = json_object_get(failure, key);
	const json_t *item;
	char text[512];
	size_t i;

	if (!value)
		return;
	fprintf(out, "%s:", key);
	if (json_is_array(value)) {
		json_array_foreach(value, i, item) {
			fputs("\n  - ", out);
			xml_text(out, json_string_value(item), false);
		}
		fputs(json_array_size(value) ? "" : " []", out);
	} else if (json_is_object(value)) {
		flow_text(value, text, sizeof(text));
		fputc(' ', out);
		xml_text(out, text, false);
	} else if (json_is_integer(value)) {
		fprintf(out, " %" JSON_INTEGER_FORMAT, json_integer_value(value));
	} else {
		fputc(' ', out);
		xml_text(out, json_string_value(value), false);
	}
	fputc('\n', out);
}

static void junit_case(FILE *out, const json_t *t)
{
	static const char *const body[] = {
		"position", "step", "action", "expected", "got",
		"expected_issued", "got_issued", "expected_caches",
		"got_caches", "expected_records", "got_records", "message",
		"rule",
	};
	const char *verdict = get_str(t, "verdict");
	const char *comment = get_str(t, "comment");
	const char *reason = get_str(t, "reason");
	const json_t *failure = json_object_get(t, "failure");
	char name[1024];
	size_t i;

	snprintf(name, sizeof(name), "%s%s%s", get_str(t, "name"),
		 comment ? " " : "", comment ? comment : "");
	fputs("    <testcase", out);
	xml_attr(out, "classname", get_str(t, "id"));
	xml_attr(out, "name", name);
	xml_attr(out, "file", get_str(t, "file"));
	if (!strcmp(verdict, "fail")) {
		fputs(">\n      <failure", out);
		xml_attr(out, "message", reason ? reason : "failed");
		xml_attr(out, "type", json_object_get(failure, "step") ?
					      "step" : "setup");
		fputc('>', out);
		for (i = 0; i < sizeof(body) / sizeof(body[0]); i++)
			xml_body_line(out, failure, body[i]);
		xml_body_line(out, t, "flags");
		xml_body_line(out, t, "references");
		fputs("</failure>\n    </testcase>\n", out);
	} else if (!strcmp(verdict, "skip")) {
		fputs(">\n      <skipped", out);
		xml_attr(out, "message", reason);
		fputs("/>\n    </testcase>\n", out);
	} else if (!strcmp(verdict, "pass-partly")) {
		fputs(">\n      <system-out>not checked: ", out);
		xml_text(out, reason, false);
		fputs("</system-out>\n    </testcase>\n", out);
	} else {
		fputs("/>\n", out);
	}
}

/* The tests first..last-1 of one file as a testsuite. */
static void junit_suite(FILE *out, const json_t *root, size_t first,
			size_t last)
{
	const json_t *tests = json_object_get(root, "tests");
	const json_t *impl = json_object_get(root, "implementation");
	const json_t *t = json_array_get(tests, first);
	size_t i, failures = 0, skipped = 0;

	for (i = first; i < last; i++) {
		const char *v = get_str(json_array_get(tests, i), "verdict");

		failures += !strcmp(v, "fail");
		skipped += !strcmp(v, "skip");
	}
	fputs("  <testsuite", out);
	xml_attr(out, "name", get_str(t, "id"));
	xml_attr(out, "file", get_str(t, "file"));
	xml_count(out, "tests", last - first);
	xml_count(out, "failures", failures);
	xml_count(out, "errors", 0);
	xml_count(out, "skipped", skipped);
	fputs(">\n    <properties>\n      <property name=\"backend\"", out);
	xml_attr(out, "value", get_str(impl, "backend"));
	fputs("/>\n      <property name=\"profile\"", out);
	xml_attr(out, "value", get_str(root, "profile"));
	fputs("/>\n    </properties>\n", out);
	for (i = first; i < last; i++)
		junit_case(out, json_array_get(tests, i));
	fputs("  </testsuite>\n", out);
}

int record_write_junit(const struct record *rec, FILE *out)
{
	const json_t *totals, *tests;
	const char *stopped, *file;
	char name[512];
	size_t i, first, n;
	json_int_t status;

	if (!rec || rec->nomem)
		return -ENOMEM;
	totals = json_object_get(rec->root, "totals");
	tests = rec->tests;
	n = json_array_size(tests);
	stopped = get_str(rec->root, "stopped");
	status = json_integer_value(json_object_get(rec->root, "status"));
	snprintf(name, sizeof(name), "nestref on %s, profile %s",
		 get_str(rec->impl, "backend") ? get_str(rec->impl, "backend") : "?",
		 get_str(rec->root, "profile"));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
	xml_attr(out, "name", name);
	xml_count(out, "tests", n + (stopped ? 1 : 0));
	xml_count(out, "failures",
		  (size_t)json_integer_value(json_object_get(totals, "fail")));
	xml_count(out, "errors", stopped && status != NESTREF_VEC_EXIT_UNAVAILABLE);
	xml_count(out, "skipped",
		  (size_t)json_integer_value(json_object_get(totals, "skip")) +
			  (stopped && status == NESTREF_VEC_EXIT_UNAVAILABLE));
	fputs(">\n", out);
	for (first = 0; first < n; first = i) {
		file = get_str(json_array_get(tests, first), "file");
		for (i = first + 1; i < n; i++)
			if (strcmp(get_str(json_array_get(tests, i), "file"), file) != 0)
				break;
		junit_suite(out, rec->root, first, i);
	}
	if (stopped) {
		/* Why the run ended early: nothing ran, or not all of it. */
		fputs("  <testsuite name=\"nestref\" tests=\"1\" failures=\"0\"", out);
		xml_count(out, "errors", status != NESTREF_VEC_EXIT_UNAVAILABLE);
		xml_count(out, "skipped", status == NESTREF_VEC_EXIT_UNAVAILABLE);
		fputs(">\n    <testcase classname=\"nestref\" name=\"run\">\n      <", out);
		fputs(status == NESTREF_VEC_EXIT_UNAVAILABLE ? "skipped" : "error", out);
		xml_attr(out, "message", stopped);
		fputs("/>\n    </testcase>\n  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	return fflush(out) || ferror(out) ? -EIO : 0;
}

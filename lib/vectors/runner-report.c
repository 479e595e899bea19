/* SPDX-License-Identifier: MIT */
/*
 * TAP version 13 (not 14: bookworm's prove rejects 14, style.md 0.3).
 * A failure carries a YAML block naming the file position of the failing
 * step, what was expected and what came back, so that the line alone is
 * enough to find and cite the vector.  Every string from the vector, its
 * path or the backend is escaped (spec/report.md 6.2): none can start a
 * line, become a directive or end the YAML block.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <nestref/backend.h>
#include <nestref/vectors.h>

#include "escape.h"
#include "runner-events.h"
#include "runner-report.h"

void report_plan(FILE *out, size_t count)
{
	fprintf(out, "TAP version 13\n1..%zu\n", count);
}

static void report_line(const struct report_test *t, const char *status)
{
	fprintf(t->out, "%s %zu - %s/%ld", status, t->number, t->file->id,
		t->test->tc);
	if (t->test->comment) {
		fputc(' ', t->out);
		/* Not a new line, not a directive (report.md 6.2). */
		nestref_vec_escape_fputs(t->out, t->test->comment,
					 NESTREF_VEC_ESCAPE_TAP);
	}
}

void report_ok(const struct report_test *t, const char *skip)
{
	report_line(t, "ok");
	if (skip) {
		fputs(" # SKIP ", t->out);
		nestref_vec_escape_fputs(t->out, skip, NESTREF_VEC_ESCAPE_TAP);
	}
	fputc('\n', t->out);
}

void report_caps(char *buf, size_t len, const char *prefix, uint32_t caps)
{
	size_t used;
	uint32_t bit;
	int n = snprintf(buf, len, "%s", prefix);

	used = n > 0 ? (size_t)n : 0;
	for (bit = 1; bit && used < len; bit <<= 1) {
		if (!(caps & bit))
			continue;
		n = snprintf(buf + used, len - used, "%s%s",
			     used > strlen(prefix) ? ", " : " ",
			     nestref_cap_name(bit));
		used += n > 0 ? (size_t)n : 0;
	}
}

/*
 * A YAML double-quoted scalar that reads back as s, or as its escaped
 * form when s is not UTF-8 (report.md 6.2, 6.3).  A string that does not
 * fit in memory is still shown, its bytes as \xNN.
 */
static void report_quoted(FILE *out, const char *s, const char *suffix)
{
	char *copy;
	const char *value = esc_value(s, &copy);

	fputc('"', out);
	nestref_vec_escape_fputs(out, value ? value : s,
				 NESTREF_VEC_ESCAPE_QUOTED);
	fprintf(out, "%s\"", suffix);
	nestref_free(copy);
}

/*
 * Whether s can stand as a plain YAML scalar in a block or a flow
 * sequence and read back as the same string: a path or a name of the
 * usual characters, not a word YAML 1.1 reads as a boolean, null or
 * number.  Anything else is quoted (report.md 6.2).
 */
static bool report_plain(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "true", "false", "on", "off", "null",
		".inf", ".nan",
	};
	size_t i;

	if (!*s || (!isalpha((unsigned char)*s) && !strchr("/._", *s)))
		return false;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    !strchr("/._-+~@=", s[i]) && (s[i] != ':' || !s[i + 1]))
			return false;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return false;
	return true;
}

static void report_scalar(FILE *out, const char *s)
{
	if (report_plain(s))
		fputs(s, out);
	else
		report_quoted(out, s, "");
}

/* "file: path:line:column", the path quoted when it needs to be. */
static void report_position(FILE *out, const char *path,
			    struct vec_mark mark)
{
	char where[32];

	snprintf(where, sizeof(where), ":%u:%u", mark.line, mark.column);
	fputs("  file: ", out);
	if (report_plain(path))
		fprintf(out, "%s%s", path, where);
	else
		report_quoted(out, path, where);
	fputc('\n', out);
}

static void report_flags(const struct report_test *t)
{
	size_t i;

	if (!t->test->n_flags)
		return;
	fputs("  flags: [", t->out);
	for (i = 0; i < t->test->n_flags; i++) {
		fputs(i ? ", " : "", t->out);
		report_scalar(t->out, t->test->flags[i]);
	}
	fputs("]\n", t->out);
}

void report_not_ok_setup(const struct report_test *t, const char *message)
{
	report_line(t, "not ok");
	fputc('\n', t->out);
	fputs("  ---\n", t->out);
	report_position(t->out, t->file->path, t->test->mark);
	fputs("  message: ", t->out);
	report_quoted(t->out, message, "");
	fputc('\n', t->out);
	report_flags(t);
	fputs("  ...\n", t->out);
}

void report_add(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

const char *report_action(enum vec_step_kind kind)
{
	static const char *const names[] = {
		[VEC_STEP_SET_DEV_USER_DATA] = "set_dev_user_data",
		[VEC_STEP_UNSET_DEV_USER_DATA] = "unset_dev_user_data",
		[VEC_STEP_DESTROY] = "destroy",
		[VEC_STEP_HW_INFO] = "hw_info",
		[VEC_STEP_INVALIDATE] = "invalidate",
		[VEC_STEP_CHECK_CACHE] = "check_cache",
		[VEC_STEP_ATTACH] = "attach",
		[VEC_STEP_ALLOC_VEVENTQ] = "alloc_veventq",
		[VEC_STEP_READ_VEVENTS] = "read_vevents",
		[VEC_STEP_TRIGGER_VEVENT] = "trigger_vevent",
		[VEC_STEP_FAULT] = "fault",
	};

	return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind]
								: "?";
}

static const char *errno_text(int err)
{
	const char *name = nestref_errno_name(err);

	return name ? name : "an unnamed errno";
}

static void report_expected(FILE *out, const struct vec_step *step,
			    const struct step_verdict *v)
{
	const struct vec_expect *ex = &step->expect;
	static const char *const results[] = { "ok", "error", "either" };
	size_t i;

	fprintf(out, "  expected: {result: %s", results[ex->result]);
	if (ex->result == VEC_RESULT_ERROR) {
		fputs(", errno: ", out);
		if (ex->n_errnos == 1)
			fputs(errno_text(ex->errnos[0]), out);
		else
			for (i = 0; i < ex->n_errnos; i++)
				fprintf(out, "%s%s%s", i ? ", " : "[",
					errno_text(ex->errnos[i]),
					i + 1 == ex->n_errnos ? "]" : "");
	}
	if (ex->has_flags)
		fprintf(out, ", flags: 0x%" PRIx32, ex->flags);
	if (ex->has_bytes)
		fprintf(out, ", bytes: %" PRIu32, ex->bytes);
	if (v->made && step->kind == VEC_STEP_INVALIDATE &&
	    (ex->has_entry_num || ex->result == VEC_RESULT_OK))
		fprintf(out, ", entry_num: %" PRIu32,
			step_expected_entry_num(step));
	fputs("}\n", out);
}

static void report_got(FILE *out, const struct vec_step *step,
		       const struct step_got *got)
{
	fprintf(out, "  got: {result: %s", got->rc ? "error" : "ok");
	if (got->rc)
		fprintf(out, ", errno: %s", errno_text(got->rc));
	if (step->kind == VEC_STEP_INVALIDATE && got->has_entry_num)
		fprintf(out, ", entry_num: %" PRIu32, got->entry_num);
	if (got->has_flags)
		fprintf(out, ", flags: 0x%" PRIx32, got->flags);
	if (got->has_read)
		fprintf(out, ", bytes: %zu", got->n_read);
	fputs("}\n", out);
}

void report_cmd_text(char *buf, size_t len,
		     const struct nestref_smmuv3_cmd *c)
{
	char text[256];

	nestref_smmuv3_format(c, text, sizeof(text));
	snprintf(buf, len, "%s (0x%016" PRIx64 " 0x%016" PRIx64 ")", text,
		 c->dw[0], c->dw[1]);
}

void report_cache_text(char *buf, size_t len,
		       const struct nestref_smmuv3_cache_entry *e)
{
	static const char *const kinds[] = { "tlb", "cfg", "atc" };
	size_t used;
	int n;

	if (e->kind >= NESTREF_SMMUV3_CACHE_KIND_COUNT) {
		snprintf(buf, len, "{cache: ?}");
		return;
	}
	n = snprintf(buf, len, "{cache: %s", kinds[e->kind]);
	used = n > 0 ? (size_t)n : 0;
	if (used < len && e->kind == NESTREF_SMMUV3_CACHE_TLB)
		n = snprintf(buf + used, len - used,
			     ", vmid: 0x%x, %s: 0x%x, va: 0x%" PRIx64
			     ", level: %u, tg: %u, leaf: %s",
			     e->vmid,
			     e->flags & NESTREF_SMMUV3_CE_GLOBAL ? "global" : "asid",
			     e->asid, e->va, e->level, e->tg,
			     e->flags & NESTREF_SMMUV3_CE_WALK ? "false" : "true");
	else if (used < len)
		n = snprintf(buf + used, len - used, ", sid: 0x%x", e->sid);
	used += n > 0 ? (size_t)n : 0;
	if (used < len && e->kind != NESTREF_SMMUV3_CACHE_TLB &&
	    (e->flags & NESTREF_SMMUV3_CE_SSID)) {
		n = snprintf(buf + used, len - used, ", ssid: 0x%x", e->ssid);
		used += n > 0 ? (size_t)n : 0;
	}
	if (used < len && e->kind == NESTREF_SMMUV3_CACHE_ATC) {
		n = snprintf(buf + used, len - used,
			     ", addr: 0x%" PRIx64 ", span: 0x%" PRIx64,
			     e->addr, e->span);
		used += n > 0 ? (size_t)n : 0;
	}
	if (used < len)
		snprintf(buf + used, len - used, "}");
}

static void report_cmds(FILE *out, const char *key,
			const struct nestref_smmuv3_cmd *cmds, size_t stride,
			size_t n)
{
	char text[320];
	size_t i;

	fprintf(out, "  %s:%s\n", key, n ? "" : " []");
	for (i = 0; i < n; i++) {
		const struct nestref_smmuv3_cmd *c =
			(const void *)((const char *)cmds + i * stride);

		report_cmd_text(text, sizeof(text), c);
		fprintf(out, "    - \"%s\"\n", text);
	}
}

/* Only the caches the vector named: the others were not compared. */
static void report_cache_list(FILE *out, const char *key,
			      const struct nestref_smmuv3_cache_entry *e, size_t n,
			      const bool named[NESTREF_SMMUV3_CACHE_KIND_COUNT])
{
	char text[256];
	size_t i, shown = 0;

	for (i = 0; i < n; i++)
		shown += e[i].kind < NESTREF_SMMUV3_CACHE_KIND_COUNT && named[e[i].kind];
	fprintf(out, "  %s:%s\n", key, shown ? "" : " []");
	for (i = 0; i < n; i++, e++) {
		if (e->kind >= NESTREF_SMMUV3_CACHE_KIND_COUNT || !named[e->kind])
			continue;
		report_cache_text(text, sizeof(text), e);
		fprintf(out, "    - %s\n", text);
	}
}

/* A line of a list of the YAML block, quoted as a string. */
static void report_list_line(const char *text, void *arg)
{
	FILE *out = arg;

	fputs("    - ", out);
	report_quoted(out, text, "");
	fputc('\n', out);
}

/* The records expected and read, each a line (runner-events.h). */
static void report_records(const struct report_test *t,
			   const struct vec_step *step,
			   const struct step_got *got)
{
	FILE *out = t->out;

	fprintf(out, "  expected_records:%s\n",
		step->expect.n_records ? "" : " []");
	events_say_expected(t->file, step, report_list_line, out);
	fprintf(out, "  got_records:%s\n", got->n_read ? "" : " []");
	events_say_got(t->file, step, got->read, got->n_read,
		       report_list_line, out);
}

void report_not_ok_step(const struct report_test *t, size_t step_index,
			const struct step_got *got,
			const struct step_verdict *v)
{
	const struct vec_step *step = &t->test->steps[step_index];
	FILE *out = t->out;

	report_line(t, "not ok");
	fputc('\n', out);
	fputs("  ---\n", out);
	report_position(out, t->file->path, step->mark);
	fprintf(out, "  step: %zu\n  action: %s\n", step_index + 1,
		report_action(step->kind));
	report_expected(out, step, v);
	report_got(out, step, got);
	if (v->failed & STEP_CHECK_ISSUED) {
		report_cmds(out, "expected_issued",
			    step->expect.n_issued ? &step->expect.issued[0].cmd
						  : NULL,
			    sizeof(struct vec_issued), step->expect.n_issued);
		report_cmds(out, "got_issued", got->issued,
			    sizeof(struct nestref_smmuv3_cmd), got->n_issued);
	}
	if (v->failed & STEP_CHECK_CACHES) {
		report_cache_list(out, "expected_caches", step->expect.caches,
				  step->expect.n_caches,
				  step->expect.cache_named);
		report_cache_list(out, "got_caches", got->caches,
				  got->n_caches, step->expect.cache_named);
	}
	if (v->failed & STEP_CHECK_RECORDS)
		report_records(t, step, got);
	if (got->message[0]) {
		fputs("  message: ", out);
		report_quoted(out, got->message, "");
		fputc('\n', out);
	}
	report_flags(t);
	fputs("  ...\n", out);
}

/* The checks in the order "# not checked:" names them. */
static const struct {
	unsigned int bit;
	const char *name;
} report_checks[] = {
	{ STEP_CHECK_SETUP_CACHES, "setup.caches" },
	{ STEP_CHECK_ISSUED, "issued" },
	{ STEP_CHECK_CACHES, "caches" },
	{ STEP_CHECK_CACHE_WORD, "check_cache" },
	{ STEP_CHECK_FLAGS, "hw_info" },
	{ STEP_CHECK_BYTES, "bytes" },
	{ STEP_CHECK_RECORDS, "records" },
	{ STEP_CHECK_ENTRY_NUM, "entry_num" },
	{ STEP_CHECK_RESULT, "result" },
};

const char *report_check_name(size_t i, unsigned int *bit)
{
	if (i >= sizeof(report_checks) / sizeof(report_checks[0]))
		return NULL;
	*bit = report_checks[i].bit;
	return report_checks[i].name;
}

void report_not_checked(FILE *out, unsigned int not_made, uint32_t missing)
{
	const char *name;
	unsigned int bit;
	char caps[128];
	size_t i;

	report_caps(caps, sizeof(caps), "missing", missing);
	fputs("# not checked:", out);
	for (i = 0; (name = report_check_name(i, &bit)); i++)
		if (not_made & bit)
			fprintf(out, " %s", name);
	fprintf(out, " (%s)\n", caps);
}

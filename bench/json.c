/* SPDX-License-Identifier: MIT */
/*
 * The --json file (schema_version 2, described in docs/bench.md): the
 * context, every benchmark with its raw samples and statistics, the
 * kernel's status and ratios, and the targets' verdicts.
 *
 * A small writer rather than a JSON library, so the bench needs nothing
 * the library does not: strings are escaped as RFC 8259 section 7 asks
 * (quote, backslash, control characters), bytes that are not UTF-8 become
 * U+FFFD, and a number that is not finite is written as null.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define JW_DEPTH 8

struct jw {
	FILE *f;
	int depth;            /* containers open */
	bool first[JW_DEPTH]; /* nothing written yet in the one at depth */
};

/* The length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong 3- and 4-byte forms, surrogates, beyond U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

static void jw_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n = utf8_len(s);

		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else if (*s == '\t') {
			fputs("\\t", f);
		} else if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s);
		} else if (!n) {
			fputs("\\ufffd", f);
			n = 1;
		} else {
			fwrite(s, 1, n, f);
		}
		s += n ? n : 1;
	}
	fputc('"', f);
}

/* Starts a member (key) or an element (key NULL) at the current depth. */
static void jw_item(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	fprintf(w->f, "\n%*s", 2 * w->depth, "");
	if (key) {
		jw_string(w->f, key);
		fputs(": ", w->f);
	}
}

static void jw_open(struct jw *w, const char *key, char c)
{
	if (w->depth > 0)
		jw_item(w, key);
	fputc(c, w->f);
	if (w->depth + 1 < JW_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(c, w->f);
}

static void jw_str(struct jw *w, const char *key, const char *v)
{
	jw_item(w, key);
	if (v)
		jw_string(w->f, v);
	else
		fputs("null", w->f);
}

/* "" is written as null: unknown. */
static void jw_str_or_null(struct jw *w, const char *key, const char *v)
{
	jw_str(w, key, v && *v ? v : NULL);
}

static void jw_num(struct jw *w, const char *key, double v)
{
	jw_item(w, key);
	if (isfinite(v))
		fprintf(w->f, "%.10g", v);
	else
		fputs("null", w->f);
}

static void jw_uint(struct jw *w, const char *key, unsigned long long v)
{
	jw_item(w, key);
	fprintf(w->f, "%llu", v);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_item(w, key);
	fputs(v ? "true" : "false", w->f);
}

static void jw_null(struct jw *w, const char *key)
{
	jw_item(w, key);
	fputs("null", w->f);
}

static void write_context(struct jw *w, const struct bench_context *ctx,
			  const struct bench_options *opts)
{
	jw_open(w, "context", '{');
	jw_str(w, "date", ctx->date);
	jw_str(w, "bench_version", ctx->bench_version);
	jw_str(w, "library_version", ctx->library_version);
	jw_str_or_null(w, "git_describe", ctx->git_describe);
	jw_open(w, "machine", '{');
	jw_str(w, "cpu_model", ctx->cpu_model);
	jw_uint(w, "nproc", ctx->nproc > 0 ? (unsigned long long)ctx->nproc : 0);
	jw_str(w, "kernel", ctx->kernel);
	if (ctx->loadavg_ok) {
		jw_open(w, "loadavg", '[');
		jw_num(w, NULL, ctx->loadavg[0]);
		jw_num(w, NULL, ctx->loadavg[1]);
		jw_num(w, NULL, ctx->loadavg[2]);
		jw_close(w, ']');
	} else {
		jw_null(w, "loadavg");
	}
	jw_close(w, '}');
	jw_open(w, "build", '{');
	jw_str(w, "compiler", ctx->compiler);
	jw_str(w, "cflags", ctx->cflags);
	jw_bool(w, "asan", ctx->asan);
	jw_close(w, '}');
	jw_open(w, "pinning", '{');
	if (ctx->pin.cpu >= 0)
		jw_uint(w, "cpu", (unsigned long long)ctx->pin.cpu);
	else
		jw_null(w, "cpu");
	jw_str_or_null(w, "error", ctx->pin.error);
	jw_close(w, '}');
	jw_open(w, "method", '{');
	jw_str(w, "clock", "CLOCK_MONOTONIC");
	jw_num(w, "clock_resolution_ns", (double)ctx->clock_res_ns);
	jw_uint(w, "repetitions", opts->repetitions);
	jw_num(w, "min_sample_ms", opts->min_sample_ms);
	jw_num(w, "warmup_ms", opts->warmup_ms);
	if (opts->working_set == BENCH_WS_ALL)
		jw_str(w, "working_set", "all");
	else
		jw_uint(w, "working_set", opts->working_set);
	jw_str(w, "vsid_placement",
	       "device i: vSID = a fixed bijection of the 32-bit space applied to i + 1, pSID = 0x10000 + 2i");
	jw_bool(w, "quick", opts->quick);
	jw_close(w, '}');
	jw_open(w, "callgrind", '{');
	jw_bool(w, "available", ctx->cg.available);
	jw_str_or_null(w, "valgrind", ctx->cg.version);
	jw_str_or_null(w, "reason", ctx->cg.available ? "" : ctx->cg.reason);
	jw_close(w, '}');
	jw_close(w, '}');
}

static void write_result(struct jw *w, const struct bench_result *r)
{
	const struct bench_spec *s = &r->spec;
	size_t i;

	jw_open(w, NULL, '{');
	jw_str(w, "name", bench_kind_name(s->kind));
	jw_str(w, "unit", bench_unit(s->kind));
	jw_open(w, "params", '{');
	jw_str(w, "backend", s->backend);
	jw_str(w, "profile", nestref_profile_name(s->profile));
	if (s->kind == BENCH_CHURN) {
		jw_null(w, "mix");
		jw_null(w, "batch");
		jw_uint(w, "populated", s->populated);
		jw_null(w, "working_set");
	} else {
		jw_str(w, "mix", bench_mix_name(s->mix));
		jw_uint(w, "batch", s->batch);
		jw_uint(w, "populated", s->populated);
		if (s->working_set == BENCH_WS_ALL)
			jw_str(w, "working_set", "all");
		else
			jw_uint(w, "working_set", bench_spec_ws(s));
		jw_uint(w, "cached_tlb_entries", s->cached);
	}
	jw_close(w, '}');
	jw_str(w, "status", r->ok		? "ok" :
			    r->not_measured ? "not-measured" :
					      "failed");
	jw_str_or_null(w, "error", r->ok ? "" : r->error);
	jw_uint(w, "ops_per_sample", r->ops_per_sample);
	jw_open(w, "samples", '[');
	for (i = 0; r->ok && i < r->n_samples; i++)
		jw_num(w, NULL, r->samples[i]);
	jw_close(w, ']');
	if (r->ok) {
		jw_num(w, "median", r->st.median);
		jw_num(w, "min", r->st.min);
		jw_num(w, "max", r->st.max);
		jw_num(w, "mean", r->st.mean);
		jw_num(w, "stddev", r->st.stddev);
		jw_num(w, "cv", r->st.cv);
		jw_num(w, "q1", r->st.q1);
		jw_num(w, "q3", r->st.q3);
		jw_open(w, "outliers", '{');
		jw_uint(w, "mild", r->st.mild);
		jw_uint(w, "severe", r->st.severe);
		jw_close(w, '}');
		jw_num(w, "ops_per_sec", r->st.median);
		jw_num(w, "ns_per_op",
		       r->st.median > 0 ? 1e9 / r->st.median : NAN);
	} else {
		static const char *const nulls[] = { "median", "min", "max",
						     "mean", "stddev", "cv",
						     "q1", "q3", "outliers",
						     "ops_per_sec",
						     "ns_per_op" };

		for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
			jw_null(w, nulls[i]);
	}
	if (r->instr_measured)
		jw_num(w, "instructions_per_op", r->instr_per_op);
	else
		jw_null(w, "instructions_per_op");
	if (r->instr_in_rewrite_measured)
		jw_num(w, "instructions_in_rewrite", r->instr_in_rewrite);
	else
		jw_null(w, "instructions_in_rewrite");
	jw_str_or_null(w, "instructions_note",
		       r->instr_measured ? "" : r->instr_note);
	jw_close(w, '}');
}

/* A ratio's member, or null. */
static void jw_median(struct jw *w, const char *key,
		      const struct bench_result *r)
{
	jw_num(w, key, r && r->ok ? r->st.median : NAN);
}

static void write_kernel(struct jw *w, const struct bench_context *ctx,
			 const struct bench_result *res, size_t n)
{
	char reason[256];
	const char *status =
		bench_kernel_status(res, n, &ctx->kernel_probe, reason, sizeof(reason));
	struct bench_ratio r;
	size_t i;

	jw_open(w, "kernel", '{');
	jw_str(w, "status", status);
	jw_str_or_null(w, "reason", reason);
	jw_str(w, "how", BENCH_KERNEL_HOW);
	jw_str(w, "sim_mix", bench_mix_name(BENCH_SIM_RATIO_MIX));
	jw_open(w, "ratios", '[');
	for (i = 0; i < n; i++) {
		if (!bench_kernel_ratio(res, n, &res[i], &r))
			continue;
		jw_open(w, NULL, '{');
		jw_uint(w, "populated", r.populated);
		jw_uint(w, "batch", r.batch);
		jw_uint(w, "working_set", r.working_set);
		jw_median(w, "kernel", r.kernel);
		jw_median(w, "ioctl", r.ioctl);
		jw_median(w, "mock", r.mock);
		jw_median(w, "sim", r.sim);
		jw_num(w, "kernel_over_ioctl", bench_ratio_of(r.kernel, r.ioctl));
		jw_num(w, "mock_over_kernel", bench_ratio_of(r.mock, r.kernel));
		jw_num(w, "sim_over_kernel", bench_ratio_of(r.sim, r.kernel));
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void write_targets(struct jw *w, const struct bench_target *targets)
{
	size_t i;

	jw_open(w, "targets", '[');
	for (i = 0; targets && i < BENCH_TARGET_COUNT; i++) {
		const struct bench_target *t = &targets[i];

		jw_open(w, NULL, '{');
		jw_str(w, "id", t->id);
		jw_str(w, "text", t->text);
		jw_num(w, "threshold", t->threshold);
		jw_str(w, "verdict", bench_verdict_name(t->verdict));
		if (t->verdict == VERDICT_NOT_MEASURED)
			jw_null(w, "measured");
		else
			jw_num(w, "measured", t->measured);
		jw_str(w, "subject", t->subject);
		jw_str_or_null(w, "note", t->note);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

int bench_write_json(const char *path, const struct bench_context *ctx,
		     const struct bench_options *opts,
		     const struct bench_result *res, size_t n,
		     const struct bench_target *targets)
{
	struct jw w = { .depth = 0 };
	size_t i;
	int rc = 0;

	w.f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!w.f)
		return -errno;
	jw_open(&w, NULL, '{');
	jw_uint(&w, "schema_version", BENCH_SCHEMA_VERSION);
	jw_str(&w, "program", BENCH_PROGRAM);
	write_context(&w, ctx, opts);
	jw_open(&w, "benchmarks", '[');
	for (i = 0; i < n; i++)
		write_result(&w, &res[i]);
	jw_close(&w, ']');
	write_kernel(&w, ctx, res, n);
	/* --quick judges nothing: the targets are an empty list. */
	write_targets(&w, targets);
	jw_close(&w, '}');
	fputc('\n', w.f);
	if (fflush(w.f) || ferror(w.f))
		rc = -EIO;
	if (w.f != stdout && fclose(w.f) && !rc)
		rc = -EIO;
	return rc;
}

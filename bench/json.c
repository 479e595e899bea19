/* SPDX-License-Identifier: MIT */
/*
 * The --json file (schema_version 2, described in docs/bench.md): the
 * context, every benchmark with its raw samples and statistics, and the
 * kernel's status and ratios, written with jansson.  "targets" is an
 * empty list: bench/targets.py judges them on this file and, with
 * --update, writes its verdicts there.
 *
 * The layout is the one of the hand-written writer this replaced: keys in
 * the same order, two spaces of indent, numbers with 10 significant digits,
 * a number that is not finite as null, and an integral number below 1e10
 * as an integer ("20", not "20.0"), as %.10g wrote it.  jansson refuses a
 * string that is not UTF-8: such a string has its bytes above 0x7f
 * written as '?'.
 *
 * Every value is attached to its parent as soon as it is made, so that one
 * json_decref of the root frees everything; put() gathers the failures
 * (jansson releases a value it could not attach, NULL included).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"

/* obj[key] = v, taking v; *err becomes nonzero on failure. */
static void put(json_t *obj, const char *key, json_t *v, int *err)
{
	*err |= json_object_set_new(obj, key, v);
}

/* A new object as obj[key], or NULL (*err set). */
static json_t *put_object(json_t *obj, const char *key, int *err)
{
	json_t *child = json_object();

	put(obj, key, child, err);
	return *err ? NULL : child;
}

/* A string; NULL is null, and so is "" when empty_null. */
static json_t *str(const char *s, bool empty_null)
{
	json_t *v;
	char *ascii;
	size_t i;

	if (!s || (empty_null && !*s))
		return json_null();
	v = json_string(s);
	if (v)
		return v;
	ascii = strdup(s);
	if (!ascii)
		return NULL;
	for (i = 0; ascii[i]; i++)
		if ((unsigned char)ascii[i] > 0x7f)
			ascii[i] = '?';
	v = json_string(ascii);
	free(ascii);
	return v;
}

static json_t *num(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 1e10)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *whole(unsigned long long v)
{
	return json_integer((json_int_t)v);
}

/* "all" for the every-vSID working set, else the number used. */
static json_t *working_set(uint32_t asked, uint32_t used)
{
	return asked == BENCH_WS_ALL ? json_string("all") : whole(used);
}

static void context(json_t *root, const struct bench_context *ctx,
		    const struct bench_options *opts, int *err)
{
	json_t *c = put_object(root, "context", err), *o;

	put(c, "date", str(ctx->date, false), err);
	put(c, "bench_version", str(ctx->bench_version, false), err);
	put(c, "library_version", str(ctx->library_version, false), err);
	put(c, "git_describe", str(ctx->git_describe, true), err);
	o = put_object(c, "machine", err);
	put(o, "cpu_model", str(ctx->cpu_model, false), err);
	put(o, "nproc", whole(ctx->nproc > 0 ? (unsigned long long)ctx->nproc : 0),
	    err);
	put(o, "kernel", str(ctx->kernel, false), err);
	put(o, "loadavg",
	    ctx->loadavg_ok ? json_pack("[ooo]", num(ctx->loadavg[0]),
					num(ctx->loadavg[1]),
					num(ctx->loadavg[2])) :
			      json_null(),
	    err);
	o = put_object(c, "build", err);
	put(o, "compiler", str(ctx->compiler, false), err);
	put(o, "cflags", str(ctx->cflags, false), err);
	put(o, "asan", json_boolean(ctx->asan), err);
	o = put_object(c, "pinning", err);
	put(o, "cpu",
	    ctx->pin.cpu >= 0 ? whole((unsigned long long)ctx->pin.cpu) :
				json_null(),
	    err);
	put(o, "error", str(ctx->pin.error, true), err);
	o = put_object(c, "method", err);
	put(o, "clock", json_string("CLOCK_MONOTONIC"), err);
	put(o, "clock_resolution_ns", num((double)ctx->clock_res_ns), err);
	put(o, "repetitions", whole(opts->repetitions), err);
	put(o, "min_sample_ms", num(opts->min_sample_ms), err);
	put(o, "warmup_ms", num(opts->warmup_ms), err);
	put(o, "working_set", working_set(opts->working_set, opts->working_set),
	    err);
	put(o, "vsid_placement",
	    json_string("device i: vSID = a fixed bijection of the 32-bit space applied to i + 1, pSID = 0x10000 + 2i"),
	    err);
	put(o, "quick", json_boolean(opts->quick), err);
	o = put_object(c, "callgrind", err);
	put(o, "available", json_boolean(ctx->cg.available), err);
	put(o, "valgrind", str(ctx->cg.version, true), err);
	put(o, "reason", str(ctx->cg.available ? "" : ctx->cg.reason, true),
	    err);
}

static void params(json_t *b, const struct bench_spec *s, int *err)
{
	json_t *p = put_object(b, "params", err);

	put(p, "backend", json_string(s->backend), err);
	put(p, "profile", json_string(nestref_profile_name(s->profile)), err);
	if (s->kind == BENCH_CHURN) {
		put(p, "mix", json_null(), err);
		put(p, "batch", json_null(), err);
		put(p, "populated", whole(s->populated), err);
		put(p, "working_set", json_null(), err);
		return;
	}
	put(p, "mix", json_string(bench_mix_name(s->mix)), err);
	put(p, "batch", whole(s->batch), err);
	put(p, "populated", whole(s->populated), err);
	put(p, "working_set", working_set(s->working_set, bench_spec_ws(s)),
	    err);
	put(p, "cached_tlb_entries", whole(s->cached), err);
}

static void result(json_t *list, const struct bench_result *r, int *err)
{
	const struct bench_stats *st = &r->st;
	json_t *b = json_object(), *samples;
	size_t i;

	*err |= json_array_append_new(list, b);
	if (*err)
		return;
	put(b, "name", json_string(bench_kind_name(r->spec.kind)), err);
	put(b, "unit", json_string(bench_unit(&r->spec)), err);
	params(b, &r->spec, err);
	put(b, "status",
	    json_string(r->ok ? "ok" : r->not_measured ? "not-measured" : "failed"),
	    err);
	put(b, "error", str(r->ok ? "" : r->error, true), err);
	put(b, "ops_per_sample", whole(r->ops_per_sample), err);
	samples = json_array();
	put(b, "samples", samples, err);
	for (i = 0; !*err && r->ok && i < r->n_samples; i++)
		*err |= json_array_append_new(samples, num(r->samples[i]));
	put(b, "median", r->ok ? num(st->median) : json_null(), err);
	put(b, "min", r->ok ? num(st->min) : json_null(), err);
	put(b, "max", r->ok ? num(st->max) : json_null(), err);
	put(b, "mean", r->ok ? num(st->mean) : json_null(), err);
	put(b, "stddev", r->ok ? num(st->stddev) : json_null(), err);
	put(b, "cv", r->ok ? num(st->cv) : json_null(), err);
	put(b, "q1", r->ok ? num(st->q1) : json_null(), err);
	put(b, "q3", r->ok ? num(st->q3) : json_null(), err);
	put(b, "outliers",
	    r->ok ? json_pack("{s:I, s:I}", "mild", (json_int_t)st->mild,
			      "severe", (json_int_t)st->severe) :
		    json_null(),
	    err);
	put(b, "ops_per_sec", r->ok ? num(st->median) : json_null(), err);
	put(b, "ns_per_op",
	    r->ok ? num(st->median > 0 ? 1e9 / st->median : NAN) : json_null(),
	    err);
	put(b, "instructions_per_op",
	    r->instr_measured ? num(r->instr_per_op) : json_null(), err);
	put(b, "instructions_in_rewrite",
	    r->instr_in_rewrite_measured ? num(r->instr_in_rewrite) :
					   json_null(),
	    err);
	put(b, "instructions_note",
	    str(r->instr_measured ? "" : r->instr_note, true), err);
}

/* A ratio's median, or null. */
static json_t *median(const struct bench_result *r)
{
	return num(r && r->ok ? r->st.median : NAN);
}

static void kernel(json_t *root, const struct bench_context *ctx,
		   const struct bench_result *res, size_t n, int *err)
{
	char reason[256];
	const char *status = bench_kernel_status(res, n, &ctx->kernel_probe,
						 reason, sizeof(reason));
	json_t *k = put_object(root, "kernel", err), *ratios, *one;
	/* mode=vfio: SMMUv3 commands on the devices, each ratio of its mix. */
	const struct bench_result *cmds = bench_kernel_commands(res, n);
	struct bench_ratio r;
	size_t i;

	put(k, "status", json_string(status), err);
	put(k, "reason", str(reason, true), err);
	put(k, "how", json_string(BENCH_KERNEL_HOW), err);
	put(k, "sim_mix",
	    cmds ? json_null() :
		   json_string(bench_mix_name(BENCH_SIM_RATIO_MIX)),
	    err);
	if (cmds) {
		put(k, "mode", json_string("vfio"), err);
		put(k, "devices", whole(cmds->spec.populated), err);
	}
	ratios = json_array();
	put(k, "ratios", ratios, err);
	for (i = 0; !*err && i < n; i++) {
		if (!bench_kernel_ratio(res, n, &res[i], &r))
			continue;
		one = json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
				  "populated", (json_int_t)r.populated, "batch",
				  (json_int_t)r.batch, "working_set",
				  (json_int_t)r.working_set, "kernel",
				  median(r.kernel), "ioctl", median(r.ioctl),
				  "mock", median(r.mock), "sim", median(r.sim),
				  "kernel_over_ioctl",
				  num(bench_ratio_of(r.kernel, r.ioctl)),
				  "mock_over_kernel",
				  num(bench_ratio_of(r.mock, r.kernel)),
				  "sim_over_kernel",
				  num(bench_ratio_of(r.sim, r.kernel)));
		*err |= json_array_append_new(ratios, one);
		if (cmds && one)
			put(one, "mix",
			    json_string(bench_mix_name(r.kernel->spec.mix)),
			    err);
	}
}

/* A side of a qemu-smmu row: its median and spread, or null. */
static json_t *qemu_side(const struct bench_result *r)
{
	json_t *o, *samples;
	size_t i;

	if (!r->ok)
		return json_null();
	samples = json_array();
	for (i = 0; samples && i < r->n_samples; i++)
		json_array_append_new(samples, num(r->samples[i]));
	o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:I}", "median",
		      num(r->st.median), "min", num(r->st.min), "max",
		      num(r->st.max), "cv", num(r->st.cv), "samples",
		      samples ? samples : json_null(), "ops_per_sample",
		      (json_int_t)r->ops_per_sample);
	return o;
}

static void qemu_smmu(json_t *root, const struct bench_qemu *q, int *err)
{
	json_t *o = put_object(root, "qemu_smmu", err), *list, *one;
	size_t i;

	if (!o)
		return;
	put(o, "status", json_string(q->status), err);
	put(o, "reason", str(q->reason, true), err);
	put(o, "how", json_string(BENCH_QEMU_HOW), err);
	if (strcmp(q->status, "ok") != 0)
		return;
	put(o, "qemu", json_pack("{s:o, s:o}", "root", str(q->where.root, false),
				 "program", str(q->where.qemu, false)),
	    err);
	list = json_array();
	put(o, "idr", list, err);
	for (i = 0; !*err && i < 6; i++)
		*err |= json_array_append_new(list, whole(q->idr[i]));
	list = json_array();
	put(o, "stream_ids", list, err);
	for (i = 0; !*err && i < q->n_devices; i++)
		*err |= json_array_append_new(list, whole(q->sids[i]));
	list = json_array();
	put(o, "rows", list, err);
	for (i = 0; !*err && i < q->n_rows; i++) {
		const struct bench_qemu_row *r = &q->rows[i];

		one = json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:o}",
				"mix", bench_mix_name(r->mix), "batch",
				(json_int_t)r->batch, "unit", "commands/s",
				"qemu", qemu_side(&r->qemu), "model",
				qemu_side(&r->model), "model_over_qemu",
				num(bench_ratio_of(&r->model, &r->qemu)),
				"qtest_null_round_trip_ns",
				num(r->rtt_null_ns), "prod_round_trip_ns",
				num(r->rtt_prod_ns));
		*err |= json_array_append_new(list, one);
	}
	list = json_array();
	put(o, "behaviour", list, err);
	for (i = 0; !*err && i < q->n_checks; i++) {
		const struct bench_qemu_check *c = &q->checks[i];
		char text[160], dw[2][24];

		if (!c->measured)
			continue;
		nestref_smmuv3_format(&c->cmd, text, sizeof(text));
		snprintf(dw[0], sizeof(dw[0]), "0x%016llx",
			 (unsigned long long)c->cmd.dw[0]);
		snprintf(dw[1], sizeof(dw[1]), "0x%016llx",
			 (unsigned long long)c->cmd.dw[1]);
		one = json_pack("{s:s, s:o, s:[s,s], s:I, s:I, s:b}", "name",
				c->name, "command", str(text, false), "dw",
				dw[0], dw[1], "qemu_cerror",
				(json_int_t)c->qemu_cerror, "model_cerror",
				(json_int_t)c->model_cerror, "agree",
				c->qemu_cerror == c->model_cerror);
		*err |= json_array_append_new(list, one);
	}
}

/* The memory rows (memory.c; docs/bench.md sections 6 and 11). */
static void memory_row(json_t *list, const struct bench_memory *m, int *err)
{
	json_t *r = json_object(), *o;

	*err |= json_array_append_new(list, r);
	put(r, "backend", json_string(m->backend), err);
	put(r, "profile", json_string(nestref_profile_name(m->profile)), err);
	put(r, "populated", whole(m->populated), err);
	put(r, "status", json_string(m->ok ? "ok" : "failed"), err);
	put(r, "error", str(m->ok ? "" : m->error, true), err);
	if (!m->ok)
		return;
	o = put_object(r, "bytes", err);
	put(o, "context", whole((unsigned long long)m->context), err);
	put(o, "viommu", whole((unsigned long long)m->viommu), err);
	put(o, "devices", whole((unsigned long long)m->devices), err);
	put(o, "linked", whole((unsigned long long)m->linked), err);
	o = put_object(r, "blocks", err);
	put(o, "devices", whole((unsigned long long)m->devices_blocks),
	    err);
	put(o, "linked", whole((unsigned long long)m->linked_blocks), err);
	put(r, "malloc",
	    m->malloc_measured ?
		    json_pack("{s:o, s:o}", "devices",
			      num((double)m->malloc_devices), "linked",
			      num((double)m->malloc_linked)) :
		    json_null(),
	    err);
	put(r, "per_device", num(m->per_device), err);
	put(r, "per_vdevice", num(m->per_vdevice), err);
	put(r, "dev_priv_size", whole(m->dev_priv_size), err);
	put(r, "growth",
	    m->growth.measured ?
		    json_pack("{s:I, s:o, s:o, s:o}", "from",
			      (json_int_t)m->growth.from, "min",
			      num(m->growth.min), "max", num(m->growth.max),
			      "mean", num(m->growth.mean)) :
		    json_null(),
	    err);
	o = put_object(r, "kernel", err);
	put(o, "vdevice_object", num(m->kernel.object), err);
	put(o, "objects_xarray", num(m->kernel.objects_xa), err);
	put(o, "vdevs_xarray", num(m->kernel.vdevs_xa), err);
	put(o, "vdevs_xarray_nodes", whole(m->kernel.vdevs_nodes), err);
	put(o, "per_vdevice", num(m->kernel.total), err);
}

static void memory(json_t *root, const struct bench_memory_run *mem, int *err)
{
	json_t *m, *rows;
	size_t i;

	if (!mem || !mem->n)
		return;
	m = put_object(root, "memory", err);
	put(m, "method",
	    json_string("malloc_usable_size of every block through nestref_set_allocator"),
	    err);
	rows = json_array();
	put(m, "rows", rows, err);
	for (i = 0; !*err && i < mem->n; i++)
		memory_row(rows, &mem->rows[i], err);
}

int bench_write_json(FILE *f, const struct bench_context *ctx,
		     const struct bench_options *opts,
		     const struct bench_result *res, size_t n,
		     const struct bench_memory_run *mem)
{
	json_t *root = json_object(), *list;
	int err = 0;
	size_t i;

	put(root, "schema_version", whole(BENCH_SCHEMA_VERSION), &err);
	put(root, "program", json_string(BENCH_PROGRAM), &err);
	context(root, ctx, opts, &err);
	list = json_array();
	put(root, "benchmarks", list, &err);
	for (i = 0; !err && i < n; i++)
		result(list, &res[i], &err);
	kernel(root, ctx, res, n, &err);
	memory(root, mem, &err);
	if (ctx->qemu)
		qemu_smmu(root, ctx->qemu, &err);
	put(root, "targets", json_array(), &err);
	/* f is in memory (bench_output_open): a failure is out of memory. */
	if (!err && (json_dumpf(root, f,
				JSON_INDENT(2) | JSON_REAL_PRECISION(10)) ||
		     fputc('\n', f) == EOF))
		err = 1;
	json_decref(root);
	return err ? -ENOMEM : 0;
}

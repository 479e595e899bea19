/* SPDX-License-Identifier: MIT */
/*
 * For people and spreadsheets (issue 5 point 4): progress on stderr while
 * the bench runs (style.md 2.4: only on a terminal unless asked, \r
 * updates, never on stdout), the context and the table on stdout, and the
 * CSV file.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* ------------------------------------------------------------ progress */

void bench_progress(struct bench_progress *p, const char *fmt, ...)
{
	char line[200];
	va_list ap;
	int n;
	size_t len;

	if (!p || !p->on)
		return;
	n = snprintf(line, sizeof(line), "[%zu/%zu] ", p->done, p->total);
	if (n < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	len = strlen(line);
	/* Blank what is left of a longer previous line. */
	fprintf(stderr, "\r%s%*s", line,
		p->width > len ? (int)(p->width - len) : 0, "");
	fflush(stderr);
	p->width = len;
}

void bench_progress_end(struct bench_progress *p)
{
	if (!p || !p->on || !p->width)
		return;
	fprintf(stderr, "\r%*s\r", (int)p->width, "");
	fflush(stderr);
	p->width = 0;
}

/* ------------------------------------------------------------ numbers */

/* 4 significant digits with k, M or G: "123.4M", "9.876k", "12.00". */
static void si(double v, char *buf, size_t len)
{
	static const char suffix[] = " kMG";
	int k = 0;

	while (v >= 999.95 && k < 3) {
		v /= 1000;
		k++;
	}
	if (v >= 99.995)
		snprintf(buf, len, "%.1f", v);
	else if (v >= 9.9995)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3f", v);
	if (k)
		snprintf(buf + strlen(buf), len - strlen(buf), "%c",
			 suffix[k]);
}

static const char *short_unit(const struct bench_spec *spec)
{
	if (spec->kind == BENCH_EVENTS)
		return "event/s";
	if (!strcmp(bench_unit(spec), "entries/s"))
		return "entry/s";
	return spec->kind == BENCH_CHURN ? "pair/s" : "cmd/s";
}

/* ------------------------------------------------------------ context */

void bench_report_context(FILE *out, const struct bench_context *ctx,
			  const struct bench_options *opts)
{
	fprintf(out, "%s %s (libnestref %s%s%s), %s\n", BENCH_PROGRAM,
		ctx->bench_version, ctx->library_version,
		ctx->git_describe[0] ? ", git " : "", ctx->git_describe,
		ctx->date);
	fprintf(out, "machine:  %s, %ld CPUs online, %s", ctx->cpu_model,
		ctx->nproc, ctx->kernel);
	if (ctx->loadavg_ok)
		fprintf(out, ", load %.2f %.2f %.2f", ctx->loadavg[0],
			ctx->loadavg[1], ctx->loadavg[2]);
	fputc('\n', out);
	if (ctx->pin.cpu >= 0)
		fprintf(out, "pinned:   CPU %d\n", ctx->pin.cpu);
	else
		fprintf(out, "pinned:   no (%s)\n", ctx->pin.error);
	fprintf(out, "compiler: %s; flags: %s\n", ctx->compiler, ctx->cflags);
	fprintf(out,
		"method:   median of %u samples, each >= %g ms, after %g ms of warm-up; CLOCK_MONOTONIC (resolution %ld ns)\n",
		opts->repetitions, opts->min_sample_ms, opts->warmup_ms,
		ctx->clock_res_ns);
	if (opts->working_set == BENCH_WS_ALL)
		fprintf(out, "stream:   names every populated vSID");
	else
		fprintf(out,
			"stream:   names a working set of min(%u, populated) devices",
			opts->working_set);
	fprintf(out,
		"; vSIDs spread over 32 bits by a fixed bijection (docs/bench.md)\n");
	fprintf(out, "callgrind: %s\n",
		ctx->cg.available ? ctx->cg.version : ctx->cg.reason);
	if (opts->quick)
		fprintf(out,
			"quick:    tiny sizes, one sample each: a smoke test, not a measurement\n");
	fputc('\n', out);
}

/* ------------------------------------------------------------ table */

void bench_report_table(FILE *out, const struct bench_result *res, size_t n)
{
	size_t i;
	bool flagged = false;

	fprintf(out, "%-8s %-10s %-10s %-10s %5s %5s %4s %4s %8s %8s %8s %-7s %5s %3s %8s %6s\n",
		"bench", "backend", "profile", "mix", "batch", "vSIDs", "ws",
		"tlb", "median", "min", "max", "unit", "CV%", "out",
		"instr/op", "in-rw");
	for (i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];
		const struct bench_spec *s = &r->spec;
		char pop[16], ws[16], med[16], lo[16], hi[16], ins[16], inrw[16];
		char outl[8], tlb[16];

		bench_count_format(s->populated, pop, sizeof(pop));
		if (s->kind == BENCH_CHURN)
			snprintf(ws, sizeof(ws), "-");
		else if (s->working_set == BENCH_WS_ALL)
			snprintf(ws, sizeof(ws), "all");
		else
			bench_count_format(bench_spec_ws(s), ws, sizeof(ws));
		fprintf(out, "%-8s %-10s %-10s %-10s ", bench_kind_name(s->kind),
			s->backend, nestref_profile_name(s->profile),
			bench_mix_name(s->mix));
		if (s->kind == BENCH_CHURN)
			fprintf(out, "%5s ", "-");
		else
			fprintf(out, "%5u ", s->batch);
		if (s->cached)
			bench_count_format(s->cached, tlb, sizeof(tlb));
		else
			snprintf(tlb, sizeof(tlb), "-");
		fprintf(out, "%5s %4s %4s ", pop, ws, tlb);
		if (!r->ok) {
			fprintf(out, "%s: %s\n",
				r->not_measured ? "NOT MEASURED" : "FAILED",
				r->error);
			continue;
		}
		si(r->st.median, med, sizeof(med));
		si(r->st.min, lo, sizeof(lo));
		si(r->st.max, hi, sizeof(hi));
		if (r->instr_measured)
			snprintf(ins, sizeof(ins), "%.1f", r->instr_per_op);
		else
			snprintf(ins, sizeof(ins), "-");
		if (r->instr_in_rewrite_measured)
			snprintf(inrw, sizeof(inrw), "%.1f", r->instr_in_rewrite);
		else
			snprintf(inrw, sizeof(inrw), "-");
		snprintf(outl, sizeof(outl), "%u%s", r->st.mild + r->st.severe,
			 r->st.severe ? "!" : "");
		flagged |= r->st.severe > 0;
		fprintf(out, "%8s %8s %8s %-7s %5.1f %3s %8s %6s\n", med, lo, hi,
			short_unit(s), r->st.cv * 100, outl, ins, inrw);
	}
	fprintf(out,
		"\nmedian, min, max: operations per second over the samples; CV: standard\n"
		"deviation / mean; out: Tukey outliers (beyond 1.5 IQR; '!' beyond 3 IQR);\n"
		"ws: devices the command stream names; tlb: another tenant's TLB entries\n"
		"cached (sim; '-' none); instr/op: callgrind, the whole loop\n"
		"per operation; in-rw: of which inside the backend's rewrite\n"
		"(host_rewrite), per command; '-' not measured.\n");
	if (flagged)
		fprintf(out,
			"Rows marked '!' have a sample beyond 3 IQR: check their min and CV\n"
			"before trusting the median (was the machine busy?).\n");
}

/* ------------------------------------------------------------ kernel */

/* "1.23M" of a row's median, or "-" where there is no measured row. */
static void median_or_dash(const struct bench_result *r, char *buf,
			   size_t len)
{
	if (r && r->ok)
		si(r->st.median, buf, len);
	else
		snprintf(buf, len, "-");
}

/* "12.3%" or "4.56x" (a ratio), or "-". */
static void ratio_text(double v, bool percent, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (percent)
		snprintf(buf, len, "%.1f%%", v * 100);
	else
		snprintf(buf, len, "%.2fx", v);
}

void bench_report_kernel(FILE *out, const struct bench_context *ctx,
			 const struct bench_result *res, size_t n)
{
	char reason[256], pop[16], ws[16], k[16], io[16], mock[16], sim[16];
	char r1[16], r2[16], r3[16];
	const char *status =
		bench_kernel_status(res, n, &ctx->kernel_probe, reason, sizeof(reason));
	/* mode=vfio: SMMUv3 commands on a few real devices, no mock. */
	const struct bench_result *cmds = bench_kernel_commands(res, n);
	struct bench_ratio r;
	size_t i;

	if (strcmp(status, "ok") != 0) {
		fprintf(out, "\nkernel: %s: %s\n", status, reason);
		if (!strcmp(status, "not-measured"))
			fprintf(out, "kernel: %s\n", BENCH_KERNEL_HOW);
		return;
	}
	fprintf(out,
		"\nAgainst the real kernel, in this run on this CPU (linux-7.2, medians):\n");
	if (cmds)
		fprintf(out,
			"mode=vfio: the kernel rows on %u VFIO devices, a vSID each (no more\n"
			"vSIDs than devices); kernel, ioctl and sim run the same SMMUv3 commands.\n"
			"%5s %5s %4s %-10s %8s %8s %8s %8s %8s\n",
			cmds->spec.populated, "vSIDs", "batch", "ws", "mix",
			"kernel", "ioctl", "sim", "krn/ioc", "sim/krn");
	else
		fprintf(out, "%5s %5s %4s %8s %8s %8s %8s %8s %8s %8s\n",
			"vSIDs", "batch", "ws", "kernel", "ioctl", "mock", "sim",
			"krn/ioc", "mock/krn", "sim/krn");
	for (i = 0; i < n; i++) {
		if (!bench_kernel_ratio(res, n, &res[i], &r))
			continue;
		bench_count_format(r.populated, pop, sizeof(pop));
		bench_count_format(r.working_set, ws, sizeof(ws));
		median_or_dash(r.kernel, k, sizeof(k));
		median_or_dash(r.ioctl, io, sizeof(io));
		median_or_dash(r.mock, mock, sizeof(mock));
		median_or_dash(r.sim, sim, sizeof(sim));
		ratio_text(bench_ratio_of(r.kernel, r.ioctl), true, r1,
			   sizeof(r1));
		ratio_text(bench_ratio_of(r.mock, r.kernel), false, r2,
			   sizeof(r2));
		ratio_text(bench_ratio_of(r.sim, r.kernel), false, r3,
			   sizeof(r3));
		if (cmds)
			fprintf(out, "%5s %5u %4s %-10s %8s %8s %8s %8s %8s\n",
				pop, r.batch, ws,
				bench_mix_name(r.kernel->spec.mix), k, io, sim,
				r1, r3);
		else
			fprintf(out, "%5s %5u %4s %8s %8s %8s %8s %8s %8s %8s\n",
				pop, r.batch, ws, k, io, mock, sim, r1, r2, r3);
	}
	if (cmds)
		fprintf(out,
			"\nkernel, ioctl, sim: SMMUv3 commands/s of the row's mix (cfgi-cd: one vSID\n"
			"lookup each; tlbi-nh-va: the VMID forced, no lookup); krn/ioc: nestref's\n"
			"path through the kernel as a share of the bare ioctl; sim/krn: how many\n"
			"times the kernel's rate; '-' not in this run.  No mock: it takes\n"
			"selftest entries only.\n");
	else
		fprintf(out,
			"\nkernel, ioctl, mock: selftest entries/s; sim: %s commands/s (one vSID\n"
			"lookup each, as an entry); krn/ioc: nestref's path through the kernel as\n"
			"a share of the bare ioctl; mock/krn, sim/krn: how many times the kernel's\n"
			"rate; '-' not in this run.\n",
			bench_mix_name(BENCH_SIM_RATIO_MIX));
}

/* ------------------------------------------------------------ CSV */

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void bench_write_csv(FILE *f, const struct bench_result *res, size_t n)
{
	size_t i;

	fputs("name,backend,profile,mix,batch,populated,working_set,cached,unit,"
	      "ops_per_sample,samples,median,min,max,mean,stddev,cv,q1,q3,"
	      "outliers_mild,outliers_severe,instructions_per_op,"
	      "instructions_in_rewrite,status,error\n",
	      f);
	for (i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];
		const struct bench_spec *s = &r->spec;

		fprintf(f, "%s,%s,%s,%s,%u,%u,", bench_kind_name(s->kind),
			s->backend, nestref_profile_name(s->profile),
			bench_mix_name(s->mix), s->batch, s->populated);
		if (s->kind == BENCH_CHURN)
			fputc(',', f);
		else if (s->working_set == BENCH_WS_ALL)
			fputs("all,", f);
		else
			fprintf(f, "%u,", bench_spec_ws(s));
		fprintf(f, "%u,%s,", s->cached, bench_unit(s));
		if (r->ok)
			fprintf(f, "%llu,%zu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%u,%u,",
				(unsigned long long)r->ops_per_sample,
				r->n_samples, r->st.median, r->st.min,
				r->st.max, r->st.mean, r->st.stddev, r->st.cv,
				r->st.q1, r->st.q3, r->st.mild, r->st.severe);
		else
			fputs(",,,,,,,,,,,,", f);
		if (r->instr_measured)
			fprintf(f, "%.3f,", r->instr_per_op);
		else
			fputc(',', f);
		if (r->instr_in_rewrite_measured)
			fprintf(f, "%.3f,", r->instr_in_rewrite);
		else
			fputc(',', f);
		fputs(r->ok		? "ok," :
		      r->not_measured ? "not-measured," :
					"failed,",
		      f);
		csv_str(f, r->ok ? "" : r->error);
		fputc('\n', f);
	}
}

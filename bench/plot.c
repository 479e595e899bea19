/* SPDX-License-Identifier: MIT */
/*
 * --plot DIR (issue 5 point 4): gnuplot data files and scripts, then
 * gnuplot (Debian's gnuplot-nox) for SVG and PNG.
 *
 *  - throughput-vs-batch: operations per second against the batch size,
 *    one line per backend path (rewrite and sim of the unmap mix on
 *    smmuv3-sim, the mock's selftest entries), 64k vSIDs, the default
 *    working set; one panel per profile; the targets as grey lines;
 *  - throughput-vs-vsids: operations per second against the populated
 *    vSIDs at batch 64 (rewrite and sim of cfgi-cd, a lookup per command;
 *    the mock), with the default working set (solid), one device in the
 *    stream (dotted) and the whole population as working set (dashed);
 *    one panel per profile.
 *
 * Every series is a file NAME.dat of "x median min max" lines, in millions
 * of operations per second.  The scripts can be run again by hand:
 * `cd DIR && gnuplot throughput-vs-batch.gp`.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"
#include "spawn.h"

#define PLOT_BATCH_POP 65536u
#define PLOT_POP_BATCH 64u
#define N_PROFILES 2

static const enum nestref_profile plot_profiles[N_PROFILES] = {
	NESTREF_PROFILE_LINUX_7_2, NESTREF_PROFILE_LINUX_7_4
};

/* Which streams a line takes (the working set). */
enum ws_class {
	WS_DEFAULT, /* the run's working set: min(256, populated) devices */
	WS_EVERY,   /* every populated vSID */
	WS_SINGLE,  /* one device, at every population (the scaling target) */
};

/* A line of a panel: which results it takes, how it looks. */
struct series {
	enum bench_kind kind;
	enum bench_mix mix;
	enum ws_class ws;
	const char *title;
	const char *style; /* gnuplot line style options */
};

struct chart {
	const char *name;  /* file stem */
	const char *xlabel;
	bool by_batch;     /* x is the batch size, else populated vSIDs */
	const struct series *series;
	size_t n_series;
	bool targets;      /* draw the rewrite and sim targets */
	const char *key;   /* where the key goes, clear of the lines */
};

static const struct series batch_series[] = {
	{ BENCH_REWRITE, MIX_UNMAP, WS_DEFAULT, "rewrite alone (unmap mix)",
	  "lc rgb '#1f77b4' lw 2 pt 7" },
	{ BENCH_SIM, MIX_UNMAP, WS_DEFAULT, "whole simulated path (unmap mix)",
	  "lc rgb '#d62728' lw 2 pt 5" },
	{ BENCH_MOCK, MIX_SELFTEST, WS_DEFAULT, "mock (selftest entries)",
	  "lc rgb '#2ca02c' lw 2 pt 9" },
};

static const struct series vsid_series[] = {
	{ BENCH_REWRITE, MIX_CFGI_CD, WS_DEFAULT, "rewrite alone (cfgi-cd)",
	  "lc rgb '#1f77b4' lw 2 pt 7" },
	{ BENCH_SIM, MIX_CFGI_CD, WS_DEFAULT, "whole simulated path (cfgi-cd)",
	  "lc rgb '#d62728' lw 2 pt 5" },
	{ BENCH_MOCK, MIX_SELFTEST, WS_DEFAULT, "mock (selftest entries)",
	  "lc rgb '#2ca02c' lw 2 pt 9" },
	{ BENCH_REWRITE, MIX_CFGI_CD, WS_SINGLE, "rewrite, one device in the stream",
	  "lc rgb '#1f77b4' lw 1 dt 3 pt 1" },
	{ BENCH_MOCK, MIX_SELFTEST, WS_SINGLE, "mock, one device in the stream",
	  "lc rgb '#2ca02c' lw 1 dt 3 pt 1" },
	{ BENCH_REWRITE, MIX_CFGI_CD, WS_EVERY, "rewrite, every vSID in the stream",
	  "lc rgb '#1f77b4' lw 2 dt 2 pt 6" },
	{ BENCH_SIM, MIX_CFGI_CD, WS_EVERY, "sim, every vSID in the stream",
	  "lc rgb '#d62728' lw 2 dt 2 pt 4" },
	{ BENCH_MOCK, MIX_SELFTEST, WS_EVERY, "mock, every vSID in the stream",
	  "lc rgb '#2ca02c' lw 2 dt 2 pt 8" },
};

/* A stream of the line's kind.  The 1-vSID rows belong to the default
 * and the single-device lines alike: they start both. */
static bool in_ws_class(const struct bench_spec *p, enum ws_class ws)
{
	if (p->working_set == BENCH_WS_ALL)
		return ws == WS_EVERY;
	if (ws == WS_SINGLE)
		return bench_spec_ws(p) == 1;
	return ws == WS_DEFAULT && p->working_set != 1;
}

static const struct chart charts[] = {
	{ "throughput-vs-batch", "batch size (commands or entries per call)", true, batch_series,
	  sizeof(batch_series) / sizeof(batch_series[0]), true,
	  "bottom right" },
	{ "throughput-vs-vsids", "populated vSIDs (spread over 32 bits)", false, vsid_series,
	  sizeof(vsid_series) / sizeof(vsid_series[0]), false,
	  "bottom left" },
};

/* fixed: the populated vSIDs of a batch chart, the batch of the other. */
static bool in_series(const struct bench_result *r, const struct chart *c,
		      const struct series *s, enum nestref_profile profile,
		      uint32_t fixed)
{
	const struct bench_spec *p = &r->spec;

	if (!r->ok || p->kind != s->kind || p->mix != s->mix ||
	    p->profile != profile || p->cached ||
	    !in_ws_class(p, s->ws))
		return false;
	return (c->by_batch ? p->populated : p->batch) == fixed;
}

/*
 * The chart's fixed parameter: 64k vSIDs or batch 64 when the run has
 * them, else (a short run, --quick) the first benchmark's.
 */
static uint32_t chart_fixed(const struct chart *c,
			    const struct bench_result *res, size_t n)
{
	uint32_t want = c->by_batch ? PLOT_BATCH_POP : PLOT_POP_BATCH;
	size_t i;

	for (i = 0; i < n; i++)
		if (res[i].ok && res[i].spec.kind != BENCH_CHURN &&
		    (c->by_batch ? res[i].spec.populated : res[i].spec.batch) ==
			    want)
			return want;
	for (i = 0; i < n; i++)
		if (res[i].ok && res[i].spec.kind != BENCH_CHURN)
			return c->by_batch ? res[i].spec.populated :
					     res[i].spec.batch;
	return want;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Writes one series' data file, sorted by x; the number of points, or
 * -errno.
 */
static int write_series(const char *dir, const char *file,
			const struct chart *c, const struct series *s,
			enum nestref_profile profile, uint32_t fixed,
			const struct bench_result *res, size_t n)
{
	char path[PATH_MAX];
	uint32_t *xs;
	size_t i, k, m = 0;
	FILE *f;
	int rc = 0;

	xs = malloc((n ? n : 1) * sizeof(*xs));
	if (!xs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (in_series(&res[i], c, s, profile, fixed))
			xs[m++] = c->by_batch ? res[i].spec.batch :
						res[i].spec.populated;
	qsort(xs, m, sizeof(*xs), cmp_u32);
	if (!m) {
		free(xs);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f) {
		rc = -errno;
		free(xs);
		return rc;
	}
	fprintf(f, "# %s, %s: x median min max (million %s)\n", s->title,
		nestref_profile_name(profile), bench_unit(s->kind));
	for (k = 0; k < m; k++)
		for (i = 0; i < n; i++) {
			const struct bench_result *r = &res[i];
			uint32_t x = c->by_batch ? r->spec.batch :
						   r->spec.populated;

			if (x == xs[k] && in_series(r, c, s, profile, fixed)) {
				fprintf(f, "%u %.6g %.6g %.6g\n", x,
					r->st.median / 1e6, r->st.min / 1e6,
					r->st.max / 1e6);
				break;
			}
		}
	if (fclose(f))
		rc = -EIO;
	free(xs);
	return rc ? rc : (int)m;
}

/* The plotting commands of one chart for one terminal. */
static void write_plot(FILE *f, const struct chart *c, const char *title,
		       const bool have[][N_PROFILES], const char *terminal,
		       const char *output, const char *footnote)
{
	size_t p, s;
	bool first;

	fprintf(f, "set terminal %s\nset output '%s'\n", terminal, output);
	fprintf(f, "set multiplot layout 1,2 title \"%s\\n{/*0.8 %s}\"\n",
		title, footnote);
	for (p = 0; p < N_PROFILES; p++) {
		fprintf(f, "set title '%s'\n", nestref_profile_name(plot_profiles[p]));
		if (c->targets)
			fputs("set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead dt 3 lc rgb '#888888'\n"
			      "set label 1 'rewrite target 100 M/s' at graph 0.98, first 80 right tc rgb '#666666' font ',9'\n"
			      "set arrow 2 from graph 0, first 10 to graph 1, first 10 nohead dt 3 lc rgb '#888888'\n"
			      "set label 2 'sim target 10 M/s' at graph 0.98, first 8 right tc rgb '#666666' font ',9'\n",
			      f);
		first = true;
		for (s = 0; s < c->n_series; s++) {
			if (!have[s][p])
				continue;
			fprintf(f, "%s'%s-%zu-%s.dat' using 1:2:3:4 with yerrorlines %s title '%s'",
				first ? "plot " : ", \\\n     ", c->name, s,
				nestref_profile_name(plot_profiles[p]),
				c->series[s].style, c->series[s].title);
			first = false;
		}
		/* gnuplot refuses a plot without points: say so instead. */
		if (first)
			fprintf(f, "set label 3 'no data' at graph 0.5, graph 0.6 center\n"
				   "unset key\nplot 1 lc rgb 'white' notitle\n"
				   "unset label 3\nset key %s box opaque font ',9'",
				c->key);
		fputc('\n', f);
	}
	fputs("unset multiplot\nunset output\n", f);
}

/* One chart: its data files and its script; 0 or -errno. */
static int write_chart(const char *dir, const struct chart *c,
		       const struct bench_context *ctx,
		       const struct bench_result *res, size_t n)
{
	bool have[8][N_PROFILES] = { { false } };
	char path[PATH_MAX], file[128], foot[256], title[160], fixed_s[16];
	uint32_t fixed = chart_fixed(c, res, n);
	size_t s, p;
	FILE *f;
	int rc;

	for (s = 0; s < c->n_series && s < 8; s++)
		for (p = 0; p < N_PROFILES; p++) {
			snprintf(file, sizeof(file), "%s-%zu-%s.dat", c->name, s,
				 nestref_profile_name(plot_profiles[p]));
			rc = write_series(dir, file, c, &c->series[s],
					  plot_profiles[p], fixed, res, n);
			if (rc < 0)
				return rc;
			have[s][p] = rc > 0;
		}
	bench_count_format(fixed, fixed_s, sizeof(fixed_s));
	if (c->by_batch)
		snprintf(title, sizeof(title),
			 "Throughput against batch size (smmuv3-sim and mock, %s vSIDs)",
			 fixed_s);
	else
		snprintf(title, sizeof(title),
			 "Throughput against populated vSIDs (batch %s)",
			 fixed_s);
	snprintf(foot, sizeof(foot),
		 "median of the samples, bars from min to max; %.60s, %.60s, %.24s",
		 ctx->cpu_model, ctx->compiler, ctx->date);
	snprintf(path, sizeof(path), "%s/%s.gp", dir, c->name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "# %s: written by %s %s; run in this folder: gnuplot %s.gp\n",
		c->name, BENCH_PROGRAM, ctx->bench_version, c->name);
	fprintf(f, "set logscale x %d\nset logscale y 10\n",
		c->by_batch ? 2 : 10);
	fprintf(f, "set xlabel '%s'\nset ylabel 'million operations per second'\n",
		c->xlabel);
	fprintf(f, "set key %s box opaque font ',9'\n", c->key);
	fputs("set grid xtics ytics mytics lc rgb '#dddddd'\n"
	      "set format y '%g'\nset yrange [*:*]\nset offsets graph 0.04, graph 0.04, 0, 0\n",
	      f);
	if (c->by_batch)
		fputs("set xtics ('1' 1, '16' 16, '' 63, '64' 64, '256' 256, '4096' 4096)\n",
		      f);
	else
		fputs("set xtics ('1' 1, '1k' 1024, '64k' 65536, '1M' 1048576)\n",
		      f);
	snprintf(file, sizeof(file), "%s.svg", c->name);
	write_plot(f, c, title, have,
		   "svg size 1100,500 dynamic enhanced font 'sans,11' background rgb 'white'",
		   file, foot);
	snprintf(file, sizeof(file), "%s.png", c->name);
	write_plot(f, c, title, have,
		   "pngcairo size 1100,500 enhanced font 'sans,10' background rgb 'white'",
		   file, foot);
	return fclose(f) ? -EIO : 0;
}

int bench_plot(const char *dir, const struct bench_context *ctx,
	       const struct bench_result *res, size_t n, char *msg,
	       size_t msg_len)
{
	char gnuplot[PATH_MAX], script[128], err[PATH_MAX], line[256];
	char *argv[3];
	size_t c;
	int rc;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		rc = -errno;
		snprintf(msg, msg_len, "cannot create %s: %s", dir,
			 strerror(-rc));
		return rc;
	}
	for (c = 0; c < sizeof(charts) / sizeof(charts[0]); c++) {
		rc = write_chart(dir, &charts[c], ctx, res, n);
		if (rc) {
			snprintf(msg, msg_len, "writing %s/%s: %s", dir,
				 charts[c].name, strerror(-rc));
			return rc;
		}
	}
	if (!bench_find_program("gnuplot", gnuplot, sizeof(gnuplot))) {
		snprintf(msg, msg_len,
			 "gnuplot not found: data and scripts are in %s, no images (Debian: apt-get install gnuplot-nox)",
			 dir);
		return -ENOENT;
	}
	snprintf(err, sizeof(err), "%s/gnuplot.log", dir);
	for (c = 0; c < sizeof(charts) / sizeof(charts[0]); c++) {
		snprintf(script, sizeof(script), "%s.gp", charts[c].name);
		argv[0] = gnuplot;
		argv[1] = script;
		argv[2] = NULL;
		rc = bench_spawn(argv, dir, NULL, err);
		if (rc != 0) {
			bench_last_line(err, line, sizeof(line));
			snprintf(msg, msg_len, "gnuplot %s failed (exit %d)%s%s",
				 script, rc, line[0] ? ": " : "", line);
			return -EIO;
		}
	}
	remove(err);
	snprintf(msg, msg_len, "plots written to %s (SVG and PNG)", dir);
	return 0;
}

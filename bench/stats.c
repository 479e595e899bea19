/* SPDX-License-Identifier: MIT */
/*
 * Statistics of one benchmark's samples (style.md 2.3): median as the
 * headline, min, max, mean, sample standard deviation, coefficient of
 * variation, quartiles by linear interpolation between order statistics,
 * and Tukey's fences: a sample beyond 1.5 IQR from the quartiles is a mild
 * outlier, beyond 3 IQR a severe one.  Outliers are counted, never dropped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile of sorted[0, n), interpolating (Hyndman and Fan type 7). */
static double quantile(const double *sorted, size_t n, double q)
{
	double h = q * (double)(n - 1);
	size_t lo = (size_t)h;

	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

void bench_stats_compute(const double *samples, size_t n,
			 struct bench_stats *st)
{
	double *s, sum = 0, var = 0, iqr;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->n = n;
	if (!n)
		return;
	s = malloc(n * sizeof(*s));
	if (!s)
		return;
	memcpy(s, samples, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	st->min = s[0];
	st->max = s[n - 1];
	st->median = quantile(s, n, 0.5);
	st->q1 = quantile(s, n, 0.25);
	st->q3 = quantile(s, n, 0.75);
	for (i = 0; i < n; i++)
		sum += s[i];
	st->mean = sum / (double)n;
	for (i = 0; i < n; i++)
		var += (s[i] - st->mean) * (s[i] - st->mean);
	st->stddev = n > 1 ? sqrt(var / (double)(n - 1)) : 0;
	st->cv = st->mean > 0 ? st->stddev / st->mean : 0;
	iqr = st->q3 - st->q1;
	for (i = 0; i < n; i++) {
		if (s[i] < st->q1 - 3 * iqr || s[i] > st->q3 + 3 * iqr)
			st->severe++;
		else if (s[i] < st->q1 - 1.5 * iqr || s[i] > st->q3 + 1.5 * iqr)
			st->mild++;
	}
	free(s);
}

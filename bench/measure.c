/* SPDX-License-Identifier: MIT */
/*
 * How a benchmark is measured (issue 5 point 3, style.md 2.3): the
 * process pinned to one CPU, CLOCK_MONOTONIC, a calibration that finds
 * how many iterations last at least the minimum sample time, a warm-up
 * that is thrown away, then the repetitions, each one sample of
 * operations per second.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) +
	       (uint64_t)ts.tv_nsec;
}

void bench_pin(int cpu, struct bench_pin *pin)
{
	cpu_set_t set;
	int i;

	pin->cpu = -1;
	pin->error[0] = '\0';
	if (cpu < 0) {
		/* The highest CPU allowed: CPU 0 takes most interrupts. */
		CPU_ZERO(&set);
		if (sched_getaffinity(0, sizeof(set), &set)) {
			snprintf(pin->error, sizeof(pin->error),
				 "sched_getaffinity: %s", strerror(errno));
			return;
		}
		for (i = CPU_SETSIZE - 1; i >= 0 && !CPU_ISSET(i, &set); i--)
			;
		if (i < 0) {
			snprintf(pin->error, sizeof(pin->error),
				 "no CPU in the affinity mask");
			return;
		}
		cpu = i;
	}
	if (cpu >= CPU_SETSIZE) {
		snprintf(pin->error, sizeof(pin->error), "CPU %d out of range",
			 cpu);
		return;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		snprintf(pin->error, sizeof(pin->error),
			 "sched_setaffinity to CPU %d: %s", cpu,
			 strerror(errno));
		return;
	}
	pin->cpu = cpu;
}

bool bench_cpu_allowed(int cpu, char *list, size_t len)
{
	size_t used = 0;
	cpu_set_t set;
	int i, j, n;

	list[0] = '\0';
	CPU_ZERO(&set);
	/* Unknown: bench_pin will say why it could not pin. */
	if (sched_getaffinity(0, sizeof(set), &set))
		return true;
	/* "0-3,6": the ranges of the mask. */
	for (i = 0; i < CPU_SETSIZE; i = j) {
		if (!CPU_ISSET(i, &set)) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < CPU_SETSIZE && CPU_ISSET(j, &set); j++)
			;
		n = j - 1 > i ? snprintf(list + used, len - used, "%s%d-%d",
					 used ? "," : "", i, j - 1) :
				snprintf(list + used, len - used, "%s%d",
					 used ? "," : "", i);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set);
}

/* Runs iters iterations; their duration in ns (at least 1), 0 on error. */
static uint64_t timed(struct bench_workload *wl, uint64_t iters,
		      struct bench_result *res)
{
	uint64_t t0, t1;

	t0 = bench_now_ns();
	if (bench_workload_run(wl, iters, res->error, sizeof(res->error)))
		return 0;
	t1 = bench_now_ns();
	return t1 > t0 ? t1 - t0 : 1;
}

int bench_measure(struct bench_workload *wl, const struct bench_options *opts,
		  struct bench_result *res)
{
	double min_ns = opts->min_sample_ms * 1e6;
	uint64_t ops = bench_workload_ops(wl), iters = 1, dt, spent;
	size_t r;

	res->ok = false;
	res->samples = calloc(opts->repetitions, sizeof(*res->samples));
	if (!res->samples) {
		snprintf(res->error, sizeof(res->error), "out of memory");
		return -ENOMEM;
	}
	/* Calibration: grow until one sample lasts the minimum time; aim a
	 * quarter above it so noise does not push samples below. */
	for (;;) {
		dt = timed(wl, iters, res);
		if (!dt)
			return -EIO;
		if ((double)dt >= min_ns)
			break;
		if ((double)dt * 10 < min_ns)
			iters *= 10;
		else
			iters = (uint64_t)((double)iters * 1.25 * min_ns /
					   (double)dt) + 1;
	}
	/* Warm-up: caches, branch predictors, the CPU's clock. */
	for (spent = dt; (double)spent < opts->warmup_ms * 1e6; spent += dt) {
		dt = timed(wl, iters, res);
		if (!dt)
			return -EIO;
	}
	res->iters = iters;
	res->ops_per_sample = iters * ops;
	for (r = 0; r < opts->repetitions; r++) {
		dt = timed(wl, iters, res);
		if (!dt)
			return -EIO;
		res->samples[r] = (double)res->ops_per_sample * 1e9 / (double)dt;
	}
	res->n_samples = opts->repetitions;
	bench_stats_compute(res->samples, res->n_samples, &res->st);
	res->ok = true;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The vector runner: runs loaded vector files against one backend under
 * one profile and reports TAP version 13 (spec/vectors.md section 5).
 */
#ifndef NESTREF_VECTORS_RUNNER_H
#define NESTREF_VECTORS_RUNNER_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <nestref/vectors.h>

#include "record.h"
#include "vector.h"

/* Exit statuses of `nestref run` (spec/vectors.md 5, style.md 0.6). */
#define RUNNER_EXIT_OK NESTREF_VEC_EXIT_OK
#define RUNNER_EXIT_FAILED NESTREF_VEC_EXIT_FAILED
#define RUNNER_EXIT_USAGE NESTREF_VEC_EXIT_USAGE
#define RUNNER_EXIT_UNAVAILABLE NESTREF_VEC_EXIT_UNAVAILABLE

/* Seconds a run takes before progress_late shows progress. */
#define RUNNER_PROGRESS_AFTER 2

struct runner_opts {
	/* backend (NULL: the library's default), backend_options, profile,
	 * rules_off; ext_opts and page_size come from each file */
	struct nestref_ctx_opts ctx;
	/* NULL: every test; else only this test of the one file given */
	const struct vec_test *only;
	FILE *out;     /* TAP */
	FILE *err;     /* summary, progress, errors */
	bool progress; /* a progress line on err, rewritten in place */
	bool progress_late; /* only once the run took RUNNER_PROGRESS_AFTER */
	bool quiet;    /* no summary line on err; errors still go there */
	bool partial;  /* NESTREF_VEC_PARTIAL */
	bool applicable; /* NESTREF_VEC_APPLICABLE */
	/* Capabilities the run must have (nestref_vec_run_opts.expect_caps) */
	uint32_t expect_caps;
	/* NULL, or where each test's verdict is recorded for the JSON and
	 * JUnit reports (record.h) */
	struct record *record;
};

/* Why tests were skipped, as the summary groups them. */
enum runner_skip_kind {
	RUNNER_SKIP_CAPS,    /* the backend lacks capabilities */
	RUNNER_SKIP_PROFILE, /* the file does not cover the profile */
	RUNNER_SKIP_OTHER,   /* another reason (the backend's page size) */
};

#define RUNNER_SKIP_GROUPS 8

struct runner_summary {
	size_t passed;
	size_t passed_partly; /* ok, some checks not made for a capability */
	size_t failed;
	size_t skipped;
	/* For nestref_vec_result_reason(): the first of each. */
	uint32_t missing;      /* capabilities the partly passed tests missed */
	char skip[256];        /* the first skip's reason */
	char failed_test[256]; /* the first failed test, "id/tc" */
	char stopped[512];     /* why nothing ran (or the run stopped) */
	/* Tests skipped, and tests checked in part, for lacking each
	 * capability, by bit number (for expect_caps). */
	size_t cap_skipped[32];
	size_t cap_partly[32];
	/*
	 * The skips by reason, for the summary: each with a hint at what
	 * runs them (a backend, a profile); the rest counted in one line.
	 */
	struct runner_skip_group {
		enum runner_skip_kind kind;
		uint32_t caps; /* RUNNER_SKIP_CAPS: what the tests need */
		char why[160]; /* RUNNER_SKIP_OTHER: the reason */
		size_t n;
	} skip_groups[RUNNER_SKIP_GROUPS];
	size_t n_skip_groups;
	size_t skip_ungrouped;
	/* NESTREF_VEC_APPLICABLE: files not run, their tests, what they need */
	size_t left_out_files, left_out_tests;
	uint32_t left_out_caps;
};

/* A run in progress: runner_begin(), runner_file() for each, runner_end(). */
struct run_state {
	const struct runner_opts *opts;
	struct nestref_ctx_opts copts; /* what every test's context gets */
	struct runner_summary *sum;
	uint32_t caps; /* the backend's, from the probe */
	size_t number;
	size_t total;
	size_t files;      /* the run's files, set by the caller; 0: unknown */
	size_t files_done;
	struct timespec start; /* CLOCK_MONOTONIC at runner_begin() */
	bool showing;      /* a progress line is on err */
	bool unavailable;
	char unavailable_msg[256];
};

/*
 * Opens one context to probe the backend, then prints the plan of total
 * tests.  Returns RUNNER_EXIT_OK, or the status to end with at once (the
 * backend is unavailable or the options are bad).  The caller has checked
 * that the files' ids are unique (files.c).
 */
int runner_begin(struct run_state *st, const struct runner_opts *opts,
		 size_t total, struct runner_summary *sum);
/*
 * runner_begin() in two: the probe (after which st->caps is known), then
 * the plan, for a caller that chooses the files by the backend's
 * capabilities (NESTREF_VEC_APPLICABLE).
 */
int runner_probe_backend(struct run_state *st, const struct runner_opts *opts,
			 struct runner_summary *sum);
void runner_plan(struct run_state *st, size_t total);
/*
 * NESTREF_VEC_APPLICABLE: whether a file needing `requires` is left out
 * (the backend lacks one of them, --partial's observations aside); if so
 * it is counted in the summary, with its tests.
 */
bool runner_leave_out(struct run_state *st, uint32_t requires, size_t tests);
/* The same test without counting: whether a file needing requires runs. */
bool runner_applies(const struct run_state *st, uint32_t requires);
/* Runs every test of file (or opts->only), each in a fresh context. */
void runner_file(struct run_state *st, const struct vec_file *file);
/* False once the backend went away: the caller runs no more files. */
bool runner_going(const struct run_state *st);
/* runner-skips.c: the skip groups and the files left out, on err. */
void runner_skips_print(const struct run_state *st, const char *backend);
/* The same lines into the JSON report (opts->record), if one is written. */
void runner_skips_record(const struct run_state *st, const char *backend);
/* Whether every test was skipped or left out (the run exits 77). */
bool runner_nothing_ran(const struct runner_summary *sum);

/* The summary and expect_caps; one of the RUNNER_EXIT_* values. */
int runner_end(struct run_state *st);

/* The three above for files already loaded (one file, or opts->only). */
int runner_run(const struct runner_opts *opts, struct vec_file *const *files,
	       size_t n_files, struct runner_summary *sum);

#endif /* NESTREF_VECTORS_RUNNER_H */

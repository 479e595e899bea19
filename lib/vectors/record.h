/* SPDX-License-Identifier: MIT */
/*
 * The machine-readable reports of a run (spec/report.md): the runner
 * records each test's verdict here as it reports the test in TAP, and at
 * the end the record is written as the JSON report (format
 * nestref/report-1, built with jansson) and as JUnit XML.
 *
 * Every function takes a NULL record quietly, so that the runner calls
 * them whether or not a report was asked for.  An allocation that fails
 * is remembered; the writers then return -ENOMEM.
 */
#ifndef NESTREF_VECTORS_RECORD_H
#define NESTREF_VECTORS_RECORD_H

#include <stdint.h>
#include <stdio.h>

#include <nestref/vectors.h>

#include "runner-step.h"

struct record;

/* What the run is: backend, its options, profile and rules off. */
struct record *record_new(const struct nestref_ctx_opts *ctx);
void record_free(struct record *rec);

/* The capabilities the backend answered the run's probe with. */
void record_caps(struct record *rec, uint32_t caps);

/*
 * A test's verdict (pass, pass-partly, skip or a failure before its first
 * step).  reason: a skip's reason, or a failure's message; NULL for a
 * pass.  not_made and missing: STEP_CHECK_* bits and capabilities of the
 * checks a passed test could not make.
 */
void record_test(struct record *rec, const struct vec_file *file,
		 const struct vec_test *test, enum nestref_vec_verdict verdict,
		 const char *reason, unsigned int not_made, uint32_t missing);

/* A test that failed at a step, with what was expected and what came back. */
void record_failed_step(struct record *rec, const struct vec_file *file,
			const struct vec_test *test, size_t step_index,
			const struct step_got *got,
			const struct step_verdict *verdict);

/*
 * A line of the skip summary (report.md 2.2): tests skipped for one
 * reason, or with files not 0, the files left out (--only-applicable).
 */
void record_skips(struct record *rec, size_t tests, size_t files,
		  const char *why);

/* The run's exit status, and why it stopped early (NULL or "": it did not). */
void record_end(struct record *rec, int status, const char *stopped);

/* Write the report: 0, -ENOMEM, or -EIO when out could not be written. */
int record_write_json(const struct record *rec, FILE *out);
int record_write_junit(const struct record *rec, FILE *out);

#endif /* NESTREF_VECTORS_RECORD_H */

/* SPDX-License-Identifier: MIT */
/*
 * Runs vector files: every test in a fresh context (spec/vectors.md 1,
 * "applied afresh before EVERY test"), its steps in order until the first
 * failing one, and a TAP line per test (section 5).
 */
#include <errno.h>
#include <string.h>

#include <nestref/smmuv3.h>

#include "runner-report.h"
#include "runner.h"

/* Counts a skip in its group (runner_summary.skip_groups). */
static void runner_skip_group(struct runner_summary *sum,
			      enum runner_skip_kind kind, uint32_t caps,
			      const char *why)
{
	struct runner_skip_group *g;
	size_t i;

	if (kind != RUNNER_SKIP_OTHER)
		why = "";
	for (i = 0; i < sum->n_skip_groups; i++) {
		g = &sum->skip_groups[i];
		if (g->kind == kind && g->caps == caps &&
		    !strncmp(g->why, why, sizeof(g->why) - 1)) {
			g->n++;
			return;
		}
	}
	if (sum->n_skip_groups == RUNNER_SKIP_GROUPS) {
		sum->skip_ungrouped++;
		return;
	}
	g = &sum->skip_groups[sum->n_skip_groups++];
	g->kind = kind;
	g->caps = caps;
	snprintf(g->why, sizeof(g->why), "%s", why);
	g->n = 1;
}

/* A test reported as skipped, and why (grouped for the summary). */
static void runner_skipped(struct run_state *st, const char *why,
			   enum runner_skip_kind kind, uint32_t caps)
{
	st->sum->skipped++;
	if (!st->sum->skip[0])
		snprintf(st->sum->skip, sizeof(st->sum->skip), "%s", why);
	runner_skip_group(st->sum, kind, caps, why);
}

/* Counts a test skipped (or checked in part) for lacking capabilities. */
static void runner_missed_caps(size_t *count, uint32_t missing)
{
	unsigned int i;

	for (i = 0; i < 32; i++)
		if (missing & (UINT32_C(1) << i))
			count[i]++;
}

static void runner_failed(struct run_state *st, const struct report_test *t)
{
	st->sum->failed++;
	if (!st->sum->failed_test[0])
		snprintf(st->sum->failed_test, sizeof(st->sum->failed_test),
			 "%s/%ld", t->file->id, t->test->tc);
}

/*
 * The capabilities a file requires and the backend lacks, less, for a
 * --partial run, the observations: without them the steps still run and
 * only their checks are not made (spec/vectors.md 2.3).
 */
static uint32_t runner_missing_of(const struct run_state *st,
				  uint32_t requires, uint32_t caps)
{
	uint32_t missing = requires & ~caps;

	if (st->opts->partial)
		missing &= ~(uint32_t)(NESTREF_CAP_OBSERVE_ISSUED |
				       NESTREF_CAP_OBSERVE_CACHES |
				       NESTREF_CAP_OBSERVE_HW_INFO |
				       NESTREF_CAP_CHECK_CACHE);
	return missing;
}

static uint32_t runner_missing(const struct run_state *st,
			       const struct vec_file *file, uint32_t caps)
{
	return runner_missing_of(st, file->requires, caps);
}

bool runner_applies(const struct run_state *st, uint32_t requires)
{
	return !st->opts->applicable ||
	       !runner_missing_of(st, requires, st->caps);
}

bool runner_leave_out(struct run_state *st, uint32_t requires, size_t tests)
{
	if (runner_applies(st, requires))
		return false;
	st->sum->left_out_files++;
	st->sum->left_out_tests += tests;
	st->sum->left_out_caps |= runner_missing_of(st, requires, st->caps);
	return true;
}

/* Why a whole file does not run here, or NULL. */
static const char *runner_file_skip(const struct run_state *st,
				    const struct vec_file *file,
				    uint32_t caps, char *buf, size_t len)
{
	if (!(file->profiles & NESTREF_PROFILE_BIT(st->copts.profile))) {
		snprintf(buf, len, "profile %s not covered by this file",
			 nestref_profile_name(st->copts.profile));
		return buf;
	}
	if (runner_missing(st, file, caps)) {
		report_caps(buf, len, "missing", runner_missing(st, file, caps));
		return buf;
	}
	return NULL;
}

/* Whether the run has taken RUNNER_PROGRESS_AFTER seconds. */
static bool runner_slow(const struct run_state *st)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now))
		return true;
	return now.tv_sec - st->start.tv_sec > RUNNER_PROGRESS_AFTER ||
	       (now.tv_sec - st->start.tv_sec == RUNNER_PROGRESS_AFTER &&
		now.tv_nsec >= st->start.tv_nsec);
}

/*
 * Before each test: the tests and files done, the failures so far and the
 * file running, on one line of err rewritten in place.  With progress_late
 * (a terminal) only once the run is slow, so that a quick run leaves err
 * as it was (CI and the tests compare it).
 */
static void runner_progress(struct run_state *st, const struct vec_file *file)
{
	FILE *err = st->opts->err;

	if (!st->opts->progress ||
	    (st->opts->progress_late && !st->showing && !runner_slow(st)))
		return;
	st->showing = true;
	fprintf(err, "\r\033[K[%zu/%zu tests", st->number - 1, st->total);
	if (st->files)
		fprintf(err, ", %zu/%zu files", st->files_done, st->files);
	fprintf(err, ", %zu failed] ", st->sum->failed);
	nestref_vec_escape_fputs(err, file->path, 0);
	fflush(err);
}

/* Runs one test's steps and reports it. */
static void runner_test(struct run_state *st, const struct vec_file *file,
			const struct vec_test *test)
{
	struct report_test t = { st->opts->out, ++st->number, file, test };
	struct step_verdict total = { 0 }, v;
	struct test_env env;
	struct step_got got;
	uint32_t missing = 0;
	char msg[256] = "";
	size_t i;
	int rc;

	runner_progress(st, file);
	rc = env_open(&env, file, &st->copts, &missing, msg, sizeof(msg));
	if (rc == -ENODEV) {
		st->unavailable = true;
		snprintf(st->unavailable_msg, sizeof(st->unavailable_msg),
			 "%s", msg);
		return;
	}
	if (rc == -EOPNOTSUPP) {
		/* The backend cannot be this file's machine (its page size). */
		report_ok(&t, msg);
		record_test(st->opts->record, file, test, NESTREF_VEC_SKIP, msg,
			    0, 0);
		runner_skipped(st, msg, RUNNER_SKIP_OTHER, 0);
		return;
	}
	if (rc) {
		report_not_ok_setup(&t, msg);
		record_test(st->opts->record, file, test, NESTREF_VEC_FAIL, msg,
			    0, 0);
		runner_failed(st, &t);
		return;
	}
	if (missing) {
		total.not_made |= STEP_CHECK_SETUP_CACHES;
		total.missing |= missing;
	}
	for (i = 0; i < test->n_steps; i++) {
		rc = step_run(&env, &test->steps[i], &got);
		if (!rc)
			rc = step_check(&env, &test->steps[i], &got, &v);
		if (rc) {
			snprintf(msg, sizeof(msg),
				 "runner: step %zu could not run, be observed or be checked: %s",
				 i + 1, nestref_strerror(rc));
			report_not_ok_setup(&t, msg);
			record_test(st->opts->record, file, test,
				    NESTREF_VEC_FAIL, msg, 0, 0);
			runner_failed(st, &t);
			step_got_free(&got);
			env_close(&env);
			return;
		}
		total.made += v.made;
		total.not_made |= v.not_made;
		total.missing |= v.missing;
		if (v.failed) {
			report_not_ok_step(&t, i, &got, &v);
			record_failed_step(st->opts->record, file, test, i,
					   &got, &v);
			runner_failed(st, &t);
			step_got_free(&got);
			env_close(&env);
			return;
		}
		step_got_free(&got);
	}
	env_close(&env);
	if (!total.made && total.missing) {
		report_caps(msg, sizeof(msg), "missing", total.missing);
		report_ok(&t, msg);
		record_test(st->opts->record, file, test, NESTREF_VEC_SKIP, msg,
			    0, 0);
		runner_skipped(st, msg, RUNNER_SKIP_CAPS, total.missing);
		runner_missed_caps(st->sum->cap_skipped, total.missing);
	} else if (total.missing) {
		report_ok(&t, NULL);
		report_not_checked(t.out, total.not_made, total.missing);
		runner_missed_caps(st->sum->cap_partly, total.missing);
		record_test(st->opts->record, file, test,
			    NESTREF_VEC_PASS_PARTLY, NULL, total.not_made,
			    total.missing);
		st->sum->passed_partly++;
		st->sum->missing |= total.missing;
	} else {
		report_ok(&t, NULL);
		record_test(st->opts->record, file, test, NESTREF_VEC_PASS,
			    NULL, 0, 0);
		st->sum->passed++;
	}
}

void runner_file(struct run_state *st, const struct vec_file *file)
{
	uint32_t caps = st->caps;
	const char *skip;
	char why[256];
	size_t i;

	skip = runner_file_skip(st, file, caps, why, sizeof(why));
	for (i = 0; i < file->n_tests && !st->unavailable; i++) {
		if (st->opts->only && st->opts->only != &file->tests[i])
			continue;
		if (skip) {
			struct report_test t = { st->opts->out, ++st->number,
						 file, &file->tests[i] };

			report_ok(&t, skip);
			record_test(st->opts->record, file, &file->tests[i],
				    NESTREF_VEC_SKIP, skip, 0, 0);
			if (file->profiles &
			    NESTREF_PROFILE_BIT(st->copts.profile)) {
				uint32_t missing = runner_missing(st, file,
								  caps);

				runner_skipped(st, skip, RUNNER_SKIP_CAPS,
					       missing);
				runner_missed_caps(st->sum->cap_skipped,
						   missing);
			} else {
				runner_skipped(st, skip, RUNNER_SKIP_PROFILE,
					       0);
			}
			continue;
		}
		runner_test(st, file, &file->tests[i]);
	}
	st->files_done++;
}

/*
 * Opens one context before printing anything, so that a backend that
 * cannot run here is a clean skip of the whole run (exit 77) and a bad
 * backend or profile a usage error, never a stream of failures.
 */
static int runner_probe(struct run_state *st, uint32_t *caps)
{
	const struct runner_opts *opts = st->opts;
	struct nestref_ctx *ctx;
	char msg[256];
	int rc;

	rc = nestref_ctx_new(&ctx, &st->copts, msg, sizeof(msg));
	if (rc == -ENODEV) {
		fputs("TAP version 13\n1..0 # SKIP backend unavailable: ",
		      opts->out);
		nestref_vec_escape_fputs(opts->out, msg, NESTREF_VEC_ESCAPE_TAP);
		fputc('\n', opts->out);
		nestref_vec_escape_line(opts->err,
					"nestref: backend unavailable: %s", msg);
		snprintf(st->sum->stopped, sizeof(st->sum->stopped),
			 "backend unavailable: %s", msg);
		return RUNNER_EXIT_UNAVAILABLE;
	}
	if (rc) {
		nestref_vec_escape_line(opts->err, "nestref: %s", msg);
		snprintf(st->sum->stopped, sizeof(st->sum->stopped), "%s", msg);
		return RUNNER_EXIT_USAGE;
	}
	/* The options may narrow the backend's capabilities (its mode). */
	*caps = nestref_ctx_caps(ctx);
	record_caps(opts->record, *caps);
	nestref_ctx_free(ctx);
	return RUNNER_EXIT_OK;
}

/*
 * expect_caps: a line for each expected capability the context lacks or
 * a test went without; true if there was one.
 */
static bool runner_expect(const struct run_state *st, const char *backend,
			  uint32_t caps)
{
	uint32_t want = st->opts->expect_caps, bit;
	size_t skipped, partly;
	char name[32];
	bool bad = false;
	unsigned int i;

	for (i = 0; i < 32; i++) {
		bit = UINT32_C(1) << i;
		skipped = st->sum->cap_skipped[i];
		partly = st->sum->cap_partly[i];
		if (!(want & bit) || ((caps & bit) && !skipped && !partly))
			continue;
		if (nestref_cap_name(bit))
			snprintf(name, sizeof(name), "%s", nestref_cap_name(bit));
		else
			snprintf(name, sizeof(name), "bit %u", i);
		if (!(caps & bit))
			nestref_vec_escape_line(st->opts->err,
				"nestref: backend %s lacks expected capability %s (%zu tests skipped, %zu checked only in part)",
				backend, name, skipped, partly);
		else
			fprintf(st->opts->err,
				"nestref: expected capability %s was missing: %zu tests skipped, %zu checked only in part\n",
				name, skipped, partly);
		bad = true;
	}
	return bad;
}

int runner_probe_backend(struct run_state *st, const struct runner_opts *opts,
			 struct runner_summary *sum)
{
	memset(st, 0, sizeof(*st));
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	memset(sum, 0, sizeof(*sum));
	st->opts = opts;
	st->copts = opts->ctx;
	st->sum = sum;
	st->copts.size = sizeof(st->copts);
	st->copts.ext_opts = NULL;
	st->copts.page_size = 0;
	return runner_probe(st, &st->caps);
}

void runner_plan(struct run_state *st, size_t total)
{
	st->total = total;
	report_plan(st->opts->out, st->total);
}

int runner_begin(struct run_state *st, const struct runner_opts *opts,
		 size_t total, struct runner_summary *sum)
{
	int rc = runner_probe_backend(st, opts, sum);

	if (!rc)
		runner_plan(st, total);
	return rc;
}

bool runner_going(const struct run_state *st)
{
	return !st->unavailable;
}

int runner_end(struct run_state *st)
{
	const struct runner_opts *opts = st->opts;
	struct runner_summary *sum = st->sum;
	const struct nestref_backend *be;
	const char *origin;

	be = nestref_backend_find(st->copts.backend);
	if (st->showing)
		fputs("\r\033[K", opts->err);
	if (st->unavailable) {
		/* It answered the probe and then went away: the run is broken. */
		nestref_vec_escape_line(opts->out,
			"Bail out! backend %s became unavailable: %s",
			nestref_backend_name(be), st->unavailable_msg);
		nestref_vec_escape_line(opts->err,
			"nestref: backend %s became unavailable: %s",
			nestref_backend_name(be), st->unavailable_msg);
		snprintf(sum->stopped, sizeof(sum->stopped),
			 "backend %s became unavailable: %s",
			 nestref_backend_name(be), st->unavailable_msg);
		return RUNNER_EXIT_FAILED;
	}
	origin = nestref_backend_origin(be);
	if (!opts->quiet)
		nestref_vec_escape_line(opts->err,
			"nestref: %zu tests on backend %s%s%s%s, profile %s: %zu passed, %zu passed with unchecked parts, %zu failed, %zu skipped",
			st->total, nestref_backend_name(be),
			origin ? " (from " : "", origin ? origin : "",
			origin ? ")" : "",
			nestref_profile_name(st->copts.profile), sum->passed,
			sum->passed_partly, sum->failed, sum->skipped);
	if (!opts->quiet)
		runner_skips_print(st, nestref_backend_name(be));
	runner_skips_record(st, nestref_backend_name(be));
	if (runner_expect(st, nestref_backend_name(be), st->caps))
		return RUNNER_EXIT_FAILED;
	if (sum->failed)
		return RUNNER_EXIT_FAILED;
	/* 77 is "nothing could run here" (spec/vectors.md 5). */
	if (runner_nothing_ran(sum)) {
		snprintf(sum->stopped, sizeof(sum->stopped),
			 "every test was skipped: %s", sum->skip);
		if (!opts->quiet)
			fputs("nestref: nothing ran: every test was skipped (exit 77)\n",
			      opts->err);
		return RUNNER_EXIT_UNAVAILABLE;
	}
	return RUNNER_EXIT_OK;
}

int runner_run(const struct runner_opts *opts, struct vec_file *const *files,
	       size_t n_files, struct runner_summary *sum)
{
	struct run_state st;
	size_t i, total = 0;
	int rc;

	for (i = 0; i < n_files; i++)
		total += opts->only ? 1 : files[i]->n_tests;
	rc = runner_begin(&st, opts, total, sum);
	if (rc)
		return rc;
	st.files = n_files;
	for (i = 0; i < n_files && runner_going(&st); i++)
		runner_file(&st, files[i]);
	return runner_end(&st);
}

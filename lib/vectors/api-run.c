/* SPDX-License-Identifier: MIT */
/*
 * <nestref/vectors.h>: running a test or a file into a result, one test
 * step by step, and what the nestref command does with paths.  All of it
 * goes through the runner (runner.c) that `nestref run` uses, so that a
 * result's TAP text is the command's, byte for byte.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "api.h"
#include "paths.h"
#include "runner-events.h"
#include "runner-report.h"
#include "runner.h"

/*
 * An extensible struct from the caller: a shorter one leaves the rest
 * zero, a longer one must be zero past ours (as the core reads
 * nestref_ctx_opts).
 */
static int struct_in(void *dst, size_t dst_size, const void *src,
		     size_t src_size)
{
	const unsigned char *tail;
	size_t i;

	memset(dst, 0, dst_size);
	if (!src)
		return 0;
	if (src_size > dst_size) {
		tail = (const unsigned char *)src + dst_size;
		for (i = 0; i < src_size - dst_size; i++)
			if (tail[i])
				return -E2BIG;
		src_size = dst_size;
	}
	memcpy(dst, src, src_size);
	return 0;
}

/* The caller's context options; each file sets ext_opts and page_size. */
static int ctx_opts_in(struct nestref_ctx_opts *out,
		       const struct nestref_ctx_opts *in)
{
	int rc = struct_in(out, sizeof(*out), in, in ? in->size : 0);

	out->size = sizeof(*out);
	out->ext_opts = NULL;
	out->page_size = 0;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Results                                                             */

struct nestref_vec_result {
	enum nestref_vec_verdict verdict;
	int status;
	size_t counts[NESTREF_VEC_VERDICT_COUNT];
	char *tap;
	bool has_reason;
	char reason[512];
};

const char *nestref_vec_verdict_name(enum nestref_vec_verdict verdict)
{
	static const char *const names[NESTREF_VEC_VERDICT_COUNT] = {
		[NESTREF_VEC_PASS] = "pass",
		[NESTREF_VEC_PASS_PARTLY] = "pass-partly",
		[NESTREF_VEC_FAIL] = "fail",
		[NESTREF_VEC_SKIP] = "skip",
		[NESTREF_VEC_ERROR] = "error",
	};

	return (unsigned int)verdict < NESTREF_VEC_VERDICT_COUNT ?
		       names[verdict] : NULL;
}

static void result_reason(struct nestref_vec_result *r, const char *why)
{
	r->has_reason = true;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
}

/* The worst verdict of the tests, and its reason (vectors.h). */
static void result_verdict(struct nestref_vec_result *r,
			   const struct runner_summary *sum)
{
	r->counts[NESTREF_VEC_PASS] = sum->passed;
	r->counts[NESTREF_VEC_PASS_PARTLY] = sum->passed_partly;
	r->counts[NESTREF_VEC_FAIL] = sum->failed;
	r->counts[NESTREF_VEC_SKIP] = sum->skipped;
	if (r->status == NESTREF_VEC_EXIT_USAGE) {
		r->verdict = NESTREF_VEC_ERROR;
		result_reason(r, sum->stopped);
	} else if (r->status == NESTREF_VEC_EXIT_UNAVAILABLE) {
		r->verdict = NESTREF_VEC_SKIP;
		result_reason(r, sum->stopped);
	} else if (sum->stopped[0]) {
		r->verdict = NESTREF_VEC_FAIL;
		result_reason(r, sum->stopped);
	} else if (sum->failed) {
		r->verdict = NESTREF_VEC_FAIL;
		result_reason(r, sum->failed_test);
	} else if (sum->skipped && !sum->passed && !sum->passed_partly) {
		r->verdict = NESTREF_VEC_SKIP;
		result_reason(r, sum->skip);
	} else if (sum->passed_partly) {
		r->verdict = NESTREF_VEC_PASS_PARTLY;
		r->has_reason = true;
		report_caps(r->reason, sizeof(r->reason), "missing",
			    sum->missing);
	} else {
		r->verdict = NESTREF_VEC_PASS;
	}
}

/* Runs one test (only) or all of a file, the TAP into the result. */
static int result_run(const struct nestref_vec_file *file,
		      const struct vec_test *only,
		      const struct nestref_ctx_opts *opts,
		      struct nestref_vec_result **out)
{
	struct runner_opts ro = { .only = only, .quiet = true };
	struct nestref_vec_result *r;
	struct runner_summary sum;
	struct vec_file *files[1];
	char *err_text = NULL;
	size_t tap_len, err_len;
	bool failed;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	rc = ctx_opts_in(&ro.ctx, opts);
	if (rc)
		return rc;
	r = nestref_calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	ro.out = open_memstream(&r->tap, &tap_len);
	/* The runner's messages on err are in the summary too. */
	ro.err = open_memstream(&err_text, &err_len);
	if (!ro.out || !ro.err) {
		if (ro.out)
			fclose(ro.out);
		if (ro.err)
			fclose(ro.err);
		free(err_text);
		nestref_vec_result_free(r);
		return -ENOMEM;
	}
	files[0] = file->f;
	r->status = runner_run(&ro, files, 1, &sum);
	/* A memory stream fails to write only when it runs out of memory. */
	failed = ferror(ro.out) || ferror(ro.err);
	if (fclose(ro.out))
		failed = true;
	if (fclose(ro.err))
		failed = true;
	free(err_text);
	if (failed || !r->tap) {
		nestref_vec_result_free(r);
		return -ENOMEM;
	}
	result_verdict(r, &sum);
	*out = r;
	return 0;
}

int nestref_vec_run_test(const struct nestref_vec_file *file, size_t test,
			 const struct nestref_ctx_opts *opts,
			 struct nestref_vec_result **result)
{
	if (result)
		*result = NULL;
	if (!file || test >= file->f->n_tests)
		return -EINVAL;
	return result_run(file, &file->f->tests[test], opts, result);
}

int nestref_vec_run_file(const struct nestref_vec_file *file,
			 const struct nestref_ctx_opts *opts,
			 struct nestref_vec_result **result)
{
	if (result)
		*result = NULL;
	if (!file)
		return -EINVAL;
	return result_run(file, NULL, opts, result);
}

void nestref_vec_result_free(struct nestref_vec_result *result)
{
	if (!result)
		return;
	free(result->tap);
	nestref_free(result);
}

enum nestref_vec_verdict
nestref_vec_result_verdict(const struct nestref_vec_result *result)
{
	return result ? result->verdict : NESTREF_VEC_ERROR;
}

const char *nestref_vec_result_reason(const struct nestref_vec_result *result)
{
	return result && result->has_reason ? result->reason : NULL;
}

const char *nestref_vec_result_tap(const struct nestref_vec_result *result)
{
	return result ? result->tap : NULL;
}

size_t nestref_vec_result_count(const struct nestref_vec_result *result,
				enum nestref_vec_verdict verdict)
{
	if (!result || (unsigned int)verdict >= NESTREF_VEC_VERDICT_COUNT)
		return 0;
	return result->counts[verdict];
}

int nestref_vec_result_status(const struct nestref_vec_result *result)
{
	return result ? result->status : NESTREF_VEC_EXIT_USAGE;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                            */

struct nestref_vec_session {
	const struct vec_test *test;
	struct test_env env;
	struct step_got got; /* the last step's: answer.message points in */
	size_t next;         /* the step to run next */
};

int nestref_vec_session_open(const struct nestref_vec_file *file,
			     size_t test,
			     const struct nestref_ctx_opts *opts,
			     struct nestref_vec_session **out, char *msg,
			     size_t msg_len)
{
	struct nestref_vec_session *s;
	struct nestref_ctx_opts base;
	char dropped[256];
	uint32_t missing = 0;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!msg || !msg_len) {
		msg = dropped;
		msg_len = sizeof(dropped);
	}
	msg[0] = '\0';
	if (!file || test >= file->f->n_tests)
		return -EINVAL;
	rc = ctx_opts_in(&base, opts);
	if (rc)
		return rc;
	s = nestref_calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->test = &file->f->tests[test];
	rc = env_open(&s->env, file->f, &base, &missing, msg, msg_len);
	if (rc) {
		nestref_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void nestref_vec_session_close(struct nestref_vec_session *session)
{
	if (!session)
		return;
	step_got_free(&session->got);
	env_close(&session->env);
	nestref_free(session);
}

struct nestref_ctx *
nestref_vec_session_ctx(const struct nestref_vec_session *session)
{
	return session ? session->env.ctx : NULL;
}

int nestref_vec_session_step(struct nestref_vec_session *session,
			     size_t step, struct nestref_vec_answer *answer)
{
	struct nestref_vec_answer a = { 0 };
	const struct vec_step *vs;
	struct step_verdict v;
	int rc;

	if (!session || !answer || answer->size < sizeof(answer->size) ||
	    step != session->next || step >= session->test->n_steps)
		return -EINVAL;
	vs = &session->test->steps[step];
	step_got_free(&session->got);
	session->next++;
	rc = step_run(&session->env, vs, &session->got);
	if (!rc)
		rc = step_check(&session->env, vs, &session->got, &v);
	if (rc)
		return rc;
	a.size = answer->size;
	a.rc = session->got.rc;
	a.has_entry_num = session->got.has_entry_num;
	a.entry_num = session->got.entry_num;
	a.has_flags = session->got.has_flags;
	a.flags = session->got.flags;
	a.message = session->got.message;
	a.check = v.failed ? NESTREF_VEC_CHECK_FAIL :
		  v.made   ? NESTREF_VEC_CHECK_PASS :
			     NESTREF_VEC_CHECK_NONE;
	a.missing = v.missing;
	a.has_read = session->got.has_read;
	a.read_bytes = session->got.n_read;
	memcpy(answer, &a, answer->size < sizeof(a) ? answer->size : sizeof(a));
	return 0;
}

void nestref_vec_session_records(const struct nestref_vec_session *session,
				 void (*line)(const char *text, void *arg),
				 void *arg)
{
	if (!session || !line || !session->next || !session->got.has_read)
		return;
	events_say_got(session->env.file,
		       &session->test->steps[session->next - 1],
		       session->got.read, session->got.n_read, line, arg);
}

/* ------------------------------------------------------------------ */
/* The nestref command                                                 */

void nestref_vec_warn_deprecated(FILE *err, const char *note)
{
	static bool warned;

	if (!note || warned)
		return;
	warned = true;
	fprintf(err ? err : stderr, "nestref: warning: %s\n", note);
}

/* The caller's run options, with the defaults filled in. */
static int run_opts_in(struct runner_opts *ro,
		       const struct nestref_vec_run_opts *opts)
{
	struct nestref_vec_run_opts in;
	int rc;

	memset(ro, 0, sizeof(*ro));
	rc = struct_in(&in, sizeof(in), opts, opts ? opts->size : 0);
	if (!rc)
		rc = ctx_opts_in(&ro->ctx, in.ctx);
	ro->out = in.out ? in.out : stdout;
	ro->err = in.err ? in.err : stderr;
	ro->quiet = in.flags & NESTREF_VEC_QUIET;
	ro->progress = !ro->quiet && (in.flags & NESTREF_VEC_PROGRESS);
	ro->progress_late = in.flags & NESTREF_VEC_PROGRESS_LATE;
	ro->partial = in.flags & NESTREF_VEC_PARTIAL;
	ro->applicable = in.flags & NESTREF_VEC_APPLICABLE;
	ro->expect_caps = in.expect_caps;
	if (rc)
		fprintf(ro->err, "nestref: run options: %s\n",
			nestref_strerror(rc));
	return rc;
}

static void summary_out(struct nestref_vec_summary *summary,
			const struct runner_summary *sum)
{
	struct nestref_vec_summary s = { 0 };

	if (!summary || summary->size < sizeof(summary->size))
		return;
	s.size = summary->size;
	s.passed = sum->passed;
	s.passed_partly = sum->passed_partly;
	s.failed = sum->failed;
	s.skipped = sum->skipped;
	memcpy(summary, &s,
	       summary->size < sizeof(s) ? summary->size : sizeof(s));
}

/* What run and lint share: the options, the paths and the files checked. */
struct files_in {
	struct runner_opts ro;
	struct path_list list;
	bool have_list;
	struct files_scan scan;
};

/* Expands the paths and checks every file (each load error printed): 0,
 * or the exit status to give.  files_in_free() in every case. */
static int files_in(const char *const *paths, size_t n_paths,
		    const struct nestref_vec_run_opts *opts, struct files_in *in)
{
	memset(in, 0, sizeof(*in));
	if (run_opts_in(&in->ro, opts) ||
	    paths_collect(paths, n_paths, &in->list, in->ro.err))
		return NESTREF_VEC_EXIT_USAGE;
	in->have_list = true;
	return files_scan(&in->list, in->ro.err, &in->scan);
}

static void files_in_free(struct files_in *in)
{
	files_scan_free(&in->scan);
	if (in->have_list)
		paths_free(&in->list);
}

/*
 * The second reading of a run: each file loaded, run and freed in turn
 * (files.c).  A file that no longer loads was changed during the run.
 */
static int files_run(struct files_in *in, struct runner_summary *sum)
{
	struct vec_file *file;
	struct run_state st;
	size_t i, left_out = 0;
	int rc;

	rc = runner_probe_backend(&st, &in->ro, sum);
	if (rc)
		return rc;
	/* The plan counts the files that run (NESTREF_VEC_APPLICABLE). */
	for (i = 0; i < in->scan.n; i++)
		if (runner_leave_out(&st, in->scan.ids[i].requires,
				     in->scan.ids[i].tests))
			left_out++;
	runner_plan(&st, in->scan.tests - sum->left_out_tests);
	st.files = in->list.count - left_out;
	for (i = 0; i < in->list.count && runner_going(&st); i++) {
		if (!runner_applies(&st, in->scan.ids[i].requires))
			continue;
		if (files_load_one(in->list.paths[i], NULL, in->ro.err,
				   &file)) {
			nestref_vec_escape_line(in->ro.out,
				"Bail out! %s changed during the run",
				in->list.paths[i]);
			snprintf(sum->stopped, sizeof(sum->stopped),
				 "%s changed during the run",
				 in->list.paths[i]);
			return NESTREF_VEC_EXIT_USAGE;
		}
		runner_file(&st, file);
		vec_file_free(file);
	}
	return runner_end(&st);
}

/* Where the caller wants the JSON and JUnit reports, if anywhere. */
static void report_streams(const struct nestref_vec_run_opts *opts,
			   FILE **report, FILE **junit)
{
	struct nestref_vec_run_opts in;

	*report = NULL;
	*junit = NULL;
	if (struct_in(&in, sizeof(in), opts, opts ? opts->size : 0))
		return;
	*report = in.report;
	*junit = in.junit;
}

/*
 * Writes the reports of a run that ended with status rc; returns rc, or
 * NESTREF_VEC_EXIT_USAGE when a report could not be written.
 */
static int report_write(struct record *rec, FILE *report, FILE *junit,
			FILE *err, int rc, const char *stopped)
{
	int wrc = 0;

	record_end(rec, rc, stopped);
	if (report)
		wrc = record_write_json(rec, report);
	if (!wrc && junit)
		wrc = record_write_junit(rec, junit);
	if (!wrc)
		return rc;
	fprintf(err, "nestref: cannot write the report: %s\n",
		nestref_strerror(wrc));
	return NESTREF_VEC_EXIT_USAGE;
}

int nestref_vec_run_files(const char *const *paths, size_t n_paths,
			  const struct nestref_vec_run_opts *opts,
			  struct nestref_vec_summary *summary)
{
	struct runner_summary sum = { 0 };
	struct record *rec = NULL;
	FILE *report, *junit;
	struct files_in in;
	bool ran = false;
	int rc;

	report_streams(opts, &report, &junit);
	rc = files_in(paths, n_paths, opts, &in);
	if (report || junit) {
		rec = record_new(&in.ro.ctx);
		if (!rec) {
			fputs("nestref: out of memory\n", in.ro.err);
			files_in_free(&in);
			return NESTREF_VEC_EXIT_USAGE;
		}
		in.ro.record = rec;
	}
	if (!rc) {
		rc = files_run(&in, &sum);
		ran = true;
	}
	if (rec)
		rc = report_write(rec, report, junit, in.ro.err, rc,
				  ran ? sum.stopped :
					"a vector file did not load, or the options were bad");
	record_free(rec);
	files_in_free(&in);
	summary_out(summary, &sum);
	return rc;
}

int nestref_vec_lint_files(const char *const *paths, size_t n_paths,
			   const struct nestref_vec_run_opts *opts)
{
	struct files_in in;
	int rc;

	rc = files_in(paths, n_paths, opts, &in);
	if (!rc && !in.ro.quiet)
		fprintf(in.ro.err, "nestref: %zu file(s), no load errors\n",
			in.scan.n);
	files_in_free(&in);
	return rc;
}

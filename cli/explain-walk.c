/* SPDX-License-Identifier: MIT */
/*
 * The walk of `nestref explain` (explain.h): one test run step by step,
 * each view told what happened.  The text and the HTML report both walk
 * here, so a test is skipped, run and judged the same way in both, and
 * as `run` does (spec/vectors.md 5).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"

/*
 * Why a file is skipped in an open context, as `run` skips it: the
 * backend lacks a capability it needs; with what would run it.
 */
static bool explain_lacks(const struct nestref_vec_file *file,
			  struct nestref_ctx *ctx, enum nestref_profile profile,
			  char *why, size_t len)
{
	uint32_t missing = nestref_vec_file_requires(file) &
			   ~nestref_ctx_caps(ctx);
	const char *other;
	size_t used;
	uint32_t bit;

	if (!missing)
		return false;
	used = (size_t)snprintf(why, len, "backend %s lacks",
				nestref_ctx_backend(ctx));
	for (bit = 1; bit && used < len; bit <<= 1)
		if (missing & bit)
			used += (size_t)snprintf(why + used, len - used, " %s",
						 nestref_cap_name(bit));
	other = nestref_vec_backend_for(nestref_vec_file_requires(file),
					profile, nestref_ctx_backend(ctx));
	if (other && used < len)
		snprintf(why + used, len - used, " (try --backend %s)", other);
	return true;
}

int explain_walk(const struct nestref_vec_file *file, size_t test,
		 const struct nestref_ctx_opts *base,
		 const struct explain_view *view, void *arg)
{
	struct nestref_vec_answer ans = { .size = sizeof(ans) };
	struct nestref_vec_session *s;
	struct nestref_ctx *ctx;
	bool differs = false;
	char msg[512];
	size_t i;
	int rc;

	/* A file of another profile is skipped whole (spec/vectors.md
	 * 2.1), before its setup, which this profile may refuse. */
	if (!(nestref_vec_file_profiles(file) &
	      NESTREF_PROFILE_BIT(base->profile))) {
		snprintf(msg, sizeof(msg),
			 "the file does not cover profile %s (try --profile)",
			 nestref_profile_name(base->profile));
		if (view->skipped)
			view->skipped(arg, msg);
		return 0;
	}
	rc = nestref_vec_session_open(file, test, base, &s, msg, sizeof(msg));
	if (rc == -EOPNOTSUPP) {
		/* The backend cannot be the file's machine: a skip. */
		if (view->skipped)
			view->skipped(arg, msg);
		return 0;
	}
	if (rc) {
		if (view->open_failed)
			view->open_failed(arg, msg);
		return rc == -ENODEV ? 77 : 1;
	}
	ctx = nestref_vec_session_ctx(s);
	if (explain_lacks(file, ctx, base->profile, msg, sizeof(msg))) {
		if (view->skipped)
			view->skipped(arg, msg);
		nestref_vec_session_close(s);
		return 0;
	}
	if (view->setup)
		view->setup(arg, file, ctx);
	for (i = 0; i < nestref_vec_test_steps(file, test); i++) {
		/* What the view reads after the step is this step's alone. */
		nestref_smmuv3_trace_clear(ctx);
		rc = nestref_vec_session_step(s, i, &ans);
		if (view->step)
			view->step(arg, file, test, i, s, rc, &ans);
		if (rc)
			break;
		/* As in `run`, the first step that differs ends the test. */
		differs = ans.check == NESTREF_VEC_CHECK_FAIL;
		if (differs)
			break;
	}
	if (view->end)
		view->end(arg, ctx);
	nestref_vec_session_close(s);
	return differs ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * One test, step by step, for people: the walk that `nestref explain`
 * makes (explain-walk.c) and the views that show it, as plain text
 * (explain-text.c) or drawn in the HTML report (html-trace.c).  The walk
 * runs the test as `run` does, one step at a time through a session of
 * <nestref/vectors.h>; after each step a view reads the context (the
 * SMMUv3 trace, the counters) before the next step clears it.
 */
#ifndef NESTREF_CLI_EXPLAIN_H
#define NESTREF_CLI_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include <nestref/smmuv3.h>
#include <nestref/vectors.h>

/* What a view is told, in this order; any member may be NULL. */
struct explain_view {
	/* The test is skipped (why: a sentence), or could not open. */
	void (*skipped)(void *arg, const char *why);
	void (*open_failed)(void *arg, const char *why);
	/* Its context is open and the setup applied. */
	void (*setup)(void *arg, const struct nestref_vec_file *file,
		      struct nestref_ctx *ctx);
	/*
	 * Step i ran (rc 0, ans its answer) or could not run (rc < 0).
	 * The context's trace holds what this step did.
	 */
	void (*step)(void *arg, const struct nestref_vec_file *file,
		     size_t test, size_t i, struct nestref_vec_session *s,
		     int rc, const struct nestref_vec_answer *ans);
	/* The last step ran (or the first that differs). */
	void (*end)(void *arg, struct nestref_ctx *ctx);
};

/*
 * Walks test `test` of file with the context options base.  Returns 0
 * when every answer is what the vector expects or the test is skipped,
 * 1 when one is not, 77 when the backend cannot run here (-ENODEV).
 */
int explain_walk(const struct nestref_vec_file *file, size_t test,
		 const struct nestref_ctx_opts *base,
		 const struct explain_view *view, void *arg);

/* The words of both views (explain-words.c). */
const char *explain_cerror_name(uint32_t cerror); /* "CERROR_ILL" */
/* "tlb", "cfg", "atc"; long_form: "TLB", "config cache", "ATC" */
const char *explain_cache_name(unsigned int kind, bool long_form);
const char *explain_errno_name(int err); /* "EINVAL", else "error" */
/* "ok, entry_num 1", "error EINVAL, entry_num 0", "ok, 32 bytes read" */
void explain_answer_text(char *buf, size_t len,
			 const struct nestref_vec_answer *ans);
/* "the rule [its section; linux: the function doing it]" */
void explain_rule_text(char *buf, size_t len,
		       const struct nestref_smmuv3_trace_event *ev);
/* "as the vector expects", "NOT what the vector expects", ... */
const char *explain_check_text(enum nestref_vec_check check);

/* The plain-text view of `nestref explain`; its arg is the FILE *. */
extern const struct explain_view explain_text_view;

/* "id/tc  comment", the heading of a test in the text view. */
void explain_text_heading(FILE *out, const struct nestref_vec_file *file,
			  size_t test);

#endif /* NESTREF_CLI_EXPLAIN_H */

/* SPDX-License-Identifier: MIT */
/*
 * The sequences of make check-failnth (tests/check-failnth.c) and what a
 * run of one reports to the driver.
 *
 * A sequence is a list of parts, each a deterministic run of library
 * calls that ends with everything freed: loading one vector file, running
 * one of its tests, the life of a context on one backend.  The driver
 * runs each part once clean, counting its allocations (N), then again
 * with allocation 1, 2, ... N failed (failnth-alloc.h), and checks each
 * time that the failure was reported, that nothing leaked and that the
 * part's own checks held.  The part reports through struct failnth_run.
 */
#ifndef NESTREF_TESTS_FAILNTH_H
#define NESTREF_TESTS_FAILNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <nestref/nestref.h>

#include "failnth-alloc.h"

struct failnth_seq;

/* What one run of a part came to. */
struct failnth_run {
	/* The clean run (nothing fails): the part records what it sees. */
	bool clean;
	/* An ENOMEM (or the library's "out of memory") reached the caller. */
	bool enomem;
	/*
	 * A text of everything the part saw (answers, reports, messages):
	 * a failure that changes nothing in it but mentions no ENOMEM was
	 * swallowed.  C library memory: not counted.
	 */
	FILE *outcome;
	/* A check of the part's own that failed; empty when none did. */
	char problem[512];
	/*
	 * For failnth_call(): the answers of the clean run, in order, and
	 * how many of them the current run has reached.  A call's answer
	 * after its own ENOMEM was retried must be the clean run's.
	 */
	int *answers;
	size_t n_answers, cap_answers;
	size_t cursor;
	/* An earlier ENOMEM was not retried: later answers may differ. */
	bool diverged;
};

typedef void (*failnth_part_fn)(const struct failnth_seq *seq, size_t part,
				struct failnth_run *run);

struct failnth_seq {
	char name[200];
	failnth_part_fn run;
	size_t n_parts;
	/*
	 * Every part in a process of its own (what it does stays for the
	 * process: a loaded module), and blocks that may stay live after
	 * a clean part (a loaded module's path).
	 */
	bool fork_each;
	size_t keeps;
	/* Fail every stride-th allocation only (1: every one). */
	unsigned int stride;
	/* Long: started first, so that the jobs end together. */
	bool heavy;
	/*
	 * Optional, before the first part and after the last, neither
	 * counted nor failed: what every part reads (a loaded file).
	 * prepare returns 0, or -errno with a sentence in msg.
	 */
	int (*prepare)(struct failnth_seq *seq, char *msg, size_t len);
	void (*finish)(struct failnth_seq *seq);
	/* The part's arguments. */
	const char *path;
	const char *backend;
	const char *options;
	int kind;
	uint32_t profiles; /* NESTREF_PROFILE_BIT()s to run under */
	size_t n_profiles;
	void *data;
};

/* Notes a failed check of the part (the first one is kept). */
void failnth_problem(struct failnth_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A library answer rc (0 or a negative errno) from call: -ENOMEM marks
 * the run; the answer goes into the outcome.  Returns rc.
 */
int failnth_rc(struct failnth_run *run, const char *call, int rc);

/*
 * rc = expr, a call whose answer must not change for an allocation
 * failure the caller recovers from.  When the call itself hit the failed
 * allocation and said ENOMEM, it is made again, and that answer must be
 * the clean run's: after the failure the object model is usable and
 * nothing half-done stays.  Any other answer is compared with the clean
 * run's too, until the failure is reported later than it happened (an
 * ENOMEM, or an error whose message, msg after the call, says "out of
 * memory": a trace that lost events, a child that was not told), after
 * which the run may differ.  msg may be NULL.
 */
#define FAILNTH_CALL(run, rc, expr, msg)                                  \
	do {                                                              \
		bool fired_before_ = failnth_alloc_fired();               \
		(rc) = (expr);                                            \
		if (failnth_retry((run), #expr, (rc), fired_before_))     \
			(rc) = (expr);                                    \
		failnth_answer((run), #expr, (rc), (msg), fired_before_); \
	} while (0)
bool failnth_retry(struct failnth_run *run, const char *call, int rc,
		   bool fired_before);
void failnth_answer(struct failnth_run *run, const char *call, int rc,
		    const char *msg, bool fired_before);

/* A printf into the outcome. */
void failnth_note(struct failnth_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The list the sequence files fill. */
struct failnth_list {
	struct failnth_seq *seqs;
	size_t n, cap;
};

struct failnth_seq *failnth_add(struct failnth_list *list, failnth_part_fn run,
				size_t n_parts, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A prepare hook: the exec sequences' child needs Python (python3). */
int failnth_need_python(struct failnth_seq *seq, char *msg, size_t len);

/* $top_srcdir/rel (or ./rel), in C library memory that stays. */
const char *failnth_srcpath(const char *rel);
/* $abs_top_builddir/rel (or ./rel), likewise. */
const char *failnth_buildpath(const char *rel);

/* failnth-vectors.c: every vector file, loaded and run on each backend. */
void failnth_vectors_add(struct failnth_list *list);
/* failnth-api.c: the public API on each backend and profile. */
void failnth_api_add(struct failnth_list *list);
/* failnth-files.c: loader errors, reports, export, paths, modules. */
void failnth_files_add(struct failnth_list *list);

#endif /* NESTREF_TESTS_FAILNTH_H */

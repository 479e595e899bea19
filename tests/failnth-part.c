/* SPDX-License-Identifier: MIT */
/*
 * What a part of a sequence reports to check-failnth (tests/failnth.h):
 * its problems, its outcome, its calls' answers compared with the clean
 * run's, and the list the sequence files fill.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nestref/nestref.h>

#include "failnth.h"

void failnth_problem(struct failnth_run *run, const char *fmt, ...)
{
	va_list ap;

	if (run->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(run->problem, sizeof(run->problem), fmt, ap);
	va_end(ap);
}

void failnth_note(struct failnth_run *run, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(run->outcome, fmt, ap);
	va_end(ap);
}

static const char *fn_errno(int rc)
{
	static char buf[32];
	const char *name = nestref_errno_name(rc);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "%d", rc);
	return buf;
}

int failnth_rc(struct failnth_run *run, const char *call, int rc)
{
	if (rc == -ENOMEM)
		run->enomem = true;
	failnth_note(run, "%s -> %s\n", call, rc ? fn_errno(rc) : "0");
	return rc;
}

bool failnth_retry(struct failnth_run *run, const char *call, int rc,
		   bool fired_before)
{
	(void)call;
	if (rc != -ENOMEM)
		return false;
	run->enomem = true;
	if (!fired_before && failnth_alloc_fired())
		return true;
	/* Said later than the failure: what follows may differ. */
	run->diverged = true;
	return false;
}

void failnth_answer(struct failnth_run *run, const char *call, int rc,
		    const char *msg, bool fired_before)
{
	int *grown;

	failnth_note(run, "%s -> %s\n", call, rc ? fn_errno(rc) : "0");
	/* The failure, earlier, reported now. */
	if (!run->clean && rc && fired_before && msg &&
	    strstr(msg, "out of memory")) {
		run->enomem = true;
		run->diverged = true;
	}
	if (run->clean) {
		if (run->n_answers == run->cap_answers) {
			run->cap_answers = run->cap_answers ?
						   2 * run->cap_answers : 64;
			grown = realloc(run->answers,
					run->cap_answers * sizeof(*grown));
			if (!grown) {
				perror("failnth");
				exit(99);
			}
			run->answers = grown;
		}
		run->answers[run->n_answers++] = rc;
		return;
	}
	if (run->diverged)
		return;
	if (run->cursor >= run->n_answers) {
		failnth_problem(run, "%s: a call the clean run did not make",
				call);
		return;
	}
	if (run->answers[run->cursor] != rc)
		failnth_problem(run, "%s answered %s where the clean run had %s",
				call, rc ? fn_errno(rc) : "0",
				run->answers[run->cursor] ?
					fn_errno(run->answers[run->cursor]) :
					"0");
	run->cursor++;
}

struct failnth_seq *failnth_add(struct failnth_list *list, failnth_part_fn run,
				size_t n_parts, const char *fmt, ...)
{
	struct failnth_seq *seq;
	va_list ap;

	if (list->n == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 256;
		seq = realloc(list->seqs, list->cap * sizeof(*seq));
		if (!seq) {
			perror("failnth");
			exit(99);
		}
		list->seqs = seq;
	}
	seq = &list->seqs[list->n++];
	memset(seq, 0, sizeof(*seq));
	seq->run = run;
	seq->n_parts = n_parts;
	seq->stride = 1;
	va_start(ap, fmt);
	vsnprintf(seq->name, sizeof(seq->name), fmt, ap);
	va_end(ap);
	return seq;
}

static const char *fn_path(const char *var, const char *rel)
{
	/* Kept for the process: the sequences point at them. */
	static char *paths[1024];
	static size_t n;
	const char *top = getenv(var);
	size_t i;
	char *p;

	if (!top || !*top)
		top = ".";
	if (asprintf(&p, "%s/%s", top, rel) < 0) {
		perror("failnth");
		exit(99);
	}
	for (i = 0; i < n; i++) {
		if (strcmp(paths[i], p) == 0) {
			free(p);
			return paths[i];
		}
	}
	if (n == NESTREF_ARRAY_SIZE(paths)) {
		fprintf(stderr, "failnth: more than %zu paths\n", n);
		exit(99);
	}
	paths[n++] = p;
	return p;
}

int failnth_need_python(struct failnth_seq *seq, char *msg, size_t len)
{
	(void)seq;
	if (access("/usr/bin/python3", X_OK) == 0)
		return 0;
	snprintf(msg, len,
		 "/usr/bin/python3 is missing: install the Debian package python3");
	return -ENOENT;
}

const char *failnth_srcpath(const char *rel)
{
	return fn_path("top_srcdir", rel);
}

const char *failnth_buildpath(const char *rel)
{
	return fn_path("abs_top_builddir", rel);
}


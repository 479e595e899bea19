/* SPDX-License-Identifier: MIT */
/*
 * make check-failnth: the allocation-failure sweep (issue 13 point 5).
 *
 * For every sequence (tests/failnth.h) and every part of it: one clean
 * run counts the hooked allocations, N; then allocation 1, 2, ... N is
 * failed in turn (tests/failnth-alloc.h; the ones after it succeed, so
 * the part goes on and has to recover), and each time the failure must
 * reach the caller as ENOMEM (or the library's "out of memory"), nothing
 * may stay allocated once the part has freed what it made, and the
 * part's own checks must hold.  A crash, ASan's and LeakSanitizer's
 * reports included, fails the sequence it happened in.
 *
 * Not a Check program, although it reports TAP version 13 like them
 * (style.md 0.3, 0.7): a sequence is thousands of runs, each sequence
 * runs in a process of its own (a crash names the failure point, a
 * module loaded stays in its process) and --jobs runs several at once,
 * and the totals at the end add up what every process tried.
 *
 *   check-failnth [--jobs N] [--only TEXT] [--skip TEXT] [--sample] [--list]
 *
 * --only runs the sequences whose name contains TEXT, --skip the others;
 * --sample runs a few small ones, one of each kind, for valgrind.
 * $FAILNTH_JOBS is --jobs' default; a sequence that takes longer than
 * $FAILNTH_TIMEOUT seconds (600) fails.  Exit status: 0 when every sequence passed, 1 otherwise, 2 for
 * a usage error, 99 when the driver itself failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nestref/nestref.h>

#include "failnth-where.h"
#include "failnth.h"

/* What a sequence's process found, in memory shared with the driver. */
#define FN_REPORT 6144
struct fn_result {
	int done;
	uint64_t points;  /* failure points tried */
	uint64_t allocs;  /* allocations of the clean runs */
	uint64_t exempt;  /* and those inside json_loadb, never failed */
	uint64_t merged;  /* jansson allocations of a call failed already */
	uint64_t optional; /* failures swallowed by design (fn_optional) */
	uint64_t strided; /* allocations between the points of a stride */
	uint64_t failed;  /* failure points that failed a check */
	/* Where the process was, for a crash. */
	size_t part;
	uint64_t nth;
	char report[FN_REPORT]; /* "# ..." lines */
};

/* One run of a part as the driver sees it. */
struct fn_outcome {
	uint64_t calls;
	uint64_t exempt;
	bool fired;
	size_t live_blocks;
	size_t live_bytes;
	bool enomem;
	char problem[512];
	char *text; /* C library memory */
	size_t text_len;
	void *where[16];
	size_t n_where;
};

static double fn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------ running a part */

/* One run: allocation nth fails (0: none). */
static void fn_run_here(const struct failnth_seq *seq, size_t part,
			uint64_t nth, struct failnth_run *run,
			struct fn_outcome *out)
{
	size_t blocks = failnth_alloc_live_blocks();
	size_t bytes = failnth_alloc_live_bytes();

	run->enomem = false;
	run->problem[0] = '\0';
	run->cursor = 0;
	run->diverged = false;
	run->clean = nth == 0;
	if (run->clean)
		run->n_answers = 0;
	out->text = NULL;
	out->text_len = 0;
	run->outcome = open_memstream(&out->text, &out->text_len);
	if (!run->outcome) {
		perror("failnth: open_memstream");
		exit(99);
	}
	failnth_alloc_arm(nth);
	seq->run(seq, part, run);
	out->calls = failnth_alloc_calls();
	out->exempt = failnth_alloc_exempt();
	out->fired = failnth_alloc_fired();
	out->n_where = failnth_alloc_where(out->where, 16);
	failnth_alloc_disarm();
	if (fclose(run->outcome)) {
		perror("failnth: the outcome");
		exit(99);
	}
	out->live_blocks = failnth_alloc_live_blocks() - blocks;
	out->live_bytes = failnth_alloc_live_bytes() - bytes;
	out->enomem = run->enomem;
	memcpy(out->problem, run->problem, sizeof(out->problem));
}

/*
 * The same in a process of its own, for a part whose effects stay for the
 * process: the outcome comes back through shared memory.
 */
#define FN_FORK_TEXT (1u << 20)
struct fn_forked {
	struct fn_outcome out;
	int answers[4096];
	size_t n_answers;
	char text[FN_FORK_TEXT];
};

static void fn_run_forked(const struct failnth_seq *seq, size_t part,
			  uint64_t nth, struct failnth_run *run,
			  struct fn_outcome *out)
{
	struct fn_forked *sh;
	int status;
	pid_t pid;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("failnth: mmap");
		exit(99);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("failnth: fork");
		exit(99);
	}
	if (pid == 0) {
		fn_run_here(seq, part, nth, run, &sh->out);
		sh->out.text_len = sh->out.text_len < FN_FORK_TEXT ?
					   sh->out.text_len : FN_FORK_TEXT - 1;
		memcpy(sh->text, sh->out.text, sh->out.text_len);
		free(sh->out.text);
		sh->n_answers = run->n_answers < 4096 ? run->n_answers : 4096;
		if (run->answers)
			memcpy(sh->answers, run->answers,
			       sh->n_answers * sizeof(int));
		free(run->answers);
		exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "failnth: %s: part %zu, allocation %llu: its process %s %d\n",
			seq->name, part + 1, (unsigned long long)nth,
			WIFEXITED(status) ? "exited with" : "died of signal",
			WIFEXITED(status) ? WEXITSTATUS(status) :
					    WTERMSIG(status));
		exit(1);
	}
	*out = sh->out;
	out->text = malloc(sh->out.text_len + 1);
	if (!out->text) {
		perror("failnth");
		exit(99);
	}
	memcpy(out->text, sh->text, sh->out.text_len);
	out->text[sh->out.text_len] = '\0';
	if (nth == 0) {
		free(run->answers);
		run->answers = malloc(sizeof(int) * (sh->n_answers + 1));
		if (!run->answers) {
			perror("failnth");
			exit(99);
		}
		memcpy(run->answers, sh->answers, sh->n_answers * sizeof(int));
		run->n_answers = sh->n_answers;
		run->cap_answers = sh->n_answers + 1;
	}
	munmap(sh, sizeof(*sh));
}

/* ------------------------------------------------ reporting */

static void fn_report(struct fn_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fn_report(struct fn_result *res, const char *fmt, ...)
{
	size_t used = strlen(res->report);
	va_list ap;

	if (used + 2 >= sizeof(res->report))
		return;
	va_start(ap, fmt);
	vsnprintf(res->report + used, sizeof(res->report) - used, fmt, ap);
	va_end(ap);
}

/*
 * Whether a line of text that the clean run did not have says ENOMEM,
 * "out of memory" or strerror(ENOMEM) (a vector's comment may say ENOMEM
 * in both).
 */
static bool fn_mentions(const char *text, const char *clean)
{
	const char *line, *end;
	char *copy;
	bool found = false;

	for (line = text; !found && *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		copy = strndup(line, (size_t)(end - line));
		if (!copy) {
			perror("failnth");
			exit(99);
		}
		/* The errno's name, the library's words, strerror's. */
		found = (strstr(copy, "ENOMEM") ||
			 strstr(copy, "out of memory") ||
			 strstr(copy, "Cannot allocate memory")) &&
			!strstr(clean, copy);
		free(copy);
	}
	return found;
}

/* The first line where two texts differ, for a message. */
static void fn_first_diff(const char *a, const char *b, char *out, size_t len)
{
	size_t i = 0, start = 0, end;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '\n')
			start = i + 1;
		i++;
	}
	for (end = start; b[end] && b[end] != '\n'; end++)
		;
	snprintf(out, len, "%.*s", (int)(end - start > 200 ? 200 : end - start),
		 b + start);
}

/* The checks of one failure point; false when one failed. */
static bool fn_check(const struct failnth_seq *seq, size_t part, uint64_t nth,
		     uint64_t n, const struct fn_outcome *clean,
		     const struct fn_outcome *o, struct fn_result *res)
{
	char why[768], where[1024], diff[256];

	why[0] = '\0';
	if (!o->fired)
		snprintf(why, sizeof(why),
			 "the allocation never came: the part did not run as its clean run did");
	else if (o->live_blocks > seq->keeps)
		snprintf(why, sizeof(why),
			 "%zu block(s) of %zu bytes stayed allocated (a leak on the error path)",
			 o->live_blocks, o->live_bytes);
	else if (o->problem[0])
		snprintf(why, sizeof(why), "%s", o->problem);
	else if (!o->enomem && !fn_mentions(o->text, clean->text)) {
		if (strcmp(o->text, clean->text) == 0 &&
		    failnth_optional(o->where, o->n_where)) {
			res->optional++;
			return true;
		}
		if (strcmp(o->text, clean->text) == 0)
			snprintf(why, sizeof(why),
				 "swallowed: everything came out as in the clean run");
		else {
			fn_first_diff(clean->text, o->text, diff, sizeof(diff));
			snprintf(why, sizeof(why),
				 "not reported as ENOMEM or out of memory; the first line that differs: %s",
				 diff);
		}
	}
	if (!why[0])
		return true;
	res->failed++;
	if (res->failed <= 4) {
		failnth_where(o->where, o->n_where, 6, where, sizeof(where));
		fn_report(res, "# part %zu, allocation %llu of %llu (at %s): %s\n",
			  part + 1, (unsigned long long)nth,
			  (unsigned long long)n, where[0] ? where : "?", why);
	}
	return false;
}

static void fn_run(const struct failnth_seq *seq, size_t part, uint64_t nth,
		   struct failnth_run *run, struct fn_outcome *out)
{
	if (seq->fork_each)
		fn_run_forked(seq, part, nth, run, out);
	else
		fn_run_here(seq, part, nth, run, out);
}

/*
 * The first failure point of a part: 1, or with a stride one that moves
 * from part to part, so that the parts of a file together try every
 * offset of the stride.
 */
static uint64_t fn_first(const struct failnth_seq *seq, size_t part)
{
	return 1 + (uint64_t)part * 7919 % seq->stride;
}

/* The points of a part the sweep tries or merges (jansson's calls). */
static uint64_t fn_part_points(const struct failnth_seq *seq, size_t part,
			       uint64_t n)
{
	uint64_t nth, k = 0;

	for (nth = fn_first(seq, part); nth <= n; nth += seq->stride) {
		while (!seq->fork_each && nth <= n &&
		       failnth_alloc_same_call(nth)) {
			k++;
			nth++;
		}
		if (nth > n)
			break;
		k++;
	}
	return k;
}

/* Every part of a sequence, swept; in the sequence's own process. */
static void fn_sweep(struct failnth_seq *seq, struct fn_result *res)
{
	struct failnth_run run = { 0 };
	struct fn_outcome clean, o;
	uint64_t nth, n;
	char msg[512];
	size_t part;

	if (seq->prepare && seq->prepare(seq, msg, sizeof(msg))) {
		res->failed++;
		fn_report(res, "# %s\n", msg);
		return;
	}
	for (part = 0; part < seq->n_parts; part++) {
		res->part = part;
		res->nth = 0;
		fn_run(seq, part, 0, &run, &clean);
		n = clean.calls;
		res->allocs += n;
		res->exempt += clean.exempt;
		if (clean.problem[0] || clean.live_blocks > seq->keeps) {
			res->failed++;
			fn_report(res, "# part %zu, the clean run: %s\n",
				  part + 1,
				  clean.problem[0] ? clean.problem :
						     "blocks stayed allocated");
			free(clean.text);
			continue;
		}
		/* What a stride passes over: n less what is tried or merged. */
		res->strided += n;
		res->strided -= fn_part_points(seq, part, n);
		for (nth = fn_first(seq, part); nth <= n; nth += seq->stride) {
			/* jansson's call failed at its first allocation. */
			while (!seq->fork_each && nth <= n &&
			       failnth_alloc_same_call(nth)) {
				res->merged++;
				nth++;
			}
			if (nth > n)
				break;
			res->nth = nth;
			fn_run(seq, part, nth, &run, &o);
			res->points++;
			fn_check(seq, part, nth, n, &clean, &o, res);
			free(o.text);
		}
		free(clean.text);
	}
	free(run.answers);
	if (seq->finish)
		seq->finish(seq);
}

/*
 * With --coverage: zeroes gcov's counters, so that what the driver's own
 * process did (loading the files the sequences share) is not counted as
 * reached by the sweep (tests/failnth-sites.sh).  Weak: other builds have
 * no libgcov.
 */
extern void __gcov_reset(void) __attribute__((weak));

static void fn_coverage_reset(void)
{
	if (__gcov_reset)
		__gcov_reset();
}

/* ------------------------------------------------ the driver */

/* Seconds a sequence may take ($FAILNTH_TIMEOUT). */
static unsigned int fn_timeout = 600;

struct fn_job {
	pid_t pid;
	size_t seq;
	double start;
};

static void fn_print(const struct failnth_seq *seq, size_t number,
		     const struct fn_result *res, int status, double secs)
{
	bool ok = res->done && !res->failed && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 0;
	char stride[96] = "";

	if (seq->stride > 1)
		snprintf(stride, sizeof(stride),
			 " (stride %u: from 1 + part x 7919 mod %u on)",
			 seq->stride, seq->stride);
	printf("%s %zu - %s: %llu failure point%s%s in %zu part%s, %.1f s\n",
	       ok ? "ok" : "not ok", number, seq->name,
	       (unsigned long long)res->points, res->points == 1 ? "" : "s",
	       stride, seq->n_parts, seq->n_parts == 1 ? "" : "s", secs);
	if (res->failed)
		printf("# %llu failure point(s) failed a check%s\n",
		       (unsigned long long)res->failed,
		       res->failed > 4 ? "; the first 4:" : ":");
	fputs(res->report, stdout);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("# the sequence took longer than %u s (FAILNTH_TIMEOUT), in part %zu at allocation %llu\n",
		       fn_timeout, res->part + 1, (unsigned long long)res->nth);
	else if (WIFSIGNALED(status))
		printf("# the sequence's process died of signal %d in part %zu at allocation %llu\n",
		       WTERMSIG(status), res->part + 1,
		       (unsigned long long)res->nth);
	else if (WIFEXITED(status) && WEXITSTATUS(status) && !res->failed)
		printf("# the sequence's process exited with %d in part %zu at allocation %llu (a sanitizer's report is in the log)\n",
		       WEXITSTATUS(status), res->part + 1,
		       (unsigned long long)res->nth);
	fflush(stdout);
}

/* The sequences of --sample: one small one of each kind, for valgrind. */
static bool fn_sampled(const char *name)
{
	static const char *const picks[] = {
		"load vectors/mock/check-cache.yaml",
		"run vectors/mock/check-cache.yaml on mock",
		"run vectors/smmuv3/vste-attach.yaml on smmuv3-sim",
		"api on mock under linux-7.2",
		"api on smmuv3-sim under linux-7.4",
		"report, lint and export",
		"modules",
	};
	size_t i;

	for (i = 0; i < NESTREF_ARRAY_SIZE(picks); i++)
		if (strncmp(name, picks[i], strlen(picks[i])) == 0)
			return true;
	return false;
}

static void fn_usage(FILE *f)
{
	fputs("usage: check-failnth [--jobs N] [--only TEXT] [--skip TEXT] [--sample] [--list]\n",
	      f);
}

/* Global, so that LeakSanitizer sees what it holds as reachable. */
static struct failnth_list list;

int main(int argc, char **argv)
{
	struct fn_result *res;
	struct fn_job *jobs;
	const char *only = NULL, *skip = NULL, *env = getenv("FAILNTH_JOBS");
	bool sample = false, list_only = false;
	size_t *order, n_order = 0, next = 0, printed = 0, running = 0, i;
	int pass;
	int *status;
	double *secs, t0 = fn_now();
	uint64_t points = 0, allocs = 0, exempt = 0, merged = 0, optional = 0;
	uint64_t strided = 0;
	long n_jobs = env && *env ? strtol(env, NULL, 10) : 1;
	int failed = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--jobs") == 0 && i + 1 < (size_t)argc) {
			n_jobs = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--only") == 0 &&
			   i + 1 < (size_t)argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--skip") == 0 &&
			   i + 1 < (size_t)argc) {
			skip = argv[++i];
		} else if (strcmp(argv[i], "--sample") == 0) {
			sample = true;
		} else if (strcmp(argv[i], "--list") == 0) {
			list_only = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			fn_usage(stdout);
			return 0;
		} else {
			fn_usage(stderr);
			return 2;
		}
	}
	env = getenv("FAILNTH_TIMEOUT");
	if (env && *env)
		fn_timeout = (unsigned int)strtoul(env, NULL, 10);
	if (n_jobs < 1 || n_jobs > 64) {
		fprintf(stderr, "check-failnth: --jobs is 1 to 64\n");
		return 2;
	}
	failnth_alloc_install();
	failnth_vectors_add(&list);
	failnth_api_add(&list);
	failnth_files_add(&list);
	order = calloc(list.n + 1, sizeof(*order));
	if (!order) {
		perror("failnth");
		return 99;
	}
	/* The long ones first, then the rest, each in the list's order. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < list.n; i++) {
			if (list.seqs[i].heavy != (pass == 0))
				continue;
			if (only && !strstr(list.seqs[i].name, only))
				continue;
			if (skip && strstr(list.seqs[i].name, skip))
				continue;
			if (sample && !fn_sampled(list.seqs[i].name))
				continue;
			order[n_order++] = i;
		}
	}
	if (list_only || !n_order) {
		for (i = 0; i < n_order; i++)
			printf("%s\n", list.seqs[order[i]].name);
		if (!n_order)
			fprintf(stderr, "check-failnth: no sequence matches\n");
		free(order);
		return n_order ? 0 : 2;
	}
	printf("TAP version 13\n");
	res = mmap(NULL, n_order * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	jobs = calloc((size_t)n_jobs, sizeof(*jobs));
	status = calloc(n_order, sizeof(*status));
	secs = calloc(n_order, sizeof(*secs));
	if (res == MAP_FAILED || !jobs || !status || !secs) {
		perror("failnth");
		failed = -1;
		goto out;
	}
	memset(res, 0, n_order * sizeof(*res));
	while (printed < n_order) {
		pid_t pid;
		int st;

		while (next < n_order && running < (size_t)n_jobs) {
			fflush(NULL);
			pid = fork();
			if (pid < 0) {
				perror("failnth: fork");
				failed = -1;
				goto out;
			}
			if (pid == 0) {
				/* A hang is a failure, not a stuck CI. */
				alarm(fn_timeout);
				fn_coverage_reset();
				fn_sweep(&list.seqs[order[next]], &res[next]);
				res[next].done = 1;
				exit(res[next].failed ? 1 : 0);
			}
			for (i = 0; jobs[i].pid; i++)
				;
			jobs[i] = (struct fn_job){ pid, next, fn_now() };
			running++;
			next++;
		}
		pid = wait(&st);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0) {
			perror("failnth: wait");
			failed = -1;
			goto out;
		}
		for (i = 0; i < (size_t)n_jobs && jobs[i].pid != pid; i++)
			;
		if (i == (size_t)n_jobs)
			continue;
		status[jobs[i].seq] = st;
		secs[jobs[i].seq] = fn_now() - jobs[i].start;
		res[jobs[i].seq].done |= 2;
		jobs[i].pid = 0;
		running--;
		/* TAP in order: whatever is finished from the next one on. */
		while (printed < n_order && (res[printed].done & 2)) {
			const struct fn_result *r = &res[printed];
			int s = status[printed];

			fn_print(&list.seqs[order[printed]], printed + 1, r, s,
				 secs[printed]);
			if (!(r->done & 1) || r->failed || !WIFEXITED(s) ||
			    WEXITSTATUS(s))
				failed++;
			points += r->points;
			allocs += r->allocs;
			exempt += r->exempt;
			merged += r->merged;
			optional += r->optional;
			strided += r->strided;
			printed++;
		}
	}
	printf("# check-failnth: %zu sequences, %llu failure points tried, %ld job%s, %.1f s\n",
	       n_order, (unsigned long long)points, n_jobs,
	       n_jobs == 1 ? "" : "s", fn_now() - t0);
	printf("# check-failnth: the clean runs made %llu allocations that can fail; not tried: %llu later allocations of a jansson call whose first was failed, %llu between the points of a stride; and %llu inside json_loadb, never failed (jansson issue 362)\n",
	       (unsigned long long)allocs, (unsigned long long)merged,
	       (unsigned long long)strided, (unsigned long long)exempt);
	printf("# check-failnth: %llu failure points changed nothing a caller sees, by design:\n",
	       (unsigned long long)optional);
	failnth_optional_print(stdout);
	printf("1..%zu\n", n_order);
out:
	fn_coverage_reset();
	if (res != MAP_FAILED)
		munmap(res, n_order * sizeof(*res));
	free(order);
	free(jobs);
	free(status);
	free(secs);
	return failed < 0 ? 99 : failed ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The sequences of the bundled vectors (tests/failnth.h): every file below
 * vectors/ loaded, then run on each in-process backend that can run it,
 * under each profile the file covers, test by test, once through
 * nestref_vec_run_test() (what nestref run does) and once step by step
 * through the sessions of nestref explain, with its trace and counters.
 * On the exec backend the child is examples/exec-python/mock.py.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nestref/smmuv3.h>
#include <nestref/vectors.h>

#include "failnth.h"

enum { FV_LOAD, FV_RUN };

/* The modes of a run part. */
enum { FV_MODE_RUN, FV_MODE_EXPLAIN, FV_MODES };

/* Every *.yaml below dir, depth first in name order (C library memory). */
static void fv_find(const char *dir, const char *rel, char ***paths,
		    size_t *n)
{
	struct dirent **names;
	int count, i;

	count = scandir(dir, &names, NULL, alphasort);
	if (count < 0) {
		fprintf(stderr, "failnth: %s: %s\n", dir, strerror(errno));
		exit(99);
	}
	for (i = 0; i < count; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		char *full, *sub;
		struct stat st;

		if (name[0] == '.' ||
		    asprintf(&full, "%s/%s", dir, name) < 0 ||
		    asprintf(&sub, "%s/%s", rel, name) < 0) {
			if (name[0] != '.') {
				perror("failnth");
				exit(99);
			}
			free(names[i]);
			continue;
		}
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* vectors/json is the export, not vectors. */
			if (strcmp(name, "json") != 0)
				fv_find(full, sub, paths, n);
			free(full);
			free(sub);
		} else if (len > 5 && strcmp(name + len - 5, ".yaml") == 0) {
			*paths = realloc(*paths, (*n + 1) * sizeof(**paths));
			if (!*paths) {
				perror("failnth");
				exit(99);
			}
			(*paths)[(*n)++] = sub;
			free(full);
		} else {
			free(full);
			free(sub);
		}
		free(names[i]);
	}
	free(names);
}

/* ------------------------------------------------ loading */

static void fv_load(const struct failnth_seq *seq, size_t part,
		    struct failnth_run *run)
{
	struct nestref_vec_diag *diag = nestref_vec_diag_new();
	struct nestref_vec_file *file = NULL;
	size_t i;
	int rc;

	(void)part;
	if (!diag) {
		run->enomem = true;
		failnth_note(run, "diag_new -> NULL\n");
		return;
	}
	rc = failnth_rc(run, "load", nestref_vec_load(seq->path, &file, diag));
	for (i = 0; i < nestref_vec_diag_count(diag); i++)
		failnth_note(run, "%s\n", nestref_vec_diag_message(diag, i));
	if (!rc)
		failnth_note(run, "%s: %zu tests\n", nestref_vec_file_id(file),
			     nestref_vec_file_tests(file));
	nestref_vec_file_free(file);
	nestref_vec_diag_free(diag);
}

/* ------------------------------------------------ running */

/* The profile of index i among the bits of seq->profiles. */
static enum nestref_profile fv_profile(const struct failnth_seq *seq,
				       size_t i)
{
	unsigned int p;

	for (p = 0; p < NESTREF_PROFILE_COUNT; p++)
		if ((seq->profiles & NESTREF_PROFILE_BIT(p)) && i-- == 0)
			return (enum nestref_profile)p;
	return NESTREF_PROFILE_DEFAULT;
}

static void fv_result(struct failnth_run *run,
		      const struct nestref_vec_result *r)
{
	unsigned int v;

	failnth_note(run, "verdict %s, status %d, reason %s\n",
		     nestref_vec_verdict_name(nestref_vec_result_verdict(r)),
		     nestref_vec_result_status(r),
		     nestref_vec_result_reason(r) ?
			     nestref_vec_result_reason(r) : "-");
	for (v = 0; v < NESTREF_VEC_VERDICT_COUNT; v++)
		failnth_note(run, "%s %zu\n", nestref_vec_verdict_name(v),
			     nestref_vec_result_count(r, v));
	failnth_note(run, "%s", nestref_vec_result_tap(r));
}

/* The observations nestref explain prints after a step. */
static void fv_observe(struct failnth_run *run, struct nestref_ctx *ctx)
{
	const struct nestref_smmuv3_trace_event *ev;
	const struct nestref_counter *c;
	size_t n, i;

	if (failnth_rc(run, "trace", nestref_smmuv3_trace(ctx, &ev, &n)) == 0)
		for (i = 0; i < n; i++)
			failnth_note(run, "event %u %u %s\n", ev[i].kind,
				     ev[i].index,
				     ev[i].rule ? ev[i].rule : "-");
	failnth_note(run, "message: %s\n", nestref_ctx_message(ctx));
	if (failnth_rc(run, "counters", nestref_counters(ctx, &c, &n)) == 0)
		for (i = 0; i < n; i++)
			failnth_note(run, "%s = %llu\n", c[i].name,
				     (unsigned long long)c[i].value);
}

static void fv_explain(const struct nestref_vec_file *file, size_t test,
		       const struct nestref_ctx_opts *opts,
		       struct failnth_run *run)
{
	struct nestref_vec_session *s = NULL;
	struct nestref_vec_answer a;
	struct nestref_ctx *ctx;
	char msg[256];
	size_t i;
	int rc;

	rc = nestref_vec_session_open(file, test, opts, &s, msg, sizeof(msg));
	failnth_rc(run, "session_open", rc);
	failnth_note(run, "%s\n", msg);
	if (rc)
		return;
	ctx = nestref_vec_session_ctx(s);
	for (i = 0; i < nestref_vec_test_steps(file, test); i++) {
		/* As explain does: each step's own trace. */
		nestref_smmuv3_trace_clear(ctx);
		a.size = sizeof(a);
		rc = failnth_rc(run, "step", nestref_vec_session_step(s, i, &a));
		if (rc)
			continue;
		failnth_note(run, "answer %s entry_num %u flags %u check %d missing %u: %s\n",
			     a.rc ? nestref_errno_name(a.rc) : "0",
			     a.entry_num, a.flags, (int)a.check, a.missing,
			     a.message);
		fv_observe(run, ctx);
	}
	nestref_vec_session_close(s);
}

static void fv_run(const struct failnth_seq *seq, size_t part,
		   struct failnth_run *run)
{
	const struct nestref_vec_file *file = seq->data;
	size_t mode = part % FV_MODES;
	size_t profile = part / FV_MODES % seq->n_profiles;
	size_t test = part / FV_MODES / seq->n_profiles;
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.backend = seq->backend,
		.backend_options = seq->options,
		.profile = fv_profile(seq, profile),
	};
	struct nestref_vec_result *r = NULL;

	failnth_note(run, "test %zu under %s\n", test,
		     nestref_profile_name(opts.profile));
	if (mode == FV_MODE_EXPLAIN) {
		fv_explain(file, test, &opts, run);
		return;
	}
	if (failnth_rc(run, "run_test",
		       nestref_vec_run_test(file, test, &opts, &r)) == 0)
		fv_result(run, r);
	nestref_vec_result_free(r);
}

/* Only the run mode: the part numbers of fv_run with one mode. */
static void fv_run_only(const struct failnth_seq *seq, size_t part,
			struct failnth_run *run)
{
	fv_run(seq, part * FV_MODES, run);
}

/* A backend's sequences: every file whose requirements it has. */
static void fv_backend(struct failnth_list *list, char **rel, const char **full,
		       struct nestref_vec_file **files, size_t n,
		       const char *backend, const char *options,
		       const char *label, uint32_t caps, bool explain,
		       unsigned int stride)
{
	const struct nestref_backend *be = nestref_backend_find(backend);
	struct failnth_seq *seq;
	uint32_t profiles;
	size_t i, np;
	unsigned int p;

	if (!be)
		return;
	for (i = 0; i < n; i++) {
		if (!files[i] || (nestref_vec_file_requires(files[i]) & ~caps))
			continue;
		profiles = nestref_vec_file_profiles(files[i]) &
			   nestref_backend_profiles(be);
		for (np = 0, p = 0; p < NESTREF_PROFILE_COUNT; p++)
			np += !!(profiles & NESTREF_PROFILE_BIT(p));
		if (!np || !nestref_vec_file_tests(files[i]))
			continue;
		seq = failnth_add(list, explain ? fv_run : fv_run_only,
				  nestref_vec_file_tests(files[i]) * np *
					  (explain ? FV_MODES : 1),
				  "run %s on %s", rel[i], label);
		seq->kind = FV_RUN;
		seq->path = full[i];
		seq->backend = backend;
		seq->options = options;
		seq->profiles = profiles;
		seq->n_profiles = np;
		seq->data = files[i];
		seq->stride = stride;
		if (strcmp(backend, "exec") == 0)
			seq->prepare = failnth_need_python;
	}
}

/* The files, their paths, and the loaded files the sequences share. */
static char **fv_rel;
static const char **fv_full;
static struct nestref_vec_file **fv_files;

void failnth_vectors_add(struct failnth_list *list)
{
	const struct nestref_backend *mock = nestref_backend_find("mock");
	const struct nestref_backend *sim = nestref_backend_find("smmuv3-sim");
	struct failnth_seq *seq;
	static char *exec_cmd;
	size_t n = 0, i;

	fv_find(failnth_srcpath("vectors"), "vectors", &fv_rel, &n);
	fv_full = calloc(n + 1, sizeof(*fv_full));
	fv_files = calloc(n + 1, sizeof(*fv_files));
	if (!fv_full || !fv_files) {
		perror("failnth");
		exit(99);
	}
	for (i = 0; i < n; i++) {
		fv_full[i] = failnth_srcpath(fv_rel[i]);
		seq = failnth_add(list, fv_load, 1, "load %s", fv_rel[i]);
		seq->kind = FV_LOAD;
		seq->path = fv_full[i];
		/* Loaded here, clean, for the run sequences to share. */
		if (nestref_vec_load(fv_full[i], &fv_files[i], NULL))
			fprintf(stderr, "failnth: %s does not load\n", fv_full[i]);
	}
	if (mock)
		fv_backend(list, fv_rel, fv_full, fv_files, n, "mock", NULL, "mock",
			   nestref_backend_caps(mock), true, 1);
	if (sim)
		fv_backend(list, fv_rel, fv_full, fv_files, n, "smmuv3-sim", NULL,
			   "smmuv3-sim", nestref_backend_caps(sim), true, 1);
	/*
	 * The Python mock behind exec answers as the mock: a Python child
	 * per run (20 to 40 ms) and jansson's allocations besides the
	 * library's (800 a test) make a fv_full sweep take hours, so every
	 * FAILNTH_EXEC_STRIDE-th failure point (241) of each test is tried,
	 * from an offset that moves from test to test; the exec API
	 * sequence of failnth-api.c tries every one.
	 */
	if (nestref_backend_find("exec") && mock) {
		const char *s = getenv("FAILNTH_EXEC_STRIDE");
		unsigned int stride = s && *s ? (unsigned int)atoi(s) : 241;

		if (asprintf(&exec_cmd, "cmd=/usr/bin/python3 -B -S -E '%s'",
			     failnth_srcpath("examples/exec-python/mock.py")) < 0) {
			perror("failnth");
			exit(99);
		}
		fv_backend(list, fv_rel, fv_full, fv_files, n, "exec", exec_cmd,
			   "exec (examples/exec-python/mock.py)",
			   nestref_backend_caps(mock), false,
			   stride ? stride : 1);
	}
}

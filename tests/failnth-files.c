/* SPDX-License-Identifier: MIT */
/*
 * The sequences around files (tests/failnth.h): the loader on the inputs
 * of tests/data that reach its error paths, nestref run with its JSON and
 * JUnit reports, lint and the folder walk on a tree of links, a FIFO and
 * subfolders, the JSON export, and loadable modules (tests/test-module.c,
 * examples/backend-module), each module part in a process of its own,
 * since a module that loaded stays loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nestref/backend.h>
#include <nestref/vectors.h>

#include "failnth.h"

/* ------------------------------------------------ loader inputs */

static void ff_load(const struct failnth_seq *seq, size_t part,
		    struct failnth_run *run)
{
	const char *const *paths = seq->data;
	struct nestref_vec_diag *diag = nestref_vec_diag_new();
	struct nestref_vec_file *file = NULL;
	size_t i;

	if (!diag) {
		run->enomem = true;
		failnth_note(run, "diag_new -> NULL\n");
		return;
	}
	failnth_rc(run, "load", nestref_vec_load(paths[part], &file, diag));
	for (i = 0; i < nestref_vec_diag_count(diag); i++)
		failnth_note(run, "%s\n", nestref_vec_diag_message(diag, i));
	nestref_vec_file_free(file);
	nestref_vec_diag_free(diag);
	/* Without a diag the loader keeps its messages to itself. */
	failnth_rc(run, "load without diag",
		   nestref_vec_load(paths[part], &file, NULL));
	nestref_vec_file_free(file);
}

/* Adds the files of dir (relative to the source tree) matching suffix. */
static void ff_list(const char *dir, const char *suffix, bool subdirs,
		    const char ***paths, size_t *n)
{
	struct dirent **names;
	int count, i;

	count = scandir(failnth_srcpath(dir), &names, NULL, alphasort);
	if (count < 0) {
		fprintf(stderr, "failnth: %s: %s\n", dir, strerror(errno));
		exit(99);
	}
	for (i = 0; i < count; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		char *rel;

		if (name[0] != '.' &&
		    (subdirs || (len > strlen(suffix) &&
				 !strcmp(name + len - strlen(suffix), suffix)))) {
			if (asprintf(&rel, "%s/%s%s", dir, name,
				     subdirs ? suffix : "") < 0) {
				perror("failnth");
				exit(99);
			}
			*paths = realloc(*paths, (*n + 1) * sizeof(**paths));
			if (!*paths) {
				perror("failnth");
				exit(99);
			}
			(*paths)[(*n)++] = failnth_srcpath(rel);
			free(rel);
		}
		free(names[i]);
	}
	free(names);
}

/* ------------------------------------------------ a tree of files */

/* The fixtures: tree (links, a FIFO) and plain (two files), under tmp. */
static char ff_tmp[256];
static char ff_tree[300], ff_plain[300], ff_out[300], ff_bad[300];
/* A vector and a bad one under a path longer than a line buffer (512),
 * with a name that is no UTF-8: what the escaping allocates for. */
static char ff_odd[1100], ff_odd_bad[1100];

static int ff_copy(const char *from, const char *to)
{
	char buf[4096];
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");
	size_t n;
	int rc = in && out ? 0 : -errno;

	while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -EIO;
	if (in)
		fclose(in);
	if (out && fclose(out) && !rc)
		rc = -EIO;
	return rc;
}

static int ff_rm(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void ff_cleanup(struct failnth_seq *seq)
{
	(void)seq;
	if (ff_tmp[0])
		nftw(ff_tmp, ff_rm, 16, FTW_DEPTH | FTW_PHYS);
	ff_tmp[0] = '\0';
}

#define FF_PATH(buf, ...) snprintf(buf, sizeof(buf), __VA_ARGS__)

static int ff_fixtures(struct failnth_seq *seq, char *msg, size_t len)
{
	const char *a = failnth_srcpath("vectors/common/user-data-rfc.yaml");
	const char *b = failnth_srcpath("vectors/mock/rfc-opaque.yaml");
	const char *bad = failnth_srcpath("tests/data/bad/setup-vmid/input.yaml");
	const char *tmp = getenv("TMPDIR");
	char p[600], q[600], odd_dir[1024];
	int rc = 0;

	(void)seq;
	snprintf(ff_tmp, sizeof(ff_tmp), "%s/nestref-failnth.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(ff_tmp)) {
		snprintf(msg, len, "mkdtemp %s: %s", ff_tmp, strerror(errno));
		ff_tmp[0] = '\0';
		return -errno;
	}
	FF_PATH(ff_tree, "%s/tree", ff_tmp);
	FF_PATH(ff_plain, "%s/plain", ff_tmp);
	FF_PATH(ff_out, "%s/out", ff_tmp);
	FF_PATH(ff_bad, "%s/bad.yaml", ff_tmp);
	FF_PATH(p, "%s/sub", ff_tree);
	FF_PATH(q, "%s/sub", ff_plain);
	if (mkdir(ff_tree, 0777) || mkdir(p, 0777) || mkdir(ff_plain, 0777) ||
	    mkdir(q, 0777))
		rc = -errno;
	FF_PATH(p, "%s/a.yaml", ff_plain);
	rc = rc ? rc : ff_copy(a, p);
	FF_PATH(p, "%s/sub/b.yml", ff_plain);
	rc = rc ? rc : ff_copy(b, p);
	FF_PATH(p, "%s/a.yaml", ff_tree);
	rc = rc ? rc : ff_copy(a, p);
	FF_PATH(p, "%s/sub/notes.txt", ff_tree);
	rc = rc ? rc : ff_copy(a, p);
	rc = rc ? rc : ff_copy(bad, ff_bad);
	FF_PATH(p, "%s/d%0250d", ff_tmp, 0);
	if (!rc && mkdir(p, 0777))
		rc = -errno;
	FF_PATH(odd_dir, "%s/e%0250d", p, 0);
	if (!rc && mkdir(odd_dir, 0777))
		rc = -errno;
	FF_PATH(ff_odd_bad, "%s/\xff-bad.yaml", odd_dir);
	rc = rc ? rc : ff_copy(bad, ff_odd_bad);
	FF_PATH(ff_odd, "%s/\xfe-odd.yaml", odd_dir);
	rc = rc ? rc : ff_copy(a, ff_odd);
	/* Each kind of entry the walk says a note about, or follows. */
	FF_PATH(p, "%s/link.yaml", ff_tree);
	if (!rc && symlink("a.yaml", p))
		rc = -errno;
	FF_PATH(p, "%s/dangling.yaml", ff_tree);
	if (!rc && symlink("nowhere.yaml", p))
		rc = -errno;
	FF_PATH(p, "%s/outside.yaml", ff_tree);
	if (!rc && symlink(a, p))
		rc = -errno;
	FF_PATH(p, "%s/sub/up", ff_tree);
	if (!rc && symlink("..", p))
		rc = -errno;
	FF_PATH(p, "%s/fifo.yaml", ff_tree);
	if (!rc && mkfifo(p, 0666))
		rc = -errno;
	if (rc) {
		snprintf(msg, len, "the fixtures in %s: %s", ff_tmp,
			 strerror(-rc));
		ff_cleanup(NULL);
	}
	return rc;
}

/* ------------------------------------------------ run, lint, export */

enum {
	FF_RUN_REPORTS,  /* a folder on mock with both reports, partial */
	FF_RUN_FAILING,  /* a failing test and a sim file, reports */
	FF_RUN_LOAD_ERR, /* a file that does not load, with reports */
	FF_RUN_NODEV,    /* a backend that cannot run here, with reports */
	FF_RUN_PROGRESS, /* progress lines, rules off, a missing capability */
	FF_RUN_DUP,      /* two files with one id */
	FF_LINT_TREE,    /* lint on the tree: every note */
	FF_LINT_ARGS,    /* lint on files, a folder with a slash, nothing */
	FF_EXPORT_LINES, /* export to a stream, as lines and as an array */
	FF_EXPORT_DIR,   /* export into a folder, with a profile filter */
	FF_RUN_ODD,      /* a long path, no UTF-8: escaped, with reports */
	FF_LINT_ODD,     /* its load errors, each line longer than 512 */
	FF_PARTS
};

/* A memory stream for a report, or the driver gives up. */
static FILE *ff_stream(char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);

	if (!f) {
		perror("failnth: open_memstream");
		exit(99);
	}
	return f;
}

struct ff_streams {
	FILE *out, *err, *report, *junit;
	char *text[4];
	size_t len[4];
};

static void ff_open(struct ff_streams *s)
{
	s->out = ff_stream(&s->text[0], &s->len[0]);
	s->err = ff_stream(&s->text[1], &s->len[1]);
	s->report = ff_stream(&s->text[2], &s->len[2]);
	s->junit = ff_stream(&s->text[3], &s->len[3]);
}

static void ff_close(struct ff_streams *s, struct failnth_run *run)
{
	static const char *const names[] = { "out", "err", "report", "junit" };
	size_t i;

	fclose(s->out);
	fclose(s->err);
	fclose(s->report);
	fclose(s->junit);
	for (i = 0; i < 4; i++) {
		failnth_note(run, "--- %s\n%s\n", names[i], s->text[i]);
		free(s->text[i]);
	}
}

static void ff_run(const struct failnth_seq *seq, size_t part,
		   struct failnth_run *run)
{
	const char *sim_file = failnth_srcpath("vectors/smmuv3/vste-attach.yaml");
	const char *wrong = failnth_srcpath("tests/data/cli/wrong.yaml");
	const char *dup = failnth_srcpath("tests/data/cli/dup");
	struct nestref_ctx_opts ctx = {
		.size = sizeof(ctx), .backend = "mock",
	};
	struct nestref_vec_run_opts o = { .size = sizeof(o), .ctx = &ctx };
	struct nestref_vec_summary sum = { .size = sizeof(sum) };
	struct nestref_vec_export_opts eo = { .size = sizeof(eo) };
	const char *paths[4];
	struct ff_streams s;
	size_t n = 0;
	int rc;

	(void)seq;
	ff_open(&s);
	o.out = s.out;
	o.err = s.err;
	o.report = s.report;
	o.junit = s.junit;
	eo.out = s.out;
	eo.err = s.err;
	switch (part) {
	case FF_RUN_REPORTS:
		paths[n++] = ff_plain;
		o.flags = NESTREF_VEC_PARTIAL;
		o.expect_caps = NESTREF_CAP_CHECK_CACHE;
		break;
	case FF_RUN_FAILING:
		ctx.backend = "smmuv3-sim";
		ctx.profile = NESTREF_PROFILE_LINUX_7_4;
		paths[n++] = wrong;
		paths[n++] = sim_file;
		o.expect_caps = NESTREF_CAP_INV_SELFTEST;
		break;
	case FF_RUN_LOAD_ERR:
		paths[n++] = ff_plain;
		paths[n++] = ff_bad;
		break;
	case FF_RUN_NODEV:
		ctx.backend = "iommufd";
		ctx.backend_options = "iommufd=/nonexistent/iommu";
		paths[n++] = ff_plain;
		break;
	case FF_RUN_PROGRESS:
		ctx.rules_off = NESTREF_RULE_BIT(NESTREF_RULE_INVALIDATE_BOUNDS);
		paths[n++] = ff_plain;
		paths[n++] = sim_file;
		o.flags = NESTREF_VEC_PROGRESS;
		o.report = NULL;
		break;
	case FF_RUN_DUP:
		paths[n++] = dup;
		o.junit = NULL;
		break;
	case FF_LINT_TREE:
		paths[n++] = ff_tree;
		break;
	case FF_LINT_ARGS: {
		static char slash[320];

		snprintf(slash, sizeof(slash), "%s/", ff_plain);
		paths[n++] = slash;
		paths[n++] = wrong;
		paths[n++] = sim_file;
		break;
	}
	case FF_EXPORT_LINES:
		paths[n++] = ff_plain;
		paths[n++] = wrong;
		break;
	case FF_EXPORT_DIR:
		paths[n++] = ff_plain;
		paths[n++] = sim_file;
		eo.output_dir = ff_out;
		eo.profiles = NESTREF_PROFILE_BIT(NESTREF_PROFILE_RFC_V3);
		break;
	case FF_RUN_ODD:
		paths[n++] = ff_odd;
		break;
	case FF_LINT_ODD:
		paths[n++] = ff_odd_bad;
		break;
	}
	switch (part) {
	case FF_LINT_TREE:
	case FF_LINT_ARGS:
	case FF_LINT_ODD:
		rc = nestref_vec_lint_files(paths, n, &o);
		failnth_note(run, "lint -> %d\n", rc);
		if (part == FF_LINT_ARGS)
			failnth_note(run, "lint of nothing -> %d\n",
				     nestref_vec_lint_files(paths, 0, &o));
		break;
	case FF_EXPORT_LINES:
		failnth_note(run, "export -> %d\n",
			     nestref_vec_export_files(paths, n, &eo));
		eo.flags = NESTREF_VEC_EXPORT_ARRAY | NESTREF_VEC_QUIET;
		failnth_note(run, "export array -> %d\n",
			     nestref_vec_export_files(paths, n, &eo));
		eo.flags = 0;
		paths[0] = dup;
		failnth_note(run, "export dup -> %d\n",
			     nestref_vec_export_files(paths, 1, &eo));
		break;
	case FF_EXPORT_DIR:
		failnth_note(run, "export -> %d\n",
			     nestref_vec_export_files(paths, n, &eo));
		break;
	default:
		rc = nestref_vec_run_files(paths, n, &o, &sum);
		failnth_note(run, "run -> %d: %zu passed, %zu partly, %zu failed, %zu skipped\n",
			     rc, sum.passed, sum.passed_partly, sum.failed,
			     sum.skipped);
		break;
	}
	ff_close(&s, run);
}

/* nestref_vec_export_json() of two loaded files, both layouts. */
static void ff_export_json(const struct failnth_seq *seq, size_t part,
			   struct failnth_run *run)
{
	struct nestref_vec_file *const *files = seq->data;
	char *json = NULL;
	int rc;

	rc = failnth_rc(run, "export_json",
			nestref_vec_export_json(files[part / 2],
						part % 2 ? "a/b.yaml" : NULL,
						part % 2 ? NESTREF_VEC_EXPORT_PRETTY : 0,
						&json));
	if (!rc)
		failnth_note(run, "%s\n", json);
	free(json);
}

/* ------------------------------------------------ modules */

enum {
	FF_MOD_OK,       /* loaded, then again, then its backend used */
	FF_MOD_BARE,     /* a name without '/', from its folder */
	FF_MOD_REFUSED,  /* every way a module is refused, in turn */
	FF_MOD_DIRS,     /* a folder of two modules, and a missing one */
	FF_MOD_EXAMPLE,  /* examples/backend-module runs a vector file */
	FF_MOD_PARTS
};

static void ff_module(const struct failnth_seq *seq, size_t part,
		      struct failnth_run *run)
{
	static const char *const refused[] = {
		"nosym", "abi", "fail", "taken", "none",
	};
	const char *dir = failnth_buildpath("tests/.libs");
	const struct nestref_backend *first = NULL;
	struct nestref_vec_result *r = NULL;
	struct nestref_vec_file *file = NULL;
	struct nestref_ctx_opts opts = { .size = sizeof(opts) };
	char msg[512], path[600];
	size_t i;
	int rc;

	(void)seq;
	switch (part) {
	case FF_MOD_OK:
		snprintf(path, sizeof(path), "%s/test-module-ok.so", dir);
		failnth_rc(run, "load", nestref_module_load(path, &first, msg,
							     sizeof(msg)));
		failnth_note(run, "%s: %s\n", msg,
			     first ? nestref_backend_name(first) : "-");
		failnth_rc(run, "again", nestref_module_load(path, &first,
							      msg, sizeof(msg)));
		/* A name taken by the module just loaded. */
		snprintf(path, sizeof(path), "%s/test-module-dup.so", dir);
		failnth_rc(run, "dup", nestref_module_load(path, NULL, msg,
							    sizeof(msg)));
		failnth_note(run, "%s\n", msg);
		break;
	case FF_MOD_BARE:
		if (chdir(dir)) {
			failnth_problem(run, "chdir %s: %s", dir,
					strerror(errno));
			return;
		}
		failnth_rc(run, "bare", nestref_module_load("test-module-ok.so",
							     NULL, msg,
							     sizeof(msg)));
		failnth_note(run, "%s\n", msg);
		break;
	case FF_MOD_REFUSED:
		for (i = 0; i < NESTREF_ARRAY_SIZE(refused); i++) {
			snprintf(path, sizeof(path), "%s/test-module-%s.so",
				 dir, refused[i]);
			failnth_rc(run, refused[i],
				   nestref_module_load(path, NULL, msg,
						       sizeof(msg)));
			failnth_note(run, "%s\n", msg);
		}
		failnth_rc(run, "missing",
			   nestref_module_load("/nonexistent/x.so", NULL, msg,
					       sizeof(msg)));
		failnth_note(run, "%s\n", msg);
		break;
	case FF_MOD_DIRS:
		snprintf(path, sizeof(path), "%s::%s", ff_tmp,
			 "/nonexistent/modules");
		failnth_rc(run, "dirs", nestref_module_load_dirs(path, msg,
								  sizeof(msg)));
		failnth_note(run, "%s\n", msg);
		break;
	case FF_MOD_EXAMPLE:
		snprintf(path, sizeof(path), "%s",
			 failnth_buildpath("examples/backend-module/.libs/libnestref-example-mock.so"));
		rc = failnth_rc(run, "example",
				nestref_module_load(path, &first, msg,
						    sizeof(msg)));
		failnth_note(run, "%s\n", msg);
		if (rc)
			break;
		rc = failnth_rc(run, "load vectors",
				nestref_vec_load(failnth_srcpath("vectors/mock/check-cache.yaml"),
						 &file, NULL));
		if (rc)
			break;
		opts.backend = nestref_backend_name(first);
		for (i = 0; i < nestref_vec_file_tests(file); i++) {
			if (failnth_rc(run, "run_test",
				       nestref_vec_run_test(file, i, &opts,
							    &r)) == 0)
				failnth_note(run, "%s%s\n",
					     nestref_vec_result_tap(r),
					     nestref_vec_result_reason(r) ?
						     nestref_vec_result_reason(r) :
						     "");
			nestref_vec_result_free(r);
			r = NULL;
		}
		nestref_vec_file_free(file);
		break;
	}
}

/* A folder with two modules for nestref_module_load_dirs(). */
static int ff_module_dir(struct failnth_seq *seq, char *msg, size_t len)
{
	const char *dir = failnth_buildpath("tests/.libs");
	char from[600], to[600];
	int rc = ff_fixtures(seq, msg, len);

	if (rc)
		return rc;
	snprintf(from, sizeof(from), "%s/test-module-ok.so", dir);
	snprintf(to, sizeof(to), "%s/a.so", ff_tmp);
	if (access(from, R_OK) || symlink(from, to)) {
		snprintf(msg, len, "%s: %s (make check-failnth builds it)",
			 from, strerror(errno));
		ff_cleanup(seq);
		return -ENOENT;
	}
	snprintf(from, sizeof(from), "%s",
		 failnth_buildpath("examples/backend-module/.libs/libnestref-example-mock.so"));
	snprintf(to, sizeof(to), "%s/b.so", ff_tmp);
	if (access(from, R_OK) || symlink(from, to)) {
		snprintf(msg, len, "%s: %s (make check-failnth builds it)",
			 from, strerror(errno));
		ff_cleanup(seq);
		return -ENOENT;
	}
	return 0;
}

/* ------------------------------------------------ the list */

void failnth_files_add(struct failnth_list *list)
{
	static const char **bad, **inputs;
	static struct nestref_vec_file *exported[2];
	static size_t n_bad, n_inputs;
	struct failnth_seq *seq;

	ff_list("tests/data/bad", "/input.yaml", true, &bad, &n_bad);
	seq = failnth_add(list, ff_load, n_bad,
			  "load tests/data/bad (every load error)");
	seq->data = bad;
	ff_list("tests/data/good", ".yaml", false, &inputs, &n_inputs);
	ff_list("tests/data/cli", ".yaml", false, &inputs, &n_inputs);
	ff_list("tests/data/runner", ".yaml", false, &inputs, &n_inputs);
	/* A file that is not there, and a folder given as a file. */
	inputs = realloc(inputs, (n_inputs + 2) * sizeof(*inputs));
	if (!inputs) {
		perror("failnth");
		exit(99);
	}
	inputs[n_inputs++] = failnth_srcpath("tests/data/no-such-file.yaml");
	inputs[n_inputs++] = failnth_srcpath("tests/data/cli/dup");
	seq = failnth_add(list, ff_load, n_inputs,
			  "load tests/data/good, cli and runner");
	seq->data = inputs;

	seq = failnth_add(list, ff_run, FF_PARTS,
			  "report, lint and export (run_files, lint_files, export_files)");
	seq->prepare = ff_fixtures;
	seq->finish = ff_cleanup;

	if (nestref_vec_load(failnth_srcpath("vectors/mock/check-cache.yaml"),
			     &exported[0], NULL) ||
	    nestref_vec_load(failnth_srcpath("vectors/smmuv3/vste-attach.yaml"),
			     &exported[1], NULL)) {
		fprintf(stderr, "failnth: the export's files do not load\n");
		exit(99);
	}
	seq = failnth_add(list, ff_export_json, 4, "export_json");
	seq->data = exported;

	seq = failnth_add(list, ff_module, FF_MOD_PARTS,
			  "modules (tests/test-module.c, examples/backend-module)");
	seq->fork_each = true;
	/* A loaded module's path stays with it, two for the folder. */
	seq->keeps = 2;
	seq->prepare = ff_module_dir;
	seq->finish = ff_cleanup;
}

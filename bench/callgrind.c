/* SPDX-License-Identifier: MIT */
/*
 * Instructions per operation, the figure that does not drift with the
 * machine's load (issue 5 point 3, style.md 2.3).
 *
 * The bench runs itself twice under `valgrind --tool=callgrind`, as
 * `nestref-bench --callgrind-child SPEC --iters N`, with N1 and N2
 * iterations.  Both runs build the same world and pool and do the same
 * checks, so everything but the loop cancels in the difference:
 * instructions per operation = (Ir(N2) - Ir(N1)) / ((N2 - N1) * ops per
 * iteration), Ir being the "totals:" line of callgrind's output file.
 * For the rewrite, two more runs with --toggle-collect on the backend's
 * rewrite function (struct nestref_smmuv3_ops.rewrite_symbol, smmuv3-
 * sim's host_rewrite, which takes the whole batch) give the instructions
 * spent inside the rewrite itself per command, without the bench's loop,
 * copy and call around it.
 * Without valgrind, or in a build valgrind cannot run (AddressSanitizer),
 * nothing is measured and the results say so; nothing is estimated.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Operations the difference covers, and the smaller run's. */
#define CG_DIFF_OPS 16384u
#define CG_BASE_OPS 4096u

/* An executable called name in $PATH (or name itself if it has a '/'). */
static bool find_program(const char *name, char *path, size_t len)
{
	const char *dirs = getenv("PATH"), *p;

	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		return access(path, X_OK) == 0;
	}
	if (!dirs)
		dirs = "/usr/bin:/bin";
	for (p = dirs; *p;) {
		size_t n = strcspn(p, ":");

		snprintf(path, len, "%.*s/%s", (int)n, n ? p : ".", name);
		if (access(path, X_OK) == 0)
			return true;
		p += n;
		if (*p == ':')
			p++;
	}
	return false;
}

/* In the child: fd becomes path (NULL: /dev/null); exits 127 on failure. */
static void redirect(int fd, const char *path, int flags)
{
	int f = open(path ? path : "/dev/null", flags, 0600);

	if (f < 0 || dup2(f, fd) < 0)
		_exit(127);
	if (f != fd)
		close(f);
}

/*
 * Runs argv[0] (a path) with stdin from /dev/null, stdout to out_path and
 * stderr to err_path (NULL: /dev/null).  Its exit status, or -1 when it
 * could not run or did not exit.
 */
static int spawn(char *const argv[], const char *out_path,
		 const char *err_path)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		redirect(STDIN_FILENO, NULL, O_RDONLY);
		redirect(STDOUT_FILENO, out_path, O_WRONLY | O_CREAT | O_TRUNC);
		redirect(STDERR_FILENO, err_path, O_WRONLY | O_CREAT | O_TRUNC);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The last line of a file that is not blank and does not start with '='
 * (valgrind's own lines), without its newline; "" if none. */
static void last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n;

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '=' || line[0] == '\n')
			continue;
		n = strcspn(line, "\n");
		n = n < len ? n : len - 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
	}
	fclose(f);
}

/* The first line of a file, without its newline ("" if none). */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* A private folder for the children's files; 0 or -errno. */
static int make_tmpdir(char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	n = snprintf(dir, len, "%s/nestref-bench.XXXXXX",
		     tmp && *tmp ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return mkdtemp(dir) ? 0 : -errno;
}

void bench_callgrind_probe(const struct bench_options *opts,
			   struct bench_callgrind *cg)
{
	const char *env = getenv("NESTREF_BENCH_VALGRIND");
	const char *name = env && *env ? env : "valgrind";
	char dir[256], out[320];
	char *argv[3];
	int rc;

	memset(cg, 0, sizeof(*cg));
	if (!opts->callgrind) {
		snprintf(cg->reason, sizeof(cg->reason),
			 "not measured: --no-callgrind");
		return;
	}
	if (BENCH_ASAN) {
		snprintf(cg->reason, sizeof(cg->reason),
			 "not measured: built with AddressSanitizer, which valgrind cannot run");
		return;
	}
	if (!find_program(name, cg->path, sizeof(cg->path))) {
		snprintf(cg->reason, sizeof(cg->reason),
			 "not measured: %.100s not found%s", name,
			 strchr(name, '/') ? "" : " in $PATH");
		return;
	}
	rc = make_tmpdir(dir, sizeof(dir));
	if (rc) {
		snprintf(cg->reason, sizeof(cg->reason),
			 "not measured: no temporary folder: %s",
			 strerror(-rc));
		return;
	}
	snprintf(out, sizeof(out), "%s/version", dir);
	argv[0] = cg->path;
	argv[1] = (char *)"--version";
	argv[2] = NULL;
	if (spawn(argv, out, NULL) == 0) {
		first_line(out, cg->version, sizeof(cg->version));
		cg->available = true;
	} else {
		snprintf(cg->reason, sizeof(cg->reason),
			 "not measured: %.100s --version failed", cg->path);
	}
	unlink(out);
	rmdir(dir);
}

/* The "totals:" (else "summary:") figure of a callgrind output file. */
static int read_totals(const char *path, uint64_t *ir)
{
	char line[512];
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "totals: %llu", &v) == 1) {
			*ir = v;
			found = true;
			break;
		}
		if (!found && sscanf(line, "summary: %llu", &v) == 1) {
			*ir = v;
			found = true;
		}
	}
	fclose(f);
	return found ? 0 : -ENODATA;
}

/*
 * One child run: 0 and its instruction count, or -1 with res->instr_note.
 * toggle (may be NULL): count only inside these functions (callgrind's
 * --toggle-collect), their callees included.
 */
static int cg_run(const struct bench_callgrind *cg, const char *dir,
		  const char *self, const char *spec, uint64_t iters,
		  const char *const *toggle, uint64_t *ir,
		  struct bench_result *res)
{
	char out_opt[384], out[320], err[320], toggles[4][96];
	char iters_s[24], msg[160];
	char *argv[16];
	int status, rc, n = 0;
	size_t t;

	snprintf(out, sizeof(out), "%s/cg.%" PRIu64, dir, iters);
	snprintf(err, sizeof(err), "%s/err.%" PRIu64, dir, iters);
	snprintf(out_opt, sizeof(out_opt), "--callgrind-out-file=%s", out);
	snprintf(iters_s, sizeof(iters_s), "%" PRIu64, iters);
	argv[n++] = (char *)cg->path;
	argv[n++] = (char *)"--tool=callgrind";
	argv[n++] = out_opt;
	for (t = 0; toggle && toggle[t] && t < 4; t++) {
		snprintf(toggles[t], sizeof(toggles[t]), "--toggle-collect=%s",
			 toggle[t]);
		argv[n++] = toggles[t];
	}
	argv[n++] = (char *)self;
	argv[n++] = (char *)"--callgrind-child";
	argv[n++] = (char *)spec;
	argv[n++] = (char *)"--iters";
	argv[n++] = iters_s;
	argv[n] = NULL;
	status = spawn(argv, NULL, err);
	if (status != 0) {
		/* The child's own sentence is its last line on stderr. */
		last_line(err, msg, sizeof(msg));
		snprintf(res->instr_note, sizeof(res->instr_note),
			 "callgrind run failed (exit %d)%s%s", status,
			 msg[0] ? ": " : "", msg);
		rc = -1;
	} else if ((rc = read_totals(out, ir)) != 0) {
		snprintf(res->instr_note, sizeof(res->instr_note),
			 "callgrind output %.120s: %s", out,
			 rc == -ENODATA ? "no totals line" : strerror(-rc));
		rc = -1;
	}
	unlink(out);
	unlink(err);
	return rc;
}

/* The two runs and their difference per operation; 0 or -1. */
static int cg_pair(const struct bench_callgrind *cg, const char *dir,
		   const char *self, struct bench_result *res,
		   const char *const *toggle, double *per_op)
{
	uint64_t ops = res->spec.kind == BENCH_CHURN ? 1 : res->spec.batch;
	uint64_t n1, n2, ir1 = 0, ir2 = 0;
	char spec[160];

	n1 = (CG_BASE_OPS + ops - 1) / ops;
	n2 = n1 + (CG_DIFF_OPS + ops - 1) / ops;
	bench_spec_format(&res->spec, spec, sizeof(spec));
	if (cg_run(cg, dir, self, spec, n1, toggle, &ir1, res) ||
	    cg_run(cg, dir, self, spec, n2, toggle, &ir2, res))
		return -1;
	if (ir2 <= ir1) {
		snprintf(res->instr_note, sizeof(res->instr_note),
			 "callgrind: %" PRIu64 " instructions for %" PRIu64
			 " iterations, not more than %" PRIu64 " for %" PRIu64,
			 ir2, n2, ir1, n1);
		return -1;
	}
	*per_op = (double)(ir2 - ir1) / (double)((n2 - n1) * ops);
	return 0;
}

int bench_callgrind_measure(const struct bench_callgrind *cg,
			    struct bench_result *res)
{
	const char *rewrite_fns[] = { res->rewrite_symbol, NULL };
	char self[PATH_MAX], dir[256];
	ssize_t len;
	int rc;

	res->instr_measured = false;
	res->instr_in_rewrite_measured = false;
	if (!cg->available) {
		snprintf(res->instr_note, sizeof(res->instr_note), "%s",
			 cg->reason);
		return 0;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		snprintf(res->instr_note, sizeof(res->instr_note),
			 "callgrind: cannot find this program (/proc/self/exe): %s",
			 strerror(errno));
		return -1;
	}
	self[len] = '\0';
	rc = make_tmpdir(dir, sizeof(dir));
	if (rc) {
		snprintf(res->instr_note, sizeof(res->instr_note),
			 "callgrind: no temporary folder: %s", strerror(-rc));
		return -1;
	}
	rc = cg_pair(cg, dir, self, res, NULL, &res->instr_per_op);
	res->instr_measured = !rc;
	/* The rewrite's own share: inside its function, callees included. */
	if (!rc && res->spec.kind == BENCH_REWRITE && res->rewrite_symbol) {
		rc = cg_pair(cg, dir, self, res, rewrite_fns,
			     &res->instr_in_rewrite);
		res->instr_in_rewrite_measured = !rc;
	}
	rmdir(dir);
	return rc ? -1 : 0;
}

int bench_callgrind_child(const char *spec_text, uint64_t iters)
{
	struct bench_spec spec;
	struct bench_world *w = NULL;
	struct bench_workload *wl = NULL;
	char err[256];
	int rc;

	if (bench_spec_parse(spec_text, &spec)) {
		fprintf(stderr, "%s: bad --callgrind-child spec '%s'\n",
			BENCH_PROGRAM, spec_text);
		return BENCH_EXIT_USAGE;
	}
	/* No kernel row asks for callgrind: no backend options needed. */
	rc = bench_world_new(&w, spec.backend, NULL, spec.profile,
			     spec.populated, NULL, err, sizeof(err));
	if (!rc)
		rc = bench_workload_new(&wl, w, &spec, err, sizeof(err));
	if (!rc)
		rc = bench_workload_run(wl, iters, err, sizeof(err));
	bench_workload_free(wl);
	bench_world_free(w);
	if (rc) {
		fprintf(stderr, "%s: %s\n", BENCH_PROGRAM, err);
		return BENCH_EXIT_FAILED;
	}
	return BENCH_EXIT_OK;
}

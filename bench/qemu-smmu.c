/* SPDX-License-Identifier: MIT */
/*
 * A QEMU driven through qtest (issue 15 point 2): where the bench finds
 * it, its process, and the text protocol.
 *
 * QEMU comes from a Debian sid folder made by tests/kernel/qemu-sid.sh
 * (docs/kernel.md 5.2), run through chroot as tests/kernel/qemu-chroot.sh
 * does: /proc and /dev bound into the folder in a mount namespace of
 * QEMU's own, so the mounts end with it and the host never sees them.
 * QEMU_AARCH64 names a host binary instead, run as it is.
 *
 * qtest's protocol (QEMU's system/qtest.c): one command a line on QEMU's
 * stdin ("writel ADDR VALUE", "readl ADDR", "b64write ADDR SIZE DATA"),
 * one answer a line on its stdout, "OK" with a value for reads, "FAIL"
 * or "ERR" otherwise.  QEMU does not end when its stdin does: the bench
 * stops it (TERM, then KILL) and reaps it on every path, and it dies with
 * the bench (PR_SET_PDEATHSIG).  Every answer has a timeout: a QEMU that
 * hangs fails the row, it does not hang the bench.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define QEMU_SID_PREFIX "qemu-sid-"
#define QEMU_IN_ROOT "/usr/bin/qemu-system-aarch64"
/* How long a stopped QEMU gets to end on TERM before KILL. */
#define QTEST_STOP_MS 2000

static void qt_err(struct bench_qtest *qt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void qt_err(struct bench_qtest *qt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(qt->err, sizeof(qt->err), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ locate */

/* The newest qemu-sid-* folder under dir (by modification time); false
 * with errno set when dir cannot be read (0: none in it). */
static bool newest_sid(const char *dir, char *out, size_t len)
{
	struct timespec best = { 0 };
	bool found = false;
	struct dirent *de;
	char path[PATH_MAX];
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	errno = 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, QEMU_SID_PREFIX,
			    strlen(QEMU_SID_PREFIX)) != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     de->d_name) >= sizeof(path) ||
		    stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (found && (st.st_mtim.tv_sec < best.tv_sec ||
			      (st.st_mtim.tv_sec == best.tv_sec &&
			       st.st_mtim.tv_nsec <= best.tv_nsec)))
			continue;
		if (strlen(path) >= len)
			continue;
		best = st.st_mtim;
		memcpy(out, path, strlen(path) + 1);
		found = true;
	}
	closedir(d);
	errno = 0;
	return found;
}

static int sid_folder_usable(struct bench_qemu_where *w)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s" QEMU_IN_ROOT, w->root);
	if (access(path, X_OK)) {
		snprintf(w->reason, sizeof(w->reason),
			 "%.300s has no usr/bin/qemu-system-aarch64; " BENCH_QEMU_HOW,
			 w->root);
		return -ENODEV;
	}
	if (geteuid() != 0) {
		snprintf(w->reason, sizeof(w->reason),
			 "running QEMU of %.300s needs chroot and mount, which need root; " BENCH_QEMU_HOW,
			 w->root);
		return -ENODEV;
	}
	snprintf(w->qemu, sizeof(w->qemu), "%s", QEMU_IN_ROOT);
	return 0;
}

int bench_qemu_locate(struct bench_qemu_where *w)
{
	const char *root = getenv("NESTREF_BENCH_QEMU_ROOT");
	const char *host = getenv("QEMU_AARCH64");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char cache[PATH_MAX];

	memset(w, 0, sizeof(*w));
	if (root && *root) {
		snprintf(w->root, sizeof(w->root), "%s", root);
		return sid_folder_usable(w);
	}
	if (host && *host) {
		snprintf(w->root, sizeof(w->root), "/");
		snprintf(w->qemu, sizeof(w->qemu), "%.500s", host);
		/* A bare name is looked up in PATH when it runs. */
		if (strchr(host, '/') && access(host, X_OK)) {
			snprintf(w->reason, sizeof(w->reason),
				 "QEMU_AARCH64=%.300s: %s; " BENCH_QEMU_HOW, host,
				 strerror(errno));
			return -ENODEV;
		}
		return 0;
	}
	if (xdg && *xdg)
		snprintf(cache, sizeof(cache), "%s/nestref", xdg);
	else
		snprintf(cache, sizeof(cache), "%s/.cache/nestref",
			 home ? home : "");
	if (!newest_sid(cache, w->root, sizeof(w->root))) {
		if (errno && errno != ENOENT)
			snprintf(w->reason, sizeof(w->reason),
				 "no QEMU: cannot read %.300s: %s; " BENCH_QEMU_HOW,
				 cache, strerror(errno));
		else
			snprintf(w->reason, sizeof(w->reason),
				 "no QEMU: no " QEMU_SID_PREFIX "* folder in %.300s; " BENCH_QEMU_HOW,
				 cache);
		return -ENODEV;
	}
	return sid_folder_usable(w);
}

/* ------------------------------------------------------------ process */

/* In the child: QEMU's root, as qemu-chroot.sh sets it up.  Returns only
 * on failure, with what failed on fd 2. */
static void child_enter_root(const char *root)
{
	static const char *const binds[] = { "proc", "dev" };
	char path[PATH_MAX], from[16];
	size_t i;

	/* A file system type for every mount, though these ignore it:
	 * "none" is what mount(8) passes. */
	if (unshare(CLONE_NEWNS) ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL)) {
		dprintf(2, "cannot make a mount namespace: %s\n",
			strerror(errno));
		_exit(126);
	}
	for (i = 0; i < sizeof(binds) / sizeof(binds[0]); i++) {
		snprintf(from, sizeof(from), "/%s", binds[i]);
		snprintf(path, sizeof(path), "%s/%s", root, binds[i]);
		if (mount(from, path, "none", MS_BIND | MS_REC, NULL)) {
			dprintf(2, "cannot bind %s into %s: %s\n", from, root,
				strerror(errno));
			_exit(126);
		}
	}
	if (chroot(root) || chdir("/")) {
		dprintf(2, "cannot chroot into %s: %s\n", root,
			strerror(errno));
		_exit(126);
	}
}

static void child_run(int sock, int log, const char *root,
		      char *const argv[], pid_t parent)
{
	/* QEMU dies with the bench, also when the bench died before this. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(126);
	if (dup2(sock, 0) < 0 || dup2(sock, 1) < 0 || dup2(log, 2) < 0)
		_exit(126);
	if (sock > 2)
		close(sock);
	if (log > 2)
		close(log);
	signal(SIGPIPE, SIG_DFL);
	if (root && strcmp(root, "/") != 0)
		child_enter_root(root);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The first line the peer wrote on its stderr, for messages. */
static void peer_said(const struct bench_qtest *qt, char *out, size_t len)
{
	ssize_t n;

	out[0] = '\0';
	if (qt->log < 0 || len < 2)
		return;
	n = pread(qt->log, out, len - 1, 0);
	if (n <= 0) {
		out[0] = '\0';
		return;
	}
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

int bench_qtest_start(struct bench_qtest *qt, const char *root,
		      char *const argv[])
{
	char logname[] = "/tmp/nestref-qtest-XXXXXX";
	int sv[2];
	pid_t pid, parent;
	int rc;

	qt->pid = -1;
	qt->fd = -1;
	qt->len = 0;
	qt->err[0] = '\0';
	if (!qt->timeout_ms)
		qt->timeout_ms = 10000;
	qt->log = mkstemp(logname);
	if (qt->log < 0) {
		rc = -errno;
		qt_err(qt, "cannot create %s: %s", logname, strerror(-rc));
		return rc;
	}
	unlink(logname);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		rc = -errno;
		qt_err(qt, "socketpair: %s", strerror(-rc));
		goto err_log;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		qt_err(qt, "fork: %s", strerror(-rc));
		goto err_sock;
	}
	if (pid == 0)
		child_run(sv[1], qt->log, root, argv, parent);
	close(sv[1]);
	qt->pid = pid;
	qt->fd = sv[0];
	return 0;

err_sock:
	close(sv[0]);
	close(sv[1]);
err_log:
	close(qt->log);
	qt->log = -1;
	return rc;
}

/*
 * Reaps the peer within QTEST_STOP_MS (TERM first when term), then KILL:
 * its wait status, or -1 when there was none to reap.
 */
static int reap(struct bench_qtest *qt, bool term)
{
	uint64_t deadline = bench_now_ns() + (uint64_t)QTEST_STOP_MS * 1000000;
	int status = -1;
	pid_t r;

	if (qt->pid <= 0)
		return -1;
	if (term)
		kill(qt->pid, SIGTERM);
	while ((r = waitpid(qt->pid, &status, WNOHANG)) == 0) {
		if (bench_now_ns() >= deadline) {
			kill(qt->pid, SIGKILL);
			r = waitpid(qt->pid, &status, 0);
			break;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	}
	qt->pid = -1;
	return r > 0 ? status : -1;
}

/* The peer ended: reaps it and says how, with its first stderr line. */
static int peer_gone(struct bench_qtest *qt, const char *line)
{
	char said[200], how[32];
	int status = reap(qt, false);

	peer_said(qt, said, sizeof(said));
	if (status < 0)
		snprintf(how, sizeof(how), "closed its output");
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "ended (signal %d)",
			 WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "ended (exit %d)",
			 WEXITSTATUS(status));
	qt_err(qt, "QEMU %s before answering '%.60s'%s%s", how, line,
	       *said ? ": " : "", said);
	return -EPIPE;
}

/* One answer line into ans (without its newline): 0 or -errno. */
static int read_line(struct bench_qtest *qt, const char *line, char *ans,
		     size_t len)
{
	uint64_t deadline = bench_now_ns() + (uint64_t)qt->timeout_ms * 1000000;

	for (;;) {
		char *nl = memchr(qt->buf, '\n', qt->len);
		struct pollfd p = { .fd = qt->fd, .events = POLLIN };
		uint64_t now;
		ssize_t n;
		size_t k;
		int r;

		if (nl) {
			k = (size_t)(nl - qt->buf);
			snprintf(ans, len, "%.*s", (int)k, qt->buf);
			memmove(qt->buf, nl + 1, qt->len - k - 1);
			qt->len -= k + 1;
			return 0;
		}
		if (qt->len == sizeof(qt->buf)) {
			qt_err(qt, "an answer to '%.60s' longer than %zu bytes",
			       line, sizeof(qt->buf));
			return -EIO;
		}
		now = bench_now_ns();
		if (now >= deadline)
			goto timeout;
		r = poll(&p, 1, (int)((deadline - now) / 1000000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			qt_err(qt, "poll: %s", strerror(errno));
			return -errno;
		}
		if (r == 0)
			goto timeout;
		n = read(qt->fd, qt->buf + qt->len, sizeof(qt->buf) - qt->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return peer_gone(qt, line);
		qt->len += (size_t)n;
	}
timeout:
	qt_err(qt, "QEMU did not answer '%.60s' within %d ms", line,
	       qt->timeout_ms);
	return -ETIMEDOUT;
}

int bench_qtest_call(struct bench_qtest *qt, const char *line,
		     uint64_t *value)
{
	size_t len = strlen(line), off = 0;
	char ans[256] = "", *end;
	int rc;

	if (qt->pid < 0) {
		qt_err(qt, "QEMU is not running");
		return -EPIPE;
	}
	while (off < len + 1) {
		/* The line, then its newline. */
		const char *p = off < len ? line + off : "\n";
		ssize_t w = send(qt->fd, p, off < len ? len - off : 1,
				 MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return peer_gone(qt, line);
		off += (size_t)w;
	}
	do {
		rc = read_line(qt, line, ans, sizeof(ans));
		/* Interrupts are announced unasked when intercepted. */
	} while (!rc && strncmp(ans, "IRQ ", 4) == 0);
	if (rc)
		return rc;
	if (strncmp(ans, "OK", 2) != 0 || (ans[2] && ans[2] != ' ')) {
		qt_err(qt, "QEMU answered '%.80s' to '%.60s'", ans, line);
		return -EIO;
	}
	if (!value)
		return 0;
	errno = 0;
	*value = strtoull(ans + 2, &end, 0);
	if (ans[2] != ' ' || errno || end == ans + 3 || *end) {
		qt_err(qt, "QEMU answered '%.80s' to '%.60s', not OK and a number",
		       ans, line);
		return -EIO;
	}
	return 0;
}

int bench_qtest_writel(struct bench_qtest *qt, uint64_t addr, uint32_t v)
{
	char line[64];

	snprintf(line, sizeof(line), "writel 0x%" PRIx64 " 0x%" PRIx32, addr, v);
	return bench_qtest_call(qt, line, NULL);
}

int bench_qtest_writeq(struct bench_qtest *qt, uint64_t addr, uint64_t v)
{
	char line[64];

	snprintf(line, sizeof(line), "writeq 0x%" PRIx64 " 0x%" PRIx64, addr, v);
	return bench_qtest_call(qt, line, NULL);
}

int bench_qtest_readl(struct bench_qtest *qt, uint64_t addr, uint32_t *v)
{
	uint64_t value;
	char line[64];
	int rc;

	snprintf(line, sizeof(line), "readl 0x%" PRIx64, addr);
	rc = bench_qtest_call(qt, line, &value);
	if (!rc && value > UINT32_MAX) {
		qt_err(qt, "QEMU answered 0x%" PRIx64 " to '%s', wider than 32 bits",
		       value, line);
		return -EIO;
	}
	if (!rc)
		*v = (uint32_t)value;
	return rc;
}

void bench_base64(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];

		*out++ = digits[v >> 18];
		*out++ = digits[(v >> 12) & 63];
		*out++ = digits[(v >> 6) & 63];
		*out++ = digits[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		*out++ = digits[v >> 18];
		*out++ = digits[(v >> 12) & 63];
		if (i + 1 < len)
			*out++ = digits[(v >> 6) & 63];
		else
			*out++ = '=';
		*out++ = '=';
	}
	*out = '\0';
}

int bench_qtest_write(struct bench_qtest *qt, uint64_t addr,
		      const unsigned char *bytes, size_t len)
{
	size_t room = 64 + 4 * ((len + 2) / 3) + 1;
	char *line = malloc(room);
	int n, rc;

	if (!line) {
		qt_err(qt, "out of memory for a write of %zu bytes", len);
		return -ENOMEM;
	}
	n = snprintf(line, room, "b64write 0x%" PRIx64 " 0x%zx ", addr, len);
	bench_base64(bytes, len, line + n);
	rc = bench_qtest_call(qt, line, NULL);
	free(line);
	return rc;
}

void bench_qtest_stop(struct bench_qtest *qt)
{
	if (qt->fd >= 0)
		close(qt->fd);
	qt->fd = -1;
	reap(qt, true);
	if (qt->log >= 0)
		close(qt->log);
	qt->log = -1;
}

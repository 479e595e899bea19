/* SPDX-License-Identifier: MIT */
/*
 * The exec backend's child process and its transport (docs/spec/protocol.md
 * sections 1 and 6): `/bin/sh -c COMMAND` in a process group of its own,
 * one JSON line each way, and no trust in what comes back.  Every wait has
 * a deadline, a reply has a size limit, and any failure kills the whole
 * group and reaps the child before the request returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nestref/backend.h>
#include <nestref/nestref.h>

#include "exec.h"

extern char **environ;

#define EXEC_READ_CHUNK ((size_t)65536)

static double exec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Milliseconds to deadline for poll(), at least 0. */
static int exec_ms_left(double deadline)
{
	double left = (deadline - exec_now()) * 1000.0;

	if (left <= 0)
		return 0;
	if (left >= (double)INT_MAX)
		return INT_MAX;
	return (int)left + 1;
}

int exec_child_init(struct exec_child *c, char *msg, size_t msg_len)
{
	const char *env = getenv("NESTREF_EXEC_TIMEOUT");
	char *end;
	double t;

	memset(c, 0, sizeof(*c));
	c->to_child = -1;
	c->from_child = -1;
	c->timeout = EXEC_TIMEOUT_DEFAULT;
	if (!env || !*env)
		return 0;
	errno = 0;
	t = strtod(env, &end);
	if (errno || *end || !(t > 0) || t > 1e6) {
		snprintf(msg, msg_len,
			 "exec: NESTREF_EXEC_TIMEOUT must be a positive number of seconds, not '%s'",
			 env);
		return -EINVAL;
	}
	c->timeout = t;
	return 0;
}

static void exec_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* A pipe whose ends are close-on-exec and above 2, so that dup2 onto the
 * child's 0 and 1 never meets itself. */
static int exec_pipe(int p[2])
{
	int i;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	for (i = 0; i < 2; i++) {
		if (p[i] <= 2) {
			int fd = fcntl(p[i], F_DUPFD_CLOEXEC, 3);

			if (fd < 0) {
				int err = -errno;

				close(p[0]);
				close(p[1]);
				return err;
			}
			close(p[i]);
			p[i] = fd;
		}
	}
	return 0;
}

/* nestref's environment with NESTREF_PROTOCOL set; NULL without memory. */
static char **exec_env(void)
{
	static const char var[] = "NESTREF_PROTOCOL=";
	static char setting[] = "NESTREF_PROTOCOL=1";
	size_t n = 0, i, j = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = nestref_calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], var, sizeof(var) - 1) != 0)
			env[j++] = environ[i];
	env[j] = setting;
	return env;
}

int exec_child_start(struct exec_child *c, const char *command, char *msg,
		     size_t msg_len)
{
	static const int defaults[] = { SIGPIPE, SIGINT,  SIGQUIT, SIGTERM,
					SIGHUP,  SIGCHLD, SIGALRM, SIGUSR1,
					SIGUSR2 };
	static char sh_name[] = "sh", sh_c[] = "-c";
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	char *argv[4];
	char **env = NULL;
	sigset_t set;
	pid_t pid;
	size_t i;
	int rc;

	rc = exec_pipe(in);
	if (!rc)
		rc = exec_pipe(out);
	if (!rc) {
		env = exec_env();
		rc = env ? 0 : -ENOMEM;
	}
	if (rc) {
		snprintf(msg, msg_len, "exec: cannot start the child: %s",
			 strerror(-rc));
		goto out_close;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawnattr_init(&attr);
	/* Its own process group, so that a kill takes its children too; the
	 * signals nestref may block or ignore back to their defaults. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
						POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	sigemptyset(&set);
	posix_spawnattr_setsigmask(&attr, &set);
	for (i = 0; i < NESTREF_ARRAY_SIZE(defaults); i++)
		sigaddset(&set, defaults[i]);
	posix_spawnattr_setsigdefault(&attr, &set);
	argv[0] = sh_name;
	argv[1] = sh_c;
	argv[2] = (char *)(uintptr_t)command;
	argv[3] = NULL;
	rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		snprintf(msg, msg_len, "exec: cannot run /bin/sh: %s",
			 strerror(rc));
		rc = -ENODEV;
		goto out_close;
	}
	exec_close(&in[0]);
	exec_close(&out[1]);
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK)) {
		rc = -errno;
		snprintf(msg, msg_len, "exec: cannot set up the pipes: %s",
			 strerror(-rc));
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		goto out_close;
	}
	c->pid = pid;
	c->to_child = in[1];
	c->from_child = out[0];
	nestref_free(env);
	return 0;

out_close:
	nestref_free(env);
	exec_close(&in[0]);
	exec_close(&in[1]);
	exec_close(&out[0]);
	exec_close(&out[1]);
	return rc;
}

/* ------------------------------------------------------------ ending */

static const char *exec_signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGABRT: return "SIGABRT";
	case SIGKILL: return "SIGKILL";
	case SIGTERM: return "SIGTERM";
	case SIGBUS: return "SIGBUS";
	case SIGPIPE: return "SIGPIPE";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGINT: return "SIGINT";
	case SIGHUP: return "SIGHUP";
	}
	return "a signal";
}

/* "exited with status N" or "was killed by signal N (NAME)". */
static void exec_describe(const siginfo_t *info, char *how, size_t how_len)
{
	if (info->si_code == CLD_EXITED)
		snprintf(how, how_len, "exited with status %d", info->si_status);
	else
		snprintf(how, how_len, "was killed by signal %d (%s)",
			 info->si_status, exec_signal_name(info->si_status));
}

/*
 * Ends the child: closes the pipes, waits until deadline for it to exit
 * (seeing its status without reaping it, so that its process group stays
 * valid), kills whatever is left of the group, then reaps it.  how says
 * how it ended: "exited with status N", "was killed by signal N (NAME)",
 * or, when nestref had to kill it, "" .
 */
static void exec_child_end(struct exec_child *c, double deadline, char *how,
			   size_t how_len)
{
	siginfo_t info;
	bool ended = false;
	int ms = 1;

	if (how && how_len)
		how[0] = '\0';
	exec_close(&c->to_child);
	exec_close(&c->from_child);
	nestref_free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	if (c->pid <= 0)
		return;
	for (;;) {
		int w;

		memset(&info, 0, sizeof(info));
		w = waitid(P_PID, (id_t)c->pid, &info,
			   WEXITED | WNOHANG | WNOWAIT);
		if (w == 0 && info.si_pid == c->pid) {
			ended = true;
			break;
		}
		/*
		 * Reaped behind our back (SIGCHLD ignored): its PID may be
		 * another process's by now, so nothing is killed.
		 */
		if (w < 0 && errno == ECHILD) {
			c->pid = 0;
			return;
		}
		if (exec_now() >= deadline)
			break;
		poll(NULL, 0, ms);
		if (ms < 16)
			ms *= 2;
	}
	if (how && how_len && ended)
		exec_describe(&info, how, how_len);
	/* The group: the child and anything it started. */
	kill(-c->pid, SIGKILL);
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
}

void exec_child_stop(struct exec_child *c)
{
	char how[64];

	exec_child_end(c, exec_now() + c->timeout, how, sizeof(how));
}

static int exec_vfail(struct exec_child *c, const char *op, char *msg,
		      size_t msg_len, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static int exec_vfail(struct exec_child *c, const char *op, char *msg,
		      size_t msg_len, const char *fmt, va_list ap)
{
	char what[EXEC_MSG_LEN];

	vsnprintf(what, sizeof(what), fmt, ap);
	snprintf(c->failure, sizeof(c->failure), "request %lu (%s): %s",
		 c->id, op, what);
	c->failed = true;
	exec_child_end(c, 0, NULL, 0);
	snprintf(msg, msg_len, "exec: %s", c->failure);
	return -EIO;
}

int exec_child_fail(struct exec_child *c, const char *op, char *msg,
		    size_t msg_len, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = exec_vfail(c, op, msg, msg_len, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * The child closed its end of a pipe (end, "stdin" or "stdout"): waits a
 * little for its exit and fails with "the child <how> <when>".
 */
static int exec_gone(struct exec_child *c, const char *op, char *msg,
		     size_t msg_len, double deadline, const char *end,
		     const char *when)
{
	char how[64];
	double soon = exec_now() + 1.0;

	exec_child_end(c, deadline < soon ? deadline : soon, how, sizeof(how));
	if (!how[0])
		snprintf(how, sizeof(how), "closed its %s and was killed", end);
	c->failed = true;
	snprintf(c->failure, sizeof(c->failure), "request %lu (%s): the child %s %s",
		 c->id, op, how, when);
	snprintf(msg, msg_len, "exec: %s", c->failure);
	return -EIO;
}

/* ------------------------------------------------------- the transport */

/* write() with SIGPIPE held back: a dead child is EPIPE, never a signal
 * that ends nestref. */
static ssize_t exec_write(int fd, const void *p, size_t n)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = { 0, 0 };
	bool was_pending;
	ssize_t w;
	int err;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	w = write(fd, p, n);
	err = errno;
	if (w < 0 && err == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return w;
}

/* Reads what the child wrote into c->buf: >0 bytes, 0 at end of file,
 * -EAGAIN for nothing yet, -E2BIG past the reply limit, -errno. */
static ssize_t exec_read(struct exec_child *c)
{
	ssize_t r;

	if (c->len >= EXEC_REPLY_MAX)
		return -E2BIG;
	if (c->cap - c->len < EXEC_READ_CHUNK) {
		size_t cap = c->cap ? 2 * c->cap : 2 * EXEC_READ_CHUNK;
		char *buf;

		if (cap > EXEC_REPLY_MAX + EXEC_READ_CHUNK)
			cap = EXEC_REPLY_MAX + EXEC_READ_CHUNK;
		buf = nestref_realloc(c->buf, cap);
		if (!buf)
			return -ENOMEM;
		c->buf = buf;
		c->cap = cap;
	}
	r = read(c->from_child, c->buf + c->len, EXEC_READ_CHUNK);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN :
								 -errno;
	c->len += (size_t)r;
	return r;
}

/*
 * No memory for what the child wrote: the reply is lost with it, so the
 * child goes as after any failure, but the request says ENOMEM.
 */
static int exec_nomem(struct exec_child *c, const char *op, char *msg,
		      size_t msg_len)
{
	exec_child_fail(c, op, msg, msg_len, "out of memory for the reply");
	return -ENOMEM;
}

/* Output before the request: the child speaks out of turn (or is gone). */
static int exec_check_quiet(struct exec_child *c, const char *op, char *msg,
			    size_t msg_len, double deadline)
{
	struct pollfd pfd = { c->from_child, POLLIN, 0 };
	char text[64];
	ssize_t r;

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	r = exec_read(c);
	if (r == 0)
		return exec_gone(c, op, msg, msg_len, deadline, "stdout",
				 "before the request was sent");
	if (r == -EAGAIN)
		return 0;
	if (r == -ENOMEM)
		return exec_nomem(c, op, msg, msg_len);
	if (r < 0)
		return exec_child_fail(c, op, msg, msg_len,
				       "reading from the child: %s",
				       strerror((int)-r));
	exec_excerpt(c->buf, c->len, text, sizeof(text));
	return exec_child_fail(c, op, msg, msg_len,
			       "the child wrote '%s' before the request (stray output)",
			       text);
}

/* Writes the request while reading anything the child writes meanwhile. */
static int exec_send(struct exec_child *c, const char *op, const char *line,
		     size_t n, char *msg, size_t msg_len, double deadline)
{
	size_t done = 0;

	while (done < n) {
		struct pollfd pfd[2] = { { c->to_child, POLLOUT, 0 },
					 { c->from_child, POLLIN, 0 } };
		int p = poll(pfd, 2, exec_ms_left(deadline));
		ssize_t r;

		if (p < 0 && errno == EINTR)
			continue;
		if (p == 0)
			return exec_child_fail(c, op, msg, msg_len,
					       "the child did not read the request within %g s (NESTREF_EXEC_TIMEOUT)",
					       c->timeout);
		if (pfd[1].revents) {
			r = exec_read(c);
			if (r == 0)
				return exec_gone(c, op, msg, msg_len, deadline,
						 "stdout",
						 "before it read the request");
			if (r == -E2BIG)
				return exec_child_fail(c, op, msg, msg_len,
						       "the reply is longer than %u bytes",
						       EXEC_REPLY_MAX);
			if (r == -ENOMEM)
				return exec_nomem(c, op, msg, msg_len);
			if (r < 0 && r != -EAGAIN)
				return exec_child_fail(c, op, msg, msg_len,
						       "reading from the child: %s",
						       strerror((int)-r));
		}
		if (!pfd[0].revents)
			continue;
		r = exec_write(c->to_child, line + done, n - done);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
			      errno == EINTR))
			continue;
		if (r < 0 && errno == EPIPE)
			return exec_gone(c, op, msg, msg_len, deadline, "stdin",
					 "before it read the request");
		return exec_child_fail(c, op, msg, msg_len,
				       "writing to the child: %s",
				       strerror(errno));
	}
	return 0;
}

/* Reads up to the reply's newline; *nl is its offset in c->buf. */
static int exec_receive(struct exec_child *c, const char *op, char *msg,
			size_t msg_len, double deadline, size_t *nl)
{
	size_t scanned = 0;

	for (;;) {
		struct pollfd pfd = { c->from_child, POLLIN, 0 };
		const char *end = c->len > scanned ?
					  memchr(c->buf + scanned, '\n',
						 c->len - scanned) :
					  NULL;
		ssize_t r;
		int p;

		if (end) {
			*nl = (size_t)(end - c->buf);
			if (*nl + 1 > EXEC_REPLY_MAX)
				break;
			return 0;
		}
		scanned = c->len;
		p = poll(&pfd, 1, exec_ms_left(deadline));
		if (p < 0 && errno == EINTR)
			continue;
		if (p == 0)
			return exec_child_fail(c, op, msg, msg_len,
					       "no reply within %g s (NESTREF_EXEC_TIMEOUT)",
					       c->timeout);
		r = exec_read(c);
		if (r == 0)
			return exec_gone(c, op, msg, msg_len, deadline, "stdout",
					 c->len ? "in the middle of its reply" :
						  "before it replied");
		if (r == -E2BIG)
			break;
		if (r == -ENOMEM)
			return exec_nomem(c, op, msg, msg_len);
		if (r < 0 && r != -EAGAIN)
			return exec_child_fail(c, op, msg, msg_len,
					       "reading from the child: %s",
					       strerror((int)-r));
	}
	return exec_child_fail(c, op, msg, msg_len,
			       "the reply is longer than %u bytes (protocol.md section 6)",
			       EXEC_REPLY_MAX);
}

int exec_child_call(struct exec_child *c, const char *op, json_t *req,
		    json_t **reply, char *msg, size_t msg_len)
{
	double deadline;
	char *line;
	size_t n, nl = 0;
	int rc;

	*reply = NULL;
	rc = exec_line_request(c, op, req, &line, &n, msg, msg_len);
	if (rc)
		return rc;
	deadline = exec_now() + c->timeout;
	rc = exec_check_quiet(c, op, msg, msg_len, deadline);
	if (!rc)
		rc = exec_send(c, op, line, n, msg, msg_len, deadline);
	nestref_free(line);
	if (!rc)
		rc = exec_receive(c, op, msg, msg_len, deadline, &nl);
	if (rc)
		return rc;
	return exec_line_reply(c, op, nl, reply, msg, msg_len);
}

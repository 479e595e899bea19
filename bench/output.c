/* SPDX-License-Identifier: MIT */
/*
 * The files the bench writes (--json, --csv), opened before anything is
 * measured (issue 13 point 7): a path that cannot be written fails at
 * once, not after a run of many minutes.
 *
 * A regular file, or one that does not exist yet, is written under a
 * temporary name in its own folder (so the check covers the folder) and
 * renamed over the path once complete: a run that fails or is stopped
 * leaves the previous results whole, never an empty or half-written
 * file.  Anything else that exists (a device such as /dev/null, a FIFO,
 * a symbolic link) is written in place, and "-" is stdout.  A run
 * stopped by SIGINT, SIGTERM or SIGHUP removes its temporary files.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

/* The temporary files of this run (--json and --csv), for the signal
 * handler; a slot is cleared before its name is freed. */
static char *temps[2];
static pid_t temps_owner;

static void remove_temps(int sig)
{
	size_t i;

	/* Not in a callgrind child between its fork and its exec. */
	if (getpid() == temps_owner)
		for (i = 0; i < sizeof(temps) / sizeof(temps[0]); i++)
			if (temps[i])
				unlink(temps[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Lists name for removal on a signal; installs the handler the first
 * time, except for a signal the process ignores (nohup). */
static void track_temp(char *name)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = remove_temps }, old;
	size_t i;

	if (!temps_owner) {
		temps_owner = getpid();
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (!sigaction(sigs[i], NULL, &old) &&
			    old.sa_handler == SIG_DFL)
				sigaction(sigs[i], &sa, NULL);
	}
	for (i = 0; i < sizeof(temps) / sizeof(temps[0]); i++) {
		if (!temps[i]) {
			temps[i] = name;
			return;
		}
	}
}

static void untrack_temp(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(temps) / sizeof(temps[0]); i++)
		if (temps[i] == name)
			temps[i] = NULL;
}

/* "DIR/.BASE.XXXXXX" for mkstemp, or NULL. */
static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *name;
	int n;

	if (slash)
		n = asprintf(&name, "%.*s/.%s.XXXXXX", (int)(slash - path),
			     path, slash + 1);
	else
		n = asprintf(&name, ".%s.XXXXXX", path);
	return n < 0 ? NULL : name;
}

/* The temporary file next to o->path, with the mode the file would get
 * (the old one's, else 0666 less the umask): 0 or -errno. */
static int open_temp(struct bench_output *o, const struct stat *old)
{
	mode_t mask, mode;
	int saved;

	o->tmp = temp_name(o->path);
	if (!o->tmp)
		return -ENOMEM;
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0)
		goto err_name;
	if (old) {
		mode = old->st_mode & 07777;
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(o->fd, mode))
		goto err_file;
	track_temp(o->tmp);
	return 0;

err_file:
	saved = errno;
	close(o->fd);
	o->fd = -1;
	unlink(o->tmp);
	errno = saved;
err_name:
	saved = errno;
	free(o->tmp);
	o->tmp = NULL;
	return -saved;
}

/* Where the file goes: 0 or -errno. */
static int open_target(struct bench_output *o)
{
	struct stat st;

	if (!strcmp(o->path, "-")) {
		o->fd = STDOUT_FILENO;
		return 0;
	}
	if (lstat(o->path, &st))
		return errno == ENOENT ? open_temp(o, NULL) : -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode))
		return open_temp(o, &st);
	/* A link's target may be longer than what is written: truncate. */
	o->fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	return o->fd < 0 ? -errno : 0;
}

int bench_output_open(struct bench_output *o, char *err, size_t len)
{
	int rc;

	o->f = NULL;
	o->buf = NULL;
	o->len = 0;
	o->fd = -1;
	o->tmp = NULL;
	if (!o->path)
		return 0;
	rc = open_target(o);
	/* The text is gathered in memory and written at the end, so that a
	 * failed write says why (stdio's buffer would hide the errno). */
	if (!rc) {
		o->f = open_memstream(&o->buf, &o->len);
		if (!o->f) {
			rc = -errno;
			bench_output_discard(o);
		}
	}
	if (rc)
		snprintf(err, len, "%s: cannot write %s: %s", o->option,
			 o->path, strerror(-rc));
	return rc;
}

/* o->buf to o->fd: 0 or -errno. */
static int write_all(const struct bench_output *o)
{
	size_t done = 0;
	ssize_t n;

	while (done < o->len) {
		n = write(o->fd, o->buf + done, o->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

int bench_output_close(struct bench_output *o, char *err, size_t len)
{
	int rc = 0;

	if (!o->f)
		return 0;
	/* A write into memory fails only for want of it. */
	if (ferror(o->f))
		rc = -ENOMEM;
	if (fclose(o->f) && !rc)
		rc = -errno;
	o->f = NULL;
	if (!rc)
		rc = write_all(o);
	if (o->fd != STDOUT_FILENO && close(o->fd) && !rc)
		rc = -errno;
	o->fd = -1;
	if (!rc && o->tmp && rename(o->tmp, o->path))
		rc = -errno;
	if (rc)
		snprintf(err, len, "%s: writing %s: %s", o->option,
			 !strcmp(o->path, "-") ? "stdout" : o->path,
			 strerror(-rc));
	bench_output_discard(o);
	return rc;
}

void bench_output_discard(struct bench_output *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	free(o->buf); /* open_memstream's: the C library's */
	o->buf = NULL;
	if (o->fd >= 0 && o->fd != STDOUT_FILENO)
		close(o->fd);
	o->fd = -1;
	/* Renamed already, or never to be: the name goes. */
	if (o->tmp)
		unlink(o->tmp);
	untrack_temp(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
}

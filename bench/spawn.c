/* SPDX-License-Identifier: MIT */
/* Running other programs: valgrind for callgrind.c, gnuplot for plot.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

bool bench_find_program(const char *name, char *path, size_t len)
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

int bench_spawn(char *const argv[], const char *cwd, const char *out_path,
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
		if (cwd && chdir(cwd))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void bench_last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '=' && line[0] != '\n')
			snprintf(buf, len, "%s", line);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

// SPDX-License-Identifier: MIT
/*
 * /init of the `make check-kernel` guest (tests/kernel/run.sh): the only
 * process of a tiny Linux booted under QEMU.  It mounts devtmpfs so that
 * /dev/iommu exists, runs
 *
 *	/nestref run --quiet --backend iommufd --backend-options mode=selftest
 *		--profile linux-6.13 /vectors
 *
 * with its stdout on the console between two marker lines, and hands the
 * exit status to the host through QEMU's isa-debug-exit device, which
 * makes QEMU exit with (value << 1) | 1.  The host reads the TAP between
 * the markers and the exit status, so every way this can fail must still
 * end the VM, with a status of its own.
 *
 * The kernel passes unknown `name=value` boot parameters to /init as
 * environment: `nestref_backend=mock` on the kernel command line runs the
 * guest on the mock backend instead, to check the harness without the
 * kernel backend.
 */
/* _GNU_SOURCE (for sys/io.h's ioperm and outb) comes from AM_CPPFLAGS. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* -device isa-debug-exit,iobase=0xf4,iosize=0x04 on the QEMU command line */
#define DEBUG_EXIT_PORT 0xf4

/*
 * What /init writes to the port.  Below 100 it is nestref's own exit
 * status (0 all passed, 1 a test failed, 2 usage or load error, 77 the
 * backend cannot run); QEMU's status is then 1, 3, 5 or 155.  The rest are
 * failures of /init itself.  QEMU's status keeps 8 bits, so values stay
 * below 128.
 */
enum init_status {
	INIT_MOUNT_FAILED = 101,	/* QEMU exits 203 */
	INIT_SPAWN_FAILED = 102,	/* 205: /nestref could not be started */
	INIT_WAIT_FAILED = 103,		/* 207 */
	INIT_KILLED = 104,		/* 209: nestref died of a signal */
	INIT_BAD_STATUS = 105,		/* 211: nestref exited 100 or more */
};

#define TAP_BEGIN "@@NESTREF-TAP-BEGIN@@"
#define TAP_END "@@NESTREF-TAP-END rc=%d@@\n"
#define STDERR_FILE "/nestref.stderr"

extern char **environ;

static double boottime(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts))
		return -1.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Ends the VM with @status.  Never returns: PID 1 must not exit, or the
 * kernel panics and the host could not tell that from a real panic.
 */
static void __attribute__((noreturn)) finish(int status)
{
	printf("nestref-init: exit status %d at %.3f s after boot\n", status,
	       boottime());
	fflush(stdout);
	fflush(stderr);
	/*
	 * write() on the console returns once the bytes are in the tty
	 * buffer; the UART sends them later.  Without the drain QEMU can exit
	 * before the end marker has left the guest.
	 */
	tcdrain(STDOUT_FILENO);
	tcdrain(STDERR_FILENO);
	if (ioperm(DEBUG_EXIT_PORT, 1, 1) == 0) {
		outb((unsigned char)status, DEBUG_EXIT_PORT);
		/* QEMU exits on the write; reaching here means no device. */
		fprintf(stderr, "nestref-init: no isa-debug-exit at 0x%x\n",
			DEBUG_EXIT_PORT);
	} else {
		fprintf(stderr, "nestref-init: ioperm(0x%x): %s\n",
			DEBUG_EXIT_PORT, strerror(errno));
	}
	/*
	 * There is no ACPI, so power-off would only halt.  A reset ends QEMU
	 * under -no-reboot, with status 0: the host sees that the port was
	 * not reached, and the end marker still has the exit status.
	 */
	tcdrain(STDERR_FILENO);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

/* The kernel opens /dev/console for /init; if it could not, try again. */
static void ensure_console(void)
{
	int fd;

	if (fcntl(STDOUT_FILENO, F_GETFD) != -1)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;	/* nothing to print to; the exit status still works */
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* nestref's stderr, shown after the TAP so that it cannot break it. */
static void show_stderr(void)
{
	char line[512];
	FILE *f = fopen(STDERR_FILE, "r");

	if (!f) {
		printf("nestref-init: cannot read %s: %s\n", STDERR_FILE,
		       strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("nestref stderr: %s%s", line,
		       strchr(line, '\n') ? "" : "\n");
	fclose(f);
}

int main(void)
{
	const char *backend = getenv("nestref_backend");
	char *argv[12];
	posix_spawn_file_actions_t actions;
	pid_t pid;
	int n = 0, err, wstatus, status;
	double t0;

	/* devtmpfs: /dev/iommu; no procfs or sysfs in this kernel or needed. */
	if (mkdir("/dev", 0755) && errno != EEXIST)
		printf("nestref-init: mkdir /dev: %s\n", strerror(errno));
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL)) {
		err = errno;
		ensure_console();
		printf("nestref-init: mount devtmpfs on /dev: %s\n",
		       strerror(err));
		finish(INIT_MOUNT_FAILED);
	}
	ensure_console();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("nestref-init: /init running at %.3f s after boot\n",
	       boottime());

	if (!backend || !*backend)
		backend = "iommufd";
	argv[n++] = "/nestref";
	argv[n++] = "run";
	argv[n++] = "--quiet";
	argv[n++] = "--backend";
	argv[n++] = (char *)backend;
	if (!strcmp(backend, "iommufd")) {
		argv[n++] = "--backend-options";
		argv[n++] = "mode=selftest";
	}
	argv[n++] = "--profile";
	argv[n++] = "linux-6.13";
	argv[n++] = "/vectors";
	argv[n] = NULL;

	err = posix_spawn_file_actions_init(&actions);
	if (!err)
		err = posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
						       STDERR_FILE,
						       O_WRONLY | O_CREAT |
						       O_TRUNC, 0644);
	if (err) {
		printf("nestref-init: posix_spawn_file_actions: %s\n",
		       strerror(err));
		finish(INIT_SPAWN_FAILED);
	}

	printf("nestref-init: running /nestref run --backend %s\n", backend);
	puts(TAP_BEGIN);
	fflush(stdout);
	t0 = boottime();
	/* glibc's posix_spawn reports a failed exec here, not as a status. */
	err = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (err) {
		printf(TAP_END, -1);
		printf("nestref-init: cannot start %s: %s\n", argv[0],
		       strerror(err));
		finish(INIT_SPAWN_FAILED);
	}

	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno == EINTR)
			continue;
		err = errno;
		printf(TAP_END, -1);
		printf("nestref-init: waitpid: %s\n", strerror(err));
		finish(INIT_WAIT_FAILED);
	}

	if (WIFEXITED(wstatus)) {
		status = WEXITSTATUS(wstatus);
		printf(TAP_END, status);
		if (status >= INIT_MOUNT_FAILED - 1)
			status = INIT_BAD_STATUS;
	} else {
		/* The shell's convention for a death by signal. */
		printf(TAP_END, 128 + WTERMSIG(wstatus));
		printf("nestref-init: nestref killed by signal %d (%s)\n",
		       WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		status = INIT_KILLED;
	}
	printf("nestref-init: nestref ran for %.3f s\n", boottime() - t0);
	show_stderr();
	finish(status);
}

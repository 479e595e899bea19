// SPDX-License-Identifier: MIT
/*
 * /init of the `make check-kernel` guest (tests/kernel/run.sh): the only
 * process of a tiny Linux booted under QEMU.  It mounts devtmpfs so that
 * /dev/iommu exists, runs
 *
 *	/nestref run --quiet --report /report.json --backend iommufd
 *		--backend-options mode=selftest --profile linux-7.2 /vectors
 *
 * with its stdout on the console between two marker lines, then the JSON
 * report it wrote (docs/spec/report.md) between
 * @@NESTREF-FILE-BEGIN report.json@@ and @@NESTREF-FILE-END report.json@@,
 * and hands the exit status to the host through QEMU's isa-debug-exit
 * device, which makes QEMU exit with (value << 1) | 1.  The host reads the
 * TAP between the markers, the report and the exit status, so every way
 * this can fail must still end the VM, with a status of its own.
 *
 * The kernel passes unknown `name=value` boot parameters to /init as
 * environment: `nestref_backend=mock` on the kernel command line runs the
 * guest on the mock backend instead, to check the harness without the
 * kernel backend, and `nestref_profile=NAME` picks the profile (run.sh
 * passes KERNEL_PROFILE; linux-7.2 without it).  (A dotted name such as
 * `nestref.mode` would be taken for a module parameter and never reach
 * /init; a dot in the value is fine.)  /init prints the kernel's uname
 * first, so the host can say which kernel it booted.
 *
 * `nestref_mode=bench` (`make bench-kernel`, tests/kernel/bench.sh) runs
 *
 *	/nestref-bench --suite kernel --no-callgrind ... --json /bench.json
 *		--csv /bench.csv
 *
 * instead, its table between @@NESTREF-BENCH-BEGIN@@ and its end marker,
 * then each file it wrote between @@NESTREF-FILE-BEGIN name@@ and
 * @@NESTREF-FILE-END name@@, for the host to take from the console.
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
#include <sys/utsname.h>
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
	INIT_BAD_MODE = 106,		/* 213: unknown nestref_mode */
};

#define STDERR_FILE "/nestref.stderr"

/* What /init runs: the program's stdout goes between the markers
 * @@NESTREF-<marker>-BEGIN@@ and @@NESTREF-<marker>-END rc=N@@. */
struct mode {
	const char *name;   /* nestref_mode=name */
	const char *marker;
	const char *const *argv;  /* NULL: nestref run, see mode_argv */
	const char *const *files; /* written by the program, shown after */
};

/* Modest sizes: TCG is slow, and the run should stay under a minute
 * (docs/bench.md section 8). */
static const char *const bench_argv[] = {
	"/nestref-bench", "--suite=kernel", "--no-callgrind", "--no-progress",
	"--repetitions=10", "--min-time=50", "--warmup=50",
	"--json=/bench.json", "--csv=/bench.csv", NULL
};
static const char *const bench_files[] = { "/bench.json", "/bench.csv",
					   NULL };

/* The report `nestref run --report` writes, for the host to compare. */
static const char *const vectors_files[] = { "/report.json", NULL };

static const struct mode modes[] = {
	{ "vectors", "TAP", NULL, vectors_files },
	{ "bench", "BENCH", bench_argv, bench_files },
};

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

/* The end marker: the program's exit status, or -1 when it did not run. */
static void end_marker(const struct mode *m, int rc)
{
	printf("@@NESTREF-%s-END rc=%d@@\n", m->marker, rc);
}

/* A file the program wrote, between markers the host looks for. */
static void show_file(const char *path)
{
	char chunk[4096];
	const char *name = path + 1; /* without the leading / */
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("nestref-init: cannot read %s: %s\n", path,
		       strerror(errno));
		return;
	}
	printf("@@NESTREF-FILE-BEGIN %s@@\n", name);
	while (fgets(chunk, sizeof(chunk), f)) {
		len = strlen(chunk);
		fputs(chunk, stdout);
	}
	/* The end marker starts a line of its own. */
	if (len && chunk[len - 1] != '\n')
		putchar('\n');
	printf("@@NESTREF-FILE-END %s@@\n", name);
	fclose(f);
}

/* Fills argv for mode m, NULL-terminated (16 slots are enough). */
static void mode_argv(const struct mode *m, const char *backend,
		      const char *profile, char **argv)
{
	int n = 0;

	if (m->argv) {
		for (; m->argv[n]; n++)
			argv[n] = (char *)m->argv[n];
		argv[n] = NULL;
		return;
	}
	argv[n++] = "/nestref";
	argv[n++] = "run";
	argv[n++] = "--quiet";
	argv[n++] = "--report";
	argv[n++] = (char *)vectors_files[0];
	argv[n++] = "--backend";
	argv[n++] = (char *)backend;
	if (!strcmp(backend, "iommufd")) {
		argv[n++] = "--backend-options";
		argv[n++] = "mode=selftest";
	}
	argv[n++] = "--profile";
	argv[n++] = (char *)profile;
	argv[n++] = "/vectors";
	argv[n] = NULL;
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
	const char *mode_name = getenv("nestref_mode");
	const char *profile = getenv("nestref_profile");
	struct utsname uts;
	const struct mode *m = NULL;
	const char *const *file;
	char *argv[16];
	posix_spawn_file_actions_t actions;
	pid_t pid;
	size_t k;
	int err, wstatus, status;
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
	/* "nestref-init: kernel ...": run.sh reads it. */
	if (uname(&uts) == 0)
		printf("nestref-init: kernel %s %s %s %s\n", uts.sysname,
		       uts.release, uts.version, uts.machine);
	else
		printf("nestref-init: uname: %s\n", strerror(errno));

	if (!backend || !*backend)
		backend = "iommufd";
	if (!mode_name || !*mode_name)
		mode_name = "vectors";
	if (!profile || !*profile)
		profile = "linux-7.2";
	for (k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
		if (!strcmp(modes[k].name, mode_name))
			m = &modes[k];
	if (!m) {
		printf("nestref-init: unknown nestref_mode=%s (vectors or bench)\n",
		       mode_name);
		finish(INIT_BAD_MODE);
	}
	mode_argv(m, backend, profile, argv);
	if (!argv[0])
		finish(INIT_SPAWN_FAILED); /* a mode without a program */

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

	printf("nestref-init: mode %s: running", m->name);
	for (k = 0; argv[k]; k++)
		printf(" %s", argv[k]);
	putchar('\n');
	printf("@@NESTREF-%s-BEGIN@@\n", m->marker);
	fflush(stdout);
	t0 = boottime();
	/* glibc's posix_spawn reports a failed exec here, not as a status. */
	err = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (err) {
		end_marker(m, -1);
		printf("nestref-init: cannot start %s: %s\n", argv[0],
		       strerror(err));
		finish(INIT_SPAWN_FAILED);
	}

	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno == EINTR)
			continue;
		err = errno;
		end_marker(m, -1);
		printf("nestref-init: waitpid: %s\n", strerror(err));
		finish(INIT_WAIT_FAILED);
	}

	if (WIFEXITED(wstatus)) {
		status = WEXITSTATUS(wstatus);
		end_marker(m, status);
		if (status >= INIT_MOUNT_FAILED - 1)
			status = INIT_BAD_STATUS;
	} else {
		/* The shell's convention for a death by signal. */
		end_marker(m, 128 + WTERMSIG(wstatus));
		printf("nestref-init: nestref killed by signal %d (%s)\n",
		       WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		status = INIT_KILLED;
	}
	/* "nestref ran for" or "nestref-bench ran for": run.sh reads it. */
	printf("nestref-init: %s ran for %.3f s\n", argv[0] + 1,
	       boottime() - t0);
	for (file = m->files; file && *file; file++)
		show_file(*file);
	show_stderr();
	finish(status);
}

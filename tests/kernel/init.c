// SPDX-License-Identifier: MIT
/*
 * /init of the `make check-kernel` guest (tests/kernel/run.sh) and of the
 * `make check-kernel-arm64` guest: the only process of a tiny Linux booted
 * under QEMU.  It mounts devtmpfs so that /dev/iommu exists, runs
 *
 *	/nestref run --quiet --report /report.json --backend iommufd
 *		--backend-options mode=selftest --profile linux-7.2 /vectors
 *
 * with its stdout on the console between two marker lines, then the JSON
 * report it wrote (docs/spec/report.md) between
 * @@NESTREF-FILE-BEGIN report.json@@ and @@NESTREF-FILE-END report.json@@,
 * then its stderr, one "nestref stderr: " line each, and ends the VM with
 * an exit status the host can read.  The host reads the TAP between the
 * markers, the report and the exit status, so every way this can fail
 * must still end the VM, with a status of its own (enum init_status).
 *
 * Ending the VM.  On every architecture /init first prints
 * `@@NESTREF-EXIT status=N@@` on the console, N being nestref's exit
 * status or one of /init's own 101 and up, and syncs.  Then:
 *  - on x86, it writes N to QEMU's isa-debug-exit device (port 0xf4),
 *    which makes QEMU exit with (N << 1) | 1;
 *  - elsewhere (aarch64 has no such device) it powers off with
 *    reboot(RB_POWER_OFF), PSCI SYSTEM_OFF on QEMU's virt machine, and
 *    QEMU (-no-reboot) exits 0: the host takes N from the EXIT line.
 *
 * The kernel passes unknown `name=value` boot parameters to /init as
 * environment: `nestref_backend=mock` on the kernel command line runs the
 * guest on the mock backend instead, to check the harness without the
 * kernel backend, and `nestref_profile=NAME` picks the profile (run.sh
 * passes KERNEL_PROFILE; linux-7.2 without it).  (A dotted name such as
 * `nestref.mode` would be taken for a module parameter and never reach
 * /init; a dot in the value is fine, and so are spaces inside double
 * quotes: name="a b".)  /init prints the kernel's uname first, so the
 * host can say which kernel it booted.
 *
 * `nestref_mode=bench` (`make bench-kernel`, tests/kernel/bench.sh) runs
 *
 *	/nestref-bench --suite kernel --no-callgrind ... --json /bench.json
 *		--csv /bench.csv
 *
 * instead, its table between @@NESTREF-BENCH-BEGIN@@ and its end marker,
 * then each file it wrote between @@NESTREF-FILE-BEGIN name@@ and
 * @@NESTREF-FILE-END name@@, for the host to take from the console.
 * `nestref_bench_args=ARGS` appends ARGS, split at spaces, to that
 * command line (later options win), such as
 * nestref_bench_args="--only=kernel --backend-options=mode=vfio,devices=@VFIO_DEVICES@".
 *
 * The vfio devices (`nestref_mode=smmuv3`, or `nestref_vfio=1` in any
 * other mode).  /init mounts sysfs on /sys and binds every PCI device
 * 1234:11e8 (QEMU's edu) to vfio-pci, in BDF order: `vfio-pci` into its
 * driver_override, its BDF into /sys/bus/pci/drivers_probe (after an
 * unbind from another driver), then waits up to 5 s for its cdev, the
 * vfioN under /sys/bus/pci/devices/BDF/vfio-dev/, to appear as
 * /dev/vfio/devices/vfioN.  It prints a line for each, with its StreamID
 * (the PCI requester ID, bus << 8 | device << 3 | function):
 *
 *	nestref-init: vfio device /dev/vfio/devices/vfio0 pci 0000:00:02.0 sid 0x10
 *
 * No such device, or one that does not bind, ends the VM with a status
 * of its own.  The cdevs, joined by ':', are the device list
 * (/dev/vfio/devices/vfio0:/dev/vfio/devices/vfio1): it replaces the
 * placeholder @VFIO_DEVICES@ wherever it is in a mode's command line,
 * nestref_bench_args included (an error without nestref_vfio=1).
 *
 * `nestref_mode=smmuv3` (`make check-kernel-arm64`: the real arm-smmu-v3
 * driver under QEMU's emulated SMMUv3) binds the vfio devices, then runs
 * the vectors as the default mode does, between the same markers, with
 * `--backend-options mode=vfio,devices=LIST` instead of mode=selftest,
 * then
 *
 *	/nestref-steps --backend iommufd --backend-options mode=vfio,devices=LIST
 *		--profile P --markers /vectors
 *
 * (JSON lines) between @@NESTREF-STEPS-BEGIN@@ and
 * @@NESTREF-STEPS-END rc=N@@, its stderr as "nestref-steps stderr: "
 * lines.  Without /nestref-steps in the initramfs it prints a line saying
 * so instead.  /init's status is nestref run's; the steps' status is in
 * their end marker only.
 *
 * With `nestref_edu_fault=1` as well (the 2-vCPU boot of make
 * check-kernel-arm64, docs/kernel.md 5.12), it then runs
 *
 *	/nestref-edu-fault --vsid 0x99 FIRST-CDEV FIRST-STREAMID
 *
 * between @@NESTREF-EDU-BEGIN@@ and @@NESTREF-EDU-END rc=N@@, its stderr
 * as "nestref-edu-fault stderr: " lines: a real translation fault from
 * the first edu device, read back from a vEVENTQ.  Its status too is in
 * its end marker only.  Last, in this mode, the kernel's log between
 * @@NESTREF-FILE-BEGIN dmesg@@ and its end marker.
 */
/* _GNU_SOURCE (for sys/io.h's ioperm and outb) comes from AM_CPPFLAGS. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sched.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Only x86 has I/O ports, and QEMU's isa-debug-exit on them. */
#if defined(__x86_64__) || defined(__i386__)
#define HAVE_DEBUG_EXIT 1
#include <sys/io.h>
#else
#define HAVE_DEBUG_EXIT 0
#endif

/* -device isa-debug-exit,iobase=0xf4,iosize=0x04 on the QEMU command line */
#define DEBUG_EXIT_PORT 0xf4

/* Where sysfs and devtmpfs are (a test of the vfio binding can move them
 * into a folder of fake files). */
#ifndef INIT_SYSFS
#define INIT_SYSFS "/sys"
#endif
#ifndef INIT_DEVFS
#define INIT_DEVFS "/dev"
#endif
#define PCI_DEVICES INIT_SYSFS "/bus/pci/devices"
#define PCI_DRIVERS_PROBE INIT_SYSFS "/bus/pci/drivers_probe"
#define VFIO_CDEVS INIT_DEVFS "/vfio/devices"

/* QEMU's `edu` device: a PCI endpoint with a DMA engine. */
#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define MAX_VFIO 16		/* edu devices /init binds at most */
#define VFIO_WAIT_MS 5000	/* for a device's cdev to appear */
#define VFIO_PLACEHOLDER "@VFIO_DEVICES@"

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
	INIT_NO_VFIO_DEVICE = 107,	/* 215: no PCI device 1234:11e8 */
	INIT_VFIO_BIND_FAILED = 108,	/* 217: one did not bind to vfio-pci */
	INIT_BAD_ARGS = 109,		/* 219: nestref_bench_args or
					 * nestref_vfio unusable */
};

#define STDERR_FILE "/nestref.stderr"
#define STEPS_PROGRAM "/nestref-steps"
#define STEPS_STDERR_FILE "/nestref-steps.stderr"
#define EDU_FAULT_PROGRAM "/nestref-edu-fault"
#define EDU_FAULT_STDERR_FILE "/nestref-edu-fault.stderr"
/* The vSID of edu-fault's vDEVICE: not any edu's StreamID (0x10 up). */
#define EDU_FAULT_VSID "0x99"
#define MAX_ARGS 64

/* What /init runs: the program's stdout goes between the markers
 * @@NESTREF-<marker>-BEGIN@@ and @@NESTREF-<marker>-END rc=N@@. */
struct mode {
	const char *name;   /* nestref_mode=name */
	const char *marker;
	const char *const *argv;  /* NULL: nestref run, see mode_argv */
	const char *const *files; /* written by the program, shown after */
	const char *args_env;     /* its extra arguments, or NULL */
	int vfio;                 /* binds the vfio devices first */
	int steps;                /* runs /nestref-steps after */
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
	{ "vectors", "TAP", NULL, vectors_files, NULL, 0, 0 },
	{ "bench", "BENCH", bench_argv, bench_files, "nestref_bench_args",
	  0, 0 },
	{ "smmuv3", "TAP", NULL, vectors_files, NULL, 1, 1 },
};

/* The bound vfio devices' cdevs, joined by ':' (empty: none bound), and
 * the iommufd backend's options for them. */
static char vfio_devices[MAX_VFIO * 48];
static char vfio_options[sizeof(vfio_devices) + 32];
/* The first of them, and its StreamID, for /nestref-edu-fault. */
static char vfio_first[128];
static unsigned int vfio_first_sid;

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
	/* Where there is no isa-debug-exit, the host's only copy. */
	printf("@@NESTREF-EXIT status=%d@@\n", status);
	fflush(stdout);
	fflush(stderr);
	sync();
	/*
	 * write() on the console returns once the bytes are in the tty
	 * buffer; the UART sends them later.  Without the drain QEMU can exit
	 * before the end marker has left the guest.
	 */
	tcdrain(STDOUT_FILENO);
	tcdrain(STDERR_FILENO);
#if HAVE_DEBUG_EXIT
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
#else
	/* PSCI SYSTEM_OFF: QEMU exits 0, the EXIT line has the status. */
	reboot(RB_POWER_OFF);
	fprintf(stderr, "nestref-init: reboot(RB_POWER_OFF): %s\n",
		strerror(errno));
	/* A reset ends QEMU too, under -no-reboot. */
#endif
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
static void end_marker(const char *marker, int rc)
{
	printf("@@NESTREF-%s-END rc=%d@@\n", marker, rc);
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

/* A program's stderr, shown after its output so that it cannot break it,
 * each line after @label ("nestref" gives "nestref stderr: "). */
static void show_stderr(const char *path, const char *label)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("nestref-init: cannot read %s: %s\n", path,
		       strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("%s stderr: %s%s", label, line,
		       strchr(line, '\n') ? "" : "\n");
	fclose(f);
}

/* ------------------------------------------------------ the vfio devices */

/* Writes @text to the sysfs file @path: 0, or an errno. */
static int write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return errno;
	n = write(fd, text, len);
	err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (close(fd) && !err)
		err = errno;
	return err;
}

/* Reads a number such as "0x1234\n" from the sysfs file @path: 0, or an
 * errno (EINVAL when it holds no number). */
static int read_number(const char *path, unsigned long *value)
{
	char buf[64], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		err = errno;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	errno = 0;
	*value = strtoul(buf, &end, 0);
	if (errno || end == buf || (*end && *end != '\n'))
		return EINVAL;
	return 0;
}

/* The name of the driver @bdf is bound to, into @name: 0, or an errno
 * (ENOENT: none). */
static int bound_driver(const char *bdf, char *name, size_t size)
{
	char path[512], target[512];
	const char *base;
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver",
			     bdf) >= sizeof(path))
		return ENAMETOOLONG;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if ((size_t)snprintf(name, size, "%s", base) >= size)
		return ENAMETOOLONG;
	return 0;
}

/* The vfioN under /sys/bus/pci/devices/@bdf/vfio-dev/ into @name: 0, or
 * an errno (ENOENT: not there yet). */
static int vfio_cdev_name(const char *bdf, char *name, size_t size)
{
	char path[512];
	struct dirent *e;
	DIR *d;
	int err = ENOENT;

	if ((size_t)snprintf(path, sizeof(path), PCI_DEVICES "/%s/vfio-dev",
			     bdf) >= sizeof(path))
		return ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return errno;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4)) {
			err = (size_t)snprintf(name, size, "%s", e->d_name) >=
				size ? ENAMETOOLONG : 0;
			break;
		}
	closedir(d);
	return err;
}

static double monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Binds the PCI device @bdf to vfio-pci and waits for its cdev, which it
 * writes into @cdev ("/dev/vfio/devices/vfio0"), and its StreamID into
 * @sid.  0, or
 * INIT_VFIO_BIND_FAILED after a message naming the file and the errno.
 */
static int vfio_bind_one(const char *bdf, char *cdev, size_t size,
			 unsigned int *sid)
{
	static const struct timespec tick = { 0, 10 * 1000 * 1000 };
	char path[512], driver[256], name[64];
	unsigned int domain, bus, dev, fn;
	const char *what;
	double deadline;
	struct stat st;
	int n = 0, err;

	if (sscanf(bdf, "%x:%x:%x.%x%n", &domain, &bus, &dev, &fn, &n) != 4 ||
	    bdf[n] || bus > 0xff || dev > 0x1f || fn > 7) {
		printf("nestref-init: %s/%s: not a PCI address\n", PCI_DEVICES,
		       bdf);
		return INIT_VFIO_BIND_FAILED;
	}

	/* Bound to something else: unbind first, or the probe does nothing. */
	err = bound_driver(bdf, driver, sizeof(driver));
	if (!err && strcmp(driver, "vfio-pci")) {
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver/unbind",
			 bdf);
		err = write_file(path, bdf);
		if (err) {
			printf("nestref-init: write %s to %s (bound to %s): %s (errno %d)\n",
			       bdf, path, driver, strerror(err), err);
			return INIT_VFIO_BIND_FAILED;
		}
	}
	if (err || strcmp(driver, "vfio-pci")) {
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override",
			 bdf);
		err = write_file(path, "vfio-pci");
		if (err) {
			printf("nestref-init: write vfio-pci to %s: %s (errno %d)\n",
			       path, strerror(err), err);
			return INIT_VFIO_BIND_FAILED;
		}
		err = write_file(PCI_DRIVERS_PROBE, bdf);
		if (err) {
			printf("nestref-init: write %s to %s: %s (errno %d)\n",
			       bdf, PCI_DRIVERS_PROBE, strerror(err), err);
			return INIT_VFIO_BIND_FAILED;
		}
	}

	/*
	 * The probe may bind later, and devtmpfs makes the node on its own
	 * thread: poll for the driver, the cdev's name, then the node.
	 */
	deadline = monotonic_ms() + VFIO_WAIT_MS;
	for (;;) {
		err = bound_driver(bdf, driver, sizeof(driver));
		what = "driver";
		if (!err && strcmp(driver, "vfio-pci"))
			err = ENXIO;
		if (!err) {
			what = "vfio-dev";
			err = vfio_cdev_name(bdf, name, sizeof(name));
		}
		if (!err) {
			what = NULL;
			if ((size_t)snprintf(cdev, size, VFIO_CDEVS "/%s",
					     name) >= size)
				err = ENAMETOOLONG;
			else if (stat(cdev, &st))
				err = errno;
			else if (!S_ISCHR(st.st_mode))
				err = ENOTTY;
		}
		if (!err)
			break;
		if (monotonic_ms() >= deadline) {
			if (what && !strcmp(what, "driver") && err == ENXIO)
				printf("nestref-init: %s/%s/driver: bound to %s, not vfio-pci, after writing %s to %s\n",
				       PCI_DEVICES, bdf, driver, bdf,
				       PCI_DRIVERS_PROBE);
			else if (what)
				printf("nestref-init: %s/%s/%s: %s (errno %d) %d ms after writing %s to %s\n",
				       PCI_DEVICES, bdf, what, strerror(err),
				       err, VFIO_WAIT_MS, bdf,
				       PCI_DRIVERS_PROBE);
			else
				printf("nestref-init: %s (the cdev of %s): %s (errno %d) after %d ms\n",
				       cdev, bdf, strerror(err), err,
				       VFIO_WAIT_MS);
			return INIT_VFIO_BIND_FAILED;
		}
		nanosleep(&tick, NULL);
	}
	*sid = bus << 8 | dev << 3 | fn;
	printf("nestref-init: vfio device %s pci %s sid 0x%x\n", cdev, bdf,
	       *sid);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Binds every edu device under /sys/bus/pci/devices to vfio-pci, in BDF
 * order (their names sort as their numbers: fixed-width hex), and joins
 * their cdevs into vfio_devices.  0, or an init_status after a message.
 */
static int vfio_bind_all(void)
{
	char *found[MAX_VFIO];
	char path[512], cdev[128];
	unsigned long vendor, device;
	unsigned int sid;
	struct dirent *e;
	size_t n = 0, k, used = 0;
	int err, status = 0;
	DIR *d = opendir(PCI_DEVICES);

	vfio_devices[0] = '\0';
	if (!d) {
		err = errno;
		printf("nestref-init: opendir %s: %s (errno %d)\n", PCI_DEVICES,
		       strerror(err), err);
		return INIT_NO_VFIO_DEVICE;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/vendor",
			 e->d_name);
		err = read_number(path, &vendor);
		if (!err && vendor == EDU_VENDOR) {
			snprintf(path, sizeof(path), PCI_DEVICES "/%s/device",
				 e->d_name);
			err = read_number(path, &device);
		}
		if (err) {
			printf("nestref-init: read %s: %s (errno %d)\n", path,
			       strerror(err), err);
			continue;
		}
		if (vendor != EDU_VENDOR || device != EDU_DEVICE)
			continue;
		if (n == MAX_VFIO) {
			printf("nestref-init: more than %d edu devices: %s and later ones left alone\n",
			       MAX_VFIO, e->d_name);
			continue;
		}
		found[n] = strdup(e->d_name);
		if (!found[n]) {
			printf("nestref-init: out of memory\n");
			status = INIT_VFIO_BIND_FAILED;
			break;
		}
		n++;
	}
	closedir(d);
	if (!n && !status) {
		printf("nestref-init: no PCI device %04x:%04x (QEMU's edu) under %s\n",
		       EDU_VENDOR, EDU_DEVICE, PCI_DEVICES);
		return INIT_NO_VFIO_DEVICE;
	}
	qsort(found, n, sizeof(found[0]), compare_names);
	for (k = 0; k < n && !status; k++) {
		status = vfio_bind_one(found[k], cdev, sizeof(cdev), &sid);
		if (status)
			break;
		if (!k) {
			snprintf(vfio_first, sizeof(vfio_first), "%s", cdev);
			vfio_first_sid = sid;
		}
		/* 48 bytes a device leave room for "/dev/vfio/devices/" and
		 * any vfioN the kernel can number. */
		used += (size_t)snprintf(vfio_devices + used,
					 sizeof(vfio_devices) - used, "%s%s",
					 k ? ":" : "", cdev);
		if (used >= sizeof(vfio_devices)) {
			printf("nestref-init: the device list is too long at %s\n",
			       cdev);
			status = INIT_VFIO_BIND_FAILED;
		}
	}
	for (k = 0; k < n; k++)
		free(found[k]);
	if (status)
		vfio_devices[0] = '\0';
	return status;
}

/* sysfs on /sys, for the vfio binding (the x86 guest has none). */
static int mount_sysfs(void)
{
	int err;

	if (mkdir(INIT_SYSFS, 0755) && errno != EEXIST)
		printf("nestref-init: mkdir %s: %s\n", INIT_SYSFS,
		       strerror(errno));
	if (mount("sysfs", INIT_SYSFS, "sysfs", 0, NULL) && errno != EBUSY) {
		err = errno;
		printf("nestref-init: mount sysfs on %s: %s (errno %d)\n",
		       INIT_SYSFS, strerror(err), err);
		return INIT_MOUNT_FAILED;
	}
	return 0;
}

/* ---------------------------------------------------- the command lines */

/*
 * @arg with each @VFIO_DEVICES@ replaced by the device list: @arg itself
 * when it has none, else a new string (never freed: /init does not exit),
 * or NULL when out of memory.
 */
static char *substitute(char *arg)
{
	size_t plen = strlen(VFIO_PLACEHOLDER), dlen = strlen(vfio_devices);
	size_t count = 0;
	const char *p;
	char *out, *o;

	for (p = strstr(arg, VFIO_PLACEHOLDER); p;
	     p = strstr(p + plen, VFIO_PLACEHOLDER))
		count++;
	if (!count)
		return arg;
	out = malloc(strlen(arg) + count * dlen + 1);
	if (!out)
		return NULL;
	for (o = out, p = arg; *p;) {
		if (!strncmp(p, VFIO_PLACEHOLDER, plen)) {
			memcpy(o, vfio_devices, dlen);
			o += dlen;
			p += plen;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

/*
 * Fills argv (MAX_ARGS slots) for mode m, NULL-terminated: 0, or
 * INIT_BAD_ARGS after a message.  @options are nestref run's
 * --backend-options on the iommufd backend.
 */
/* --backend, its options (the iommufd backend's only) and --profile,
 * from argv[n]; returns the next free index. */
static int context_args(char **argv, int n, const char *backend,
			const char *options, const char *profile)
{
	argv[n++] = "--backend";
	argv[n++] = (char *)backend;
	if (!strcmp(backend, "iommufd")) {
		argv[n++] = "--backend-options";
		argv[n++] = (char *)options;
	}
	argv[n++] = "--profile";
	argv[n++] = (char *)profile;
	return n;
}

static int mode_argv(const struct mode *m, const char *backend,
		     const char *options, const char *profile, char **argv)
{
	const char *extra = m->args_env ? getenv(m->args_env) : NULL;
	char *copy, *word, *save;
	int n = 0, k;

	if (m->argv) {
		for (; m->argv[n]; n++)
			argv[n] = (char *)m->argv[n];
		if (extra && *extra) {
			copy = strdup(extra);
			if (!copy) {
				printf("nestref-init: out of memory\n");
				return INIT_BAD_ARGS;
			}
			/* The kernel drops the quotes of name="a b"; should
			 * one reach here, it is not part of an argument. */
			if (copy[0] == '"' && strlen(copy) > 1 &&
			    copy[strlen(copy) - 1] == '"') {
				copy[strlen(copy) - 1] = '\0';
				copy++;
			}
			for (word = strtok_r(copy, " \t", &save); word;
			     word = strtok_r(NULL, " \t", &save)) {
				if (n == MAX_ARGS - 1) {
					printf("nestref-init: %s: more than %d arguments in all\n",
					       m->args_env, MAX_ARGS - 1);
					return INIT_BAD_ARGS;
				}
				argv[n++] = word;
			}
		}
		argv[n] = NULL;
		for (k = 0; k < n; k++) {
			if (!*vfio_devices && strstr(argv[k], VFIO_PLACEHOLDER)) {
				printf("nestref-init: %s in '%s' but no vfio device is bound (nestref_vfio=1 binds them)\n",
				       VFIO_PLACEHOLDER, argv[k]);
				return INIT_BAD_ARGS;
			}
			argv[k] = substitute(argv[k]);
			if (!argv[k]) {
				printf("nestref-init: out of memory\n");
				return INIT_BAD_ARGS;
			}
		}
		return 0;
	}
	argv[n++] = "/nestref";
	argv[n++] = "run";
	argv[n++] = "--quiet";
	argv[n++] = "--report";
	argv[n++] = (char *)vectors_files[0];
	n = context_args(argv, n, backend, options, profile);
	/* The real driver's answers to files whose main check is what the
	 * SMMU received, which user space cannot see (docs/kernel.md 5). */
	if (m->vfio)
		argv[n++] = "--partial";
	argv[n++] = "/vectors";
	argv[n] = NULL;
	return 0;
}

/* /nestref-steps on the same backend, options and profile. */
static void steps_argv(const char *backend, const char *options,
		       const char *profile, char **argv)
{
	int n = 0;

	argv[n++] = STEPS_PROGRAM;
	n = context_args(argv, n, backend, options, profile);
	argv[n++] = "--markers";
	argv[n++] = "/vectors";
	argv[n] = NULL;
}

/*
 * For the SMMUv3 runs (docs/kernel.md 5.6): the kernel's own messages
 * off the console, where they would cut the programs' lines (a command
 * error makes the driver print while a step's line is being sent), and,
 * with more than one CPU, every program on the last CPU.  The SMMU's
 * global-error interrupt is a wired interrupt, which the GIC delivers to
 * CPU 0; a program polling for a CMD_SYNC with interrupts off on CPU 0
 * would keep it from running, as on a one-CPU host.
 */
static void smmuv3_machine(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1))
		printf("nestref-init: console log level: %s\n", strerror(errno));
	if (cpus <= 1) {
		printf("nestref-init: 1 CPU: the programs share it with the SMMU's interrupts\n");
		return;
	}
	CPU_ZERO(&set);
	CPU_SET((int)cpus - 1, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("nestref-init: sched_setaffinity: %s\n", strerror(errno));
	else
		printf("nestref-init: %ld CPUs: the programs run on CPU %ld\n",
		       cpus, cpus - 1);
}

/* The kernel's messages, between file markers, for the host's log. */
static void show_kernel_log(void)
{
	static char buf[1 << 17];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf));

	if (n < 0) {
		printf("nestref-init: reading the kernel log: %s\n",
		       strerror(errno));
		return;
	}
	printf("@@NESTREF-FILE-BEGIN dmesg@@\n");
	fwrite(buf, 1, (size_t)n, stdout);
	if (n && buf[n - 1] != '\n')
		putchar('\n');
	printf("@@NESTREF-FILE-END dmesg@@\n");
}

/* ------------------------------------------------------------- running */

/*
 * Runs argv, its stdout between @marker's markers and its stderr into
 * @stderr_file, after a line "nestref-init: @what: running ARGV".  Then
 * "nestref-init: PROGRAM ran for T s", each of @files and the stderr
 * (after "@label stderr: ").  Returns the program's exit status (0-255),
 * -INIT_KILLED when a signal ended it, or -INIT_SPAWN_FAILED or
 * -INIT_WAIT_FAILED just after the end marker rc=-1 and a message.
 */
static int run_program(const char *what, const char *marker, char **argv,
		       const char *const *files, const char *stderr_file,
		       const char *label)
{
	posix_spawn_file_actions_t actions;
	const char *const *file;
	pid_t pid;
	size_t k;
	int err, wstatus, rc;
	double t0;

	err = posix_spawn_file_actions_init(&actions);
	if (!err)
		err = posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
						       stderr_file,
						       O_WRONLY | O_CREAT |
						       O_TRUNC, 0644);
	if (err) {
		printf("nestref-init: posix_spawn_file_actions: %s\n",
		       strerror(err));
		return -INIT_SPAWN_FAILED;
	}

	printf("nestref-init: %s: running", what);
	for (k = 0; argv[k]; k++)
		printf(" %s", argv[k]);
	putchar('\n');
	printf("@@NESTREF-%s-BEGIN@@\n", marker);
	fflush(stdout);
	t0 = boottime();
	/* glibc's posix_spawn reports a failed exec here, not as a status. */
	err = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (err) {
		end_marker(marker, -1);
		printf("nestref-init: cannot start %s: %s\n", argv[0],
		       strerror(err));
		return -INIT_SPAWN_FAILED;
	}

	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno == EINTR)
			continue;
		err = errno;
		end_marker(marker, -1);
		printf("nestref-init: waitpid: %s\n", strerror(err));
		return -INIT_WAIT_FAILED;
	}

	if (WIFEXITED(wstatus)) {
		rc = WEXITSTATUS(wstatus);
		end_marker(marker, rc);
	} else {
		/* The shell's convention for a death by signal. */
		end_marker(marker, 128 + WTERMSIG(wstatus));
		printf("nestref-init: %s killed by signal %d (%s)\n",
		       argv[0] + 1, WTERMSIG(wstatus),
		       strsignal(WTERMSIG(wstatus)));
		rc = -INIT_KILLED;
	}
	/* "nestref ran for" or "nestref-bench ran for": run.sh reads it. */
	printf("nestref-init: %s ran for %.3f s\n", argv[0] + 1,
	       boottime() - t0);
	for (file = files; file && *file; file++)
		show_file(*file);
	show_stderr(stderr_file, label);
	return rc;
}

/* /nestref-edu-fault on the first vfio device (docs/kernel.md 5.12). */
static void run_edu_fault(void)
{
	char sid[16];
	char *argv[] = { EDU_FAULT_PROGRAM, "--vsid", EDU_FAULT_VSID,
			 vfio_first, sid, NULL };

	if (access(EDU_FAULT_PROGRAM, X_OK)) {
		printf("nestref-init: no %s in the initramfs (%s): the edu fault did not run\n",
		       EDU_FAULT_PROGRAM, strerror(errno));
		return;
	}
	snprintf(sid, sizeof(sid), "0x%x", vfio_first_sid);
	run_program("edu fault", "EDU", argv, NULL, EDU_FAULT_STDERR_FILE,
		    EDU_FAULT_PROGRAM + 1);
}

int main(void)
{
	const char *backend = getenv("nestref_backend");
	const char *mode_name = getenv("nestref_mode");
	const char *profile = getenv("nestref_profile");
	const char *vfio = getenv("nestref_vfio");
	const char *edu_fault = getenv("nestref_edu_fault");
	struct utsname uts;
	const struct mode *m = NULL;
	char *argv[MAX_ARGS];
	char what[64];
	const char *options = "mode=selftest";
	size_t k;
	int err, status, rc;

	/* devtmpfs: /dev/iommu.  sysfs only for the vfio devices. */
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
		printf("nestref-init: unknown nestref_mode=%s (vectors, bench or smmuv3)\n",
		       mode_name);
		finish(INIT_BAD_MODE);
	}
	if (vfio && *vfio && strcmp(vfio, "0") && strcmp(vfio, "1")) {
		printf("nestref-init: nestref_vfio=%s: 1 or 0\n", vfio);
		finish(INIT_BAD_ARGS);
	}

	if (m->vfio || (vfio && !strcmp(vfio, "1"))) {
		status = mount_sysfs();
		if (!status)
			status = vfio_bind_all();
		if (status)
			finish(status);
		snprintf(vfio_options, sizeof(vfio_options),
			 "mode=vfio,devices=%s", vfio_devices);
		options = vfio_options;
	}
	if (m->steps)
		smmuv3_machine();
	status = mode_argv(m, backend, options, profile, argv);
	if (status)
		finish(status);

	snprintf(what, sizeof(what), "mode %s", m->name);
	rc = run_program(what, m->marker, argv, m->files, STDERR_FILE,
			 "nestref");
	if (rc == -INIT_SPAWN_FAILED || rc == -INIT_WAIT_FAILED)
		finish(-rc);
	if (rc < 0)
		status = INIT_KILLED;
	else if (rc >= INIT_MOUNT_FAILED - 1)
		status = INIT_BAD_STATUS;
	else
		status = rc;

	if (m->steps) {
		if (access(STEPS_PROGRAM, X_OK)) {
			printf("nestref-init: no %s in the initramfs (%s): the steps did not run\n",
			       STEPS_PROGRAM, strerror(errno));
		} else {
			steps_argv(backend, options, profile, argv);
			run_program("steps", "STEPS", argv, NULL,
				    STEPS_STDERR_FILE, STEPS_PROGRAM + 1);
		}
		if (edu_fault && !strcmp(edu_fault, "1"))
			run_edu_fault();
		show_kernel_log();
	}
	finish(status);
}

/* SPDX-License-Identifier: MIT */
/*
 * nestref-bench: options, --help, --version, and the order of a run:
 * pin, record the context, measure every benchmark of the plan (building
 * each world once), count instructions under callgrind, then the table
 * and the files.  The targets and the plots are the scripts' (targets.py,
 * plot.py), which read the JSON.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nestref/vectors.h>

#include "bench.h"

struct cli {
	struct bench_options opts;
	const char *json;
	const char *csv;
	int cpu; /* -1: the highest allowed */
	bool pin;
	int progress; /* -1: on a terminal, 0: never, 1: always */
	const char *child_spec;
	uint64_t child_iters;
};

static void usage(FILE *out)
{
	fputs("Usage: " BENCH_PROGRAM " [OPTIONS]\n"
	      "\n"
	      "Measures the throughput of nestref's invalidation and event paths, and\n"
	      "what its objects cost in memory:\n"
	      "  rewrite  the host driver's rewrite alone: validate (linux-7.4) and\n"
	      "           convert each guest SMMUv3 command, vSID to pSID and VMID\n"
	      "  sim      the whole simulated path: nestref_invalidate on smmuv3-sim\n"
	      "           (rewrite, batching, the modelled SMMU executing)\n"
	      "  mock     nestref_invalidate on the mock with selftest entries\n"
	      "  churn    set_dev_user_data + unset_dev_user_data pairs\n"
	      "  kernel   nestref_invalidate on the iommufd backend: the real kernel's\n"
	      "           IOMMU_HWPT_INVALIDATE on its selftest vIOMMU, selftest entries\n"
	      "  ioctl    that ioctl alone, the same entries, without nestref\n"
	      "  events   device events on the way back: raised (smmuv3-sim: an\n"
	      "           F_TRANSLATION with the pSID; mock: TRIGGER_VEVENT), rewritten\n"
	      "           to the vSID, queued and read from the vEVENTQ, per event\n"
	      "  memory   bytes per device and per linked device (vDEVICE) and of an\n"
	      "           empty vIOMMU on mock and smmuv3-sim at 1, 1k, 64k and 1M\n"
	      "           vSIDs, beside the kernel's bytes per vDEVICE (built last,\n"
	      "           under a counting allocator; --quick: 1 and 64 vSIDs)\n"
	      "  qemu-smmu  QEMU's emulated SMMUv3 (qemu-system-aarch64 -qtest, no guest)\n"
	      "           consuming the sim rows' commands with their pSIDs, against\n"
	      "           smmuv3-sim's modelled SMMU alone, and the command errors of\n"
	      "           a few odd commands on both\n"
	      "over batch sizes, populated vSIDs, command mixes and profiles, then\n"
	      "prints a table.  bench/targets.py judges the targets on the\n"
	      "JSON, bench/plot.py draws it (make bench, make bench-plot).\n"
	      "\n"
	      "kernel and ioctl need /dev/iommu with the selftest (CONFIG_IOMMUFD_TEST).\n"
	      "The full run adds them only where they can run; --only naming them shows\n"
	      "why they were not measured.  'make bench-kernel' runs --suite kernel in\n"
	      "a QEMU guest (docs/bench.md section 8).\n"
	      "\n"
	      "qemu-smmu needs QEMU 11: the folder of tests/kernel/qemu-sid.sh\n"
	      "($NESTREF_BENCH_QEMU_ROOT, else the newest ~/.cache/nestref/qemu-sid-*),\n"
	      "run through chroot as root, or $QEMU_AARCH64, a host binary.  The full\n"
	      "run includes it where QEMU is found and says why not otherwise; --only\n"
	      "naming it without QEMU exits 77 (docs/bench.md section 12).\n"
	      "\n"
	      "With --backend-options=mode=vfio,devices=CDEV[:CDEV...] they run on real\n"
	      "devices instead: the ARM_SMMUV3 vIOMMU of the arm-smmu-v3 driver, with\n"
	      "the SMMUv3 commands of the sim rows (cfgi-cd, tlbi-nh-va) at the same\n"
	      "batches.  A vSID needs a device of its own, so their population is the\n"
	      "number of devices, not 1 and 256; there is no mock row.  'make\n"
	      "bench-kernel-arm64' runs that in an aarch64 QEMU guest (docs/bench.md\n"
	      "section 9).\n"
	      "\n"
	      "Options:\n"
	      "  -q, --quick              the smoke test: every measurement once with tiny\n"
	      "                           sizes, too small to judge targets (seconds)\n"
	      "      --suite=NAME         full (default): every sweep of docs/bench.md; kernel:\n"
	      "                           kernel and ioctl against mock and sim (cfgi-cd)\n"
	      "                           at the same batches with 1 and 256 vSIDs,\n"
	      "                           linux-7.2, with the ratios (mode=vfio: see\n"
	      "                           above)\n"
	      "  -r, --repetitions=N      samples per benchmark (default 10)\n"
	      "  -t, --min-time=MS        shortest sample, in milliseconds (default 20)\n"
	      "  -w, --warmup=MS          warm-up per benchmark, in milliseconds (default 50)\n"
	      "      --working-set=N|all  devices the command stream names (default 256)\n"
	      "      --only=KINDS         comma-separated: rewrite,sim,mock,churn,kernel,\n"
	      "                           ioctl,events,memory,qemu-smmu\n"
	      "      --iommufd=PATH       the iommufd device of the kernel rows (default\n"
	      "                           /dev/iommu)\n"
	      "      --backend-options=S  the iommufd backend's options for the kernel\n"
	      "                           rows (default mode=selftest), such as\n"
	      "                           mode=vfio,devices=/dev/vfio/devices/vfio0:...\n"
	      "      --cpu=N              pin to CPU N, one this process may run on\n"
	      "                           (default: the highest of them)\n"
	      "      --no-pin             do not pin\n"
	      "      --no-callgrind       do not count instructions under callgrind\n"
	      "  -j, --json=FILE          write the results as JSON (schema: docs/bench.md)\n"
	      "  -c, --csv=FILE           write the results as CSV\n"
	      "      --progress           show progress on stderr even when it is not a\n"
	      "                           terminal\n"
	      "      --no-progress        never show progress\n"
	      "  -h, --help               show this help\n"
	      "  -V, --version            show the version\n"
	      "\n"
	      "FILE may be '-' for stdout; the table then goes to stderr.  Each FILE\n"
	      "is created (under a temporary name beside it) before anything is\n"
	      "measured, and replaces FILE only once complete.  An option that takes\n"
	      "a value is given once; every value is checked before the run starts,\n"
	      "--backend-options by the iommufd backend itself.\n"
	      "Instructions per operation need valgrind ($NESTREF_BENCH_VALGRIND, else\n"
	      "valgrind in $PATH); without it they are reported as not measured.\n"
	      "\n"
	      "Exit status: 0 every benchmark ran (whether or not targets were met),\n"
	      "1 a benchmark or an output failed (a write of a FILE or of the table,\n"
	      "to a full disk say), 2 usage error (a bad option or value, or a FILE\n"
	      "that cannot be written: nothing was measured), 77 nothing failed but\n"
	      "a benchmark asked for could not run here (the kernel rows, qemu-smmu).\n"
	      "\n"
	      "Reporting problems: see the README (section \"Reporting problems\").\n",
	      out);
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* The message may quote an argument: it is shown escaped, as nestref
 * shows strings (spec/report.md 6). */
static int usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nestref_vec_escape_line(stderr, BENCH_PROGRAM ": %s", msg);
	fprintf(stderr, "Try '" BENCH_PROGRAM " --help' for more information.\n");
	return BENCH_EXIT_USAGE;
}

enum {
	OPT_WORKING_SET = 256,
	OPT_ONLY,
	OPT_SUITE,
	OPT_IOMMUFD,
	OPT_BACKEND_OPTIONS,
	OPT_CPU,
	OPT_NO_PIN,
	OPT_NO_CALLGRIND,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_CHILD,
	OPT_ITERS,
};

static const struct option longopts[] = {
	{ "quick", no_argument, NULL, 'q' },
	{ "repetitions", required_argument, NULL, 'r' },
	{ "min-time", required_argument, NULL, 't' },
	{ "warmup", required_argument, NULL, 'w' },
	{ "working-set", required_argument, NULL, OPT_WORKING_SET },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "suite", required_argument, NULL, OPT_SUITE },
	{ "iommufd", required_argument, NULL, OPT_IOMMUFD },
	{ "backend-options", required_argument, NULL, OPT_BACKEND_OPTIONS },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "no-pin", no_argument, NULL, OPT_NO_PIN },
	{ "no-callgrind", no_argument, NULL, OPT_NO_CALLGRIND },
	{ "json", required_argument, NULL, 'j' },
	{ "csv", required_argument, NULL, 'c' },
	/* Gone: says where it went. */
	{ "plot", required_argument, NULL, 'p' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	/* Internal: one benchmark under callgrind (callgrind.c). */
	{ "callgrind-child", required_argument, NULL, OPT_CHILD },
	{ "iters", required_argument, NULL, OPT_ITERS },
	{ NULL, 0, NULL, 0 },
};

#define N_LONGOPTS (sizeof(longopts) / sizeof(longopts[0]) - 1)

/* The index of getopt's answer c in longopts (short options too). */
static size_t opt_index(int c)
{
	size_t i;

	for (i = 0; i < N_LONGOPTS && longopts[i].val != c; i++)
		;
	return i;
}

/*
 * A whole number in [lo, hi]: decimal digits only, so that "", " 5",
 * "+5", "-1", "5x", "0x10", "1e3" and what overflows are refused.
 */
static int parse_whole(const char *s, uint64_t lo, uint64_t hi,
		       uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Milliseconds in [lo, hi]: digits with an optional fraction ("20",
 * "0.5", ".5"); no sign, exponent, hex, inf or nan. */
static int parse_ms(const char *s, double lo, double hi, double *out)
{
	size_t digits = strspn(s, "0123456789"), frac = 0;
	char *end;
	double v;

	if (s[digits] == '.')
		frac = strspn(s + digits + 1, "0123456789");
	if (!digits && !frac)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end != s + digits + (s[digits] == '.') + frac ||
	    !(v >= lo && v <= hi))
		return -EINVAL;
	*out = v;
	return 0;
}

/* One option's value into cli; BENCH_EXIT_OK or a usage error. */
static int parse_value(int c, const char *arg, struct cli *cli)
{
	char cpus[128];
	uint64_t u;
	double v;

	switch (c) {
	case 'r':
		if (parse_whole(arg, 1, 10000, &u))
			return usage_error("--repetitions: '%s' is not a whole number from 1 to 10000",
					   arg);
		cli->opts.repetitions = (uint32_t)u;
		break;
	case 't':
		if (parse_ms(arg, 0.001, 60000, &v))
			return usage_error("--min-time: '%s' is not a number of milliseconds from 0.001 to 60000",
					   arg);
		cli->opts.min_sample_ms = v;
		break;
	case 'w':
		if (parse_ms(arg, 0, 600000, &v))
			return usage_error("--warmup: '%s' is not a number of milliseconds from 0 to 600000",
					   arg);
		cli->opts.warmup_ms = v;
		break;
	case OPT_WORKING_SET:
		if (!strcmp(arg, "all"))
			cli->opts.working_set = BENCH_WS_ALL;
		else if (parse_whole(arg, 1, 1 << 24, &u))
			return usage_error("--working-set: '%s' is not 'all' or a whole number from 1 to 16777216",
					   arg);
		else
			cli->opts.working_set = (uint32_t)u;
		break;
	case OPT_ONLY:
		if (!bench_only_valid(arg))
			return usage_error("--only: '%s' is not a comma-separated list of rewrite, sim, mock, churn, kernel, ioctl, events, memory, qemu-smmu",
					   arg);
		cli->opts.only = arg;
		break;
	case OPT_SUITE:
		if (!strcmp(arg, "full"))
			cli->opts.suite = BENCH_SUITE_FULL;
		else if (!strcmp(arg, "kernel"))
			cli->opts.suite = BENCH_SUITE_KERNEL;
		else
			return usage_error("--suite: '%s' is not full or kernel",
					   arg);
		break;
	case OPT_IOMMUFD:
		/* It travels inside the backend options ("iommufd=PATH"). */
		if (strchr(arg, ','))
			return usage_error("--iommufd: '%s' has a comma, which the backend options cannot carry",
					   arg);
		cli->opts.iommufd = arg;
		break;
	case OPT_BACKEND_OPTIONS:
		/* Checked by the iommufd backend itself (check_kernel). */
		cli->opts.backend_options = arg;
		break;
	case OPT_CPU:
		if (parse_whole(arg, 0, CPU_SETSIZE - 1, &u))
			return usage_error("--cpu: '%s' is not a CPU number",
					   arg);
		if (!bench_cpu_allowed((int)u, cpus, sizeof(cpus)))
			return usage_error("--cpu: this process may not run on CPU %s (it may on %s)",
					   arg, cpus);
		cli->cpu = (int)u;
		break;
	case 'j':
		cli->json = arg;
		break;
	case 'c':
		cli->csv = arg;
		break;
	case OPT_CHILD:
		cli->child_spec = arg;
		break;
	case OPT_ITERS:
		if (parse_whole(arg, 1, UINT64_C(1000000000000), &u))
			return usage_error("--iters: '%s' is not a whole number from 1 to 10^12",
					   arg);
		cli->child_iters = u;
		break;
	}
	return BENCH_EXIT_OK;
}

/* The options that exclude each other, and --callgrind-child's pair. */
static int parse_check(const struct cli *cli, const bool *seen)
{
	struct stat st;

	if (seen[opt_index(OPT_PROGRESS)] && seen[opt_index(OPT_NO_PROGRESS)])
		return usage_error("%s", "--progress and --no-progress exclude each other");
	if (seen[opt_index(OPT_CPU)] && !cli->pin)
		return usage_error("%s", "--cpu and --no-pin exclude each other");
	/* One would overwrite the other; two devices (/dev/null) do not. */
	if (cli->json && cli->csv && !strcmp(cli->json, cli->csv) &&
	    (!strcmp(cli->json, "-") || stat(cli->json, &st) ||
	     S_ISREG(st.st_mode)))
		return usage_error("--json and --csv both name '%s'",
				   cli->json);
	if (cli->child_spec && !cli->child_iters)
		return usage_error("%s", "--callgrind-child needs --iters");
	return BENCH_EXIT_OK;
}

/* BENCH_EXIT_OK to go on, -1 to exit 0 (help, version), else a status. */
static int parse(int argc, char **argv, struct cli *cli)
{
	/* Which options were given: one that takes a value, once. */
	bool seen[N_LONGOPTS] = { false };
	const struct option *o;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qr:t:w:j:c:p:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'q':
			cli->opts.quick = true;
			break;
		case OPT_NO_PIN:
			cli->pin = false;
			break;
		case OPT_NO_CALLGRIND:
			cli->opts.callgrind = false;
			break;
		case 'p':
			return usage_error("%s", "--plot is bench/plot.py now: --json FILE, then bench/plot.py FILE DIR (docs/bench.md section 2)");
		case OPT_PROGRESS:
			cli->progress = 1;
			break;
		case OPT_NO_PROGRESS:
			cli->progress = 0;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("%s (libnestref) %s\n", BENCH_PROGRAM,
			       nestref_version());
			return -1;
		case '?':
		case ':':
			fprintf(stderr, "Try '" BENCH_PROGRAM " --help' for more information.\n");
			return BENCH_EXIT_USAGE;
		default:
			o = &longopts[opt_index(c)];
			/* A second value would silently replace the first. */
			if (seen[o - longopts])
				return usage_error("--%s given twice: give it once",
						   o->name);
			if (!*optarg)
				return usage_error("--%s: the value is empty",
						   o->name);
			rc = parse_value(c, optarg, cli);
			if (rc)
				return rc;
		}
		seen[opt_index(c)] = true;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (cli->opts.quick) {
		if (!seen[opt_index('r')])
			cli->opts.repetitions = 1;
		if (!seen[opt_index('t')])
			cli->opts.min_sample_ms = 1;
		if (!seen[opt_index('w')])
			cli->opts.warmup_ms = 0;
	}
	return parse_check(cli, seen);
}

/* Marks res failed with a sentence. */
static void fail(struct bench_result *res, const char *err)
{
	res->ok = false;
	snprintf(res->error, sizeof(res->error), "%s", err);
}

/*
 * A world that could not be built: a failure, except where the backend
 * cannot run on this machine (the kernel rows, -ENODEV), which is an
 * absence, said with its reason.  The number of failures (0 or 1).
 */
static size_t world_missing(struct bench_result *res, int rc, const char *err)
{
	fail(res, err);
	res->not_measured = rc == -ENODEV && bench_kind_is_kernel(res->spec.kind);
	return !res->not_measured;
}

/* Measures every benchmark of the plan; the number that failed. */
static size_t run_plan(const struct bench_plan *plan,
		       const struct bench_options *opts,
		       struct bench_result *res, struct bench_progress *prog)
{
	struct bench_world *w = NULL;
	char err[256] = "", desc[160], kopts[BENCH_KERNEL_OPTIONS_LEN];
	int world_rc = 0;
	size_t i, failed = 0;

	bench_kernel_options(opts, kopts, sizeof(kopts));

	for (i = 0; i < plan->n; i++) {
		const struct bench_spec *s = &plan->specs[i];
		struct bench_workload *wl = NULL;

		res[i].spec = *s;
		prog->done = i;
		if (!bench_world_matches(w, s) &&
		    !(world_rc && i > 0 &&
		      !strcmp(s->backend, plan->specs[i - 1].backend) &&
		      s->profile == plan->specs[i - 1].profile &&
		      s->populated == plan->specs[i - 1].populated)) {
			bench_world_free(w);
			w = NULL;
			world_rc = bench_world_new(
				&w, s->backend,
				strcmp(s->backend, "iommufd") ? NULL : kopts,
				s->profile, s->populated, prog, err,
				sizeof(err));
		}
		if (world_rc) {
			failed += world_missing(&res[i], world_rc, err);
			continue;
		}
		bench_spec_describe(s, desc, sizeof(desc));
		bench_progress(prog, "%s", desc);
		if (bench_workload_new(&wl, w, s, err, sizeof(err))) {
			fail(&res[i], err);
			failed++;
			continue;
		}
		if (bench_measure(wl, opts, &res[i]))
			failed++;
		res[i].rewrite_symbol = bench_workload_rewrite_symbol(wl);
		bench_workload_free(wl);
	}
	bench_world_free(w);
	return failed;
}

/* Instructions per operation for the specs that ask; the failures. */
static size_t run_callgrind(const struct bench_callgrind *cg,
			    struct bench_result *res, size_t n,
			    struct bench_progress *prog)
{
	size_t i, k = 0, total = 0, failed = 0;
	char desc[160];

	for (i = 0; i < n; i++)
		total += res[i].spec.callgrind && res[i].ok;
	for (i = 0; i < n; i++) {
		if (!res[i].spec.callgrind || !res[i].ok)
			continue;
		bench_spec_describe(&res[i].spec, desc, sizeof(desc));
		if (cg->available)
			bench_progress(prog, "callgrind %zu/%zu: %s", ++k,
				       total, desc);
		if (bench_callgrind_measure(cg, &res[i]))
			failed++;
	}
	return failed;
}

/*
 * The qemu-smmu kind (qemu-smmu-run.c), in the full suite unless --only
 * leaves it out: QEMU is a peer, measured wherever it can run.  Its
 * absence is exit 77 only when --only asked for it, as for the kernel
 * rows.  The number of failures (0 or 1).
 */
static size_t run_qemu(const struct bench_options *opts, struct bench_qemu *q,
		       struct bench_progress *prog)
{
	q->asked = opts->suite == BENCH_SUITE_FULL &&
		   bench_only_names(opts->only, BENCH_QEMU_SMMU);
	q->explicit_ask = q->asked && opts->only;
	if (!q->asked) {
		snprintf(q->reason, sizeof(q->reason),
			 "not asked for in this run (--only, --suite kernel)");
		return 0;
	}
	return bench_qemu_run(opts, q, prog);
}

static void free_results(struct bench_result *res, size_t n)
{
	size_t i;

	for (i = 0; res && i < n; i++)
		free(res[i].samples);
	free(res);
}

/*
 * --backend-options (and --iommufd) go to the iommufd backend, which
 * refuses what it does not understand: ask it now, before anything is
 * measured, even where --only leaves the kernel rows out.  Where the
 * plan has kernel rows, the probe's answer also decides whether they
 * can run here.  BENCH_EXIT_OK or a usage error.
 */
static int check_kernel(struct cli *cli, struct bench_kernel_probe *kprobe)
{
	bool wanted = bench_only_names(cli->opts.only, BENCH_KERNEL) ||
		      bench_only_names(cli->opts.only, BENCH_IOCTL);

	if (!wanted && !cli->opts.backend_options && !cli->opts.iommufd)
		return BENCH_EXIT_OK;
	bench_kernel_probe(&cli->opts, kprobe);
	if (kprobe->rc == -EINVAL)
		return usage_error("%s: %s",
				   cli->opts.backend_options ?
					   "--backend-options" :
					   "--iommufd",
				   kprobe->reason);
	if (wanted)
		cli->opts.kernel_available = kprobe->available;
	else
		*kprobe = (struct bench_kernel_probe){ .probed = false };
	return BENCH_EXIT_OK;
}

/* Opens every file asked for, before anything is measured: 0, or a usage
 * error with every file closed. */
static int open_outputs(struct bench_output *outs, size_t n)
{
	char err[512];
	size_t i;

	for (i = 0; i < n; i++) {
		if (!bench_output_open(&outs[i], err, sizeof(err)))
			continue;
		nestref_vec_escape_line(stderr,
					BENCH_PROGRAM ": %s (nothing was measured)",
					err);
		while (i--)
			bench_output_discard(&outs[i]);
		return BENCH_EXIT_USAGE;
	}
	return 0;
}

/* Writes and closes the files: the number that failed. */
static size_t write_outputs(struct bench_output *outs, const struct cli *cli,
			    const struct bench_context *ctx,
			    const struct bench_result *res, size_t n,
			    const struct bench_memory_run *mem)
{
	struct bench_output *json = &outs[0], *csv = &outs[1];
	size_t failed = 0;
	char err[512];
	int built = 0;

	if (json->f)
		built = bench_write_json(json->f, ctx, &cli->opts, res, n,
					 mem);
	if (csv->f)
		bench_write_csv(csv->f, res, n);
	if (built) {
		/* Nothing was written: the old file stays. */
		fprintf(stderr, BENCH_PROGRAM ": --json: %s\n",
			strerror(-built));
		bench_output_discard(json);
		failed++;
	}
	if (bench_output_close(json, err, sizeof(err))) {
		nestref_vec_escape_line(stderr, BENCH_PROGRAM ": %s", err);
		failed++;
	}
	if (bench_output_close(csv, err, sizeof(err))) {
		nestref_vec_escape_line(stderr, BENCH_PROGRAM ": %s", err);
		failed++;
	}
	return failed;
}

/* The context, the table and the kernel's comparison on out: 0, or 1
 * when out could not take them (a full disk). */
static size_t report(FILE *out, const struct cli *cli,
		     const struct bench_context *ctx,
		     const struct bench_result *res, size_t n,
		     const struct bench_memory_run *mem, size_t *absent)
{
	size_t i;

	bench_report_context(out, ctx, &cli->opts);
	/* --only memory or qemu-smmu: no timed rows, no empty table. */
	if (n || (!mem->n && !ctx->qemu->asked))
		bench_report_table(out, res, n);
	bench_report_memory(out, mem);
	for (i = 0; i < n; i++) {
		if (res[i].spec.callgrind && res[i].ok &&
		    !res[i].instr_measured && ctx->cg.available)
			fprintf(out, "callgrind failed for row %zu: %s\n", i + 1,
				res[i].instr_note);
		*absent += res[i].not_measured;
	}
	if (ctx->kernel_probe.probed || cli->opts.suite == BENCH_SUITE_KERNEL)
		bench_report_kernel(out, ctx, res, n);
	if (ctx->qemu->asked) {
		bench_report_qemu(out, ctx->qemu);
		*absent += ctx->qemu->explicit_ask &&
			   !strcmp(ctx->qemu->status, "not-measured");
	}
	/* The kernel suite's and --quick's sizes are not the targets'. */
	if (!cli->opts.quick && cli->opts.suite == BENCH_SUITE_FULL) {
		const char *file = cli->json && strcmp(cli->json, "-") != 0 ?
					   cli->json :
					   "RESULTS.json";

		fputc('\n', out);
		nestref_vec_escape_line(out,
			"targets: bench/targets.py %s judges them (make bench runs both)",
			file);
	}
	errno = 0;
	if (!fflush(out) && !ferror(out))
		return 0;
	fprintf(stderr, BENCH_PROGRAM ": writing the table to %s: %s\n",
		out == stdout ? "stdout" : "stderr",
		strerror(errno ? errno : EIO));
	return 1;
}

int main(int argc, char **argv)
{
	struct cli cli = {
		.opts = {
			.repetitions = 10,
			.min_sample_ms = 20,
			.warmup_ms = 50,
			.working_set = 256,
			.callgrind = true,
		},
		.cpu = -1,
		.pin = true,
		.progress = -1,
	};
	struct bench_progress prog = { 0 };
	struct bench_context ctx;
	struct bench_plan plan;
	struct bench_kernel_probe kprobe = { .probed = false };
	struct bench_output outs[2] = {
		{ .option = "--json" },
		{ .option = "--csv" },
	};
	struct bench_result *res;
	struct bench_memory_run mem;
	struct bench_qemu qemu = { .status = "not-measured" };
	size_t failed, absent = 0;
	int rc;

	rc = parse(argc, argv, &cli);
	if (rc)
		return rc < 0 ? BENCH_EXIT_OK : rc;
	if (cli.child_spec)
		return bench_callgrind_child(cli.child_spec, cli.child_iters);
	/* Whatever can be refused is refused before anything is measured. */
	rc = check_kernel(&cli, &kprobe);
	if (rc)
		return rc;
	outs[0].path = cli.json;
	outs[1].path = cli.csv;
	rc = open_outputs(outs, 2);
	if (rc)
		return rc;
	if (bench_plan_build(&plan, &cli.opts)) {
		fprintf(stderr, BENCH_PROGRAM ": out of memory\n");
		goto err_outputs;
	}
	if (bench_memory_plan(&mem, &cli.opts)) {
		fprintf(stderr, BENCH_PROGRAM ": out of memory\n");
		goto err_plan;
	}
	res = calloc(plan.n ? plan.n : 1, sizeof(*res));
	if (!res) {
		fprintf(stderr, BENCH_PROGRAM ": out of memory\n");
		goto err_mem;
	}
	/* The context first: the load average before the bench adds to it. */
	bench_context_collect(&ctx);
	ctx.kernel_probe = kprobe;
	ctx.pin.cpu = -1;
	if (cli.pin)
		bench_pin(cli.cpu, &ctx.pin);
	else
		snprintf(ctx.pin.error, sizeof(ctx.pin.error), "--no-pin");
	bench_callgrind_probe(&cli.opts, &ctx.cg);
	prog.on = cli.progress < 0 ? isatty(STDERR_FILENO) : cli.progress;
	prog.total = plan.n + mem.n;

	failed = run_plan(&plan, &cli.opts, res, &prog);
	failed += run_callgrind(&ctx.cg, res, plan.n, &prog);
	failed += run_qemu(&cli.opts, &qemu, &prog);
	ctx.qemu = &qemu;
	/* Last: its allocator may be installed only while no context is
	 * open, and the timed rows do not pay for it. */
	prog.done = plan.n;
	failed += bench_memory_measure(&mem, &prog);
	bench_progress_end(&prog);

	/* With a file on stdout, the table goes to stderr. */
	failed += report((cli.json && !strcmp(cli.json, "-")) ||
					 (cli.csv && !strcmp(cli.csv, "-")) ?
				 stderr :
				 stdout,
			 &cli, &ctx, res, plan.n, &mem, &absent);
	failed += write_outputs(outs, &cli, &ctx, res, plan.n, &mem);
	if (failed)
		fprintf(stderr, BENCH_PROGRAM ": %zu benchmark(s) or output(s) failed\n",
			failed);
	else if (absent)
		fprintf(stderr, BENCH_PROGRAM ": %zu benchmark(s) not measured: %s\n",
			absent,
			strcmp(qemu.status, "not-measured") != 0 ||
					!qemu.explicit_ask ?
				BENCH_KERNEL_HOW :
				BENCH_QEMU_HOW);
	bench_qemu_free(&qemu);
	free_results(res, plan.n);
	bench_memory_free(&mem);
	bench_plan_free(&plan);
	if (failed)
		return BENCH_EXIT_FAILED;
	return absent ? BENCH_EXIT_NOT_MEASURED : BENCH_EXIT_OK;

err_mem:
	bench_memory_free(&mem);
err_plan:
	bench_plan_free(&plan);
err_outputs:
	bench_output_discard(&outs[1]);
	bench_output_discard(&outs[0]);
	return BENCH_EXIT_FAILED;
}

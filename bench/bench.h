/* SPDX-License-Identifier: MIT */
/*
 * nestref-bench (issue 5): throughput of the vSID to pSID rewrite, of the
 * whole simulated invalidation path, of the mock, and of user-data churn.
 *
 * One file per job:
 *   main.c       options, --help, --version, the order of the run;
 *   workloads.c  what is measured: worlds (a context with populated vSIDs),
 *                command pools, the loops;
 *   plan.c       the plan of the sweeps;
 *   measure.c    how it is measured: clock, pinning, calibration, samples;
 *   stats.c      median, quartiles, mean, CV, Tukey outliers;
 *   callgrind.c  instructions per operation, from valgrind --tool=callgrind;
 *   context.c    machine, compiler and library recorded with the results;
 *   kernel.c     the real kernel (issue 5 point 1(d)): whether it can be
 *                measured here, and the ratios against it;
 *   memory.c     bytes per linked device and per vIOMMU, counted through
 *                the library's allocator hook;
 *   memory-kernel.c  the kernel's bytes per vDEVICE for the same vSIDs;
 *   memory-report.c  the memory rows in the terminal table;
 *   qemu-smmu.c  a QEMU driven through qtest: finding it, its process,
 *                the text protocol;
 *   qemu-smmu-run.c  QEMU's SMMUv3 as a peer of the model: programming
 *                it, the timed command streams, the behaviour checks;
 *   report.c     terminal table, progress, CSV;
 *   json.c       the JSON file (schema in docs/bench.md), with jansson;
 *   output.c     the files of --json and --csv, opened before measuring.
 * The binary measures and writes; scripts read its JSON: targets.py judges
 * the targets, plot.py draws the plots (docs/bench.md).
 *
 * The bench uses public headers only (tests/layering.sh): the library's,
 * and the SMMUv3 and iommufd extensions' for the rewrite and ioctl rows.
 */
#ifndef NESTREF_BENCH_H
#define NESTREF_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include <nestref/nestref.h>
#include <nestref/smmuv3.h>

#define BENCH_PROGRAM "nestref-bench"

/* An AddressSanitizer build (gcc's macro, clang's feature test):
 * valgrind cannot run it. */
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_ASAN 1
#endif
#endif
#ifndef BENCH_ASAN
#define BENCH_ASAN 0
#endif
#define BENCH_SCHEMA_VERSION 2

/* Exit statuses (style.md 0.6, 2.1). */
#define BENCH_EXIT_OK 0
#define BENCH_EXIT_FAILED 1
#define BENCH_EXIT_USAGE 2
/* Nothing failed, but a benchmark asked for could not be measured here
 * (the kernel rows without /dev/iommu and its selftest). */
#define BENCH_EXIT_NOT_MEASURED 77

/* What `make bench-kernel` is, for the "not measured" messages. */
#define BENCH_KERNEL_HOW \
	"make bench-kernel measures it in a QEMU guest (docs/bench.md section 8)"

/* ------------------------------------------------------------ specs */

enum bench_kind {
	BENCH_REWRITE, /* the host's rewrite alone (struct nestref_smmuv3_ops) */
	BENCH_SIM,     /* nestref_invalidate on smmuv3-sim */
	BENCH_MOCK,    /* nestref_invalidate on the mock, selftest entries */
	BENCH_CHURN,   /* set_dev_user_data + unset_dev_user_data */
	BENCH_KERNEL,  /* nestref_invalidate on iommufd (the real kernel) */
	BENCH_IOCTL,   /* IOMMU_HWPT_INVALIDATE alone, the same entries */
	BENCH_EVENTS,  /* events from pSID to vSID, raised and read (events.c) */
	BENCH_MEMORY,  /* bytes per linked device and per vIOMMU (memory.c) */
	BENCH_QEMU_SMMU, /* QEMU's SMMUv3 against the model (qemu-smmu*.c) */
	BENCH_KIND_COUNT
};

enum bench_mix {
	MIX_CFGI_CD,    /* every command a CFGI_CD: one vSID lookup each */
	MIX_TLBI_NH_VA, /* every command a TLBI_NH_VA: VMID forced, no lookup */
	MIX_UNMAP,      /* a guest unmapping buffers: see workloads.c */
	MIX_SELFTEST,   /* the mock's selftest entries */
	MIX_NONE,       /* churn: no invalidation */
	MIX_FAULT, /* events on the sim: F_TRANSLATION records */
	MIX_COUNT
};

/* The working set "every populated vSID". */
#define BENCH_WS_ALL UINT32_MAX

struct bench_spec {
	enum bench_kind kind;
	const char *backend; /* "smmuv3-sim", "mock" or "iommufd" */
	enum nestref_profile profile;
	enum bench_mix mix;
	uint32_t batch;       /* commands (entries) per call; 1 for churn */
	uint32_t populated;   /* vSIDs linked in the vIOMMU */
	uint32_t working_set; /* devices the stream names; BENCH_WS_ALL */
	uint32_t cached;      /* sim: TLB entries of another VMID cached */
	bool callgrind;       /* also measure instructions per operation */
};

const char *bench_kind_name(enum bench_kind kind);
const char *bench_mix_name(enum bench_mix mix);
/* Whether kind runs on the real kernel (kernel, ioctl). */
bool bench_kind_is_kernel(enum bench_kind kind);
/* "commands/s", "entries/s" (selftest entries), "pairs/s" (churn),
 * "events/s". */
const char *bench_unit(const struct bench_spec *spec);
/* The working set the stream really uses: min(working_set, populated). */
uint32_t bench_spec_ws(const struct bench_spec *spec);
/* "rewrite:smmuv3-sim:linux-7.4:cfgi-cd:64:65536:256:0": a spec as text
 * (for the callgrind child), and back.  parse returns 0 or -EINVAL. */
void bench_spec_format(const struct bench_spec *spec, char *buf, size_t len);
int bench_spec_parse(const char *text, struct bench_spec *spec);
/* For people: "rewrite smmuv3-sim linux-7.4 cfgi-cd batch 64 vsids 64k". */
void bench_spec_describe(const struct bench_spec *spec, char *buf, size_t len);
/* 1, 1k, 64k, 1M: powers of 1024 get a suffix when exact. */
void bench_count_format(uint64_t n, char *buf, size_t len);

/* ------------------------------------------------------------ plans */

enum bench_suite {
	BENCH_SUITE_FULL,   /* issue 5 point 2's sweeps (+ kernel if here) */
	BENCH_SUITE_KERNEL, /* the kernel against sim and mock (kernel.c) */
};

struct bench_options {
	enum bench_suite suite;
	bool quick;
	uint32_t repetitions;
	double min_sample_ms;
	double warmup_ms;
	uint32_t working_set;
	const char *only; /* comma-separated kinds, or NULL for all */
	bool callgrind;   /* false: --no-callgrind */
	const char *iommufd; /* the kernel rows' device, NULL: /dev/iommu */
	/* the kernel rows' iommufd options, NULL: mode=selftest (kernel.c) */
	const char *backend_options;
	bool kernel_available; /* the probe's answer (kernel.c) */
};

struct bench_plan {
	struct bench_spec *specs;
	size_t n;
};

/* The sweeps of issue 5 point 2 (or the smoke's tiny ones); -ENOMEM,
 * or -EINVAL for an --only that is not bench_only_valid. */
int bench_plan_build(struct bench_plan *plan, const struct bench_options *opts);
void bench_plan_free(struct bench_plan *plan);
/* Whether --only (NULL: everything) names kind. */
bool bench_only_names(const char *only, enum bench_kind kind);
/* Whether --only's value is a list of kinds: comma-separated, none
 * empty (no ",," and no trailing comma). */
bool bench_only_valid(const char *only);

/* ------------------------------------------------------------ worlds */

/*
 * A world: a context on one backend and profile with `populated` devices
 * whose user data links a vSID each, in one vIOMMU.  Built once and shared
 * by every benchmark with the same (backend, profile, populated).  A
 * benchmark that fills the caches marks the world: only benchmarks with
 * the same cache contents share it afterwards.
 */
struct bench_world;
struct bench_progress;

/*
 * prog (may be NULL) shows how far the linking has got.  backend_options
 * go to the context (the kernel rows' bench_kernel_options; may be NULL).
 * -ENODEV when the backend cannot run here (iommufd without /dev/iommu or
 * its selftest), with err saying why.
 */
int bench_world_new(struct bench_world **out, const char *backend,
		    const char *backend_options, enum nestref_profile profile,
		    uint32_t populated, struct bench_progress *prog, char *err,
		    size_t err_len);
void bench_world_free(struct bench_world *w);
bool bench_world_matches(const struct bench_world *w,
			 const struct bench_spec *spec);

/* ------------------------------------------------------------ workloads */

struct bench_workload;

/*
 * Prepares a benchmark on a world: builds the command pool and checks once
 * that every operation succeeds (and, for the rewrite, that the vSID was
 * replaced by the right pSID).  0, or a negative errno with err set.
 */
int bench_workload_new(struct bench_workload **out, struct bench_world *w,
		       const struct bench_spec *spec, char *err,
		       size_t err_len);
void bench_workload_free(struct bench_workload *wl);
/* Operations (commands, entries, pairs) per iteration. */
uint64_t bench_workload_ops(const struct bench_workload *wl);
/* Runs iters iterations; 0, or a negative errno with err set. */
int bench_workload_run(struct bench_workload *wl, uint64_t iters, char *err,
		       size_t err_len);
/* rewrite: the backend's function that rewrites one command, for
 * callgrind's in-rw count (struct nestref_smmuv3_ops); else NULL. */
const char *bench_workload_rewrite_symbol(const struct bench_workload *wl);

/*
 * The world's fixed links (workloads.c): device i has pSID
 * bench_psid_of(i) and vSID bench_vsid_of(i).
 */
uint32_t bench_vsid_of(uint32_t i);
uint32_t bench_psid_of(uint32_t i);

/* ------------------------------------------------------------ events */

/*
 * The events benchmark (events.c) on a world's context and vIOMMU: who
 * holds len + batch device indexes (the stream, its start repeated),
 * dev_ids the world's device IDs by index.  It attaches the devices,
 * allocates the vEVENTQ and checks one pass.  0, or a negative errno with
 * err set.
 */
struct bench_events;
int bench_events_new(struct bench_events **out, struct nestref_ctx *ctx,
		     uint32_t viommu_id, const struct bench_spec *spec,
		     const uint32_t *dev_ids, const uint32_t *who, size_t len,
		     char *err, size_t err_len);
int bench_events_run(struct bench_events *ev, uint64_t iters, char *err,
		     size_t err_len);
void bench_events_free(struct bench_events *ev);

/* ------------------------------------------------------------ memory */

/*
 * The kernel's bytes per vDEVICE (memory-kernel.c) for
 * the first n vSIDs of the worlds (bench_vsid_of): the object in its
 * kmalloc size class, its share of the ictx->objects xarray, and the
 * nodes of viommu->vdevs that those vSIDs need (kernel-facts 2.14).
 */
struct bench_kernel_vdevice {
	double object;     /* kmalloc size class of struct iommufd_vdevice */
	double objects_xa; /* share of ictx->objects (dense IDs) */
	double vdevs_xa;   /* viommu->vdevs nodes per vDEVICE */
	uint64_t vdevs_nodes;
	double total;
};

int bench_kernel_vdevice_cost(uint32_t n, struct bench_kernel_vdevice *out);

/* Bytes per linked device (per_vdevice) from 1k linked vSIDs on, over
 * every count as the tables grow (memory.c). */
struct bench_memory_growth {
	bool measured; /* populated > from */
	uint32_t from;
	double min, max, mean;
};

/*
 * One memory row: a world built under a counting allocator (memory.c).
 * Bytes are malloc_usable_size() of the library's and backend's blocks.
 */
struct bench_memory {
	const char *backend; /* a static string */
	enum nestref_profile profile;
	uint32_t populated;
	bool ok;
	char error[256];
	int64_t context;  /* an open context, nothing in it */
	int64_t viommu;   /* one empty vIOMMU */
	int64_t devices;  /* populated devices without user data */
	int64_t linked;   /* what linking each of them to a vSID added */
	int64_t devices_blocks, linked_blocks;
	bool malloc_measured; /* mallinfo2() of the same steps */
	int64_t malloc_devices, malloc_linked;
	double per_device, per_vdevice;
	size_t dev_priv_size; /* the backend's, inside each device's block */
	struct bench_memory_growth growth;
	struct bench_kernel_vdevice kernel;
};

struct bench_memory_run {
	struct bench_memory *rows;
	size_t n;
};

/* The rows the options ask for (none without the memory kind): 0 or
 * -ENOMEM. */
int bench_memory_plan(struct bench_memory_run *run,
		      const struct bench_options *opts);
/*
 * Measures every row.  Installs its allocator for the time: no context
 * may be open (nestref_set_allocator).  The number of rows that failed.
 */
size_t bench_memory_measure(struct bench_memory_run *run,
			    struct bench_progress *prog);
void bench_memory_free(struct bench_memory_run *run);
void bench_report_memory(FILE *out, const struct bench_memory_run *run);

/* ------------------------------------------------------------ stats */

struct bench_stats {
	size_t n;
	double median, min, max, mean, stddev, cv, q1, q3;
	unsigned int mild, severe; /* Tukey: beyond 1.5 and 3 IQR */
};

void bench_stats_compute(const double *samples, size_t n,
			 struct bench_stats *st);

/* ------------------------------------------------------------ results */

struct bench_result {
	struct bench_spec spec;
	bool ok;
	bool not_measured; /* !ok: could not run here; error says why */
	char error[256];
	uint64_t iters;          /* iterations per sample */
	uint64_t ops_per_sample; /* operations per sample */
	double *samples;         /* operations per second, one per sample */
	size_t n_samples;
	struct bench_stats st;
	bool instr_measured;
	double instr_per_op; /* the whole loop, per operation */
	bool instr_in_rewrite_measured;
	double instr_in_rewrite; /* rewrite: inside rewrite_symbol */
	char instr_note[256]; /* why not measured, or why it failed */
	/* rewrite: the backend's per-command function (a static string) */
	const char *rewrite_symbol;
};

/* ------------------------------------------------------------ measure */

struct bench_pin {
	int cpu;         /* the CPU pinned to, -1 if none */
	char error[128]; /* why not, when it failed or was not asked */
};

/* Pins to cpu (-1: the highest CPU this process may use). */
void bench_pin(int cpu, struct bench_pin *pin);
/* Whether this process may run on cpu (true when it cannot tell), with
 * the CPUs it may run on in list ("0-3,6") for --cpu's message. */
bool bench_cpu_allowed(int cpu, char *list, size_t len);
uint64_t bench_now_ns(void);

/* Calibrates, warms up and takes the samples of one benchmark. */
int bench_measure(struct bench_workload *wl, const struct bench_options *opts,
		  struct bench_result *res);

/* ------------------------------------------------------------ callgrind */

struct bench_callgrind {
	bool available;   /* valgrind found and usable */
	char path[512];   /* the valgrind program */
	char version[64]; /* "valgrind-3.19.0" */
	char reason[160]; /* why not available */
};

void bench_callgrind_probe(const struct bench_options *opts,
			   struct bench_callgrind *cg);
/*
 * Instructions per operation of spec: two runs under callgrind of
 * `self --callgrind-child SPEC --iters N`, (Ir2 - Ir1) / (ops2 - ops1).
 * 0 (measured, or not available: res->instr_note says why), or -1 when
 * a run failed (res->instr_note says how).
 */
int bench_callgrind_measure(const struct bench_callgrind *cg,
			    struct bench_result *res);
/* The child: builds the world and runs iters iterations, untimed. */
int bench_callgrind_child(const char *spec_text, uint64_t iters);

/* ------------------------------------------------------------ kernel */

/*
 * IOMMU_HWPT_INVALIDATE as the kernel's <linux/iommufd.h> declares it
 * (kernel-facts 2.4, 2.7): _IO(';', 0x8d) on the iommufd, with struct
 * iommu_hwpt_invalidate, whose data_uptr is an aligned_u64.  The bench's
 * own copy of that ABI, so the ioctl rows need nothing of the iommufd
 * backend but its fd and vIOMMU ID (<nestref/iommufd.h>); workloads.c
 * checks it against <linux/iommufd.h> where one is installed.
 */
#define BENCH_IOMMU_HWPT_INVALIDATE _IO(';', 0x8d)

struct bench_hwpt_invalidate {
	uint32_t size;
	uint32_t hwpt_id;
	_Alignas(8) uint64_t data_uptr;
	uint32_t data_type;
	uint32_t entry_len;
	uint32_t entry_num;
	uint32_t reserved;
};

_Static_assert(sizeof(struct bench_hwpt_invalidate) == 32,
	       "struct iommu_hwpt_invalidate is 32 bytes");

/* The ioctl(2) of the ioctl rows: the real one, or a test's fake kernel. */
extern int (*bench_ioctl)(int fd, unsigned long request, void *arg);

struct bench_kernel_probe {
	bool probed;      /* false: the run does not ask for the kernel */
	bool available;   /* iommufd with its selftest answers here */
	int rc;           /* nestref_ctx_new's: -EINVAL for bad options */
	char reason[256]; /* why not */
};

/* Room for them: 16 devices (the backend's most) of long paths. */
#define BENCH_KERNEL_OPTIONS_LEN 2048
/* The backend options of the kernel rows' contexts: --backend-options,
 * else "mode=selftest", and the device when --iommufd gave one. */
void bench_kernel_options(const struct bench_options *opts, char *buf,
			  size_t len);
/*
 * 0 when the kernel rows run on the selftest; in mode=vfio (the real
 * arm-smmu-v3 driver: --backend-options=mode=vfio,devices=A:B:C) the
 * number of devices, which is then the kernel rows' population: a vSID
 * needs a device of its own, and there are only as many as cdevs.
 */
uint32_t bench_kernel_vfio_devices(const struct bench_options *opts);
/* Opens (and closes) a context on the kernel rows' backend. */
void bench_kernel_probe(const struct bench_options *opts,
			struct bench_kernel_probe *probe);

/* One batch size and population at which the kernel rows ran, with the
 * rows of the same stream on the other paths (NULL where absent). */
struct bench_ratio {
	uint32_t populated, batch, working_set;
	const struct bench_result *kernel, *ioctl, *mock, *sim;
};

#define BENCH_SIM_RATIO_MIX MIX_CFGI_CD
/* The mix of the sim rows a kernel row of mix is compared with: cfgi-cd
 * for selftest entries, else the kernel row's own SMMUv3 commands. */
enum bench_mix bench_sim_mix_of(enum bench_mix mix);

/*
 * When k (one of res) is a measured kernel row: its comparison with the
 * other rows of res, and true.
 */
bool bench_kernel_ratio(const struct bench_result *res, size_t n,
			const struct bench_result *k, struct bench_ratio *out);
/* a / b of two measured rows' medians, NAN when either is missing. */
double bench_ratio_of(const struct bench_result *a,
		      const struct bench_result *b);

/* A kernel row of res that carries SMMUv3 commands (mode=vfio: its
 * populated is the number of devices), or NULL (the selftest). */
const struct bench_result *bench_kernel_commands(const struct bench_result *res,
						 size_t n);

/* What the run says about the kernel: "ok", "failed" or "not-measured",
 * with the reason (empty for "ok"). */
const char *bench_kernel_status(const struct bench_result *res, size_t n,
				const struct bench_kernel_probe *probe,
				char *reason, size_t len);

/* ------------------------------------------------------------ context */

struct bench_qemu; /* the qemu-smmu kind, below */

struct bench_context {
	char date[32];         /* ISO 8601, UTC */
	char bench_version[32];
	char library_version[32];
	char git_describe[64]; /* "" when unknown */
	char cpu_model[128];
	long nproc;
	char kernel[128];
	double loadavg[3];
	bool loadavg_ok;
	char compiler[128];
	char cflags[256];
	long clock_res_ns;
	struct bench_pin pin;
	struct bench_callgrind cg;
	struct bench_kernel_probe kernel_probe;
	bool asan;
	const struct bench_qemu *qemu; /* the qemu-smmu kind; NULL: none */
};

void bench_context_collect(struct bench_context *ctx);

/* ------------------------------------------------------------ output */

struct bench_progress {
	bool on;
	size_t total;
	size_t done;
	size_t width; /* of the last line, to blank it */
};

void bench_progress(struct bench_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bench_progress_end(struct bench_progress *p);

void bench_report_context(FILE *out, const struct bench_context *ctx,
			  const struct bench_options *opts);
void bench_report_table(FILE *out, const struct bench_result *res, size_t n);
/* The kernel's rows against the other paths, or why there are none. */
void bench_report_kernel(FILE *out, const struct bench_context *ctx,
			 const struct bench_result *res, size_t n);
/* The CSV into f; whether it reached the file is bench_output_close's
 * to say. */
void bench_write_csv(FILE *f, const struct bench_result *res, size_t n);
/* The JSON into f: 0, or -ENOMEM when it could not be built.
 * "targets" is written empty: bench/targets.py --update fills it in. */
int bench_write_json(FILE *f, const struct bench_context *ctx,
		     const struct bench_options *opts,
		     const struct bench_result *res, size_t n,
		     const struct bench_memory_run *mem);

/* ------------------------------------------------------------ files */

/* A file of --json or --csv (output.c). */
struct bench_output {
	const char *option; /* "--json", for messages */
	const char *path;   /* "-": stdout; NULL: not asked for */
	FILE *f;     /* where to write, from bench_output_open to _close */
	char *buf;   /* f's text (open_memstream) */
	size_t len;
	int fd;      /* the file it goes to, open from the start */
	char *tmp;   /* fd's name when it is renamed to path at the end */
};

/*
 * Opens o->path for writing before anything is measured: 0 (also when
 * path is NULL), or -errno with err saying "--json: cannot write PATH:
 * why".  An existing regular file is left as it is until
 * bench_output_close.
 */
int bench_output_open(struct bench_output *o, char *err, size_t len);
/* Writes what f holds to the file and puts it in place: 0, or -errno
 * with err saying which write failed (a full disk) and nothing renamed;
 * either way everything is closed. */
int bench_output_close(struct bench_output *o, char *err, size_t len);
/* Closes everything without writing: an old file stays as it was. */
void bench_output_discard(struct bench_output *o);

/* ------------------------------------------------------------ qemu-smmu */

/* How to get QEMU, for the "not measured" messages. */
#define BENCH_QEMU_HOW \
	"tests/kernel/qemu-sid.sh makes a QEMU 11 folder (docs/kernel.md 5.2); or set NESTREF_BENCH_QEMU_ROOT to one, or QEMU_AARCH64 to a host qemu-system-aarch64"

/* Where QEMU is (qemu-smmu.c): a sid folder run through chroot, or a
 * host binary (root "/"). */
struct bench_qemu_where {
	char root[512];  /* "/" for a host binary */
	char qemu[512];  /* the program, inside root */
	char reason[640]; /* why none: a sentence with BENCH_QEMU_HOW */
};

/*
 * NESTREF_BENCH_QEMU_ROOT (a qemu-sid.sh folder), else QEMU_AARCH64 (a
 * host binary), else the newest ${XDG_CACHE_HOME:-~/.cache}/nestref/
 * qemu-sid-* folder.  0, or -ENODEV with where->reason saying why not
 * (none found, not root for chroot).
 */
int bench_qemu_locate(struct bench_qemu_where *where);

/* A peer driven by qtest lines on its stdin and answers on its stdout. */
struct bench_qtest {
	int pid;        /* -1: not running */
	int fd;         /* our end of its stdin and stdout (a socket) */
	int log;        /* its stderr, a temporary file; -1 */
	int timeout_ms; /* the longest wait for one answer */
	char buf[8192]; /* what was read and not yet taken */
	size_t len;
	char err[384];  /* what went wrong */
};

/*
 * Starts argv[0] with argv (chrooted into root unless root is NULL or
 * "/", with /proc and /dev bound in its own mount namespace), its stdin
 * and stdout a socket to us, its stderr kept for messages.  0 or -errno
 * with qt->err set; qt->pid is -1 on failure.
 */
int bench_qtest_start(struct bench_qtest *qt, const char *root,
		      char *const argv[]);
/*
 * Sends line (no newline), reads one answer: 0 when it is "OK", with the
 * number after it in *value (may be NULL).  -EIO for another answer,
 * -ETIMEDOUT, -EPIPE when the peer ended; qt->err says which.
 */
int bench_qtest_call(struct bench_qtest *qt, const char *line,
		     uint64_t *value);
int bench_qtest_writel(struct bench_qtest *qt, uint64_t addr, uint32_t v);
int bench_qtest_writeq(struct bench_qtest *qt, uint64_t addr, uint64_t v);
int bench_qtest_readl(struct bench_qtest *qt, uint64_t addr, uint32_t *v);
/* Guest memory at addr from bytes (b64write). */
int bench_qtest_write(struct bench_qtest *qt, uint64_t addr,
		      const unsigned char *bytes, size_t len);
/* Ends the peer (TERM, then KILL) and reaps it; safe to call twice. */
void bench_qtest_stop(struct bench_qtest *qt);
/* base64 of len bytes into out (4 * ceil(len / 3) + 1 bytes). */
void bench_base64(const unsigned char *in, size_t len, char *out);

/* One stream on both SMMUs: QEMU's and the model alone. */
struct bench_qemu_row {
	enum bench_mix mix;
	uint32_t batch;
	struct bench_result qemu;  /* commands/s inside QEMU */
	struct bench_result model; /* commands/s of the model's execute */
	double rtt_null_ns;        /* median of the null write's round trip */
	double rtt_prod_ns;        /* median of the PROD write's round trip */
};

/* One odd command, on both SMMUs: CMDQ_CONS.ERR, 0 for none. */
struct bench_qemu_check {
	const char *name;
	struct nestref_smmuv3_cmd cmd;
	uint32_t qemu_cerror, model_cerror;
	bool measured;
};

#define BENCH_QEMU_DEVICES 8
#define BENCH_QEMU_CHECKS 16

struct bench_qemu {
	bool asked;          /* the run includes qemu-smmu */
	bool explicit_ask;   /* --only named it: absent is exit 77 */
	const char *status;  /* "ok", "failed", "not-measured" */
	char reason[640];
	struct bench_qemu_where where;
	uint32_t idr[6];     /* QEMU's ID registers as it reported them */
	uint32_t sids[BENCH_QEMU_DEVICES];
	size_t n_devices;
	struct bench_qemu_row *rows;
	size_t n_rows;
	struct bench_qemu_check checks[BENCH_QEMU_CHECKS];
	size_t n_checks;
};

/*
 * The qemu-smmu kind: finds QEMU, starts it, programs its SMMU through
 * qtest, measures the rows and the checks, stops it.  Fills q (status,
 * reason); the number of failures (0 or 1).  bench_qemu_run_on does the
 * same on a peer already started (the tests' fake).
 */
size_t bench_qemu_run(const struct bench_options *opts, struct bench_qemu *q,
		      struct bench_progress *prog);
int bench_qemu_run_on(struct bench_qtest *qt, const struct bench_options *opts,
		      struct bench_qemu *q, struct bench_progress *prog);
/* The SMMU's programming (stream table, queue, CR0) on qt: 0 or -errno. */
int bench_qemu_program(struct bench_qtest *qt, struct bench_qemu *q);
void bench_qemu_free(struct bench_qemu *q);
void bench_report_qemu(FILE *out, const struct bench_qemu *q);

/*
 * The physical stream of spec on n devices (workloads.c): the pool the
 * sim rows build, with each command's SID replaced by the pSID of the
 * device it names, psids[i], and TLBIs given VMID vmid, as the host
 * issues them.  *out (malloc) has *len commands.  0 or -ENOMEM.
 */
int bench_pool_physical(const struct bench_spec *spec, const uint32_t *psids,
			uint32_t n, uint32_t vmid,
			struct nestref_smmuv3_cmd **out, size_t *len);

#endif /* NESTREF_BENCH_H */

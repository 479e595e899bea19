/* SPDX-License-Identifier: MIT */
/*
 * nestref-bench's kernel rows (issue 5 point 1(d)) without a kernel: the
 * iommufd backend's system calls, and the bench's own ioctl for its ioctl
 * rows (bench_ioctl), go to a fake that checks every
 * IOMMU_HWPT_INVALIDATE the way the selftest mock does (kernel-facts 2.7,
 * 5.4) and keeps each mock device's four cache words (5.5), so the rows'
 * stream, their check and their loops are tested here; the guest run
 * (make bench-kernel) only adds the real kernel.  Also: the "not
 * measured" answer without /dev/iommu, the kernel suite's plan, and the
 * ratios.  mode=vfio (make bench-kernel-arm64) too: the fake binds
 * /fake/vfioN cdevs and takes arm-smmuv3 arrays, looking up the vSID of
 * each CFGI_CD as the arm-smmu-v3 driver does.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <nestref/smmuv3.h>

#include "backends/iommufd/sys.h"
#include "backends/iommufd/uapi.h"
#include "bench/bench.h"
#include "check-helpers.h"

#define FAKE_FD 10
#define FAKE_VFIO_FD 20 /* + N for /fake/vfioN */
#define FAKE_DEVS 64
#define CACHE_DEFAULT 0xbaddadu

/* The selftest's vIOMMU, as much of it as the bench reaches. */
static struct {
	bool no_dev_iommu;
	bool forget;        /* answer success but invalidate nothing */
	uint32_t next_id;
	uint32_t viommu;
	struct {
		uint32_t idev, vdevice;
		uint64_t virt_id;
		bool linked;
		uint32_t cache[4];
	} dev[FAKE_DEVS];
	size_t n_dev;
	uint64_t calls, entries, bad_calls;
	uint64_t cfgi_cd, tlbi; /* SMMUv3 commands taken */
	uint64_t n_mmaps;
} fk;

static void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.next_id = 1;
}

static int fake_open(const char *path, int flags)
{
	(void)flags;
	if (!fk.no_dev_iommu && !strcmp(path, "/dev/iommu"))
		return FAKE_FD;
	if (!strncmp(path, "/fake/vfio", 10))
		return FAKE_VFIO_FD + atoi(path + 10);
	errno = ENOENT;
	return -1;
}

static int fake_close(int fd)
{
	(void)fd;
	return 0;
}

static int fake_fail(int err)
{
	errno = err;
	return -1;
}

static int fake_test_cmd(struct nr_iommu_test_cmd *t)
{
	size_t i;

	if (t->op == NR_IOMMU_TEST_OP_MOCK_DOMAIN) {
		if (fk.n_dev == FAKE_DEVS)
			return fake_fail(ENOMEM);
		t->mock_domain.out_stdev_id = fk.next_id++;
		t->mock_domain.out_hwpt_id = fk.next_id++;
		t->mock_domain.out_idev_id = fk.next_id++;
		fk.dev[fk.n_dev].idev = t->mock_domain.out_idev_id;
		for (i = 0; i < 4; i++)
			fk.dev[fk.n_dev].cache[i] = CACHE_DEFAULT;
		fk.n_dev++;
		return 0;
	}
	if (t->op == NR_IOMMU_TEST_OP_DEV_CHECK_CACHE) {
		for (i = 0; i < fk.n_dev; i++)
			if (fk.dev[i].idev == t->id)
				return t->check_dev_cache.id > 3 ||
					       fk.dev[i].cache[t->check_dev_cache.id] !=
						       t->check_dev_cache.cache ?
					       fake_fail(EINVAL) :
					       0;
		return fake_fail(ENOENT);
	}
	return fake_fail(EOPNOTSUPP); /* op 0: the availability probe */
}

/* The linked device whose vDEVICE has virt_id vsid, or fk.n_dev. */
static size_t linked_dev(uint64_t vsid)
{
	size_t i;

	for (i = 0; i < fk.n_dev; i++)
		if (fk.dev[i].linked && fk.dev[i].virt_id == vsid)
			break;
	return i;
}

/*
 * An arm-smmuv3 array (mode=vfio): each 16-byte command taken in order, a
 * CFGI_CD's vSID (SID, bits 32-63) looked up; the driver's other
 * commands are not the bench's.
 */
static int fake_invalidate_smmuv3(struct nr_iommu_hwpt_invalidate *inv,
				  const unsigned char *p)
{
	uint32_t done;

	for (done = 0; done < inv->entry_num; done++, p += 16) {
		uint32_t sid = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
			       (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

		if (p[0] == NESTREF_SMMUV3_CFGI_CD && linked_dev(sid) < fk.n_dev)
			fk.cfgi_cd++;
		else if (p[0] == NESTREF_SMMUV3_TLBI_NH_VA)
			fk.tlbi++;
		else
			break;
	}
	fk.entries += done;
	if (done == inv->entry_num)
		return 0;
	inv->entry_num = done;
	return fake_fail(EIO);
}

/* 5.4: every entry checked in order, the cache word cleared. */
static int fake_invalidate(struct nr_iommu_hwpt_invalidate *inv)
{
	const unsigned char *p = (const unsigned char *)(uintptr_t)inv->data_uptr;
	uint32_t n = inv->entry_num, done;
	bool smmuv3 = inv->data_type == NESTREF_INV_TYPE_ARM_SMMUV3;

	fk.calls++;
	if (smmuv3 && inv->hwpt_id == fk.viommu && inv->entry_len == 16 &&
	    !inv->reserved && p && n)
		return fake_invalidate_smmuv3(inv, p);
	inv->entry_num = 0;
	if (inv->hwpt_id != fk.viommu || inv->data_type != 0xdeadbeefu ||
	    inv->entry_len != 12 || inv->reserved || !p || !n) {
		fk.bad_calls++;
		return fake_fail(EINVAL);
	}
	for (done = 0; done < n; done++, p += 12) {
		uint32_t e[3];
		size_t i;

		memcpy(e, p, sizeof(e));
		if (e[0])
			return fake_fail(EOPNOTSUPP);
		i = linked_dev(e[1]);
		if (e[2] > 3 || i == fk.n_dev)
			return fake_fail(EINVAL);
		if (!fk.forget)
			fk.dev[i].cache[e[2]] = 0;
		inv->entry_num = done + 1;
		fk.entries++;
	}
	return 0;
}

/* A new object: its ID into *out. */
static int new_id(uint32_t *out)
{
	*out = fk.next_id++;
	return 0;
}

/* 2.9: the vDEVICE links the mock device to its virt_id (the vSID). */
static int fake_vdevice(struct nr_iommu_vdevice_alloc *v)
{
	size_t i;

	for (i = 0; i < fk.n_dev && fk.dev[i].idev != v->dev_id; i++)
		;
	if (i == fk.n_dev || v->viommu_id != fk.viommu)
		return fake_fail(ENOENT);
	fk.dev[i].virt_id = v->virt_id;
	fk.dev[i].linked = true;
	new_id(&fk.dev[i].vdevice);
	v->out_vdevice_id = fk.dev[i].vdevice;
	return 0;
}

/* VFIO_DEVICE_BIND_IOMMUFD on a /fake/vfioN cdev: a device of its own. */
static int fake_vfio_bind(int fd, struct nr_vfio_device_bind_iommufd *bind)
{
	ck_assert_int_ge(fd, FAKE_VFIO_FD);
	ck_assert_int_eq(bind->iommufd, FAKE_FD);
	if (fk.n_dev == FAKE_DEVS)
		return fake_fail(ENOMEM);
	new_id(&bind->out_devid);
	fk.dev[fk.n_dev++].idev = bind->out_devid;
	return 0;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	size_t i;

	if (req == NR_VFIO_DEVICE_BIND_IOMMUFD)
		return fake_vfio_bind(fd, arg);
	ck_assert_int_eq(fd, FAKE_FD);
	switch (req) {
	case NR_IOMMU_TEST_CMD:
		return fake_test_cmd(arg);
	case NR_IOMMU_IOAS_ALLOC:
		return new_id(&((struct nr_iommu_ioas_alloc *)arg)->out_ioas_id);
	case NR_IOMMU_HWPT_ALLOC:
		return new_id(&((struct nr_iommu_hwpt_alloc *)arg)->out_hwpt_id);
	case NR_IOMMU_VIOMMU_ALLOC:
		new_id(&fk.viommu);
		((struct nr_iommu_viommu_alloc *)arg)->out_viommu_id = fk.viommu;
		return 0;
	case NR_IOMMU_VDEVICE_ALLOC:
		return fake_vdevice(arg);
	case NR_IOMMU_DESTROY:
		for (i = 0; i < fk.n_dev; i++)
			if (fk.dev[i].vdevice == ((struct nr_iommu_destroy *)arg)->id)
				fk.dev[i].linked = false;
		return 0;
	case NR_IOMMU_HWPT_INVALIDATE:
		return fake_invalidate(arg);
	}
	ck_abort_msg("unexpected ioctl 0x%lx", req);
	return fake_fail(ENOTTY);
}

/* Counted: the kernel rows must not map memory per call (8.2). */
static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	fk.n_mmaps++;
	return mmap(addr, len, prot, flags, fd, off);
}

static const struct ifd_sys fake_sys = {
	.open = fake_open,
	.close = fake_close,
	.ioctl = fake_ioctl,
	.mmap = fake_mmap,
	.mprotect = mprotect,
	.munmap = munmap,
};

static struct bench_spec kernel_spec(enum bench_kind kind, uint32_t batch,
				     uint32_t pop)
{
	return (struct bench_spec){
		.kind = kind,
		.backend = "iommufd",
		.profile = NESTREF_PROFILE_LINUX_7_2,
		.mix = MIX_SELFTEST,
		.batch = batch,
		.populated = pop,
		.working_set = 256,
	};
}

/* A world of pop vSIDs on a fresh fake kernel. */
static struct bench_world *fake_world(uint32_t pop)
{
	struct bench_world *w = NULL;
	char err[256] = "";
	int rc;

	fake_reset();
	ifd_sys_set(&fake_sys);
	bench_ioctl = fake_ioctl;
	rc = bench_world_new(&w, "iommufd", "mode=selftest",
			     NESTREF_PROFILE_LINUX_7_2, pop, NULL, err,
			     sizeof(err));
	ck_assert_msg(rc == 0, "world: %d %s", rc, err);
	/* The hidden anchor device, then one mock device per vSID. */
	ck_assert_uint_eq(fk.n_dev, pop + 1);
	return w;
}

/* Prepares and runs iters iterations; the preparation's check included. */
static void run_rows(enum bench_kind kind, uint32_t batch, uint32_t pop,
		     uint64_t iters)
{
	struct bench_spec spec = kernel_spec(kind, batch, pop);
	struct bench_workload *wl = NULL;
	struct bench_world *w;
	uint64_t calls0, entries0;
	char err[256] = "";
	int rc;

	w = fake_world(pop);
	rc = bench_workload_new(&wl, w, &spec, err, sizeof(err));
	ck_assert_msg(rc == 0, "workload: %d %s", rc, err);
	/* The check made one pass of the pool (4096 entries). */
	ck_assert_uint_eq(fk.entries,
			  (uint64_t)((4096 + batch - 1) / batch) * batch);
	ck_assert_uint_eq(bench_workload_ops(wl), batch);
	calls0 = fk.calls;
	entries0 = fk.entries;
	ck_assert_int_eq(bench_workload_run(wl, iters, err, sizeof(err)), 0);
	ck_assert_uint_eq(fk.calls - calls0, iters);
	ck_assert_uint_eq(fk.entries - entries0, iters * batch);
	ck_assert_uint_eq(fk.bad_calls, 0);
	/*
	 * No mapping on the way to the kernel (docs/bench.md 8.2): a whole
	 * array is passed as it is, so neither the check's pass nor the
	 * timed calls map anything.
	 */
	ck_assert_uint_eq(fk.n_mmaps, 0);
	bench_workload_free(wl);
	bench_world_free(w);
	ifd_sys_set(NULL);
}

/*
 * The bench builds IOMMU_HWPT_INVALIDATE from its own copy of the kernel's
 * ABI (bench.h): it must be the backend's (uapi.h, kernel-facts 2.4).
 */
START_TEST(bench_abi_is_the_kernels)
{
	ck_assert_uint_eq(BENCH_IOMMU_HWPT_INVALIDATE, NR_IOMMU_HWPT_INVALIDATE);
	ck_assert_uint_eq(sizeof(struct bench_hwpt_invalidate),
			  sizeof(struct nr_iommu_hwpt_invalidate));
#define SAME_FIELD(f)                                                      \
	ck_assert_uint_eq(offsetof(struct bench_hwpt_invalidate, f),       \
			  offsetof(struct nr_iommu_hwpt_invalidate, f))
	SAME_FIELD(size);
	SAME_FIELD(hwpt_id);
	SAME_FIELD(data_uptr);
	SAME_FIELD(data_type);
	SAME_FIELD(entry_len);
	SAME_FIELD(entry_num);
	SAME_FIELD(reserved);
#undef SAME_FIELD
}
END_TEST

START_TEST(kernel_rows_reach_the_kernel)
{
	run_rows(BENCH_KERNEL, 16, 8, 100);
	run_rows(BENCH_KERNEL, 1, 1, 10);
	run_rows(BENCH_KERNEL, 4096, 8, 3);
}
END_TEST

/*
 * mode=vfio: a vSID per cdev, and the kernel and ioctl rows' SMMUv3
 * commands reach the driver, every CFGI_CD naming a linked vSID.
 */
START_TEST(vfio_rows_reach_the_driver)
{
	static const enum bench_kind kinds[] = { BENCH_KERNEL, BENCH_IOCTL };
	static const enum bench_mix mixes[] = { MIX_CFGI_CD, MIX_TLBI_NH_VA };
	struct bench_options opts = {
		.backend_options = "mode=vfio,devices=/fake/vfio0:/fake/vfio1:/fake/vfio2",
	};
	char kopts[BENCH_KERNEL_OPTIONS_LEN], err[256] = "";
	size_t k, m;

	ck_assert_uint_eq(bench_kernel_vfio_devices(&opts), 3);
	bench_kernel_options(&opts, kopts, sizeof(kopts));
	ck_assert_str_eq(kopts, opts.backend_options);
	for (k = 0; k < 2; k++) {
		for (m = 0; m < 2; m++) {
			struct bench_spec spec = kernel_spec(kinds[k], 63, 3);
			struct bench_workload *wl = NULL;
			struct bench_world *w = NULL;
			int rc;

			spec.mix = mixes[m];
			fake_reset();
			ifd_sys_set(&fake_sys);
			bench_ioctl = fake_ioctl;
			rc = bench_world_new(&w, "iommufd", kopts,
					     NESTREF_PROFILE_LINUX_7_2, 3, NULL,
					     err, sizeof(err));
			ck_assert_msg(rc == 0, "world: %d %s", rc, err);
			/* The three cdevs, the first the vIOMMU's anchor. */
			ck_assert_uint_eq(fk.n_dev, 3);
			rc = bench_workload_new(&wl, w, &spec, err, sizeof(err));
			ck_assert_msg(rc == 0, "workload: %d %s", rc, err);
			ck_assert_int_eq(bench_workload_run(wl, 10, err,
							    sizeof(err)),
					 0);
			/* One pass of the pool (4096), then 10 batches. */
			ck_assert_uint_eq(fk.entries,
					  (4096 + 62) / 63 * 63 + 10 * 63);
			ck_assert_uint_eq(mixes[m] == MIX_CFGI_CD ? fk.cfgi_cd :
								    fk.tlbi,
					  fk.entries);
			ck_assert_uint_eq(fk.bad_calls, 0);
			ck_assert_str_eq(bench_unit(&spec), "commands/s");
			bench_workload_free(wl);
			bench_world_free(w);
			ifd_sys_set(NULL);
		}
	}
	/* The other spellings of the options. */
	opts.backend_options = "devices=a:b,mode=vfio";
	ck_assert_uint_eq(bench_kernel_vfio_devices(&opts), 2);
	opts.backend_options = "mode=vfio,devices=a,mode=selftest";
	ck_assert_uint_eq(bench_kernel_vfio_devices(&opts), 0);
	opts.backend_options = NULL;
	ck_assert_uint_eq(bench_kernel_vfio_devices(&opts), 0);
	opts.iommufd = "/x";
	bench_kernel_options(&opts, kopts, sizeof(kopts));
	ck_assert_str_eq(kopts, "mode=selftest,iommufd=/x");
}
END_TEST

START_TEST(ioctl_rows_reach_the_kernel)
{
	run_rows(BENCH_IOCTL, 16, 8, 100);
	run_rows(BENCH_IOCTL, 4096, 1, 3);
}
END_TEST

/* Preparing kind's row on w must fail with rc and a message saying what. */
static void row_refused(struct bench_world *w, enum bench_kind kind, int rc,
			const char *what)
{
	struct bench_spec spec = kernel_spec(kind, 16, 8);
	struct bench_workload *wl = NULL;
	char err[256] = "";

	ck_assert_int_eq(bench_workload_new(&wl, w, &spec, err, sizeof(err)),
			 rc);
	ck_assert_ptr_null(wl);
	ck_assert_msg(strstr(err, what), "'%s' is not in '%s'", what, err);
}

/* The check before timing catches a kernel that does not invalidate. */
START_TEST(lost_invalidations_are_caught)
{
	struct bench_world *w = fake_world(8);

	fk.forget = true;
	row_refused(w, BENCH_KERNEL, -EIO, "is not invalidated");
	row_refused(w, BENCH_IOCTL, -EIO, "is not invalidated");
	bench_world_free(w);
	ifd_sys_set(NULL);
}
END_TEST

/* An entry the kernel refuses fails the row, in either kind. */
START_TEST(refused_entries_fail_the_row)
{
	struct bench_world *w = fake_world(8);
	size_t i;

	for (i = 0; i < fk.n_dev; i++)
		fk.dev[i].virt_id ^= 1; /* no vSID is known any more */
	row_refused(w, BENCH_IOCTL, -EINVAL,
		    "IOMMU_HWPT_INVALIDATE: EINVAL, 0 of 16");
	row_refused(w, BENCH_KERNEL, -EINVAL, "nestref_invalidate: EINVAL");
	bench_world_free(w);
	ifd_sys_set(NULL);
}
END_TEST

START_TEST(no_dev_iommu_is_not_measured)
{
	struct bench_options opts = { .repetitions = 1 };
	struct bench_kernel_probe probe;
	struct bench_world *w = NULL;
	char err[256] = "";

	fake_reset();
	fk.no_dev_iommu = true;
	ifd_sys_set(&fake_sys);
	ck_assert_int_eq(bench_world_new(&w, "iommufd", "mode=selftest",
					 NESTREF_PROFILE_LINUX_7_2, 4, NULL,
					 err, sizeof(err)),
			 -ENODEV);
	ck_assert_ptr_null(w);
	ck_assert_msg(strstr(err, "cannot open /dev/iommu"), "%s", err);
	bench_kernel_probe(&opts, &probe);
	ck_assert(probe.probed);
	ck_assert(!probe.available);
	ck_assert_msg(strstr(probe.reason, "cannot open /dev/iommu"), "%s",
		      probe.reason);
	fk.no_dev_iommu = false;
	bench_kernel_probe(&opts, &probe);
	ck_assert(probe.available);
	ck_assert_str_eq(probe.reason, "");
	ifd_sys_set(NULL);
}
END_TEST

/*
 * The iommufd backend answers as the kernel it runs on, linux-7.2: a world
 * under any other profile is refused before /dev/iommu is opened.
 */
START_TEST(kernel_world_needs_linux_7_2)
{
	enum nestref_profile p;

	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		struct bench_world *w = NULL;
		char err[256] = "";

		if (p == NESTREF_PROFILE_LINUX_7_2)
			continue;
		fake_reset();
		ifd_sys_set(&fake_sys);
		ck_assert_int_eq(bench_world_new(&w, "iommufd", "mode=selftest",
						 p, 4, NULL, err, sizeof(err)),
				 -EOPNOTSUPP);
		ck_assert_ptr_null(w);
		ck_assert_msg(strstr(err, nestref_profile_name(p)), "%s", err);
		ck_assert_uint_eq(fk.n_dev, 0);
		ifd_sys_set(NULL);
	}
}
END_TEST

static size_t count_kind(const struct bench_plan *plan, enum bench_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < plan->n; i++)
		n += plan->specs[i].kind == kind;
	return n;
}

START_TEST(kernel_suite_plan)
{
	struct bench_options opts = { .suite = BENCH_SUITE_KERNEL,
				      .working_set = 256 };
	struct bench_plan plan;
	size_t i;

	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	/* 2 populations x 6 batches x 4 kinds. */
	ck_assert_uint_eq(plan.n, 48);
	for (i = 0; i < plan.n; i++) {
		const struct bench_spec *s = &plan.specs[i];

		ck_assert_int_eq(s->profile, NESTREF_PROFILE_LINUX_7_2);
		ck_assert(s->populated == 1 || s->populated == 256);
		ck_assert(!s->callgrind);
		if (bench_kind_is_kernel(s->kind))
			ck_assert_str_eq(s->backend, "iommufd");
		if (s->kind == BENCH_SIM)
			ck_assert_int_eq(s->mix, BENCH_SIM_RATIO_MIX);
	}
	ck_assert_uint_eq(count_kind(&plan, BENCH_KERNEL), 12);
	bench_plan_free(&plan);

	/* The full run leaves the kernel out where it cannot run ... */
	opts.suite = BENCH_SUITE_FULL;
	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	ck_assert_uint_eq(count_kind(&plan, BENCH_KERNEL), 0);
	bench_plan_free(&plan);
	/* ... adds it where it can ... */
	opts.kernel_available = true;
	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	ck_assert_uint_eq(count_kind(&plan, BENCH_KERNEL), 12);
	ck_assert_uint_eq(count_kind(&plan, BENCH_IOCTL), 12);
	bench_plan_free(&plan);
	/* ... and --only kernel asks for it anyway, to say why not. */
	opts.kernel_available = false;
	opts.only = "kernel";
	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	ck_assert_uint_eq(plan.n, 12);
	ck_assert_uint_eq(count_kind(&plan, BENCH_KERNEL), 12);
	bench_plan_free(&plan);

	/* mode=vfio: the devices are the population; SMMUv3 mixes, no mock. */
	opts.only = NULL;
	opts.suite = BENCH_SUITE_KERNEL;
	opts.backend_options = "mode=vfio,devices=/a:/b:/c";
	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	/* 3 kinds x 2 mixes x 6 batches. */
	ck_assert_uint_eq(plan.n, 36);
	ck_assert_uint_eq(count_kind(&plan, BENCH_MOCK), 0);
	for (i = 0; i < plan.n; i++) {
		const struct bench_spec *s = &plan.specs[i];

		ck_assert_uint_eq(s->populated, 3);
		ck_assert_uint_eq(bench_spec_ws(s), 3);
		ck_assert(s->mix == MIX_CFGI_CD || s->mix == MIX_TLBI_NH_VA);
	}
	bench_plan_free(&plan);
	opts.quick = true;
	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	ck_assert_uint_eq(plan.n, 6);
	bench_plan_free(&plan);
}
END_TEST

static struct bench_result row(enum bench_kind kind, enum bench_mix mix,
			       uint32_t batch, double median)
{
	struct bench_result r = { .ok = true };

	r.spec = kernel_spec(kind, batch, 1);
	r.spec.mix = mix;
	r.spec.backend = kind == BENCH_SIM ? "smmuv3-sim" : "iommufd";
	r.st.median = median;
	return r;
}

START_TEST(ratios_pair_the_same_stream)
{
	struct bench_result res[] = {
		row(BENCH_KERNEL, MIX_SELFTEST, 16, 1e6),
		row(BENCH_IOCTL, MIX_SELFTEST, 16, 4e6),
		row(BENCH_MOCK, MIX_SELFTEST, 64, 99e6), /* another batch */
		row(BENCH_MOCK, MIX_SELFTEST, 16, 20e6),
		row(BENCH_SIM, MIX_UNMAP, 16, 77e6),     /* another mix */
		row(BENCH_SIM, MIX_CFGI_CD, 16, 3e6),
		row(BENCH_KERNEL, MIX_SELFTEST, 64, 2e6),
	};
	const size_t n = sizeof(res) / sizeof(res[0]);
	struct bench_kernel_probe probe = { .probed = true, .available = true };
	struct bench_ratio r;
	char reason[256];

	ck_assert(!bench_kernel_ratio(res, n, &res[1], &r));
	ck_assert(bench_kernel_ratio(res, n, &res[0], &r));
	ck_assert_uint_eq(r.batch, 16);
	ck_assert_ptr_eq(r.ioctl, &res[1]);
	ck_assert_ptr_eq(r.mock, &res[3]);
	ck_assert_ptr_eq(r.sim, &res[5]);
	ck_assert_double_eq_tol(bench_ratio_of(r.kernel, r.ioctl), 0.25, 1e-9);
	ck_assert_double_eq_tol(bench_ratio_of(r.mock, r.kernel), 20, 1e-9);
	ck_assert_double_eq_tol(bench_ratio_of(r.sim, r.kernel), 3, 1e-9);
	/* Batch 64 has a mock row only. */
	ck_assert(bench_kernel_ratio(res, n, &res[6], &r));
	ck_assert_ptr_null(r.ioctl);
	ck_assert_ptr_null(r.sim);
	ck_assert(isnan(bench_ratio_of(r.sim, r.kernel)));
	ck_assert_double_eq_tol(bench_ratio_of(r.mock, r.kernel), 49.5, 1e-9);
	ck_assert_str_eq(bench_kernel_status(res, n, &probe, reason,
					     sizeof(reason)),
			 "ok");

	/* Not measured: said with the reason; a failure wins over it. */
	res[0].ok = res[1].ok = res[6].ok = false;
	res[0].not_measured = res[1].not_measured = res[6].not_measured = true;
	snprintf(res[0].error, sizeof(res[0].error), "no /dev/iommu here");
	ck_assert(!bench_kernel_ratio(res, n, &res[0], &r));
	ck_assert_str_eq(bench_kernel_status(res, n, &probe, reason,
					     sizeof(reason)),
			 "not-measured");
	ck_assert_str_eq(reason, "no /dev/iommu here");
	res[6].not_measured = false;
	snprintf(res[6].error, sizeof(res[6].error), "EIO");
	ck_assert_str_eq(bench_kernel_status(res, n, &probe, reason,
					     sizeof(reason)),
			 "failed");
	ck_assert_str_eq(reason, "EIO");
	/* No kernel rows at all: the probe's reason. */
	probe.available = false;
	snprintf(probe.reason, sizeof(probe.reason), "no selftest");
	ck_assert_str_eq(bench_kernel_status(res + 2, 4, &probe, reason,
					     sizeof(reason)),
			 "not-measured");
	ck_assert_str_eq(reason, "no selftest");
	ck_assert_ptr_null(bench_kernel_commands(res, n));
}
END_TEST

/* mode=vfio: each kernel row pairs with the ioctl and sim rows of its mix. */
START_TEST(vfio_ratios_pair_the_same_mix)
{
	struct bench_result res[] = {
		row(BENCH_KERNEL, MIX_CFGI_CD, 16, 1e6),
		row(BENCH_KERNEL, MIX_TLBI_NH_VA, 16, 2e6),
		row(BENCH_IOCTL, MIX_TLBI_NH_VA, 16, 4e6),
		row(BENCH_IOCTL, MIX_CFGI_CD, 16, 5e6),
		row(BENCH_SIM, MIX_TLBI_NH_VA, 16, 6e6),
		row(BENCH_SIM, MIX_CFGI_CD, 16, 3e6),
	};
	const size_t n = sizeof(res) / sizeof(res[0]);
	struct bench_ratio r;

	ck_assert_ptr_eq(bench_kernel_commands(res, n), &res[0]);
	ck_assert(bench_kernel_ratio(res, n, &res[0], &r));
	ck_assert_ptr_eq(r.ioctl, &res[3]);
	ck_assert_ptr_eq(r.sim, &res[5]);
	ck_assert_ptr_null(r.mock);
	ck_assert(bench_kernel_ratio(res, n, &res[1], &r));
	ck_assert_ptr_eq(r.ioctl, &res[2]);
	ck_assert_ptr_eq(r.sim, &res[4]);
	ck_assert_double_eq_tol(bench_ratio_of(r.sim, r.kernel), 3, 1e-9);
}
END_TEST

static Suite *bench_kernel_suite(void)
{
	Suite *s = suite_create("bench-kernel");
	TCase *rows = tcase_create("rows-on-a-fake-kernel");
	TCase *plan = tcase_create("plan-and-ratios");

	tcase_add_test(rows, bench_abi_is_the_kernels);
	tcase_add_test(rows, kernel_rows_reach_the_kernel);
	tcase_add_test(rows, ioctl_rows_reach_the_kernel);
	tcase_add_test(rows, vfio_rows_reach_the_driver);
	tcase_add_test(rows, lost_invalidations_are_caught);
	tcase_add_test(rows, refused_entries_fail_the_row);
	tcase_add_test(rows, no_dev_iommu_is_not_measured);
	tcase_add_test(rows, kernel_world_needs_linux_7_2);
	suite_add_tcase(s, rows);
	tcase_add_test(plan, kernel_suite_plan);
	tcase_add_test(plan, ratios_pair_the_same_stream);
	tcase_add_test(plan, vfio_ratios_pair_the_same_mix);
	suite_add_tcase(s, plan);
	return s;
}

int main(void)
{
	return check_main(bench_kernel_suite());
}

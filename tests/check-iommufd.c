/* SPDX-License-Identifier: MIT */
/*
 * The iommufd backend against the fake kernel of tests/fake-kernel.h
 * behind its system-call table (backends/iommufd/sys.h): every ioctl it
 * builds, in both modes, with the arguments kernel-facts 2.4 and 5.1
 * define, and the error paths.
 */
#include <string.h>
#include <unistd.h>

#include <nestref/backend.h>
#include <nestref/iommufd.h>

#include "backends/iommufd/uapi.h"
#include "check-helpers.h"
#include "fake-kernel.h"

/* The fake kernel's unknown ioctls fail the test that made them. */
void fake_kernel_unknown(unsigned long req)
{
	ck_abort_msg("unknown ioctl 0x%lx", req);
}

static struct nestref_ctx *ifd_open_with(const char *options, int expect_rc)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.backend = "iommufd",
		.backend_options = options,
	};
	struct nestref_ctx *ctx = NULL;
	char msg[256];

	ifd_sys_set(&fake_sys);
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)),
			 expect_rc);
	return ctx;
}

static const struct fake_call *call(size_t i, unsigned long req)
{
	ck_assert_msg(i < fk.n, "call %zu of %zu", i, fk.n);
	ck_assert_msg(fk.calls[i].req == req, "call %zu is 0x%lx, want 0x%lx",
		      i, fk.calls[i].req, req);
	return &fk.calls[i];
}

#define ARG(type, c) ((const struct type *)(c)->arg)

/*
 * A vIOMMU and one device of pSID 0x1234 on ctx, with a vDEVICE of vsid
 * when vsid is not 0: the objects most tests start from.
 */
static void one_device(struct nestref_ctx *ctx, uint32_t *viommu,
		       uint32_t *dev, uint32_t vsid)
{
	unsigned char b[4];

	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, viommu), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x1234, dev), 0);
	if (!vsid)
		return;
	le32_put(b, vsid);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, *viommu, *dev, b, 4,
						   NULL),
			 0);
}

/* The last call is a nested HWPT's IOMMU_HWPT_ALLOC (2.11) with these. */
static void nested_alloc_was(uint32_t dev_id, uint32_t pt_id,
			     uint32_t data_type, uint32_t data_len)
{
	const struct fake_call *c = call(fk.n - 1, NR_IOMMU_HWPT_ALLOC);

	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->size, 48);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->flags, 0);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->dev_id, dev_id);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->pt_id, pt_id);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->reserved, 0);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->data_type, data_type);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->data_len, data_len);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->fault_id, 0);
}

/* The last call is IOMMU_VEVENTQ_ALLOC (2.12) with these. */
static void veventq_alloc_was(uint32_t viommu_id, uint32_t type,
			      uint32_t depth)
{
	const struct fake_call *c = call(fk.n - 1, NR_IOMMU_VEVENTQ_ALLOC);

	ck_assert_uint_eq(ARG(nr_iommu_veventq_alloc, c)->size, 32);
	ck_assert_uint_eq(ARG(nr_iommu_veventq_alloc, c)->flags, 0);
	ck_assert_uint_eq(ARG(nr_iommu_veventq_alloc, c)->viommu_id, viommu_id);
	ck_assert_uint_eq(ARG(nr_iommu_veventq_alloc, c)->type, type);
	ck_assert_uint_eq(ARG(nr_iommu_veventq_alloc, c)->veventq_depth, depth);
	ck_assert_uint_eq(ARG(nr_iommu_veventq_alloc, c)->reserved, 0);
}

/* A nested HWPT of the mock's data, struct iommu_hwpt_selftest (5.10). */
static void selftest_hwpt(struct nestref_ctx *ctx, uint32_t viommu,
			  uint32_t *hwpt)
{
	static const unsigned char sel[8] = { 0 };

	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 0xdead, sel,
						   sizeof(sel), hwpt),
			 0);
}

START_TEST(unavailable_without_dev_iommu)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts), .backend = "iommufd",
	};
	struct nestref_ctx *ctx;
	char msg[256];

	fake_reset();
	fk.open_errno = ENOENT;
	ifd_sys_set(&fake_sys);
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -ENODEV);
	ck_assert_ptr_nonnull(strstr(msg, "cannot open /dev/iommu"));
	ck_assert_uint_eq(fk.n, 0);
	/* A kernel without CONFIG_IOMMUFD_TEST answers ENOTTY. */
	fake_reset();
	fk.probe_errno = ENOTTY;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -ENODEV);
	ck_assert_ptr_nonnull(strstr(msg, "CONFIG_IOMMUFD_TEST"));
	ck_assert_uint_eq(fk.n_closed, 1);
	ck_assert_int_eq(fk.closed[0], FAKE_IOMMUFD);
	ifd_sys_set(NULL);
}
END_TEST

/* Options the backend refuses with rc, before it opens anything, with a
 * message that holds want. */
static void ifd_refuses(const char *options, int rc, const char *want)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.backend = "iommufd",
		.backend_options = options,
	};
	struct nestref_ctx *ctx = NULL;
	char msg[256];

	fake_reset();
	ifd_sys_set(&fake_sys);
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), rc);
	ck_assert_ptr_null(ctx);
	ck_assert_msg(strstr(msg, want), "'%s': got '%s', want '%s'",
		      options, msg, want);
	ck_assert_uint_eq(fk.n, 0);
	ck_assert_uint_eq(fk.n_closed, 0);
}

START_TEST(options)
{
	fake_reset();
	ifd_open_with("mode=fast", -EINVAL);
	ifd_open_with("mode=vfio", -EINVAL); /* vfio needs devices= */
	/* Every backend refuses what it does not understand (issue 13). */
	ifd_refuses("mode=selftest,fast=1", -EINVAL,
		    "iommufd: unknown backend option 'fast' (it takes "
		    "mode=selftest|vfio, devices=PATH[:PATH...], iommufd=PATH)");
	ifd_refuses("mode=fast", -EINVAL,
		    "iommufd: mode 'fast' is not selftest or vfio");
	ifd_refuses("iommufd=", -EINVAL,
		    "iommufd: backend option 'iommufd' needs a value: iommufd=PATH");
	ifd_refuses("mode", -EINVAL, "backend option 'mode' needs a value");
	ifd_refuses("mode=selftest,", -EINVAL,
		    "empty item in the backend options 'mode=selftest,'");
	ifd_refuses("mode=vfio,devices=/a::/b", -EINVAL,
		    "iommufd: devices=/a::/b has an empty path");
	ifd_refuses("mode=vfio,devices=/1:/2:/3:/4:/5:/6:/7:/8:/9:/10:/11:/12:"
		    "/13:/14:/15:/16:/17",
		    -E2BIG, "iommufd: devices= names more than 16 devices");
	ifd_refuses("mode=vfio", -EINVAL, "mode=vfio needs devices=");
	nestref_ctx_free(ifd_open_with("iommufd=/other/iommu", 0));
	ifd_open_with("iommufd=/nowhere", -ENODEV);
	ifd_sys_set(NULL);
}
END_TEST

/*
 * The kernel answers as itself: the backend runs under linux-7.2 only,
 * with the running kernel's PAGE_SIZE, and makes one-StreamID devices.
 */
START_TEST(runs_as_the_kernel_it_is)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts), .backend = "iommufd",
	};
	static const uint32_t two[] = { 1, 2 };
	struct nestref_ctx *ctx;
	enum nestref_profile p;
	uint32_t id;
	const struct nestref_backend *b = nestref_backend_find("iommufd");
	char msg[256];

	ck_assert_uint_eq(nestref_backend_profiles(b),
			  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_2));
	fake_reset();
	ifd_sys_set(&fake_sys);
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		if (p == NESTREF_PROFILE_LINUX_7_2)
			continue;
		opts.profile = p;
		ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)),
				 -EOPNOTSUPP);
		ck_assert_ptr_nonnull(strstr(msg, nestref_profile_name(p)));
	}
	/* Refused before /dev/iommu is even opened. */
	ck_assert_uint_eq(fk.n, 0);
	ck_assert_uint_eq(fk.n_closed, 0);
	/* A PAGE_SIZE other than this kernel's is refused too. */
	opts.profile = NESTREF_PROFILE_LINUX_7_2;
	opts.page_size = sysconf(_SC_PAGESIZE) == 65536 ? 4096 : 65536;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)),
			 -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(msg, "PAGE_SIZE"));
	ck_assert_uint_eq(fk.n, 0);
	/* The kernel's own works, and a device has one StreamID. */
	opts.page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), 0);
	ck_assert_int_eq(nestref_dev_add_streams(ctx, two, 2, &id),
			 -EOPNOTSUPP);
	nestref_ctx_free(ctx);
	ifd_sys_set(NULL);
}
END_TEST

/* The whole selftest-mode life, every argument checked. */
START_TEST(selftest_mode_ioctls)
{
	struct nestref_ctx *ctx;
	unsigned char vsid[4], entry[12];
	struct nestref_user_array a = {
		.type = NESTREF_INV_TYPE_SELFTEST, .entry_len = 12,
		.entry_num = 1, .data = entry, .data_size = sizeof(entry),
	};
	uint32_t viommu, dev, vdev;
	const struct fake_call *c;

	fake_reset();
	ctx = ifd_open_with("mode=selftest", 0);
	ck_assert_uint_eq(nestref_ctx_caps(ctx),
			  NESTREF_CAP_INV_SELFTEST | NESTREF_CAP_CHECK_CACHE |
				  NESTREF_CAP_ATTACH_NESTED |
				  NESTREF_CAP_TRIGGER_VEVENT);
	c = call(0, NR_IOMMU_TEST_CMD);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->op, 0);
	c = call(1, NR_IOMMU_IOAS_ALLOC);
	ck_assert_uint_eq(ARG(nr_iommu_ioas_alloc, c)->size, 12);
	ck_assert_uint_eq(ARG(nr_iommu_ioas_alloc, c)->flags, 0);
	/* ioas 1 */
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 5, &viommu), 0);
	c = call(2, NR_IOMMU_TEST_CMD); /* the anchor: stdev 2 hwpt 3 idev 4 */
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->size, 72);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->op, NR_IOMMU_TEST_OP_MOCK_DOMAIN);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->id, 1);
	c = call(3, NR_IOMMU_HWPT_ALLOC); /* hwpt 5 */
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->size, 48);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->flags,
			  NR_IOMMU_HWPT_ALLOC_NEST_PARENT);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->dev_id, 4);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->pt_id, 1);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->data_type, 0);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->data_len, 0);
	c = call(4, NR_IOMMU_VIOMMU_ALLOC); /* viommu 6 */
	ck_assert_uint_eq(ARG(nr_iommu_viommu_alloc, c)->size, 40);
	ck_assert_uint_eq(ARG(nr_iommu_viommu_alloc, c)->flags, 0);
	ck_assert_uint_eq(ARG(nr_iommu_viommu_alloc, c)->type,
			  NR_IOMMU_VIOMMU_TYPE_SELFTEST);
	ck_assert_uint_eq(ARG(nr_iommu_viommu_alloc, c)->dev_id, 4);
	ck_assert_uint_eq(ARG(nr_iommu_viommu_alloc, c)->hwpt_id, 5);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x1234, &dev), 0);
	c = call(5, NR_IOMMU_TEST_CMD); /* stdev 7 hwpt 8 idev 9 */
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->op, NR_IOMMU_TEST_OP_MOCK_DOMAIN);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, dev, vsid, 4,
						   &vdev),
			 0);
	c = call(6, NR_IOMMU_VDEVICE_ALLOC); /* vdevice 10 */
	ck_assert_uint_eq(ARG(nr_iommu_vdevice_alloc, c)->size, 24);
	ck_assert_uint_eq(ARG(nr_iommu_vdevice_alloc, c)->viommu_id, 6);
	ck_assert_uint_eq(ARG(nr_iommu_vdevice_alloc, c)->dev_id, 9);
	ck_assert(ARG(nr_iommu_vdevice_alloc, c)->virt_id == 0x99);
	/* Invalidation: the kernel's entry_num comes back, even on error. */
	le32_put(entry, 0);
	le32_put(entry + 4, 0x99);
	le32_put(entry + 8, 2);
	fk.inv_entry_num = 0;
	fk.inv_errno = EINVAL;
	ck_assert_int_eq(nestref_invalidate(ctx, viommu, &a), -EINVAL);
	ck_assert_uint_eq(a.entry_num, 0);
	c = call(7, NR_IOMMU_HWPT_INVALIDATE);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_invalidate, c)->size, 32);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_invalidate, c)->hwpt_id, 6);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_invalidate, c)->data_type,
			  NESTREF_INV_TYPE_SELFTEST);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_invalidate, c)->entry_len, 12);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_invalidate, c)->entry_num, 1);
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_invalidate, c)->reserved, 0);
	ck_assert_mem_eq(c->data, entry, sizeof(entry));
	/* The whole array is readable: the caller's memory, no copy. */
	ck_assert(ARG(nr_iommu_hwpt_invalidate, c)->data_uptr ==
		  (uintptr_t)entry);
	ck_assert_uint_eq(fk.n_mmaps, 0);
	fk.inv_entry_num = ~0u;
	fk.inv_errno = 0;
	a.entry_num = 1;
	ck_assert_int_eq(nestref_invalidate(ctx, viommu, &a), 0);
	ck_assert_uint_eq(a.entry_num, 1);
	ck_assert_int_eq(nestref_check_cache(ctx, dev, 2, 0), 0);
	c = call(9, NR_IOMMU_TEST_CMD);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->op,
			  NR_IOMMU_TEST_OP_DEV_CHECK_CACHE);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->id, 9);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->check_dev_cache.id, 2);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->check_dev_cache.cache, 0);
	ck_assert_int_eq(nestref_unset_dev_user_data(ctx, dev), 0);
	c = call(10, NR_IOMMU_DESTROY);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, c)->id, 10);
	nestref_ctx_free(ctx);
	/* Device (stdev 7), vIOMMU 6, HWPT 5, the anchor (stdev 2), IOAS 1. */
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(11, NR_IOMMU_DESTROY))->id, 7);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(12, NR_IOMMU_DESTROY))->id, 6);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(13, NR_IOMMU_DESTROY))->id, 5);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(14, NR_IOMMU_DESTROY))->id, 2);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(15, NR_IOMMU_DESTROY))->id, 1);
	ck_assert_uint_eq(fk.n, 16);
	ck_assert_int_eq(fk.closed[0], FAKE_IOMMUFD);
	ifd_sys_set(NULL);
}
END_TEST

/*
 * An array shorter than entry_num * entry_len: the kernel must fault one
 * byte past data_size, so the bytes end at the guard page.  The mapping
 * is made once and reused (docs/bench.md 8.2), remade only to grow.
 */
START_TEST(short_array_ends_at_the_guard_page)
{
	unsigned char entry[24] = { 0 };
	struct nestref_user_array a = {
		.type = NESTREF_INV_TYPE_SELFTEST, .entry_len = 12,
		.entry_num = 2, .data = entry, .data_size = 12,
	};
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	static unsigned char big[3 * 4096 + 12];
	struct nestref_ctx *ctx;
	uint32_t viommu, dev;
	const struct fake_call *c;
	uint64_t uptr;
	int i;

	fake_reset();
	fk.inv_peek = 12; /* the fake reads only what is readable */
	ctx = ifd_open_with(NULL, 0);
	one_device(ctx, &viommu, &dev, 0x99);
	le32_put(entry + 4, 0x99);
	for (i = 0; i < 100; i++) {
		a.entry_num = 2;
		ck_assert_int_eq(nestref_invalidate(ctx, viommu, &a), 0);
		c = call(fk.n - 1, NR_IOMMU_HWPT_INVALIDATE);
		uptr = ARG(nr_iommu_hwpt_invalidate, c)->data_uptr;
		ck_assert_uint_eq((uptr + 12) % page, 0);
		ck_assert(uptr != (uintptr_t)entry);
		ck_assert_mem_eq(c->data, entry, 12);
	}
	/* One mapping for a hundred calls, none unmapped yet. */
	ck_assert_uint_eq(fk.n_mmaps, 1);
	ck_assert_uint_eq(fk.n_munmaps, 0);
	/* A larger one grows it once: the old mapping goes. */
	a.data = big;
	a.entry_num = (uint32_t)(sizeof(big) / 12) + 1;
	a.data_size = sizeof(big);
	ck_assert_int_eq(nestref_invalidate(ctx, viommu, &a), 0);
	ck_assert_uint_eq(fk.n_mmaps, 2);
	ck_assert_uint_eq(fk.n_munmaps, 1);
	c = call(fk.n - 1, NR_IOMMU_HWPT_INVALIDATE);
	ck_assert_uint_eq((ARG(nr_iommu_hwpt_invalidate, c)->data_uptr +
			   sizeof(big)) % page,
			  0);
	/* And the smaller one fits in it again. */
	a.data = entry;
	a.entry_num = 2;
	a.data_size = 12;
	ck_assert_int_eq(nestref_invalidate(ctx, viommu, &a), 0);
	ck_assert_uint_eq(fk.n_mmaps, 2);
	/* The context's end unmaps it. */
	nestref_ctx_free(ctx);
	ck_assert_uint_eq(fk.n_munmaps, 2);
	ifd_sys_set(NULL);
}
END_TEST

/* Mapping the guarded buffer fails: no ioctl, entry_num 0, the reason. */
START_TEST(guard_mapping_fails)
{
	unsigned char entry[12] = { 0 };
	struct nestref_user_array a = {
		.type = NESTREF_INV_TYPE_SELFTEST, .entry_len = 12,
		.entry_num = 2, .data = entry, .data_size = sizeof(entry),
	};
	struct nestref_ctx *ctx;
	uint32_t viommu, dev;
	size_t calls;

	fake_reset();
	ctx = ifd_open_with(NULL, 0);
	one_device(ctx, &viommu, &dev, 0x99);
	calls = fk.n;
	fk.mmap_errno = ENOMEM;
	ck_assert_int_eq(nestref_invalidate(ctx, viommu, &a), -ENOMEM);
	ck_assert_uint_eq(a.entry_num, 0);
	ck_assert_uint_eq(fk.n, calls);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "guarded buffer of 12 bytes"));
	nestref_ctx_free(ctx);
	ifd_sys_set(NULL);
}
END_TEST

START_TEST(null_data_is_data_uptr_0)
{
	struct nestref_user_array a = {
		.type = NESTREF_INV_TYPE_SELFTEST, .entry_len = 12,
	};
	struct nestref_ctx *ctx;
	uint32_t viommu;

	fake_reset();
	ctx = ifd_open_with(NULL, 0);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	ck_assert_int_eq(nestref_invalidate(ctx, viommu, &a), 0);
	ck_assert(ARG(nr_iommu_hwpt_invalidate,
		      call(fk.n - 1, NR_IOMMU_HWPT_INVALIDATE))->data_uptr == 0);
	nestref_ctx_free(ctx);
	ifd_sys_set(NULL);
}
END_TEST

/* Each step that can fail, failing: its errno comes back, nothing leaks. */
START_TEST(error_paths)
{
	static const unsigned long reqs[] = {
		NR_IOMMU_IOAS_ALLOC, NR_IOMMU_TEST_CMD, NR_IOMMU_HWPT_ALLOC,
		NR_IOMMU_VIOMMU_ALLOC, NR_IOMMU_VDEVICE_ALLOC,
	};
	unsigned char vsid[4] = { 0x99 };
	struct nestref_ctx *ctx;
	uint32_t viommu, dev;
	size_t i;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		int rc;

		fake_reset();
		fk.fail_req = reqs[i];
		fk.fail_errno = i == 4 ? EEXIST : ENOMEM;
		ifd_sys_set(&fake_sys);
		ctx = ifd_open_with(NULL, reqs[i] == NR_IOMMU_IOAS_ALLOC ?
						  -ENOMEM : 0);
		if (!ctx) {
			ck_assert_int_eq(fk.closed[0], FAKE_IOMMUFD);
			continue;
		}
		rc = nestref_viommu_alloc(ctx, 1, &viommu);
		if (rc) {
			ck_assert_int_eq(rc, -ENOMEM);
			/* A failed vIOMMU gives back its HWPT. */
			if (reqs[i] == NR_IOMMU_VIOMMU_ALLOC)
				ck_assert_uint_eq(ARG(nr_iommu_destroy,
						      call(fk.n - 1, NR_IOMMU_DESTROY))->id,
						  5);
			nestref_ctx_free(ctx);
			continue;
		}
		ck_assert_int_eq(nestref_dev_add(ctx, 1, &dev), 0);
		ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, dev,
							   vsid, 4, NULL),
				 -EEXIST);
		ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
					     "IOMMU_VDEVICE_ALLOC"));
		nestref_ctx_free(ctx);
	}
	ifd_sys_set(NULL);
}
END_TEST

/* The kernel's verdicts on check_cache and on destroy reach the caller. */
START_TEST(check_cache_and_destroy_failures)
{
	struct nestref_ctx *ctx;
	uint32_t viommu, dev;

	fake_reset();
	ctx = ifd_open_with(NULL, 0);
	one_device(ctx, &viommu, &dev, 0x99);
	/* DEV_CHECK_CACHE's EINVAL is a mismatch (kernel-facts 5.5). */
	fk.fail_req = NR_IOMMU_TEST_CMD;
	fk.fail_errno = EINVAL;
	ck_assert_int_eq(nestref_check_cache(ctx, dev, 0, 0xbaddad), -EINVAL);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "IOMMU_TEST_OP_DEV_CHECK_CACHE"));
	/* unset cannot fail (the seed's void op): the core's link goes,
	 * and the kernel's refusal is only told. */
	fk.fail_req = NR_IOMMU_DESTROY;
	fk.fail_errno = EBUSY;
	ck_assert_int_eq(nestref_unset_dev_user_data(ctx, dev), 0);
	ck_assert_int_eq(nestref_unset_dev_user_data(ctx, dev), -ENOENT);
	fk.fail_req = 0;
	nestref_ctx_free(ctx);
	ifd_sys_set(NULL);
}
END_TEST

START_TEST(vfio_mode_ioctls)
{
	struct nestref_ctx *ctx;
	unsigned char vsid[4];
	uint32_t viommu, d0, d1, d2;
	const struct fake_call *c;

	fake_reset();
	ctx = ifd_open_with("mode=vfio,devices=/fake/vfio0:/fake/vfio1", 0);
	/* The kernel keeps the queues: no veventq-sequence (2.12). */
	ck_assert_uint_eq(nestref_ctx_caps(ctx), NESTREF_CAP_INV_ARM_SMMUV3 |
						 NESTREF_CAP_ATTACH_NESTED);
	c = call(0, NR_IOMMU_IOAS_ALLOC); /* no selftest probe: ioas 1 */
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	c = call(1, NR_VFIO_DEVICE_BIND_IOMMUFD); /* devid 2 */
	ck_assert_int_eq(c->fd, FAKE_VFIO_BASE + 0);
	ck_assert_uint_eq(ARG(nr_vfio_device_bind_iommufd, c)->argsz, 16);
	ck_assert_uint_eq(ARG(nr_vfio_device_bind_iommufd, c)->flags, 0);
	ck_assert_int_eq(ARG(nr_vfio_device_bind_iommufd, c)->iommufd,
			 FAKE_IOMMUFD);
	c = call(2, NR_IOMMU_HWPT_ALLOC); /* hwpt 3 */
	ck_assert_uint_eq(ARG(nr_iommu_hwpt_alloc, c)->dev_id, 2);
	c = call(3, NR_IOMMU_VIOMMU_ALLOC); /* viommu 4 */
	ck_assert_uint_eq(ARG(nr_iommu_viommu_alloc, c)->type,
			  NR_IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
	/* The first device shares the anchor's cdev: no second bind. */
	ck_assert_int_eq(nestref_dev_add(ctx, 0x1234, &d0), 0);
	ck_assert_uint_eq(fk.n, 4);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x2000, &d1), 0);
	c = call(4, NR_VFIO_DEVICE_BIND_IOMMUFD); /* devid 5 */
	ck_assert_int_eq(c->fd, FAKE_VFIO_BASE + 1);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x3000, &d2), -ENOSPC);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, d0, vsid, 4,
						   NULL),
			 0);
	c = call(5, NR_IOMMU_VDEVICE_ALLOC);
	ck_assert_uint_eq(ARG(nr_iommu_vdevice_alloc, c)->dev_id, 2);
	le32_put(vsid, 0x98);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, d1, vsid, 4,
						   NULL),
			 0);
	c = call(6, NR_IOMMU_VDEVICE_ALLOC);
	ck_assert_uint_eq(ARG(nr_iommu_vdevice_alloc, c)->dev_id, 5);
	ck_assert(ARG(nr_iommu_vdevice_alloc, c)->virt_id == 0x98);
	ck_assert_int_eq(nestref_check_cache(ctx, d0, 0, 0), -EOPNOTSUPP);
	nestref_ctx_free(ctx);
	/* d1's cdev, then the anchor's, then /dev/iommu. */
	ck_assert_uint_eq(fk.n_closed, 3);
	ck_assert_int_eq(fk.closed[0], FAKE_VFIO_BASE + 1);
	ck_assert_int_eq(fk.closed[1], FAKE_VFIO_BASE + 0);
	ck_assert_int_eq(fk.closed[2], FAKE_IOMMUFD);
	ifd_sys_set(NULL);
}
END_TEST

/*
 * <nestref/iommufd.h> version 2: the IOAS under the nest parents, and each
 * device's cdev (the anchor's for the first) with the kernel's device ID;
 * a mock device has none.
 */
START_TEST(iommufd_ext_targets)
{
	const struct nestref_iommufd_ops *ops;
	struct nestref_ctx *ctx;
	uint32_t viommu, d0, d1, id;
	int fd;

	fake_reset();
	ctx = ifd_open_with("mode=vfio,devices=/fake/vfio0:/fake/vfio1", 0);
	ops = nestref_ctx_ext(ctx, NESTREF_IOMMUFD_EXT);
	ck_assert_ptr_nonnull(ops);
	ck_assert_uint_eq(ops->version, 2);
	ck_assert_int_eq(ops->ioas_target(ctx, &fd, &id), 0); /* ioas 1 */
	ck_assert_int_eq(fd, FAKE_IOMMUFD);
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0); /* devid 2 */
	ck_assert_int_eq(nestref_dev_add(ctx, 0x10, &d0), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x18, &d1), 0); /* devid 5 */
	ck_assert_int_eq(ops->dev_target(ctx, d0, &fd, &id), 0);
	ck_assert_int_eq(fd, FAKE_VFIO_BASE + 0);
	ck_assert_uint_eq(id, 2);
	ck_assert_int_eq(ops->dev_target(ctx, d1, &fd, &id), 0);
	ck_assert_int_eq(fd, FAKE_VFIO_BASE + 1);
	ck_assert_uint_eq(id, 5);
	fd = -7;
	ck_assert_int_eq(ops->dev_target(ctx, viommu, &fd, &id), -ENOENT);
	ck_assert_int_eq(ops->dev_target(ctx, 999, &fd, &id), -ENOENT);
	ck_assert_int_eq(fd, -7);
	nestref_ctx_free(ctx);

	fake_reset();
	ctx = ifd_open_with("mode=selftest", 0);
	ops = nestref_ctx_ext(ctx, NESTREF_IOMMUFD_EXT);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x10, &d0), 0);
	ck_assert_int_eq(ops->dev_target(ctx, d0, &fd, &id), -EOPNOTSUPP);
	ck_assert_int_eq(ops->ioas_target(ctx, &fd, &id), 0);
	ck_assert_int_eq(fd, FAKE_IOMMUFD);
	nestref_ctx_free(ctx);
	ifd_sys_set(NULL);
}
END_TEST

/*
 * Nested HWPTs and attach (kernel-facts 2.11): IOMMU_HWPT_ALLOC on the
 * kernel's vIOMMU for the anchor device, VFIO_DEVICE_ATTACH_IOMMUFD_PT on
 * each device's cdev (the anchor's for the first), a detach of the first
 * when it goes, and the HWPT's IOMMU_DESTROY.
 */
START_TEST(vfio_mode_nested)
{
	static const unsigned char vste[16] = { 0x0b, 0, 0, 0x80 };
	struct nestref_ctx *ctx;
	unsigned char vsid[4];
	uint32_t viommu, d0, d1, hwpt, bad;
	const struct fake_call *c;

	fake_reset();
	ctx = ifd_open_with("mode=vfio,devices=/fake/vfio0:/fake/vfio1", 0);
	/* ioas 1, devid 2 (the anchor, d0's), hwpt 3, viommu 4, devid 5 */
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x1234, &d0), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x2000, &d1), 0);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, d0, vsid, 4,
						   NULL),
			 0); /* vdevice 6 */
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, vste, 16,
						   &hwpt),
			 0);
	nested_alloc_was(2, 4, 2, 16); /* hwpt 7 */
	c = call(fk.n - 1, NR_IOMMU_HWPT_ALLOC);
	ck_assert(ARG(nr_iommu_hwpt_alloc, c)->data_uptr ==
		  (uint64_t)(uintptr_t)vste);
	ck_assert_int_eq(nestref_dev_attach(ctx, d0, hwpt), 0);
	c = call(fk.n - 1, NR_VFIO_DEVICE_ATTACH_IOMMUFD_PT);
	ck_assert_int_eq(c->fd, FAKE_VFIO_BASE + 0);
	ck_assert_uint_eq(ARG(nr_vfio_device_attach_iommufd_pt, c)->argsz, 12);
	ck_assert_uint_eq(ARG(nr_vfio_device_attach_iommufd_pt, c)->flags, 0);
	ck_assert_uint_eq(ARG(nr_vfio_device_attach_iommufd_pt, c)->pt_id, 7);
	ck_assert_int_eq(nestref_dev_attach(ctx, d1, hwpt), 0);
	ck_assert_int_eq(call(fk.n - 1, NR_VFIO_DEVICE_ATTACH_IOMMUFD_PT)->fd,
			 FAKE_VFIO_BASE + 1);
	/* The kernel's refusals come back as they are. */
	fk.fail_req = NR_IOMMU_HWPT_ALLOC;
	fk.fail_errno = EIO;
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, vste, 16,
						   &bad),
			 -EIO);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "IOMMU_HWPT_ALLOC"));
	fk.fail_req = NR_VFIO_DEVICE_ATTACH_IOMMUFD_PT;
	fk.fail_errno = ENOENT;
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, vste, 16,
						   &bad),
			 0); /* hwpt 8 */
	ck_assert_int_eq(nestref_dev_attach(ctx, d0, bad), -ENOENT);
	fk.fail_req = 0;
	/* d0 shares the anchor's cdev: destroying it detaches it there. */
	ck_assert_int_eq(nestref_destroy(ctx, d0), 0);
	c = call(fk.n - 1, NR_VFIO_DEVICE_DETACH_IOMMUFD_PT);
	ck_assert_int_eq(c->fd, FAKE_VFIO_BASE + 0);
	ck_assert_uint_eq(ARG(nr_vfio_device_detach_iommufd_pt, c)->argsz, 8);
	ck_assert_uint_eq(ARG(nr_vfio_device_detach_iommufd_pt, c)->flags, 0);
	ck_assert_int_eq(nestref_destroy(ctx, bad), 0);
	ck_assert_uint_eq(ARG(nr_iommu_destroy,
			      call(fk.n - 1, NR_IOMMU_DESTROY))->id, 8);
	nestref_ctx_free(ctx);
	/* d1's cdev closes (its detach), then HWPT 7, vIOMMU 4, HWPT 3. */
	ck_assert_int_eq(fk.closed[0], FAKE_VFIO_BASE + 1);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(fk.n - 4, NR_IOMMU_DESTROY))->id, 7);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(fk.n - 3, NR_IOMMU_DESTROY))->id, 4);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(fk.n - 2, NR_IOMMU_DESTROY))->id, 3);
	ck_assert_uint_eq(ARG(nr_iommu_destroy, call(fk.n - 1, NR_IOMMU_DESTROY))->id, 1);
	ifd_sys_set(NULL);
}
END_TEST

START_TEST(vfio_bind_failure)
{
	struct nestref_ctx *ctx;
	uint32_t viommu;

	fake_reset();
	fk.fail_req = NR_VFIO_DEVICE_BIND_IOMMUFD;
	fk.fail_errno = EBUSY;
	ctx = ifd_open_with("mode=vfio,devices=/fake/vfio0", 0);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), -EBUSY);
	ck_assert_int_eq(fk.closed[0], FAKE_VFIO_BASE);
	nestref_ctx_free(ctx);
	ctx = ifd_open_with("mode=vfio,devices=/nowhere/x", 0);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), -ENOENT);
	nestref_ctx_free(ctx);
	ifd_sys_set(NULL);
}
END_TEST

/*
 * The selftest's way back (kernel-facts 5.10, 2.12): a nested HWPT of
 * the mock's data type on the vIOMMU, the mock device attached to it by
 * MOCK_DOMAIN_REPLACE of its selftest object, a vEVENTQ, TRIGGER_VEVENT
 * for the device's iommufd ID, a read(2) of the queue's descriptor, and
 * its close before IOMMU_DESTROY.
 */
START_TEST(selftest_mode_events)
{
	static const unsigned char record[12] = { 0, 0, 0, 0, 5, 0, 0, 0,
						   0x99 };
	unsigned char data[16];
	struct nestref_event_buffer buf = {
		.data = data, .count = 64, .data_size = sizeof(data),
	};
	struct nestref_ctx *ctx;
	uint32_t viommu, dev, hwpt, q;
	const struct fake_call *c;
	long page = sysconf(_SC_PAGESIZE);
	size_t i;

	fake_reset();
	ctx = ifd_open_with(NULL, 0);
	/*
	 * ioas 1; anchor stdev 2 hwpt 3 idev 4; hwpt 5; viommu 6; the
	 * device's stdev 7 hwpt 8 idev 9; vdevice 10
	 */
	one_device(ctx, &viommu, &dev, 0x99);
	selftest_hwpt(ctx, viommu, &hwpt);
	nested_alloc_was(4, 6, 0xdead, 8); /* hwpt 11 */
	ck_assert_int_eq(nestref_dev_attach(ctx, dev, hwpt), 0);
	c = call(fk.n - 1, NR_IOMMU_TEST_CMD);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->size, 72);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->op,
			  NR_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->id, 7);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->mock_domain_replace.pt_id,
			  11);
	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu,
					       NESTREF_VEVENTQ_TYPE_SELFTEST, 2,
					       0, &q),
			 0);
	/* veventq 12, fd 30 */
	veventq_alloc_was(6, NESTREF_VEVENTQ_TYPE_SELFTEST, 2);
	ck_assert_int_eq(nestref_trigger_vevent(ctx, dev), 0);
	c = call(fk.n - 1, NR_IOMMU_TEST_CMD);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->size, 72);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->op,
			  NR_IOMMU_TEST_OP_TRIGGER_VEVENT);
	ck_assert_uint_eq(ARG(nr_iommu_test_cmd, c)->trigger_vevent.dev_id, 9);
	/* The kernel's bytes, as many as it read, into the caller's buffer. */
	memcpy(fk.read_bytes, record, sizeof(record));
	fk.read_len = sizeof(record);
	memset(data, 0xee, sizeof(data));
	ck_assert_int_eq(nestref_veventq_read(ctx, q, &buf), 0);
	ck_assert_uint_eq(buf.done, 12);
	ck_assert_mem_eq(data, record, sizeof(record));
	ck_assert_uint_eq(data[12], 0xee);
	ck_assert_uint_eq(fk.n_reads, 1);
	ck_assert_int_eq(fk.read_fd, FAKE_VEVENTQ_BASE);
	ck_assert_uint_eq(fk.read_count, 64);
	/* The buffer ends where an unwritable page starts (EFAULT model). */
	ck_assert_uint_eq(((uintptr_t)fk.read_buf + sizeof(data)) %
				  (unsigned long)page,
			  0);
	/* The kernel's -1 is its errno, nothing read. */
	fk.read_errno = EFAULT;
	buf.done = 99;
	ck_assert_int_eq(nestref_veventq_read(ctx, q, &buf), -EFAULT);
	ck_assert_uint_eq(buf.done, 0);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "read of vEVENTQ"));
	fk.read_errno = 0;
	/* An empty queue reads 0 bytes. */
	fk.read_len = 0;
	ck_assert_int_eq(nestref_veventq_read(ctx, q, &buf), 0);
	ck_assert_uint_eq(buf.done, 0);
	/* Three reads past data_size, one guarded buffer. */
	ck_assert_uint_eq(fk.n_mmaps, 1);
	/* A read that cannot pass data_size goes straight into it. */
	buf.count = sizeof(data);
	fk.read_len = sizeof(record);
	memset(data, 0xee, sizeof(data));
	ck_assert_int_eq(nestref_veventq_read(ctx, q, &buf), 0);
	ck_assert_ptr_eq(fk.read_buf, data);
	ck_assert_uint_eq(buf.done, 12);
	ck_assert_mem_eq(data, record, sizeof(record));
	ck_assert_uint_eq(fk.n_mmaps, 1);
	/* The descriptor is closed before IOMMU_DESTROY (2.12). */
	i = fk.n_closed;
	ck_assert_int_eq(nestref_destroy(ctx, q), 0);
	ck_assert_uint_eq(fk.n_closed, i + 1);
	ck_assert_int_eq(fk.closed[i], FAKE_VEVENTQ_BASE);
	ck_assert_uint_eq(ARG(nr_iommu_destroy,
			      call(fk.n - 1, NR_IOMMU_DESTROY))->id, 12);
	/* A queue left open goes before its vIOMMU when the context ends. */
	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu,
					       NESTREF_VEVENTQ_TYPE_SELFTEST, 1,
					       0, &q),
			 0); /* veventq 13, fd 31 */
	i = fk.n;
	nestref_ctx_free(ctx);
	for (; i < fk.n; i++) {
		/* A mock device has no cdev to detach from. */
		ck_assert_uint_ne(fk.calls[i].req,
				  NR_VFIO_DEVICE_DETACH_IOMMUFD_PT);
		if (fk.calls[i].req == NR_IOMMU_DESTROY &&
		    ARG(nr_iommu_destroy, &fk.calls[i])->id == 6)
			break;
		if (fk.calls[i].req == NR_IOMMU_DESTROY &&
		    ARG(nr_iommu_destroy, &fk.calls[i])->id == 13)
			q = 0;
	}
	ck_assert_msg(i < fk.n, "vIOMMU 6 was not destroyed");
	ck_assert_msg(q == 0, "vEVENTQ 13 not destroyed before its vIOMMU");
	ck_assert_int_eq(fk.closed[fk.n_closed - 2], FAKE_VEVENTQ_BASE + 1);
	ifd_sys_set(NULL);
}
END_TEST

/* Each new call's refusal by the kernel comes back as it is, named. */
START_TEST(selftest_mode_event_refusals)
{
	struct nestref_ctx *ctx;
	uint32_t viommu, dev, hwpt, q = 77;

	fake_reset();
	ctx = ifd_open_with(NULL, 0);
	one_device(ctx, &viommu, &dev, 0);
	selftest_hwpt(ctx, viommu, &hwpt);
	fk.fail_req = NR_IOMMU_TEST_CMD;
	fk.fail_errno = ENOENT; /* no vDEVICE in the vIOMMU (5.10) */
	ck_assert_int_eq(nestref_dev_attach(ctx, dev, hwpt), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE"));
	fk.fail_errno = EOPNOTSUPP; /* no selftest queue (5.10) */
	ck_assert_int_eq(nestref_trigger_vevent(ctx, dev), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "IOMMU_TEST_OP_TRIGGER_VEVENT"));
	fk.fail_req = NR_IOMMU_VEVENTQ_ALLOC;
	fk.fail_errno = ENOMEM;
	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu, 0x77, 1, 0, &q),
			 -ENOMEM);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "IOMMU_VEVENTQ_ALLOC"));
	fk.fail_req = 0;
	nestref_ctx_free(ctx);
	/* The refused queue had no descriptor to close. */
	ck_assert_uint_eq(fk.n_closed, 1);
	ck_assert_int_eq(fk.closed[0], FAKE_IOMMUFD);
	ifd_sys_set(NULL);
}
END_TEST

/* vfio mode: the same queue, of the SMMUv3 type; no TRIGGER_VEVENT. */
START_TEST(vfio_mode_veventq)
{
	unsigned char data[40];
	struct nestref_event_buffer buf = {
		.data = data, .count = sizeof(data), .data_size = sizeof(data),
	};
	struct nestref_ctx *ctx;
	uint32_t viommu, dev, q;

	fake_reset();
	ctx = ifd_open_with("mode=vfio,devices=/fake/vfio0", 0);
	/* ioas 1, devid 2, hwpt 3, viommu 4 */
	one_device(ctx, &viommu, &dev, 0);
	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu, 1, 64, 0, &q), 0);
	veventq_alloc_was(4, 1, 64);
	ck_assert_int_eq(nestref_veventq_read(ctx, q, &buf), 0);
	ck_assert_int_eq(fk.read_fd, FAKE_VEVENTQ_BASE);
	ck_assert_int_eq(nestref_trigger_vevent(ctx, dev), -EOPNOTSUPP);
	nestref_ctx_free(ctx);
	ck_assert_int_eq(fk.closed[0], FAKE_VEVENTQ_BASE);
	ifd_sys_set(NULL);
}
END_TEST

static Suite *iommufd_suite(void)
{
	Suite *s = suite_create("iommufd");
	TCase *tc = tcase_create("fake-kernel");

	tcase_add_test(tc, unavailable_without_dev_iommu);
	tcase_add_test(tc, options);
	tcase_add_test(tc, runs_as_the_kernel_it_is);
	tcase_add_test(tc, selftest_mode_ioctls);
	tcase_add_test(tc, null_data_is_data_uptr_0);
	tcase_add_test(tc, short_array_ends_at_the_guard_page);
	tcase_add_test(tc, guard_mapping_fails);
	tcase_add_test(tc, error_paths);
	tcase_add_test(tc, check_cache_and_destroy_failures);
	tcase_add_test(tc, vfio_mode_ioctls);
	tcase_add_test(tc, vfio_mode_nested);
	tcase_add_test(tc, iommufd_ext_targets);
	tcase_add_test(tc, vfio_bind_failure);
	tcase_add_test(tc, selftest_mode_events);
	tcase_add_test(tc, selftest_mode_event_refusals);
	tcase_add_test(tc, vfio_mode_veventq);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(iommufd_suite());
}

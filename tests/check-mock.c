/* SPDX-License-Identifier: MIT */
/*
 * The mock backend through the public API: the selftest mock's cache words,
 * its invalidation rules and their order (kernel-facts 5.4, 5.5), the
 * kernel's vdevice_cache sequence (5.7) row by row, and the way back: its
 * nested HWPTs, attach and TRIGGER_VEVENT (5.10), with the kernel's
 * vdevice_alloc test (2.13).
 */
#include <string.h>

#include <nestref/backend.h> /* nestref_ctx_kmalloc_max */

#include "check-helpers.h"

#define D 0xbaddadu

struct mock_fixture {
	struct nestref_ctx *ctx;
	uint32_t viommu, dev;
};

static void mock_open(struct mock_fixture *f, enum nestref_profile profile)
{
	unsigned char vsid[4];

	f->ctx = ctx_open("mock", profile);
	ck_assert_int_eq(nestref_viommu_alloc(f->ctx, 1, &f->viommu), 0);
	ck_assert_int_eq(nestref_dev_add(f->ctx, 0x1234, &f->dev), 0);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(f->ctx, f->viommu, f->dev,
						   vsid, 4, NULL),
			 0);
}

static void expect_cache(struct mock_fixture *f, uint32_t c0, uint32_t c1,
			 uint32_t c2, uint32_t c3)
{
	const uint32_t want[4] = { c0, c1, c2, c3 };
	uint32_t i;

	for (i = 0; i < 4; i++)
		ck_assert_msg(nestref_check_cache(f->ctx, f->dev, i, want[i]) == 0,
			      "cache[%u]: %s", i, nestref_ctx_message(f->ctx));
}

/* Entries of struct iommu_viommu_invalidate_selftest, little-endian. */
static void entry(unsigned char *p, uint32_t flags, uint32_t vdev,
		  uint32_t cache)
{
	le32_put(p, flags);
	le32_put(p + 4, vdev);
	le32_put(p + 8, cache);
}

static int inval(struct mock_fixture *f, uint32_t type, uint32_t len,
		 uint32_t num, const void *data, size_t size, uint32_t *out)
{
	struct nestref_user_array a = {
		.type = type, .entry_len = len, .entry_num = num,
		.data = data, .data_size = size,
	};
	int rc = nestref_invalidate(f->ctx, f->viommu, &a);

	*out = a.entry_num;
	return rc;
}

START_TEST(mock_describes_itself)
{
	const struct nestref_backend *b = nestref_backend_find("mock");

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(nestref_backend_caps(b),
			  NESTREF_CAP_INV_SELFTEST | NESTREF_CAP_CHECK_CACHE |
				  NESTREF_CAP_RAW_USER_DATA |
				  NESTREF_CAP_ATTACH_NESTED |
				  NESTREF_CAP_TRIGGER_VEVENT);
	ck_assert_uint_eq(nestref_backend_profiles(b), NESTREF_PROFILES_ALL);
}
END_TEST

START_TEST(check_cache_rules)
{
	struct mock_fixture f;

	mock_open(&f, NESTREF_PROFILE_LINUX_6_13);
	expect_cache(&f, D, D, D, D);
	ck_assert_int_eq(nestref_check_cache(f.ctx, f.dev, 0, 0), -EINVAL);
	ck_assert_int_eq(nestref_check_cache(f.ctx, f.dev, 4, D), -EINVAL);
	ck_assert_int_eq(nestref_check_cache(f.ctx, 0, 0, D), -ENOENT);
	ck_assert_int_eq(nestref_check_cache(f.ctx, f.viommu, 0, D), -ENOENT);
	nestref_ctx_free(f.ctx);
}
END_TEST

/*
 * The profiles whose mock links the virtual ID (2.9), so that selftest
 * entries can name the device: all but rfc-v3 (rfc_mock_stores_opaquely).
 */
static const enum nestref_profile linking[] = {
	NESTREF_PROFILE_LINUX_7_2,
	NESTREF_PROFILE_LINUX_7_4,
	NESTREF_PROFILE_LINUX_6_13,
};

/* kernel-facts 5.7, the kernel's own expectations, one row at a time. */
START_TEST(vdevice_cache_sequence)
{
	unsigned char e[2][12], big[13];
	struct mock_fixture f;
	uint32_t out;

	mock_open(&f, linking[_i]);
	ck_assert(!nestref_ctx_rule(f.ctx, NESTREF_RULE_RFC_USER_DATA));
	memset(e, 0, sizeof(e));
	/* 1: the probe. */
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 0, e, 0, &out),
			 0);
	ck_assert_uint_eq(out, 0);
	/* 2: wrong type. */
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST_INVALID, 12, 1, e,
			       sizeof(e), &out),
			 -EINVAL);
	ck_assert_uint_eq(out, 0);
	/* 3, 4: odd lengths of a zeroed entry name vdev_id 0: EINVAL. */
	memset(big, 0, sizeof(big));
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 13, 1, big,
			       sizeof(big), &out),
			 -EINVAL);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 1, 1, big, 1,
			       &out),
			 -EINVAL);
	/* 5: bad flags. */
	entry(e[0], 0xffffffff, 0x99, 0);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 -EOPNOTSUPP);
	ck_assert_uint_eq(out, 0);
	/* 6, 7: core checks. */
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, NULL, 0,
			       &out),
			 -EINVAL);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 0, 1, e, 12,
			       &out),
			 -EINVAL);
	/* 8: cache_id 4; 9: unknown vdev_id. */
	entry(e[0], 0, 0x99, 4);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 -EINVAL);
	entry(e[0], 0, 0x9, 0);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 -EINVAL);
	expect_cache(&f, D, D, D, D);
	/* 10: the first entry applies, the second fails: entry_num 1. */
	entry(e[0], 0, 0x99, 0);
	entry(e[1], 0xffffffff, 0x99, 1);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 2, e,
			       sizeof(e), &out),
			 -EOPNOTSUPP);
	ck_assert_uint_eq(out, 1);
	expect_cache(&f, 0, D, D, D);
	/* 11 */
	entry(e[1], 0, 0x99, 4);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 2, e,
			       sizeof(e), &out),
			 -EINVAL);
	ck_assert_uint_eq(out, 1);
	/* 12 */
	entry(e[0], 0, 0x99, 1);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 0);
	ck_assert_uint_eq(out, 1);
	expect_cache(&f, 0, 0, D, D);
	/* 13 */
	entry(e[0], 0, 0x99, 2);
	entry(e[1], 0, 0x99, 3);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 2, e,
			       sizeof(e), &out),
			 0);
	ck_assert_uint_eq(out, 2);
	expect_cache(&f, 0, 0, 0, 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(flag_all_clears_every_word_but_checks_cache_id)
{
	unsigned char e[12];
	struct mock_fixture f;
	uint32_t out;

	mock_open(&f, NESTREF_PROFILE_LINUX_6_13);
	/* cache_id is checked even with FLAG_ALL (5.4 step 3b). */
	entry(e, 1, 0x99, 4);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 -EINVAL);
	expect_cache(&f, D, D, D, D);
	entry(e, 1, 0x99, 2);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 0);
	expect_cache(&f, 0, 0, 0, 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(copy_failure_applies_nothing)
{
	unsigned char e[2][16];
	struct mock_fixture f;
	uint32_t out;

	mock_open(&f, NESTREF_PROFILE_LINUX_6_13);
	memset(e, 0, sizeof(e));
	entry(e[0], 0, 0x99, 0);
	entry(e[1], 0, 0x99, 1);
	e[1][15] = 1; /* non-zero tail in the second entry */
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 16, 2, e,
			       sizeof(e), &out),
			 -E2BIG);
	ck_assert_uint_eq(out, 0);
	expect_cache(&f, D, D, D, D);
	/* Short buffer: EFAULT, nothing applied either. */
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 16, 2, e, 20,
			       &out),
			 -EFAULT);
	expect_cache(&f, D, D, D, D);
	/* Short entries: cache_id zero-extended to 0. */
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 8, 1, e, 8,
			       &out),
			 0);
	expect_cache(&f, 0, D, D, D);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(unset_unlinks_the_virtual_id)
{
	unsigned char e[12], vsid[4];
	struct mock_fixture f;
	uint32_t out, dev2;

	mock_open(&f, NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x2000, &dev2), 0);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, dev2, vsid,
						   4, NULL),
			 -EEXIST);
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.dev), 0);
	entry(e, 0, 0x99, 0);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 -EINVAL);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, dev2, vsid,
						   4, NULL),
			 0);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 0);
	/* The word of the device now linked to 0x99 changed, not the old one. */
	expect_cache(&f, D, D, D, D);
	ck_assert_int_eq(nestref_check_cache(f.ctx, dev2, 0, 0), 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

/*
 * rfc-user-data (kernel-facts 1.4): the RFC's mock kept its 4-byte
 * value and linked nothing, so two devices may hold the same value and no
 * selftest entry can name either of them.
 */
START_TEST(rfc_mock_stores_opaquely)
{
	unsigned char e[12], vsid[4];
	struct mock_fixture f;
	uint32_t out, dev2;

	mock_open(&f, NESTREF_PROFILE_RFC_V3);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x2000, &dev2), 0);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, dev2, vsid,
						   4, NULL),
			 0);
	entry(e, 0, 0x99, 0);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, 1, e, 12,
			       &out),
			 -EINVAL);
	ck_assert_uint_eq(out, 0);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "no device has virtual ID 0x99"));
	expect_cache(&f, D, D, D, D);
	ck_assert_int_eq(nestref_check_cache(f.ctx, dev2, 0, D), 0);
	/* The core's own rule still holds: one value per device. */
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, dev2, vsid,
						   4, NULL),
			 -EEXIST);
	nestref_ctx_free(f.ctx);
	/* Upstream's mock links it: the same value is taken (2.9). */
	mock_open(&f, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x2000, &dev2), 0);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, dev2, vsid,
						   4, NULL),
			 -EEXIST);
	nestref_ctx_free(f.ctx);
}
END_TEST

/*
 * invalidate-whole-array (kernel-facts 5.4): the released mock allocates
 * the whole array first, so past the largest kmalloc (4 MiB with 4 KiB
 * pages) it is ENOMEM with nothing done and entry_num unchanged.  Without
 * the rule (linux-7.4) the same array reaches the copy, which faults on
 * the 12 bytes given.
 */
START_TEST(whole_array_allocation_follows_the_rule)
{
	const uint32_t n = (4u << 20) / 12 + 1; /* one entry past 4 MiB */
	unsigned char e[12];
	struct mock_fixture f;
	uint32_t out;

	entry(e, 0, 0x99, 0);
	mock_open(&f, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_uint_eq(nestref_ctx_kmalloc_max(f.ctx), 4u << 20);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, n, e,
			       sizeof(e), &out),
			 -ENOMEM);
	ck_assert_uint_eq(out, n);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     " [rule invalidate-whole-array, linux-7.2]"));
	expect_cache(&f, D, D, D, D);
	/* One entry fewer fits: the copy runs, and faults past 12 bytes. */
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, n - 1, e,
			       sizeof(e), &out),
			 -EFAULT);
	ck_assert_uint_eq(out, 0);
	nestref_ctx_free(f.ctx);
	mock_open(&f, NESTREF_PROFILE_LINUX_7_4);
	ck_assert(!nestref_ctx_rule(f.ctx,
				    NESTREF_RULE_INVALIDATE_WHOLE_ARRAY));
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_SELFTEST, 12, n, e,
			       sizeof(e), &out),
			 -EFAULT);
	ck_assert_uint_eq(out, 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(mock_rejects_smmuv3_arrays)
{
	unsigned char cmd[16] = { 0x05 };
	struct mock_fixture f;
	uint32_t out;

	mock_open(&f, NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_ARM_SMMUV3, 16, 1, cmd,
			       sizeof(cmd), &out),
			 -EINVAL);
	/* Even empty: only the selftest type answers the probe. */
	ck_assert_int_eq(inval(&f, NESTREF_INV_TYPE_ARM_SMMUV3, 16, 0, NULL, 0,
			       &out),
			 -EINVAL);
	nestref_ctx_free(f.ctx);
}
END_TEST

/* The way back (kernel-facts 5.10) ------------------------------------- */

#define HWPT_SELFTEST 0xdeadu

/* A nested HWPT of the selftest's type: {u32 iotlb}, 4 bytes. */
static uint32_t mock_hwpt(struct mock_fixture *f, uint32_t viommu)
{
	static const unsigned char iotlb[4] = { 0 };
	uint32_t id;

	ck_assert_int_eq(nestref_hwpt_alloc_nested(f->ctx, viommu,
						   HWPT_SELFTEST, iotlb,
						   sizeof(iotlb), &id),
			 0);
	return id;
}

static uint32_t mock_veventq(struct mock_fixture *f, uint32_t viommu,
			     uint32_t depth)
{
	uint32_t id;

	ck_assert_int_eq(nestref_veventq_alloc(f->ctx, viommu,
					       NESTREF_VEVENTQ_TYPE_SELFTEST,
					       depth, 0, &id),
			 0);
	return id;
}

/* Moves the device's vDEVICE to virt_id in viommu. */
static void mock_reset_vdevice(struct mock_fixture *f, uint32_t viommu,
			       uint32_t virt_id)
{
	unsigned char vsid[4];

	ck_assert_int_eq(nestref_unset_dev_user_data(f->ctx, f->dev), 0);
	le32_put(vsid, virt_id);
	ck_assert_int_eq(nestref_set_dev_user_data(f->ctx, viommu, f->dev,
						   vsid, 4, NULL),
			 0);
}

/* __mock_domain_alloc_nested: its type, 4 to 8 bytes zero-extended. */
START_TEST(nested_hwpt_data_rules)
{
	static const unsigned char data[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct mock_fixture f;
	uint32_t id = 0;
	size_t len;

	mock_open(&f, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(f.ctx, f.viommu,
						   NESTREF_HWPT_DATA_ARM_SMMUV3,
						   data, 8, &id),
			 -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx), "0xdead"));
	ck_assert_int_eq(nestref_hwpt_alloc_nested(f.ctx, f.viommu,
						   HWPT_SELFTEST, data, 3, &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(f.ctx, f.viommu,
						   HWPT_SELFTEST, data, 9, &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(f.ctx, f.viommu,
						   HWPT_SELFTEST, NULL, 4, &id),
			 -EFAULT);
	ck_assert_uint_eq(id, 0);
	for (len = 4; len <= 8; len++)
		ck_assert_int_eq(nestref_hwpt_alloc_nested(f.ctx, f.viommu,
							   HWPT_SELFTEST, data,
							   len, &id),
				 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

/* mock_domain_nop_attach: a vDEVICE in the HWPT's vIOMMU, by the rule. */
START_TEST(attach_needs_the_vdevice)
{
	struct mock_fixture f;
	uint32_t viommu2, hwpt2, dev2, q;

	mock_open(&f, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_viommu_alloc(f.ctx, 2, &viommu2), 0);
	hwpt2 = mock_hwpt(&f, viommu2);
	/* Its vDEVICE is in the other vIOMMU. */
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, hwpt2), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "[rule attach-needs-vdevice, linux-7.2]"));
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x5678, &dev2), 0);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, dev2, hwpt2), -ENOENT);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, mock_hwpt(&f,
								   f.viommu)),
			 0);
	nestref_ctx_free(f.ctx);

	/* 6.13 had no lookup: the attach works, with no virt_id. */
	mock_open(&f, NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_viommu_alloc(f.ctx, 2, &viommu2), 0);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, mock_hwpt(&f,
								   viommu2)),
			 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "without a virt_id"));
	/* Without the veventq rule no queue exists to fill. */
	ck_assert_int_eq(nestref_veventq_alloc(f.ctx, viommu2,
					       NESTREF_VEVENTQ_TYPE_SELFTEST, 1,
					       0, &q),
			 -ENOTTY);
	nestref_ctx_free(f.ctx);
}
END_TEST

/* iommufd_test_trigger_vevent's answers, in its order. */
START_TEST(trigger_rules)
{
	struct mock_fixture f;
	uint32_t hwpt, q;

	mock_open(&f, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, 9999), -ENOENT);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.viommu), -ENOENT);
	/* Not attached to a nested HWPT. */
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "no nested HWPT"));
	hwpt = mock_hwpt(&f, f.viommu);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, hwpt), 0);
	/* No selftest queue: the report's EOPNOTSUPP, the event gone. */
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_veventq_alloc(f.ctx, f.viommu, 0x77, 4, 0, &q),
			 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), -EOPNOTSUPP);
	q = mock_veventq(&f, f.viommu, 2);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	/* Full: lost, and still 0. */
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	EXPECT_VEVENTS(f.ctx, q, 64, 64, { 0, 0, 0x99 }, { 0, 1, 0x99 },
		       { LOST, 2, 0 });
	/* A virt_id of 0 is no virt_id. */
	ck_assert_int_eq(nestref_destroy(f.ctx, f.dev), 0);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x1234, &f.dev), 0);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.dev,
						   "\0\0\0\0", 4, NULL),
			 0);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, hwpt), 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "without a virt_id"));
	expect_vevents(f.ctx, q, 64, 64, NULL, 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

/*
 * The virt_id is the one of the attach that changed the vIOMMU: stale
 * after its vDEVICE goes, and after an attach to another nested HWPT of
 * the same vIOMMU; new after an attach through another vIOMMU.
 */
START_TEST(virt_id_is_taken_when_the_viommu_changes)
{
	struct mock_fixture f;
	uint32_t viommu2, h1a, h1b, h2, q1, q2;

	mock_open(&f, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_viommu_alloc(f.ctx, 2, &viommu2), 0);
	h1a = mock_hwpt(&f, f.viommu);
	h1b = mock_hwpt(&f, f.viommu);
	h2 = mock_hwpt(&f, viommu2);
	q1 = mock_veventq(&f, f.viommu, 8);
	q2 = mock_veventq(&f, viommu2, 8);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, h1a), 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	/* Its vDEVICE replaced: the old virt_id, also after h1b. */
	mock_reset_vdevice(&f, f.viommu, 0x55);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, h1b), 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	EXPECT_VEVENTS(f.ctx, q1, 64, 64, { 0, 0, 0x99 }, { 0, 1, 0x99 },
		       { 0, 2, 0x99 });
	/* Through the other vIOMMU: its virt_id, on its queue. */
	mock_reset_vdevice(&f, viommu2, 0x77);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, h2), 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	EXPECT_VEVENTS(f.ctx, q2, 64, 64, { 0, 0, 0x77 });
	/* And back: the new one. */
	mock_reset_vdevice(&f, f.viommu, 0x66);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, h1a), 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	EXPECT_VEVENTS(f.ctx, q1, 64, 64, { 0, 3, 0x66 });
	nestref_ctx_free(f.ctx);
}
END_TEST

/*
 * TEST_F(iommufd_viommu, vdevice_alloc) (kernel-facts 2.13), step by
 * step; its attaches to the IOAS, which forget the virt_id, are a new
 * device here.
 */
START_TEST(kernel_vdevice_alloc_test)
{
	unsigned char vsid[4];
	struct mock_fixture f;
	uint32_t hwpt, q, id;

	f.ctx = ctx_open("mock", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_viommu_alloc(f.ctx, 1, &f.viommu), 0);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x1234, &f.dev), 0);
	hwpt = mock_hwpt(&f, f.viommu);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, hwpt), -ENOENT);
	ck_assert_int_eq(nestref_veventq_alloc(f.ctx, f.viommu,
					       NESTREF_VEVENTQ_TYPE_SELFTEST, 0,
					       0, &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_veventq_alloc(f.ctx, f.viommu,
					       NESTREF_VEVENTQ_TYPE_SELFTEST,
					       NESTREF_VEVENTQ_DEPTH_MAX + 1, 0,
					       &id),
			 -EINVAL);
	q = mock_veventq(&f, f.viommu, NESTREF_VEVENTQ_DEPTH_MAX);
	ck_assert_int_eq(nestref_destroy(f.ctx, q), 0);
	q = mock_veventq(&f, f.viommu, 2);
	ck_assert_int_eq(nestref_veventq_alloc(f.ctx, f.viommu,
					       NESTREF_VEVENTQ_TYPE_SELFTEST, 2,
					       0, &id),
			 -EEXIST);
	expect_vevents_error(f.ctx, q, 0, 64, -EINVAL);
	expect_vevents_error(f.ctx, q, 7, 64, -EINVAL);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.dev,
						   vsid, 4, NULL),
			 0);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, hwpt), 0);
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	expect_vevents_error(f.ctx, q, 0, 64, -EINVAL);
	expect_vevents_error(f.ctx, q, 8, 64, -EINVAL);
	EXPECT_VEVENTS(f.ctx, q, 64, 64, { 0, 0, 0x99 });
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.dev,
						   vsid, 4, NULL),
			 -EEXIST);
	ck_assert_int_eq(nestref_destroy(f.ctx, f.dev), 0);
	/* Again with 0x88: an overflow with three events. */
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x1234, &f.dev), 0);
	le32_put(vsid, 0x88);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.dev,
						   vsid, 4, NULL),
			 0);
	ck_assert_int_eq(nestref_dev_attach(f.ctx, f.dev, hwpt), 0);
	for (id = 0; id < 3; id++)
		ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	EXPECT_VEVENTS(f.ctx, q, 36, 36, { 0, 1, 0x88 }, { 0, 2, 0x88 },
		       { LOST, 3, 0 });
	/* The overflow is gone after the read. */
	ck_assert_int_eq(nestref_trigger_vevent(f.ctx, f.dev), 0);
	EXPECT_VEVENTS(f.ctx, q, 64, 64, { 0, 4, 0x88 });
	nestref_ctx_free(f.ctx);
}
END_TEST

static Suite *mock_suite(void)
{
	Suite *s = suite_create("mock");
	TCase *tc = tcase_create("mock");

	tcase_add_test(tc, mock_describes_itself);
	tcase_add_test(tc, check_cache_rules);
	tcase_add_loop_test(tc, vdevice_cache_sequence, 0,
			    sizeof(linking) / sizeof(linking[0]));
	tcase_add_test(tc, flag_all_clears_every_word_but_checks_cache_id);
	tcase_add_test(tc, copy_failure_applies_nothing);
	tcase_add_test(tc, unset_unlinks_the_virtual_id);
	tcase_add_test(tc, mock_rejects_smmuv3_arrays);
	tcase_add_test(tc, rfc_mock_stores_opaquely);
	tcase_add_test(tc, whole_array_allocation_follows_the_rule);
	tcase_add_test(tc, nested_hwpt_data_rules);
	tcase_add_test(tc, attach_needs_the_vdevice);
	tcase_add_test(tc, trigger_rules);
	tcase_add_test(tc, virt_id_is_taken_when_the_viommu_changes);
	tcase_add_test(tc, kernel_vdevice_alloc_test);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(mock_suite());
}

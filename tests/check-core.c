/* SPDX-License-Identifier: MIT */
/*
 * The hardware-neutral core: IDs, the vSID table, the extensible-struct
 * copy, contexts, user-data validation (kernel-facts 1.3, 2.9),
 * invalidation-array validation (2.6, 2.7), destroy, the registry.
 */
#include "config.h"

#include <string.h>

#include "check-helpers.h"
#include "fake-backend.h"
#include "lib/internal.h"

/* IDs ---------------------------------------------------------------- */

START_TEST(ids_start_at_one_and_reuse_lowest)
{
	struct nr_obj a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	struct nr_ids ids;
	uint32_t id;

	nr_ids_init(&ids);
	ck_assert_int_eq(nr_ids_alloc(&ids, &a, &id), 0);
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(nr_ids_alloc(&ids, &b, &id), 0);
	ck_assert_uint_eq(id, 2);
	ck_assert_int_eq(nr_ids_alloc(&ids, &c, &id), 0);
	ck_assert_uint_eq(id, 3);
	ck_assert_ptr_null(nr_ids_get(&ids, 0));
	ck_assert_ptr_eq(nr_ids_get(&ids, 2), &b);
	nr_ids_remove(&ids, 2);
	ck_assert_ptr_null(nr_ids_get(&ids, 2));
	/* xarray ALLOC1: the lowest free index comes back first. */
	ck_assert_int_eq(nr_ids_alloc(&ids, &d, &id), 0);
	ck_assert_uint_eq(id, 2);
	ck_assert_ptr_null(nr_ids_get(&ids, 99999));
	nr_ids_remove(&ids, 0);
	nr_ids_remove(&ids, 12345);
	ck_assert_uint_eq(ids.count, 3);
	nr_ids_fini(&ids);
}
END_TEST

START_TEST(ids_grow_past_initial_capacity)
{
	static struct nr_obj objs[1000];
	struct nr_ids ids;
	uint32_t id, i;

	nr_ids_init(&ids);
	for (i = 0; i < 1000; i++) {
		ck_assert_int_eq(nr_ids_alloc(&ids, &objs[i], &id), 0);
		ck_assert_uint_eq(id, i + 1);
	}
	for (i = 0; i < 1000; i++)
		ck_assert_ptr_eq(nr_ids_get(&ids, i + 1), &objs[i]);
	nr_ids_fini(&ids);
}
END_TEST

/* vSID table ---------------------------------------------------------- */

START_TEST(vsid_table_matches_a_reference)
{
	/* Random inserts and removes over a small key space checked against
	 * a plain array, so collisions and backward shifts are exercised. */
	enum { KEYS = 4096 };
	static char present[KEYS];
	struct nr_vsid_table t;
	uint64_t x = 0x12345678;
	int i, k;

	memset(present, 0, sizeof(present));
	nr_vsid_table_init(&t);
	for (i = 0; i < 200000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		k = (int)((x >> 33) % KEYS);
		/* Keys spread over the 32-bit space, clustered in runs of 16. */
		uint64_t key = ((uint64_t)(k / 16) << 20) | (uint64_t)(k % 16);

		if ((x >> 20) & 1) {
			int rc = nr_vsid_table_insert(&t, key, &present[k]);

			ck_assert_int_eq(rc, present[k] ? -EEXIST : 0);
			present[k] = 1;
		} else {
			void *v = nr_vsid_table_remove(&t, key);

			ck_assert_ptr_eq(v, present[k] ? &present[k] : NULL);
			present[k] = 0;
		}
	}
	for (k = 0; k < KEYS; k++) {
		uint64_t key = ((uint64_t)(k / 16) << 20) | (uint64_t)(k % 16);

		ck_assert_ptr_eq(nr_vsid_table_find(&t, key),
				 present[k] ? &present[k] : NULL);
	}
	nr_vsid_table_fini(&t);
}
END_TEST

START_TEST(vsid_table_takes_64_bit_keys)
{
	struct nr_vsid_table t;
	int a, b;

	nr_vsid_table_init(&t);
	/* An empty table: lookups and removals find nothing, in any slot. */
	ck_assert_ptr_null(nr_vsid_table_find(&t, 0));
	ck_assert_ptr_null(nr_vsid_table_find(&t, UINT64_MAX));
	ck_assert_ptr_null(nr_vsid_table_remove(&t, 0));
	ck_assert_int_eq(nr_vsid_table_insert(&t, UINT64_MAX, &a), 0);
	/* Key 0 matches every empty slot's key: still absent. */
	ck_assert_ptr_null(nr_vsid_table_find(&t, 0));
	ck_assert_int_eq(nr_vsid_table_insert(&t, 0, &b), 0);
	ck_assert_ptr_eq(nr_vsid_table_find(&t, UINT64_MAX), &a);
	ck_assert_ptr_eq(nr_vsid_table_find(&t, 0), &b);
	ck_assert_ptr_null(nr_vsid_table_find(&t, 0xffffffffu));
	ck_assert_ptr_null(nr_vsid_table_remove(&t, 7));
	ck_assert_ptr_eq(nr_vsid_table_remove(&t, 0), &b);
	ck_assert_ptr_null(nr_vsid_table_find(&t, 0));
	ck_assert_ptr_eq(nr_vsid_table_find(&t, UINT64_MAX), &a);
	nr_vsid_table_fini(&t);
	/* fini leaves an empty table that can be used again. */
	ck_assert_ptr_null(nr_vsid_table_find(&t, UINT64_MAX));
	ck_assert_int_eq(nr_vsid_table_insert(&t, 5, &a), 0);
	ck_assert_ptr_eq(nr_vsid_table_find(&t, 5), &a);
	nr_vsid_table_fini(&t);
}
END_TEST

/* Extensible-struct copy (kernel-facts 2.2 rule 3) -------------------- */

START_TEST(copy_struct_rules)
{
	unsigned char dst[4], src[8] = { 1, 2, 3, 4, 0, 0, 0, 0 };

	memset(dst, 0xee, sizeof(dst));
	ck_assert_int_eq(nr_copy_struct(dst, 4, src, 2), 0);
	ck_assert_mem_eq(dst, ((unsigned char[]){ 1, 2, 0, 0 }), 4);
	ck_assert_int_eq(nr_copy_struct(dst, 4, src, 8), 0);
	ck_assert_mem_eq(dst, src, 4);
	src[7] = 1;
	ck_assert_int_eq(nr_copy_struct(dst, 4, src, 8), -E2BIG);
}
END_TEST

/* Names ----------------------------------------------------------------- */

START_TEST(names_round_trip)
{
	enum nestref_profile p;
	uint32_t cap;
	int err;

	ck_assert_str_eq(nestref_errno_name(-EINVAL), "EINVAL");
	ck_assert_str_eq(nestref_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	ck_assert_ptr_null(nestref_errno_name(4095));
	ck_assert_int_eq(nestref_errno_parse("E2BIG", &err), 0);
	ck_assert_int_eq(err, E2BIG);
	ck_assert_int_eq(nestref_errno_parse("EWHAT", &err), -EINVAL);
	ck_assert_int_eq(nestref_errno_parse(NULL, &err), -EINVAL);
	ck_assert_str_eq(nestref_strerror(0), "success");
	ck_assert_str_eq(nestref_strerror(-ENOENT), "no such object");
	ck_assert_str_eq(nestref_strerror(-4095), "unknown error");
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		enum nestref_profile q;

		ck_assert_int_eq(nestref_profile_parse(nestref_profile_name(p),
						       &q), 0);
		ck_assert_int_eq(q, p);
	}
	ck_assert_str_eq(nestref_profile_name(NESTREF_PROFILE_LINUX_6_13),
			 "linux-6.13");
	ck_assert_ptr_null(nestref_profile_name(NESTREF_PROFILE_COUNT));
	ck_assert_int_eq(nestref_profile_parse("linux-6.12", &p), -EINVAL);
	for (cap = 1; cap < 1u << NESTREF_CAP_COUNT; cap <<= 1) {
		uint32_t back;

		ck_assert_int_eq(nestref_cap_parse(nestref_cap_name(cap), &back),
				 0);
		ck_assert_uint_eq(back, cap);
	}
	ck_assert_ptr_null(nestref_cap_name(3));
	ck_assert_ptr_null(nestref_cap_name(0));
	ck_assert_int_eq(nestref_cap_parse("observe-everything", &cap), -EINVAL);
	ck_assert_str_eq(nestref_version(), PACKAGE_VERSION);
}
END_TEST

/* Contexts ------------------------------------------------------------ */

START_TEST(ctx_new_checks_options)
{
	struct {
		struct nestref_ctx_opts opts;
		uint64_t future;
	} big = { { .size = sizeof(big) }, 0 };
	struct nestref_ctx_opts opts = { .size = sizeof(opts) };
	struct nestref_ctx *ctx = (void *)1;
	char msg[128];

	fake_backend_setup();
	ck_assert_int_eq(nestref_ctx_new(&ctx, NULL, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_null(ctx);
	opts.size = 0;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -EINVAL);
	/* A newer caller's longer struct is fine while its tail is zero. */
	ck_assert_int_eq(nestref_ctx_new(&ctx, &big.opts, msg, sizeof(msg)), 0);
	ck_assert_str_eq(nestref_ctx_backend(ctx), nestref_backend_default());
	ck_assert_int_eq(nestref_ctx_profile(ctx), NESTREF_PROFILE_LINUX_6_13);
	nestref_ctx_free(ctx);
	big.future = 1;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &big.opts, msg, sizeof(msg)),
			 -E2BIG);
	/* An older caller's shorter struct is zero-extended. */
	opts.size = offsetof(struct nestref_ctx_opts, backend);
	opts.backend = "no-such-backend"; /* beyond size: not read */
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), 0);
	nestref_ctx_free(ctx);
	opts.size = sizeof(opts);
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(msg, "no-such-backend"));
	opts.backend = "mock";
	opts.profile = NESTREF_PROFILE_COUNT;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -EINVAL);
	opts.backend = "fake-rfc";
	opts.profile = NESTREF_PROFILE_LINUX_NEXT;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)),
			 -EOPNOTSUPP);
	opts.backend = "fake";
	opts.backend_options = "unavailable";
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -ENODEV);
	ck_assert_ptr_nonnull(strstr(msg, "told to be unavailable"));
	ck_assert_ptr_null(ctx);
	nestref_ctx_free(NULL);
}
END_TEST

START_TEST(ctx_smmu_features)
{
	struct nestref_smmu_features f;
	struct nestref_ctx_opts opts = { .size = sizeof(opts), .smmu = &f };
	struct nestref_ctx *ctx = ctx_open("mock", NESTREF_PROFILE_LINUX_6_13);

	ck_assert_uint_eq(nestref_ctx_smmu(ctx)->sidsize, 32);
	ck_assert_uint_eq(nestref_ctx_smmu(ctx)->ssidsize, 20);
	ck_assert(nestref_ctx_smmu(ctx)->ril && !nestref_ctx_smmu(ctx)->ds);
	nestref_ctx_free(ctx);
	nestref_smmu_features_default(&f);
	f.sidsize = 16;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, NULL, 0), 0);
	ck_assert_uint_eq(nestref_ctx_smmu(ctx)->sidsize, 16);
	nestref_ctx_free(ctx);
}
END_TEST

/* User data (kernel-facts 1.3, 2.9) ----------------------------------- */

struct fixture {
	struct nestref_ctx *ctx;
	uint32_t viommu, d0, d1;
};

static void fixture_open(struct fixture *f, const char *backend,
			 enum nestref_profile profile)
{
	fake_backend_setup();
	f->ctx = ctx_open(backend, profile);
	ck_assert_int_eq(nestref_viommu_alloc(f->ctx, 5, &f->viommu), 0);
	ck_assert_int_eq(nestref_dev_add(f->ctx, 0x1234, &f->d0), 0);
	ck_assert_int_eq(nestref_dev_add(f->ctx, 0x2000, &f->d1), 0);
}

static int set_vsid(struct fixture *f, uint32_t dev, uint32_t vsid,
		    uint32_t *out)
{
	unsigned char data[4];

	le32_put(data, vsid);
	return nestref_set_dev_user_data(f->ctx, f->viommu, dev, data, 4, out);
}

START_TEST(set_checks_in_rfc_order)
{
	unsigned char data[8] = { 0x99 };
	struct fixture f;

	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	/* Step 1 comes before any lookup: bad IDs still give EINVAL. */
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, 0, 0, NULL, 4, NULL),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx), "NULL"));
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, 0, 0, data, 0, NULL),
			 -EINVAL);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, 0, f.d0, data, 4,
						   NULL),
			 -ENOENT);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, 9999, f.d0, data, 4,
						   NULL),
			 -ENOENT);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, 0, data, 4,
						   NULL),
			 -ENOENT);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, 9999, data,
						   4, NULL),
			 -ENOENT);
	/* A typed lookup: the vIOMMU's ID is not a device (2.3). */
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.viommu,
						   data, 4, NULL),
			 -ENOENT);
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.d0, f.d0, data, 4,
						   NULL),
			 -ENOENT);
	ck_assert_uint_eq(fake_knobs.set_calls, 0);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, NULL), 0);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x98, NULL), -EEXIST);
	ck_assert_uint_eq(fake_knobs.set_calls, 1);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(set_length_rules_follow_the_profile)
{
	/* _i: linux-6.13, rfc-v3, linux-next; only rfc-v3 says EFAULT. */
	static const int tail_errno[] = { -E2BIG, -EFAULT, -E2BIG };
	unsigned char data[8] = { 0x99, 0, 0, 0, 0, 0, 0, 0 };
	struct nestref_viommu *viommu;
	struct fixture f;

	fixture_open(&f, "fake", (enum nestref_profile)_i);
	/* Longer with a zero tail: accepted. */
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.d0, data,
						   8, NULL),
			 0);
	viommu = (struct nestref_viommu *)nr_lookup(f.ctx, f.viommu,
						    NR_OBJ_VIOMMU);
	ck_assert_ptr_nonnull(nestref_viommu_find_dev(viommu, 0x99));
	/* Longer with a non-zero tail: the profile's errno, nothing set. */
	data[0] = 0x42;
	data[7] = 1;
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.d1, data,
						   8, NULL),
			 tail_errno[_i]);
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x42));
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d1), -ENOENT);
	/* Shorter: zero-extended, so one byte 0x42 is vSID 0x42. */
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.d1, data,
						   1, NULL),
			 0);
	ck_assert_ptr_nonnull(nestref_viommu_find_dev(viommu, 0x42));
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(set_without_ops_is_eopnotsupp)
{
	struct fixture f;

	fixture_open(&f, "fake-noops", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, NULL), -EOPNOTSUPP);
	ck_assert_uint_eq(nestref_dev_user_data_len(f.ctx), 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(set_driver_error_rolls_back)
{
	struct nestref_viommu *viommu;
	struct fixture f;
	uint32_t id, next;

	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	fake_knobs.set_rc = -EBUSY;
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, &id), -EBUSY);
	/* Nothing is left: the link, the object ID, the pin on the vIOMMU. */
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d0), -ENOENT);
	viommu = (struct nestref_viommu *)nr_lookup(f.ctx, f.viommu,
						    NR_OBJ_VIOMMU);
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x99));
	ck_assert_uint_eq(viommu->users, 0);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 1, &next), 0);
	ck_assert_uint_eq(next, 4);
	fake_knobs.set_rc = 0;
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, &id), 0);
	ck_assert_uint_eq(id, 5);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(unset_and_reuse)
{
	struct nestref_viommu *viommu;
	struct fixture f;
	uint32_t id;

	fixture_open(&f, "fake", NESTREF_PROFILE_RFC_V3);
	viommu = (struct nestref_viommu *)nr_lookup(f.ctx, f.viommu,
						    NR_OBJ_VIOMMU);
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, 0), -ENOENT);
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d0), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "has no user data"));
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, &id), 0);
	ck_assert_int_eq(set_vsid(&f, f.d1, 0x99, NULL), -EEXIST);
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d0), 0);
	ck_assert_uint_eq(fake_knobs.unset_calls, 1);
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x99));
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d0), -ENOENT);
	/* The vSID is free again, for another device too. */
	ck_assert_int_eq(set_vsid(&f, f.d1, 0x99, NULL), 0);
	ck_assert_ptr_eq(nestref_viommu_find_dev(viommu, 0x99),
			 (void *)nr_lookup(f.ctx, f.d1, NR_OBJ_DEVICE));
	nestref_ctx_free(f.ctx);
	ck_assert_uint_eq(fake_knobs.unset_calls, 2);
}
END_TEST

/* Destroy (kernel-facts 2.3) ------------------------------------------ */

START_TEST(destroy_rules)
{
	struct fixture f;
	uint32_t vdev;

	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_destroy(f.ctx, 0), -ENOENT);
	ck_assert_int_eq(nestref_destroy(f.ctx, 777), -ENOENT);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, &vdev), 0);
	/* A vDEVICE pins its vIOMMU. */
	ck_assert_int_eq(nestref_destroy(f.ctx, f.viommu), -EBUSY);
	/* Destroying the link object is the unset. */
	ck_assert_int_eq(nestref_destroy(f.ctx, vdev), 0);
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d0), -ENOENT);
	ck_assert_int_eq(nestref_destroy(f.ctx, vdev), -ENOENT);
	/* Destroying a device unsets what it still has (RFC core, 1.3). */
	ck_assert_int_eq(set_vsid(&f, f.d1, 0x42, NULL), 0);
	ck_assert_int_eq(nestref_destroy(f.ctx, f.d1), 0);
	ck_assert_uint_eq(fake_knobs.unset_calls, 2);
	ck_assert_int_eq(nestref_destroy(f.ctx, f.viommu), 0);
	ck_assert_int_eq(nestref_destroy(f.ctx, f.viommu), -ENOENT);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(viommu_vmid_is_16_bits)
{
	struct nestref_ctx *ctx = ctx_open("mock", NESTREF_PROFILE_LINUX_6_13);
	uint32_t id;

	ck_assert_int_eq(nestref_viommu_alloc(ctx, 0x10000, &id), -EINVAL);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 0xffff, &id), 0);
	ck_assert_uint_eq(id, 1);
	nestref_ctx_free(ctx);
}
END_TEST

/* Invalidation core (kernel-facts 2.7) -------------------------------- */

static struct nestref_user_array arr(uint32_t num, const void *data,
				     size_t size)
{
	struct nestref_user_array a = {
		.type = NESTREF_INV_TYPE_ARM_SMMUV3,
		.entry_len = 16,
		.entry_num = num,
		.data = data,
		.data_size = size,
	};
	return a;
}

START_TEST(invalidate_core_checks)
{
	static unsigned char cmds[16 * 8];
	struct nestref_user_array a;
	struct fixture f;
	uint32_t vdev;

	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, &vdev), 0);
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, NULL), -EFAULT);
	a = arr(1, NULL, 0);
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	ck_assert_uint_eq(a.entry_num, 0);
	a = arr(1, cmds, sizeof(cmds));
	a.entry_len = 0;
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	a = arr(1, cmds, sizeof(cmds));
	a.entry_len = NESTREF_INV_ENTRY_LEN_MAX + 1;
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	a = arr(NESTREF_INV_ENTRY_NUM_MAX + 1, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	ck_assert_uint_eq(a.entry_num, 0);
	/* The target: unknown is ENOENT, any non-vIOMMU object EINVAL. */
	a = arr(1, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, 0, &a), -ENOENT);
	a = arr(1, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, 9999, &a), -ENOENT);
	a = arr(1, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.d0, &a), -EINVAL);
	a = arr(1, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, vdev, &a), -EINVAL);
	ck_assert_uint_eq(a.entry_num, 0);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 0);
	/* With entry_num 0, data and entry_len are not looked at. */
	a = arr(0, NULL, 0);
	a.entry_len = 0;
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 1);
	/* Not even its limit (Linux 7.2, seen by make check-kernel). */
	a = arr(0, NULL, 0);
	a.entry_len = NESTREF_INV_ENTRY_LEN_MAX * 2;
	nestref_invalidate(f.ctx, f.viommu, &a);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 2);
	/* The limit itself is allowed. */
	a = arr(NESTREF_INV_ENTRY_NUM_MAX, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EFAULT);
	ck_assert_uint_eq(fake_knobs.last_entry_num, NESTREF_INV_ENTRY_NUM_MAX);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(invalidate_without_op_is_eopnotsupp)
{
	static unsigned char cmds[16];
	struct nestref_user_array a = arr(1, cmds, sizeof(cmds));
	struct fixture f;

	fixture_open(&f, "fake-noops", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EOPNOTSUPP);
	ck_assert_uint_eq(a.entry_num, 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(invalidate_writes_entry_num_back_on_failure)
{
	static unsigned char cmds[16 * 4];
	struct nestref_user_array a = arr(4, cmds, sizeof(cmds));
	struct fixture f;

	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	memset(cmds, 0, sizeof(cmds));
	cmds[0] = cmds[16] = NESTREF_SMMUV3_CFGI_CD_ALL;
	cmds[32] = NESTREF_SMMUV3_CFGI_STE; /* the fake refuses it: EIO */
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EIO);
	ck_assert_uint_eq(a.entry_num, 2);
	/* A driver that over-reports is clamped to what it was given. */
	cmds[32] = NESTREF_SMMUV3_CFGI_CD_ALL;
	fake_knobs.overreport = 10;
	a = arr(4, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), 0);
	ck_assert_uint_eq(a.entry_num, 4);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(invalidate_linux_next_core_loop)
{
	static unsigned char cmds[16 * 10];
	struct nestref_user_array a;
	struct fixture f;
	int i;

	for (i = 0; i < 10; i++)
		cmds[16 * i] = NESTREF_SMMUV3_CFGI_CD_ALL;
	/* linux-6.13: one call, the driver's own count. */
	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	fake_knobs.chunk = 3;
	a = arr(10, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), 0);
	ck_assert_uint_eq(a.entry_num, 3);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 1);
	nestref_ctx_free(f.ctx);
	/* linux-next: the core calls again on the rest (3.5). */
	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_NEXT);
	fake_knobs.chunk = 3;
	a = arr(10, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), 0);
	ck_assert_uint_eq(a.entry_num, 10);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 4);
	ck_assert_uint_eq(fake_knobs.last_entry_num, 1);
	ck_assert_uint_eq(fake_knobs.last_data_offset, 9 * 16);
	/* A failure in the third chunk: the first two count. */
	fake_knobs.invalidate_calls = 0;
	cmds[16 * 7] = NESTREF_SMMUV3_CFGI_STE;
	a = arr(10, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EIO);
	ck_assert_uint_eq(a.entry_num, 7);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 3);
	/* The empty-array probe still reaches the driver once. */
	fake_knobs.invalidate_calls = 0;
	a = arr(0, NULL, 0);
	nestref_invalidate(f.ctx, f.viommu, &a);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 1);
	nestref_ctx_free(f.ctx);
}
END_TEST

/* The full-array copy helper (kernel-facts 2.6) ----------------------- */

START_TEST(user_array_copy_rules)
{
	unsigned char src[64], dst[64];
	struct nestref_user_array a = {
		.type = 7, .entry_len = 4, .entry_num = 2,
		.data = src, .data_size = 8,
	};

	memset(src, 0, sizeof(src));
	src[0] = 1;
	src[4] = 2;
	ck_assert_int_eq(nestref_user_array_copy(&a, 8, 4, 0, 2, dst), -EINVAL);
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 4, 1, 2, dst), -EINVAL);
	/* Same size: one copy. */
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 4, 0, 2, dst), 0);
	ck_assert_mem_eq(dst, src, 8);
	/* Shorter entries are zero-extended. */
	memset(dst, 0xee, sizeof(dst));
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 8, 0, 2, dst), 0);
	ck_assert_mem_eq(dst, ((unsigned char[]){ 1, 0, 0, 0, 0, 0, 0, 0,
						  2, 0, 0, 0, 0, 0, 0, 0 }),
			 16);
	/* Longer entries need a zero tail. */
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 2, 0, 2, dst), 0);
	ck_assert_mem_eq(dst, ((unsigned char[]){ 1, 0, 2, 0 }), 4);
	src[7] = 9;
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 2, 0, 2, dst), -E2BIG);
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 2, 0, 1, dst), 0);
	/* Past the readable bytes: a fault, whichever path. */
	a.entry_num = 3;
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 4, 0, 3, dst), -EFAULT);
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 8, 0, 3, dst), -EFAULT);
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 4, 1, 1, dst), 0);
	a.entry_num = 0;
	ck_assert_int_eq(nestref_user_array_copy(&a, 7, 4, 0, 0, dst), -EINVAL);
}
END_TEST

/* Observation without capabilities ------------------------------------- */

START_TEST(observation_needs_capabilities)
{
	const struct nestref_smmuv3_cmd *cmds;
	const struct nestref_cache_entry *ce;
	struct nestref_cache_entry e = { 0 };
	struct fixture f;
	size_t n;

	fixture_open(&f, "fake-noops", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_check_cache(f.ctx, f.d0, 0, 0), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_issued(f.ctx, &cmds, &n), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_caches_fill(f.ctx, &e, 1), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_caches_get(f.ctx, &ce, &n), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "observe-caches"));
	{
		const struct nestref_counter *c;
		const struct nestref_trace_event *ev;

		ck_assert_int_eq(nestref_counters(f.ctx, &c, &n), -EOPNOTSUPP);
		ck_assert_int_eq(nestref_trace(f.ctx, &ev, &n), -EOPNOTSUPP);
		nestref_trace_clear(f.ctx);
	}
	nestref_issued_clear(f.ctx);
	nestref_ctx_free(f.ctx);
	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_check_cache(f.ctx, 9999, 0, 0), -ENOENT);
	ck_assert_int_eq(nestref_caches_fill(f.ctx, &e, 1), 0);
	ck_assert_int_eq(nestref_caches_get(f.ctx, &ce, &n), 0);
	ck_assert_uint_eq(n, 1);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(cache_entry_cmp_orders_every_field)
{
	struct nestref_cache_entry a = { 0 }, b = { 0 };

	ck_assert_int_eq(nestref_cache_entry_cmp(&a, &b), 0);
	b.span = 1;
	ck_assert_int_lt(nestref_cache_entry_cmp(&a, &b), 0);
	ck_assert_int_gt(nestref_cache_entry_cmp(&b, &a), 0);
	a.kind = NESTREF_CACHE_ATC;
	ck_assert_int_gt(nestref_cache_entry_cmp(&a, &b), 0);
}
END_TEST

/* Registry ------------------------------------------------------------- */

START_TEST(registry_rules)
{
	static const struct nestref_backend bad_version = {
		.version = 99, .name = "zz", .profiles = 1,
	};
	static const struct nestref_backend bad_name = {
		.version = NESTREF_BACKEND_VERSION, .name = "Bad Name",
		.profiles = 1,
	};
	static const struct nestref_backend dup = {
		.version = NESTREF_BACKEND_VERSION, .name = "mock",
		.profiles = 1,
	};
	size_t i;

	fake_backend_setup();
	ck_assert_int_eq(nestref_backend_register(NULL), -EINVAL);
	ck_assert_int_eq(nestref_backend_register(&bad_version), -EINVAL);
	ck_assert_int_eq(nestref_backend_register(&bad_name), -EINVAL);
	ck_assert_int_eq(nestref_backend_register(&dup), -EEXIST);
	ck_assert_ptr_null(nestref_backend_find("nope"));
	ck_assert_ptr_null(nestref_backend_find(NULL));
	ck_assert_str_eq(nestref_backend_name(nestref_backend_find("mock")),
			 "mock");
	/* Name order: fake, fake-noops, fake-rfc, iommufd, mock, smmuv3-sim. */
	ck_assert_uint_eq(nestref_backend_count(), 6);
	for (i = 1; i < nestref_backend_count(); i++)
		ck_assert_int_lt(strcmp(nestref_backend_name(nestref_backend_at(i - 1)),
					nestref_backend_name(nestref_backend_at(i))),
				 0);
	ck_assert_ptr_null(nestref_backend_at(6));
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ids_start_at_one_and_reuse_lowest);
	tcase_add_test(tc, ids_grow_past_initial_capacity);
	tcase_add_test(tc, vsid_table_matches_a_reference);
	tcase_add_test(tc, vsid_table_takes_64_bit_keys);
	tcase_add_test(tc, copy_struct_rules);
	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, ctx_new_checks_options);
	tcase_add_test(tc, ctx_smmu_features);
	tcase_add_test(tc, set_checks_in_rfc_order);
	tcase_add_loop_test(tc, set_length_rules_follow_the_profile, 0,
			    NESTREF_PROFILE_COUNT);
	tcase_add_test(tc, set_without_ops_is_eopnotsupp);
	tcase_add_test(tc, set_driver_error_rolls_back);
	tcase_add_test(tc, unset_and_reuse);
	tcase_add_test(tc, destroy_rules);
	tcase_add_test(tc, viommu_vmid_is_16_bits);
	tcase_add_test(tc, invalidate_core_checks);
	tcase_add_test(tc, invalidate_without_op_is_eopnotsupp);
	tcase_add_test(tc, invalidate_writes_entry_num_back_on_failure);
	tcase_add_test(tc, invalidate_linux_next_core_loop);
	tcase_add_test(tc, user_array_copy_rules);
	tcase_add_test(tc, observation_needs_capabilities);
	tcase_add_test(tc, cache_entry_cmp_orders_every_field);
	tcase_add_test(tc, registry_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(core_suite());
}

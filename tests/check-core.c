/* SPDX-License-Identifier: MIT */
/*
 * The hardware-neutral core: IDs, the vSID table, the extensible-struct
 * copy, contexts, user-data validation (kernel-facts 1.3, 2.9),
 * invalidation-array validation (2.6, 2.7), destroy, the registry.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check-helpers.h"
#include "fake-backend.h"
#include "lib/core/internal.h"

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

/* vdevice-tombstone (kernel-facts 2.9): a reserved ID is never reused. */
START_TEST(ids_tombstone_is_never_handed_out)
{
	struct nr_obj a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 }, e = { 0 };
	struct nr_ids ids;
	uint32_t id;

	nr_ids_init(&ids);
	ck_assert_int_eq(nr_ids_alloc(&ids, &a, &id), 0);
	ck_assert_int_eq(nr_ids_alloc(&ids, &b, &id), 0);
	ck_assert_int_eq(nr_ids_alloc(&ids, &c, &id), 0);
	ck_assert_uint_eq(id, 3);
	/* Only a free ID can be reserved: a taken one stays its object's. */
	nr_ids_tombstone(&ids, 3);
	ck_assert(!nr_ids_is_tombstone(&ids, 3));
	ck_assert_ptr_eq(nr_ids_get(&ids, 3), &c);
	nr_ids_remove(&ids, 2);
	nr_ids_tombstone(&ids, 2);
	ck_assert(nr_ids_is_tombstone(&ids, 2));
	ck_assert_ptr_null(nr_ids_get(&ids, 2));
	/* Removing a reserved ID does not free it. */
	nr_ids_remove(&ids, 2);
	ck_assert(nr_ids_is_tombstone(&ids, 2));
	ck_assert_uint_eq(ids.count, 2);
	/* The lowest free ID is 4 now, not 2. */
	ck_assert_int_eq(nr_ids_alloc(&ids, &d, &id), 0);
	ck_assert_uint_eq(id, 4);
	nr_ids_remove(&ids, 1);
	ck_assert_int_eq(nr_ids_alloc(&ids, &e, &id), 0);
	ck_assert_uint_eq(id, 1);
	/* 0 and IDs never allocated are no tombstones. */
	nr_ids_tombstone(&ids, 0);
	ck_assert(!nr_ids_is_tombstone(&ids, 0));
	ck_assert(!nr_ids_is_tombstone(&ids, 99999));
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
	struct nestref_vsid_table t;
	uint64_t x = 0x12345678;
	int i, k;

	memset(present, 0, sizeof(present));
	nestref_vsid_table_init(&t);
	for (i = 0; i < 200000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		k = (int)((x >> 33) % KEYS);
		/* Keys spread over the 32-bit space, clustered in runs of 16. */
		uint64_t key = ((uint64_t)(k / 16) << 20) | (uint64_t)(k % 16);

		if ((x >> 20) & 1) {
			int rc = nestref_vsid_table_insert(&t, key, &present[k]);

			ck_assert_int_eq(rc, present[k] ? -EEXIST : 0);
			present[k] = 1;
		} else {
			void *v = nestref_vsid_table_remove(&t, key);

			ck_assert_ptr_eq(v, present[k] ? &present[k] : NULL);
			present[k] = 0;
		}
	}
	for (k = 0; k < KEYS; k++) {
		uint64_t key = ((uint64_t)(k / 16) << 20) | (uint64_t)(k % 16);

		ck_assert_ptr_eq(nestref_vsid_table_find(&t, key),
				 present[k] ? &present[k] : NULL);
	}
	nestref_vsid_table_fini(&t);
}
END_TEST

START_TEST(vsid_table_takes_64_bit_keys)
{
	struct nestref_vsid_table t;
	int a, b;

	nestref_vsid_table_init(&t);
	/* An empty table: lookups and removals find nothing, in any slot. */
	ck_assert_ptr_null(nestref_vsid_table_find(&t, 0));
	ck_assert_ptr_null(nestref_vsid_table_find(&t, UINT64_MAX));
	ck_assert_ptr_null(nestref_vsid_table_remove(&t, 0));
	ck_assert_int_eq(nestref_vsid_table_insert(&t, UINT64_MAX, &a), 0);
	/* Key 0 matches every empty slot's key: still absent. */
	ck_assert_ptr_null(nestref_vsid_table_find(&t, 0));
	ck_assert_int_eq(nestref_vsid_table_insert(&t, 0, &b), 0);
	ck_assert_ptr_eq(nestref_vsid_table_find(&t, UINT64_MAX), &a);
	ck_assert_ptr_eq(nestref_vsid_table_find(&t, 0), &b);
	ck_assert_ptr_null(nestref_vsid_table_find(&t, 0xffffffffu));
	ck_assert_ptr_null(nestref_vsid_table_remove(&t, 7));
	ck_assert_ptr_eq(nestref_vsid_table_remove(&t, 0), &b);
	ck_assert_ptr_null(nestref_vsid_table_find(&t, 0));
	ck_assert_ptr_eq(nestref_vsid_table_find(&t, UINT64_MAX), &a);
	nestref_vsid_table_fini(&t);
	/* fini leaves an empty table that can be used again. */
	ck_assert_ptr_null(nestref_vsid_table_find(&t, UINT64_MAX));
	ck_assert_int_eq(nestref_vsid_table_insert(&t, 5, &a), 0);
	ck_assert_ptr_eq(nestref_vsid_table_find(&t, 5), &a);
	nestref_vsid_table_fini(&t);
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
	} big = { { .size = sizeof(big), .backend = "mock" }, 0 };
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
	ck_assert_str_eq(nestref_ctx_backend(ctx), "mock");
	/* Zeroed options: linux-7.2, the default, and 4 KiB pages. */
	ck_assert_int_eq(nestref_ctx_profile(ctx), NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(NESTREF_PROFILE_DEFAULT, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_uint_eq(nestref_ctx_page_size(ctx), 4096);
	nestref_ctx_free(ctx);
	big.future = 1;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &big.opts, msg, sizeof(msg)),
			 -E2BIG);
	/* An older caller's shorter struct is zero-extended. */
	opts.size = offsetof(struct nestref_ctx_opts, backend);
	opts.backend = "no-such-backend"; /* beyond size: not read */
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -EINVAL);
	/* So the backend is NULL: the core picks none (the command does). */
	ck_assert_ptr_nonnull(strstr(msg, "no backend named in the options"));
	ck_assert_ptr_null(ctx);
	opts.size = sizeof(opts);
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(msg, "no-such-backend"));
	opts.backend = "mock";
	opts.profile = NESTREF_PROFILE_COUNT;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, msg, sizeof(msg)), -EINVAL);
	opts.backend = "fake-rfc";
	opts.profile = NESTREF_PROFILE_LINUX_7_4;
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

/* ctx_new with backend_options; its rc and message. */
static int open_with(const char *backend, const char *options, char *msg,
		     size_t len)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.backend = backend,
		.backend_options = options,
	};
	struct nestref_ctx *ctx = NULL;
	int rc;

	rc = nestref_ctx_new(&ctx, &opts, msg, len);
	nestref_ctx_free(ctx);
	return rc;
}

/*
 * Every backend refuses the options it does not understand, through the
 * one parser (issue 13 point 7): the mock, which has no open and so
 * takes none, smmuv3-sim, which takes none either, and the fake, whose
 * flags take no value.
 */
START_TEST(backends_refuse_unknown_options)
{
	char msg[256];

	fake_backend_setup();
	ck_assert_int_eq(open_with("mock", NULL, msg, sizeof(msg)), 0);
	ck_assert_int_eq(open_with("mock", "", msg, sizeof(msg)), 0);
	ck_assert_int_eq(open_with("mock", "fast=1", msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg,
			 "backend 'mock': mock: unknown backend option 'fast': it takes none");
	ck_assert_int_eq(open_with("smmuv3-sim", "fast", msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg,
			 "backend 'smmuv3-sim': smmuv3-sim: unknown backend option 'fast': it takes none");
	ck_assert_int_eq(open_with("fake", "no-issued", msg, sizeof(msg)), 0);
	ck_assert_int_eq(open_with("fake", "no-issued,bogus=2", msg,
				   sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg,
			 "backend 'fake': fake: unknown backend option 'bogus' (it takes unavailable, no-issued)");
	ck_assert_int_eq(open_with("fake", "unavailable=yes", msg,
				   sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg,
			 "backend 'fake': fake: backend option 'unavailable' takes no value (got 'unavailable=yes')");
	ck_assert_int_eq(open_with("fake", "no-issued,,unavailable", msg,
				   sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg,
			 "backend 'fake': fake: empty item in the backend options 'no-issued,,unavailable' (it takes unavailable, no-issued)");
	/* The items come in order: the first error ends the walk. */
	ck_assert_int_eq(open_with("fake", "unavailable,bogus", msg,
				   sizeof(msg)),
			 -ENODEV);
	ck_assert_str_eq(msg, "backend 'fake': fake: told to be unavailable");
}
END_TEST

/*
 * The version rule (backend.h): a backend built against version 1 of the
 * struct, allocated at exactly that size (so that ASan catches any read
 * past it), registers and runs; the core sees its version-2 slots as
 * unset.  Version 0 and versions above ours are refused.
 */
static int v1_set(struct nestref_dev *dev, const void *data)
{
	return nestref_viommu_link(nestref_dev_viommu(dev), nestref_le32(data),
				   dev);
}

static void v1_unset(struct nestref_dev *dev)
{
	nestref_viommu_unlink(nestref_dev_viommu(dev),
			      nestref_dev_virt_id(dev));
}

START_TEST(backend_version_1_is_read_at_its_size)
{
	struct nestref_backend full = {
		.version = 1,
		.name = "old-one",
		.description = "built against version 1",
		.caps = NESTREF_CAP_RAW_USER_DATA | NESTREF_CAP_OBSERVE_HW_INFO,
		.profiles = NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_2),
		.set_dev_user_data = v1_set,
		.unset_dev_user_data = v1_unset,
		.dev_user_data_len = 4,
	};
	struct nestref_ctx_opts opts = { .size = sizeof(opts),
					 .backend = "old-one" };
	const struct nestref_backend *found;
	struct nestref_backend *v1;
	struct nestref_ctx *ctx;
	unsigned char sid[4];
	uint32_t viommu, dev, flags;

	ck_assert_uint_lt(NESTREF_BACKEND_V1_SIZE, sizeof(full));
	v1 = malloc(NESTREF_BACKEND_V1_SIZE);
	ck_assert_ptr_nonnull(v1);
	memcpy(v1, &full, NESTREF_BACKEND_V1_SIZE);
	ck_assert_int_eq(nestref_backend_register(v1), 0);
	/* The core keeps a copy: the caller's bytes may go. */
	free(v1);
	found = nestref_backend_find("old-one");
	ck_assert_ptr_nonnull(found);
	ck_assert_uint_eq(nestref_backend_profiles(found),
			  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_2));
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, NULL, 0), 0);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x1234, &dev), 0);
	nestref_le_put(sid, 4, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, dev, sid, 4,
						   NULL),
			 0);
	/* hw_info is a version-2 slot: absent, whatever the caps say. */
	ck_assert_int_eq(nestref_hw_info(ctx, dev, &flags), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_unset_dev_user_data(ctx, dev), 0);
	nestref_ctx_free(ctx);

	full.name = "too-new";
	full.version = NESTREF_BACKEND_VERSION + 1;
	ck_assert_int_eq(nestref_backend_register(&full), -EINVAL);
	full.version = 0;
	ck_assert_int_eq(nestref_backend_register(&full), -EINVAL);
	ck_assert_ptr_null(nestref_backend_find("too-new"));
}
END_TEST

/*
 * Version 2 names its profiles: a name the library does not know is
 * ignored, and no known name at all is EINVAL (a backend for nothing).
 */
START_TEST(backend_profiles_by_name)
{
	static const char *const names[] = { "linux-6.13", "linux-9.9",
					      "linux-next", NULL };
	static const char *const unknown[] = { "linux-9.9", NULL };
	struct nestref_backend b = {
		.version = NESTREF_BACKEND_VERSION,
		.name = "by-name",
		.profile_names = names,
	};

	ck_assert_int_eq(nestref_backend_register(&b), 0);
	ck_assert_uint_eq(nestref_backend_profiles(nestref_backend_find("by-name")),
			  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_6_13) |
				  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_4));
	b.name = "for-nothing";
	b.profile_names = unknown;
	ck_assert_int_eq(nestref_backend_register(&b), -EINVAL);
}
END_TEST

START_TEST(ctx_smmu_features)
{
	struct nestref_smmuv3_features f, got;
	struct nestref_ctx_opts opts = { .size = sizeof(opts), .ext_opts = &f };
	struct nestref_ctx *ctx = ctx_open("mock", NESTREF_PROFILE_LINUX_6_13);
	uint32_t size;

	/* No ext_opts: the core keeps nothing, the extension its defaults. */
	ck_assert_ptr_null(nestref_ctx_ext_opts(ctx, &size));
	ck_assert_uint_eq(size, 0);
	nestref_smmuv3_ctx_features(ctx, &got);
	ck_assert_uint_eq(got.sidsize, 32);
	ck_assert_uint_eq(got.ssidsize, 20);
	ck_assert(got.ril && !got.ds);
	nestref_ctx_free(ctx);
	nestref_smmuv3_features_default(&f);
	f.sidsize = 16;
	opts.backend = "mock";
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, NULL, 0), 0);
	/* The core copied size bytes, so the caller's struct may go. */
	f.sidsize = 8;
	nestref_smmuv3_ctx_features(ctx, &got);
	ck_assert_uint_eq(got.sidsize, 16);
	nestref_ctx_free(ctx);
	/* A shorter (older) struct keeps the defaults it lacks. */
	f.size = (uint32_t)offsetof(struct nestref_smmuv3_features, ssidsize);
	f.ssidsize = 3;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, NULL, 0), 0);
	nestref_smmuv3_ctx_features(ctx, &got);
	ck_assert_uint_eq(got.sidsize, 8);
	ck_assert_uint_eq(got.ssidsize, 20);
	nestref_ctx_free(ctx);
	/* An implausible size is EINVAL, not a huge copy. */
	f.size = 1u << 30;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, NULL, 0), -EINVAL);
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

	/* linux-7.2: one vDEVICE per device, so the second set is EEXIST. */
	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_7_2);
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
	/* Step 4 comes before the driver, and the rule says it spoke. */
	ck_assert_uint_eq(fake_knobs.set_calls, 1);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     " [rule one-vdevice-per-device, linux-7.2]"));
	nestref_ctx_free(f.ctx);
	/* linux-6.13 has no such rule: the driver takes a second vDEVICE. */
	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, NULL), 0);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x98, NULL), 0);
	ck_assert_uint_eq(fake_knobs.set_calls, 2);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(set_length_rules_follow_the_profile)
{
	/* _i is the profile; only rfc-v3 says EFAULT. */
	static const int tail_errno[NESTREF_PROFILE_COUNT] = {
		[NESTREF_PROFILE_LINUX_7_2] = -E2BIG,
		[NESTREF_PROFILE_RFC_V3] = -EFAULT,
		[NESTREF_PROFILE_LINUX_7_4] = -E2BIG,
		[NESTREF_PROFILE_LINUX_6_13] = -E2BIG,
	};
	unsigned char data[8] = { 0x99, 0, 0, 0, 0, 0, 0, 0 };
	struct nestref_viommu *viommu;
	struct fixture f;

	fixture_open(&f, "fake", (enum nestref_profile)_i);
	/* Longer with a zero tail: accepted. */
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.d0, data,
						   8, NULL),
			 0);
	viommu = nr_obj_viommu(nr_lookup(f.ctx, f.viommu, NR_OBJ_VIOMMU));
	ck_assert_ptr_nonnull(nestref_viommu_find_dev(viommu, 0x99));
	/* Longer with a non-zero tail: the profile's errno, nothing set. */
	data[0] = 0x42;
	data[7] = 1;
	ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, f.viommu, f.d1, data,
						   8, NULL),
			 tail_errno[_i]);
	/* EFAULT is the rule's answer, and its message says so. */
	ck_assert_int_eq(strstr(nestref_ctx_message(f.ctx),
				" [rule user-data-tail-efault, rfc-v3]") != NULL,
			 _i == NESTREF_PROFILE_RFC_V3);
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
	viommu = nr_obj_viommu(nr_lookup(f.ctx, f.viommu, NR_OBJ_VIOMMU));
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
	viommu = nr_obj_viommu(nr_lookup(f.ctx, f.viommu, NR_OBJ_VIOMMU));
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
			 (void *)nr_obj_dev(nr_lookup(f.ctx, f.d1, NR_OBJ_DEVICE)));
	nestref_ctx_free(f.ctx);
	ck_assert_uint_eq(fake_knobs.unset_calls, 2);
}
END_TEST

/* Destroy (kernel-facts 2.3) ------------------------------------------ */

START_TEST(destroy_rules)
{
	struct fixture f;
	uint32_t vdev;

	/* _i is the profile: these rules hold under every one. */
	fixture_open(&f, "fake", (enum nestref_profile)_i);
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

/*
 * The stage-2 tag's width is the architecture's, so the core passes any
 * value and the backend decides: SMMUv3's VMID is 16 bits (8 without
 * IDR0.VMID16), the selftest mock takes what it is given.
 */
START_TEST(viommu_s2_id_width_is_the_backends)
{
	struct nestref_ctx *ctx = ctx_open("mock", NESTREF_PROFILE_LINUX_6_13);
	struct nestref_viommu *viommu;
	uint32_t id;

	ck_assert_int_eq(nestref_viommu_alloc(ctx, 0x10000, &id), 0);
	viommu = nestref_ctx_viommu(ctx, id);
	ck_assert_ptr_nonnull(viommu);
	ck_assert_uint_eq(nestref_viommu_s2_id(viommu), 0x10000);
	ck_assert_uint_eq(nestref_viommu_head(viommu)->s2_id, 0x10000);
	ck_assert_ptr_null(nestref_ctx_dev(ctx, id));
	nestref_ctx_free(ctx);
	ctx = ctx_open("smmuv3-sim", NESTREF_PROFILE_LINUX_6_13);
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

	/* linux-7.2: the bounds of invalidate-bounds apply (kernel-facts 2.7). */
	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, &vdev), 0);
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, NULL), -EFAULT);
	a = arr(1, NULL, 0);
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	ck_assert_uint_eq(a.entry_num, 0);
	a = arr(1, cmds, sizeof(cmds));
	a.entry_len = 0;
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	a = arr(1, cmds, sizeof(cmds));
	a.entry_len = 4096u + 1;
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	ck_assert_uint_eq(a.entry_num, 0);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "entry_len 4097 exceeds PAGE_SIZE 4096 [rule invalidate-bounds, linux-7.2]"));
	a = arr(NESTREF_INV_ENTRY_NUM_MAX + 1, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), -EINVAL);
	ck_assert_uint_eq(a.entry_num, 0);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     " [rule invalidate-bounds, linux-7.2]"));
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
	a.entry_len = 4096u * 2;
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

START_TEST(invalidate_core_loop_follows_the_profile)
{
	static unsigned char cmds[16 * 10];
	struct nestref_user_array a;
	struct fixture f;
	int i;

	for (i = 0; i < 10; i++)
		cmds[16 * i] = NESTREF_SMMUV3_CFGI_CD_ALL;
	/* Every profile but linux-7.4: one call, the driver's own count. */
	for (i = 0; i < NESTREF_PROFILE_COUNT; i++) {
		if (i == NESTREF_PROFILE_LINUX_7_4)
			continue;
		fixture_open(&f, "fake", (enum nestref_profile)i);
		ck_assert(!nestref_ctx_rule(f.ctx,
					    NESTREF_RULE_INVALIDATE_CORE_LOOP));
		fake_knobs.chunk = 3;
		a = arr(10, cmds, sizeof(cmds));
		ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a), 0);
		ck_assert_uint_eq(a.entry_num, 3);
		ck_assert_uint_eq(fake_knobs.invalidate_calls, 1);
		nestref_ctx_free(f.ctx);
	}
	/* linux-7.4: the core calls again on the rest (3.5). */
	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_7_4);
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
	const struct nestref_smmuv3_cache_entry *ce;
	struct nestref_smmuv3_cache_entry e = { 0 };
	struct fixture f;
	size_t n;

	fixture_open(&f, "fake-noops", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_check_cache(f.ctx, f.d0, 0, 0), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_smmuv3_issued(f.ctx, &cmds, &n), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_smmuv3_caches_fill(f.ctx, &e, 1), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_smmuv3_caches_get(f.ctx, &ce, &n), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "observe-caches"));
	{
		const struct nestref_counter *c;
		const struct nestref_smmuv3_trace_event *ev;

		ck_assert_int_eq(nestref_counters(f.ctx, &c, &n), -EOPNOTSUPP);
		ck_assert_int_eq(nestref_smmuv3_trace(f.ctx, &ev, &n), -EOPNOTSUPP);
		nestref_smmuv3_trace_clear(f.ctx);
	}
	nestref_smmuv3_issued_clear(f.ctx);
	nestref_ctx_free(f.ctx);
	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_check_cache(f.ctx, 9999, 0, 0), -ENOENT);
	ck_assert_int_eq(nestref_smmuv3_caches_fill(f.ctx, &e, 1), 0);
	ck_assert_int_eq(nestref_smmuv3_caches_get(f.ctx, &ce, &n), 0);
	ck_assert_uint_eq(n, 1);
	nestref_ctx_free(f.ctx);
}
END_TEST

START_TEST(cache_entry_cmp_orders_every_field)
{
	struct nestref_smmuv3_cache_entry a = { 0 }, b = { 0 };

	ck_assert_int_eq(nestref_smmuv3_cache_entry_cmp(&a, &b), 0);
	b.span = 1;
	ck_assert_int_lt(nestref_smmuv3_cache_entry_cmp(&a, &b), 0);
	ck_assert_int_gt(nestref_smmuv3_cache_entry_cmp(&b, &a), 0);
	a.kind = NESTREF_SMMUV3_CACHE_ATC;
	ck_assert_int_gt(nestref_smmuv3_cache_entry_cmp(&a, &b), 0);
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
	/* Name order: exec, fake, fake-evq, fake-noops, fake-rfc, iommufd,
	 * mock, smmuv3-sim. */
	ck_assert_uint_eq(nestref_backend_count(), 8);
	for (i = 1; i < nestref_backend_count(); i++)
		ck_assert_int_lt(strcmp(nestref_backend_name(nestref_backend_at(i - 1)),
					nestref_backend_name(nestref_backend_at(i))),
				 0);
	ck_assert_ptr_null(nestref_backend_at(8));
}
END_TEST

/* invalidate-bounds per profile (kernel-facts 2.7) --------------------- */

/*
 * _i is the profile.  Where the rule holds, the core refuses an entry_len
 * one past PAGE_SIZE and an entry_num past 2^19 without calling the
 * driver; where it does not (linux-6.13, rfc-v3), both reach the driver,
 * which faults reading entries past the 128 bytes given.
 */
START_TEST(invalidate_bounds_follow_the_profile)
{
	static unsigned char cmds[16 * 8];
	const uint32_t bounds = NESTREF_RULE_BIT(NESTREF_RULE_INVALIDATE_BOUNDS);
	const bool bounded =
		(nestref_profile_rules((enum nestref_profile)_i) & bounds) != 0;
	struct nestref_user_array a;
	struct fixture f;
	char suffix[64];

	fixture_open(&f, "fake", (enum nestref_profile)_i);
	ck_assert(nestref_ctx_rule(f.ctx, NESTREF_RULE_INVALIDATE_BOUNDS) ==
		  bounded);
	/* Released 7.2 and 7.4 have the bounds; 6.13 and the RFC do not. */
	ck_assert(bounded == (_i == NESTREF_PROFILE_LINUX_7_2 ||
			      _i == NESTREF_PROFILE_LINUX_7_4));
	snprintf(suffix, sizeof(suffix), " [rule invalidate-bounds, %s]",
		 nestref_profile_name((enum nestref_profile)_i));
	a = arr(1, cmds, sizeof(cmds));
	a.entry_len = 4096u + 1;
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a),
			 bounded ? -EINVAL : -EFAULT);
	ck_assert_uint_eq(a.entry_num, 0);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, bounded ? 0 : 1);
	ck_assert_int_eq(strstr(nestref_ctx_message(f.ctx), suffix) != NULL,
			 bounded);
	a = arr(NESTREF_INV_ENTRY_NUM_MAX + 1, cmds, sizeof(cmds));
	ck_assert_int_eq(nestref_invalidate(f.ctx, f.viommu, &a),
			 bounded ? -EINVAL : -EFAULT);
	ck_assert_uint_eq(a.entry_num, 0);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, bounded ? 0 : 2);
	if (!bounded)
		ck_assert_uint_eq(fake_knobs.last_entry_num,
				  NESTREF_INV_ENTRY_NUM_MAX + 1);
	nestref_ctx_free(f.ctx);
}
END_TEST

/* Context options: page_size and rules_off ---------------------------- */

static int ctx_new_opts(struct nestref_ctx **ctx, enum nestref_profile profile,
			uint32_t page_size, uint32_t rules_off, char *msg,
			size_t msg_len)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.profile = profile,
		.backend = "fake",
		.page_size = page_size,
		.rules_off = rules_off,
	};

	fake_backend_setup();
	return nestref_ctx_new(ctx, &opts, msg, msg_len);
}

static void fixture_open_opts(struct fixture *f, enum nestref_profile profile,
			      uint32_t page_size, uint32_t rules_off)
{
	char msg[256];
	int rc = ctx_new_opts(&f->ctx, profile, page_size, rules_off, msg,
			      sizeof(msg));

	ck_assert_msg(rc == 0, "ctx_new: %d %s", rc, msg);
	ck_assert_int_eq(nestref_viommu_alloc(f->ctx, 5, &f->viommu), 0);
	ck_assert_int_eq(nestref_dev_add(f->ctx, 0x1234, &f->d0), 0);
	ck_assert_int_eq(nestref_dev_add(f->ctx, 0x2000, &f->d1), 0);
}

/* One CFGI_CD_ALL of entry_len bytes (zero beyond its 16) on the fake. */
static int invalidate_one(struct fixture *f, uint32_t entry_len,
			  uint32_t *entry_num)
{
	static unsigned char buf[65536 + 1];
	struct nestref_user_array a;
	int rc;

	memset(buf, 0, sizeof(buf));
	buf[0] = NESTREF_SMMUV3_CFGI_CD_ALL;
	a = arr(1, buf, entry_len);
	a.entry_len = entry_len;
	rc = nestref_invalidate(f->ctx, f->viommu, &a);
	*entry_num = a.entry_num;
	return rc;
}

/*
 * rules_off (ablation only): switching invalidate-bounds off under
 * linux-7.2 lets an entry one byte past PAGE_SIZE, with a zero tail,
 * reach the driver and succeed; every other rule of the profile stays.
 */
START_TEST(rules_off_switches_one_rule_off)
{
	const uint32_t off = NESTREF_RULE_BIT(NESTREF_RULE_INVALIDATE_BOUNDS);
	const uint32_t rules = nestref_profile_rules(NESTREF_PROFILE_LINUX_7_2);
	struct nestref_ctx *ctx = (void *)1;
	struct fixture f;
	uint32_t n;
	char msg[128];
	int r;

	fixture_open_opts(&f, NESTREF_PROFILE_LINUX_7_2, 0, 0);
	ck_assert_int_eq(invalidate_one(&f, 4097, &n), -EINVAL);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 0);
	nestref_ctx_free(f.ctx);

	fixture_open_opts(&f, NESTREF_PROFILE_LINUX_7_2, 0, off);
	ck_assert_int_eq(nestref_ctx_profile(f.ctx), NESTREF_PROFILE_LINUX_7_2);
	for (r = 0; r < NESTREF_RULE_COUNT; r++)
		ck_assert_msg(nestref_ctx_rule(f.ctx, (enum nestref_rule)r) ==
				      (r != NESTREF_RULE_INVALIDATE_BOUNDS &&
				       (rules & NESTREF_RULE_BIT(r)) != 0),
			      "rule %s",
			      nestref_rule_name((enum nestref_rule)r));
	ck_assert_int_eq(invalidate_one(&f, 4097, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 1);
	nestref_ctx_free(f.ctx);

	/* Switching off a rule the profile does not follow changes nothing. */
	fixture_open_opts(&f, NESTREF_PROFILE_LINUX_7_2, 0,
			  NESTREF_RULE_BIT(NESTREF_RULE_INVALIDATE_CORE_LOOP));
	ck_assert(!nestref_ctx_rule(f.ctx, NESTREF_RULE_INVALIDATE_CORE_LOOP));
	ck_assert(nestref_ctx_rule(f.ctx, NESTREF_RULE_INVALIDATE_BOUNDS));
	nestref_ctx_free(f.ctx);

	/* A bit that names no rule is refused. */
	ck_assert_int_eq(ctx_new_opts(&ctx, NESTREF_PROFILE_LINUX_7_2, 0,
				      1u << NESTREF_RULE_COUNT, msg,
				      sizeof(msg)),
			 -EINVAL);
	ck_assert_ptr_null(ctx);
	ck_assert_ptr_nonnull(strstr(msg, "rules_off"));
}
END_TEST

/*
 * page_size is the kernel's PAGE_SIZE: it bounds entry_len under
 * invalidate-bounds (the limit itself passes), and only 4096, 16384 and
 * 65536 are pages Linux builds with.
 */
START_TEST(page_size_bounds_entry_len)
{
	static const uint32_t bad[] = { 1, 512, 4095, 4097, 8192, 32768,
					131072, UINT32_MAX };
	struct nestref_ctx *ctx = (void *)1;
	struct fixture f;
	char msg[128];
	uint32_t n;
	size_t i;

	/* The default, 4096. */
	fixture_open_opts(&f, NESTREF_PROFILE_LINUX_7_2, 0, 0);
	ck_assert_uint_eq(nestref_ctx_page_size(f.ctx), 4096);
	ck_assert_int_eq(invalidate_one(&f, 4096, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(invalidate_one(&f, 4097, &n), -EINVAL);
	nestref_ctx_free(f.ctx);

	/* 16 KiB pages raise the bound to 16384. */
	fixture_open_opts(&f, NESTREF_PROFILE_LINUX_7_2, 16384, 0);
	ck_assert_uint_eq(nestref_ctx_page_size(f.ctx), 16384);
	ck_assert_int_eq(invalidate_one(&f, 4097, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(invalidate_one(&f, 16384, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 2);
	ck_assert_int_eq(invalidate_one(&f, 16385, &n), -EINVAL);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(fake_knobs.invalidate_calls, 2);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     "entry_len 16385 exceeds PAGE_SIZE 16384"));
	nestref_ctx_free(f.ctx);

	/* 64 KiB pages. */
	fixture_open_opts(&f, NESTREF_PROFILE_LINUX_7_2, 65536, 0);
	ck_assert_uint_eq(nestref_ctx_page_size(f.ctx), 65536);
	ck_assert_int_eq(invalidate_one(&f, 65536, &n), 0);
	ck_assert_int_eq(invalidate_one(&f, 65537, &n), -EINVAL);
	nestref_ctx_free(f.ctx);

	/* Anything else is EINVAL from nestref_ctx_new, with no context. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(ctx_new_opts(&ctx, NESTREF_PROFILE_LINUX_7_2,
					   bad[i], 0, msg, sizeof(msg)) ==
				      -EINVAL,
			      "page_size %u", bad[i]);
		ck_assert_ptr_null(ctx);
		ck_assert_ptr_nonnull(strstr(msg, "page_size"));
	}
}
END_TEST

/* The largest kmalloc: PAGE_SIZE << 10, 11, 13 (kernel-facts 3.4). */
START_TEST(kmalloc_max_follows_page_size)
{
	static const struct {
		uint32_t page_size;
		uint64_t max;
	} rows[] = {
		{ 0, UINT64_C(4) << 20 },
		{ 4096, UINT64_C(4) << 20 },
		{ 16384, UINT64_C(32) << 20 },
		{ 65536, UINT64_C(512) << 20 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct nestref_ctx *ctx;

		ck_assert_int_eq(ctx_new_opts(&ctx, NESTREF_PROFILE_LINUX_7_2,
					      rows[i].page_size, 0, NULL, 0),
				 0);
		ck_assert_msg(nestref_ctx_kmalloc_max(ctx) == rows[i].max,
			      "page_size %u: %llu", rows[i].page_size,
			      (unsigned long long)nestref_ctx_kmalloc_max(ctx));
		nestref_ctx_free(ctx);
	}
}
END_TEST

/* Devices with several StreamIDs (kernel-facts 3.2) -------------------- */

START_TEST(dev_add_streams_rules)
{
	static const uint32_t psids[NESTREF_DEV_STREAMS_MAX + 1] = {
		0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	};
	struct nestref_dev *dev;
	struct nestref_ctx *ctx;
	uint32_t id = 77;

	fake_backend_setup();
	ctx = ctx_open("fake", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_dev_add_streams(ctx, psids, 0, &id), -EINVAL);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx), "1 to 8"));
	ck_assert_int_eq(nestref_dev_add_streams(ctx, psids,
						 NESTREF_DEV_STREAMS_MAX + 1,
						 &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_dev_add_streams(ctx, psids, SIZE_MAX, &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_dev_add_streams(ctx, NULL, 1, &id), -EINVAL);
	ck_assert_uint_eq(id, 77);
	/* Refusals take no ID: the first device is still 1. */
	ck_assert_int_eq(nestref_dev_add_streams(ctx, psids,
						 NESTREF_DEV_STREAMS_MAX, &id),
			 0);
	ck_assert_uint_eq(id, 1);
	dev = nr_obj_dev(nr_lookup(ctx, id, NR_OBJ_DEVICE));
	ck_assert_ptr_nonnull(dev);
	ck_assert_ptr_eq(nestref_ctx_dev(ctx, id), dev);
	ck_assert_uint_eq(nestref_dev_psid(dev), 0x10);
	ck_assert_uint_eq(nestref_dev_stream_count(dev), 8);
	/* The first StreamID given is the one a vSID reaches. */
	ck_assert_int_eq(nestref_dev_add_streams(ctx, psids + 3, 2, &id), 0);
	ck_assert_uint_eq(id, 2);
	dev = nr_obj_dev(nr_lookup(ctx, id, NR_OBJ_DEVICE));
	ck_assert_uint_eq(nestref_dev_psid(dev), 0x13);
	ck_assert_uint_eq(nestref_dev_stream_count(dev), 2);
	/* Each one by index, in the order given; 0 past the end. */
	ck_assert_uint_eq(nestref_dev_stream(dev, 0), 0x13);
	ck_assert_uint_eq(nestref_dev_stream(dev, 1), 0x14);
	ck_assert_uint_eq(nestref_dev_stream(dev, 2), 0);
	/* nestref_dev_add is one StreamID. */
	ck_assert_int_eq(nestref_dev_add(ctx, 0x99, &id), 0);
	dev = nr_obj_dev(nr_lookup(ctx, id, NR_OBJ_DEVICE));
	ck_assert_uint_eq(nestref_dev_psid(dev), 0x99);
	ck_assert_uint_eq(nestref_dev_stream_count(dev), 1);
	nestref_ctx_free(ctx);
}
END_TEST

/* A user-data length set when the context opens (the exec backend's). */
START_TEST(ctx_dev_user_data_len)
{
	static const unsigned char data[8] = { 0x99, 0, 0, 0, 0, 0, 0, 1 };
	struct nestref_ctx *ctx;
	uint32_t viommu, dev;

	fake_backend_setup();
	ctx = ctx_open("fake", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x10, &dev), 0);
	/* The fake's struct has 4 bytes; the context's now 8... */
	nestref_ctx_set_dev_user_data_len(ctx, 8);
	ck_assert_uint_eq(nestref_dev_user_data_len(ctx), 8);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, dev, data, 8,
						   NULL),
			 0);
	ck_assert_int_eq(nestref_unset_dev_user_data(ctx, dev), 0);
	/* ...then 4: a non-zero byte past them is E2BIG... */
	nestref_ctx_set_dev_user_data_len(ctx, 4);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, dev, data, 8,
						   NULL),
			 -E2BIG);
	/* ...and no user data at all: EOPNOTSUPP. */
	nestref_ctx_set_dev_user_data_len(ctx, 0);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, dev, data, 4,
						   NULL),
			 -EOPNOTSUPP);
	nestref_ctx_free(ctx);
}
END_TEST

/* vdevice-tombstone (kernel-facts 2.9) --------------------------------- */

/*
 * Opens the fixture, gives d0 user data (object 4: the vIOMMU is 1, the
 * devices 2 and 3) and destroys d0 under it.
 */
static uint32_t destroy_device_with_vdevice(struct fixture *f,
					    enum nestref_profile profile,
					    uint32_t rules_off)
{
	struct nestref_viommu *viommu;
	uint32_t vdev;

	fixture_open_opts(f, profile, 0, rules_off);
	ck_assert_int_eq(set_vsid(f, f->d0, 0x99, &vdev), 0);
	ck_assert_uint_eq(vdev, 4);
	ck_assert_int_eq(nestref_destroy(f->ctx, f->d0), 0);
	/* The vDEVICE went with its device, and its vSID and pin too. */
	ck_assert_uint_eq(fake_knobs.unset_calls, 1);
	viommu = nr_obj_viommu(nr_lookup(f->ctx, f->viommu, NR_OBJ_VIOMMU));
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x99));
	ck_assert_uint_eq(viommu->users, 0);
	return vdev;
}

START_TEST(tombstone_keeps_the_vdevice_id_under_7_2)
{
	struct fixture f;
	uint32_t vdev, id, i;

	vdev = destroy_device_with_vdevice(&f, NESTREF_PROFILE_LINUX_7_2, 0);
	ck_assert(nr_ids_is_tombstone(&f.ctx->ids, vdev));
	/* IOMMU_DESTROY on it is ENOENT, and the rule says why. */
	ck_assert_int_eq(nestref_destroy(f.ctx, vdev), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(f.ctx),
				     " [rule vdevice-tombstone, linux-7.2]"));
	ck_assert_int_eq(nestref_destroy(f.ctx, vdev), -ENOENT);
	/* Typed lookups find nothing there either. */
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, vdev), -ENOENT);
	ck_assert_int_eq(nestref_check_cache(f.ctx, vdev, 0, 0x99), -ENOENT);
	/* No later object gets it: d0's ID 2 comes back, then 5 and up. */
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x3000, &id), 0);
	ck_assert_uint_eq(id, 2);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x4000, &id), 0);
	ck_assert_uint_eq(id, 5);
	ck_assert_int_eq(set_vsid(&f, id, 0x99, &id), 0);
	ck_assert_uint_eq(id, 6);
	ck_assert_int_eq(nestref_viommu_alloc(f.ctx, 7, &id), 0);
	ck_assert_uint_eq(id, 7);
	for (i = 0; i < 40; i++) {
		ck_assert_int_eq(nestref_dev_add(f.ctx, 0x5000 + i, &id), 0);
		ck_assert_uint_ne(id, vdev);
	}
	ck_assert(nr_ids_is_tombstone(&f.ctx->ids, vdev));
	/* A vDEVICE destroyed by its own ID is freed, not reserved. */
	ck_assert_int_eq(nestref_destroy(f.ctx, 6), 0);
	ck_assert(!nr_ids_is_tombstone(&f.ctx->ids, 6));
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x6000, &id), 0);
	ck_assert_uint_eq(id, 6);
	/* The context closes cleanly around the reserved slot. */
	nestref_ctx_free(f.ctx);
	ck_assert_uint_eq(fake_knobs.unset_calls, 2);
}
END_TEST

START_TEST(no_tombstone_under_6_13)
{
	struct fixture f;
	uint32_t vdev, id;

	/* linux-6.13: the ID is freed and handed out again. */
	vdev = destroy_device_with_vdevice(&f, NESTREF_PROFILE_LINUX_6_13, 0);
	ck_assert(!nr_ids_is_tombstone(&f.ctx->ids, vdev));
	ck_assert_int_eq(nestref_destroy(f.ctx, vdev), -ENOENT);
	ck_assert_ptr_null(strstr(nestref_ctx_message(f.ctx), "[rule"));
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x3000, &id), 0);
	ck_assert_uint_eq(id, 2);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x4000, &id), 0);
	ck_assert_uint_eq(id, vdev);
	nestref_ctx_free(f.ctx);
	/* linux-7.2 with the rule switched off behaves the same. */
	vdev = destroy_device_with_vdevice(
		&f, NESTREF_PROFILE_LINUX_7_2,
		NESTREF_RULE_BIT(NESTREF_RULE_VDEVICE_TOMBSTONE));
	ck_assert(!nr_ids_is_tombstone(&f.ctx->ids, vdev));
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x3000, &id), 0);
	ck_assert_int_eq(nestref_dev_add(f.ctx, 0x4000, &id), 0);
	ck_assert_uint_eq(id, vdev);
	nestref_ctx_free(f.ctx);
}
END_TEST

/* Several vDEVICEs per device (linux-6.13, kernel-facts 2.9) ----------- */

START_TEST(several_vdevices_per_device_under_6_13)
{
	struct nestref_viommu *viommu, *viommu2;
	struct nestref_dev *d0;
	struct fixture f;
	uint32_t a, b, c, v2, in_v2;

	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	ck_assert(!nestref_ctx_rule(f.ctx,
				    NESTREF_RULE_ONE_VDEVICE_PER_DEVICE));
	viommu = nr_obj_viommu(nr_lookup(f.ctx, f.viommu, NR_OBJ_VIOMMU));
	d0 = nr_obj_dev(nr_lookup(f.ctx, f.d0, NR_OBJ_DEVICE));
	/* Two sets with different virt_ids on one device: two vDEVICEs. */
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, &a), 0);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x98, &b), 0);
	ck_assert_uint_ne(a, b);
	ck_assert_ptr_eq(nestref_viommu_find_dev(viommu, 0x99), d0);
	ck_assert_ptr_eq(nestref_viommu_find_dev(viommu, 0x98), d0);
	ck_assert_uint_eq(nestref_dev_vdevice_count(d0), 2);
	ck_assert_uint_eq(viommu->users, 2);
	/* A virt_id is still unique in its vIOMMU, for this device too. */
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x98, NULL), -EEXIST);
	ck_assert_int_eq(set_vsid(&f, f.d1, 0x99, NULL), -EEXIST);
	/* Another vIOMMU may use the same virt_id for the same device. */
	ck_assert_int_eq(nestref_viommu_alloc(f.ctx, 6, &v2), 0);
	viommu2 = nr_obj_viommu(nr_lookup(f.ctx, v2, NR_OBJ_VIOMMU));
	{
		unsigned char data[4];

		le32_put(data, 0x99);
		ck_assert_int_eq(nestref_set_dev_user_data(f.ctx, v2, f.d0,
							   data, 4, &in_v2),
				 0);
	}
	ck_assert_ptr_eq(nestref_viommu_find_dev(viommu2, 0x99), d0);
	ck_assert_uint_eq(nestref_dev_vdevice_count(d0), 3);

	/* Destroying each vDEVICE by ID unlinks only its own vSID. */
	ck_assert_int_eq(nestref_destroy(f.ctx, a), 0);
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x99));
	ck_assert_ptr_eq(nestref_viommu_find_dev(viommu, 0x98), d0);
	ck_assert_ptr_eq(nestref_viommu_find_dev(viommu2, 0x99), d0);
	ck_assert_uint_eq(viommu->users, 1);
	ck_assert_int_eq(nestref_destroy(f.ctx, in_v2), 0);
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu2, 0x99));
	ck_assert_ptr_eq(nestref_viommu_find_dev(viommu, 0x98), d0);
	ck_assert_int_eq(nestref_destroy(f.ctx, v2), 0);
	ck_assert_uint_eq(nestref_dev_vdevice_count(d0), 1);
	ck_assert_uint_eq(fake_knobs.unset_calls, 2);

	/* unset removes the newest. */
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x97, &c), 0);
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d0), 0);
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x97));
	ck_assert_ptr_eq(nestref_viommu_find_dev(viommu, 0x98), d0);
	ck_assert_int_eq(nestref_destroy(f.ctx, c), -ENOENT);
	/* The vIOMMU stays pinned while one is left. */
	ck_assert_int_eq(nestref_destroy(f.ctx, f.viommu), -EBUSY);
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d0), 0);
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x98));
	ck_assert_int_eq(nestref_destroy(f.ctx, b), -ENOENT);
	ck_assert_int_eq(nestref_unset_dev_user_data(f.ctx, f.d0), -ENOENT);
	ck_assert_uint_eq(viommu->users, 0);
	ck_assert_int_eq(nestref_destroy(f.ctx, f.viommu), 0);
	ck_assert_uint_eq(fake_knobs.unset_calls, 4);
	nestref_ctx_free(f.ctx);
}
END_TEST

/* Destroying a device with several vDEVICEs destroys each of them. */
START_TEST(device_destroy_takes_every_vdevice)
{
	struct nestref_viommu *viommu;
	struct fixture f;
	uint32_t a, b;

	fixture_open(&f, "fake", NESTREF_PROFILE_LINUX_6_13);
	viommu = nr_obj_viommu(nr_lookup(f.ctx, f.viommu, NR_OBJ_VIOMMU));
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x99, &a), 0);
	ck_assert_int_eq(set_vsid(&f, f.d0, 0x98, &b), 0);
	ck_assert_int_eq(nestref_destroy(f.ctx, f.d0), 0);
	ck_assert_uint_eq(fake_knobs.unset_calls, 2);
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x99));
	ck_assert_ptr_null(nestref_viommu_find_dev(viommu, 0x98));
	ck_assert_uint_eq(viommu->users, 0);
	ck_assert_int_eq(nestref_destroy(f.ctx, a), -ENOENT);
	ck_assert_int_eq(nestref_destroy(f.ctx, b), -ENOENT);
	ck_assert_int_eq(nestref_destroy(f.ctx, f.viommu), 0);
	nestref_ctx_free(f.ctx);
}
END_TEST

/* Profiles and rules as data ------------------------------------------ */

START_TEST(profile_names_and_the_alias)
{
	enum nestref_profile p, q;

	/* The default is zero, what zeroed options give: linux-7.2. */
	ck_assert_int_eq(NESTREF_PROFILE_DEFAULT, 0);
	ck_assert_str_eq(nestref_profile_name(NESTREF_PROFILE_DEFAULT),
			 "linux-7.2");
	ck_assert_str_eq(nestref_profile_name(NESTREF_PROFILE_RFC_V3),
			 "rfc-v3");
	ck_assert_str_eq(nestref_profile_name(NESTREF_PROFILE_LINUX_7_4),
			 "linux-7.4");
	ck_assert_str_eq(nestref_profile_name(NESTREF_PROFILE_LINUX_6_13),
			 "linux-6.13");
	/* linux-next is an old name of linux-7.4, not a profile of its own. */
	ck_assert_int_eq(NESTREF_PROFILE_LINUX_NEXT, NESTREF_PROFILE_LINUX_7_4);
	ck_assert_int_eq(nestref_profile_parse("linux-next", &p), 0);
	ck_assert_int_eq(p, NESTREF_PROFILE_LINUX_7_4);
	ck_assert_ptr_nonnull(nestref_profile_alias_note("linux-next"));
	ck_assert_ptr_nonnull(strstr(nestref_profile_alias_note("linux-next"),
				     "linux-7.4"));
	/* Only the alias has a note: no profile name, nothing unknown. */
	for (q = 0; q < NESTREF_PROFILE_COUNT; q++) {
		ck_assert_ptr_null(nestref_profile_alias_note(
			nestref_profile_name(q)));
		ck_assert_ptr_nonnull(nestref_profile_kernels(q));
		ck_assert_msg(!strcmp(nestref_profile_checked(q), "booted") ||
				      !strcmp(nestref_profile_checked(q),
					      "source-read"),
			      "%s", nestref_profile_checked(q));
	}
	ck_assert_ptr_null(nestref_profile_alias_note("linux-6.12"));
	ck_assert_ptr_null(nestref_profile_alias_note("Linux-Next"));
	ck_assert_ptr_null(nestref_profile_alias_note(""));
	ck_assert_ptr_null(nestref_profile_alias_note(NULL));
	ck_assert_int_eq(nestref_profile_parse("Linux-Next", &p), -EINVAL);
	ck_assert_int_eq(nestref_profile_parse(NULL, &p), -EINVAL);
	/* make check-kernel boots 7.2: the default is the booted one. */
	ck_assert_str_eq(nestref_profile_checked(NESTREF_PROFILE_LINUX_7_2),
			 "booted");
	ck_assert_ptr_null(nestref_profile_kernels(NESTREF_PROFILE_COUNT));
	ck_assert_ptr_null(nestref_profile_checked(NESTREF_PROFILE_COUNT));
	ck_assert_uint_eq(nestref_profile_rules(NESTREF_PROFILE_COUNT), 0);
}
END_TEST

START_TEST(every_rule_has_a_name_text_and_source)
{
	enum nestref_rule r, back;

	for (r = 0; r < NESTREF_RULE_COUNT; r++) {
		const char *name = nestref_rule_name(r);

		ck_assert_ptr_nonnull(name);
		ck_assert_int_eq(nestref_rule_parse(name, &back), 0);
		ck_assert_int_eq(back, r);
		ck_assert_ptr_nonnull(nestref_rule_text(r));
		ck_assert_uint_gt(strlen(nestref_rule_text(r)), 0);
		ck_assert_ptr_nonnull(nestref_rule_source(r));
		ck_assert_uint_gt(strlen(nestref_rule_source(r)), 0);
	}
	ck_assert_ptr_null(nestref_rule_name(NESTREF_RULE_COUNT));
	ck_assert_ptr_null(nestref_rule_text(NESTREF_RULE_COUNT));
	ck_assert_ptr_null(nestref_rule_source(NESTREF_RULE_COUNT));
	ck_assert_uint_eq(nestref_rule_caps(NESTREF_RULE_COUNT), 0);
	ck_assert_int_eq(nestref_rule_parse("no-such-rule", &back), -EINVAL);
	ck_assert_int_eq(nestref_rule_parse(NULL, &back), -EINVAL);
	ck_assert_str_eq(nestref_rule_name(NESTREF_RULE_INVALIDATE_BOUNDS),
			 "invalidate-bounds");
	/* The core's rules need no capability; the SMMUv3 driver's do. */
	ck_assert_uint_eq(nestref_rule_caps(NESTREF_RULE_VDEVICE_TOMBSTONE), 0);
	ck_assert_uint_eq(nestref_rule_caps(NESTREF_RULE_VDEVICE_ONE_STREAM),
			  NESTREF_CAP_INV_ARM_SMMUV3);
}
END_TEST

/*
 * The rules that separate the released kernels (docs/profiles.md 2):
 * 6.13 bounds nothing, allows several vDEVICEs and keeps no tombstone;
 * 7.2 does all three; only 7.4 loops in the core; only the RFC says
 * EFAULT.  A context follows exactly its profile's rules.
 */
START_TEST(profiles_follow_their_rules)
{
#define HAS(p, r) ((nestref_profile_rules(NESTREF_PROFILE_##p) & \
		    NESTREF_RULE_BIT(NESTREF_RULE_##r)) != 0)
	enum nestref_profile p;
	enum nestref_rule r;

	ck_assert(!HAS(LINUX_6_13, INVALIDATE_BOUNDS));
	ck_assert(!HAS(LINUX_6_13, ONE_VDEVICE_PER_DEVICE));
	ck_assert(!HAS(LINUX_6_13, VDEVICE_TOMBSTONE));
	ck_assert(HAS(LINUX_7_2, INVALIDATE_BOUNDS));
	ck_assert(HAS(LINUX_7_2, ONE_VDEVICE_PER_DEVICE));
	ck_assert(HAS(LINUX_7_2, VDEVICE_TOMBSTONE));
	ck_assert(!HAS(LINUX_7_2, INVALIDATE_CORE_LOOP));
	ck_assert(HAS(LINUX_7_4, INVALIDATE_CORE_LOOP));
	ck_assert(HAS(RFC_V3, USER_DATA_TAIL_EFAULT));
	ck_assert(!HAS(LINUX_7_2, USER_DATA_TAIL_EFAULT));
#undef HAS
	fake_backend_setup();
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		struct nestref_ctx *ctx = ctx_open("fake", p);

		ck_assert_uint_eq(nestref_profile_rules(p) &
					  ~((1u << NESTREF_RULE_COUNT) - 1),
				  0);
		for (r = 0; r < NESTREF_RULE_COUNT; r++)
			ck_assert(nestref_ctx_rule(ctx, r) ==
				  ((nestref_profile_rules(p) &
				    NESTREF_RULE_BIT(r)) != 0));
		nestref_ctx_free(ctx);
	}
}
END_TEST

/* A rule's answer names the rule and the profile. */
START_TEST(fail_rule_names_rule_and_profile)
{
	struct nestref_ctx *ctx;

	fake_backend_setup();
	ctx = ctx_open("fake", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_ctx_fail_rule(ctx, -EIO,
					       NESTREF_RULE_INVALIDATE_WHOLE_ARRAY,
					       "fake: %d entries", 3),
			 -EIO);
	ck_assert_str_eq(nestref_ctx_message(ctx),
			 "fake: 3 entries [rule invalidate-whole-array, linux-6.13]");
	nestref_ctx_free(ctx);
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ids_start_at_one_and_reuse_lowest);
	tcase_add_test(tc, ids_tombstone_is_never_handed_out);
	tcase_add_test(tc, ids_grow_past_initial_capacity);
	tcase_add_test(tc, vsid_table_matches_a_reference);
	tcase_add_test(tc, vsid_table_takes_64_bit_keys);
	tcase_add_test(tc, copy_struct_rules);
	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, ctx_new_checks_options);
	tcase_add_test(tc, backends_refuse_unknown_options);
	tcase_add_test(tc, ctx_smmu_features);
	tcase_add_test(tc, backend_version_1_is_read_at_its_size);
	tcase_add_test(tc, backend_profiles_by_name);
	tcase_add_test(tc, set_checks_in_rfc_order);
	tcase_add_loop_test(tc, set_length_rules_follow_the_profile, 0,
			    NESTREF_PROFILE_COUNT);
	tcase_add_test(tc, set_without_ops_is_eopnotsupp);
	tcase_add_test(tc, set_driver_error_rolls_back);
	tcase_add_test(tc, unset_and_reuse);
	tcase_add_loop_test(tc, destroy_rules, 0, NESTREF_PROFILE_COUNT);
	tcase_add_test(tc, viommu_s2_id_width_is_the_backends);
	tcase_add_test(tc, invalidate_core_checks);
	tcase_add_test(tc, invalidate_without_op_is_eopnotsupp);
	tcase_add_test(tc, invalidate_writes_entry_num_back_on_failure);
	tcase_add_test(tc, invalidate_core_loop_follows_the_profile);
	tcase_add_test(tc, user_array_copy_rules);
	tcase_add_test(tc, observation_needs_capabilities);
	tcase_add_test(tc, cache_entry_cmp_orders_every_field);
	tcase_add_test(tc, registry_rules);
	tcase_add_loop_test(tc, invalidate_bounds_follow_the_profile, 0,
			    NESTREF_PROFILE_COUNT);
	tcase_add_test(tc, rules_off_switches_one_rule_off);
	tcase_add_test(tc, page_size_bounds_entry_len);
	tcase_add_test(tc, kmalloc_max_follows_page_size);
	tcase_add_test(tc, dev_add_streams_rules);
	tcase_add_test(tc, ctx_dev_user_data_len);
	tcase_add_test(tc, tombstone_keeps_the_vdevice_id_under_7_2);
	tcase_add_test(tc, no_tombstone_under_6_13);
	tcase_add_test(tc, several_vdevices_per_device_under_6_13);
	tcase_add_test(tc, device_destroy_takes_every_vdevice);
	tcase_add_test(tc, profile_names_and_the_alias);
	tcase_add_test(tc, every_rule_has_a_name_text_and_source);
	tcase_add_test(tc, profiles_follow_their_rules);
	tcase_add_test(tc, fail_rule_names_rule_and_profile);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(core_suite());
}

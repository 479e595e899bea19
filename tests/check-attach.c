/* SPDX-License-Identifier: MIT */
/*
 * Nested HWPTs and attach (kernel-facts 2.11): the core's checks and
 * bookkeeping on the spy backend, a version-2 backend read at its size,
 * and what smmuv3-sim answers through the public API where no
 * vector can say it (vectors/smmuv3/vste-attach.yaml says the rest).
 */
#include <string.h>

#include "check-helpers.h"
#include "fake-backend.h"

static const unsigned char bypass[16] = { 0x09 }; /* V=1 CFG=4 */

struct objs {
	struct nestref_ctx *ctx;
	uint32_t viommu, dev, hwpt;
};

/* A vIOMMU, a device with user data, and one nested HWPT on the fake. */
static void objs_open(struct objs *o)
{
	unsigned char vsid[4];

	fake_backend_setup();
	o->ctx = ctx_open("fake", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_viommu_alloc(o->ctx, 5, &o->viommu), 0);
	ck_assert_int_eq(nestref_dev_add(o->ctx, 0x1234, &o->dev), 0);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(o->ctx, o->viommu, o->dev,
						   vsid, 4, NULL),
			 0);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o->ctx, o->viommu, 2,
						   bypass, 16, &o->hwpt),
			 0);
}

/* Without attach-nested both calls are EOPNOTSUPP and say why. */
START_TEST(needs_the_capability)
{
	struct nestref_ctx *ctx;
	uint32_t viommu, id = 0;

	fake_backend_setup();
	ctx = ctx_open("fake-noops", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, bypass, 16,
						   &id),
			 -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "attach-nested"));
	ck_assert_int_eq(nestref_dev_attach(ctx, 1, 2), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "attach-nested"));
	ck_assert_uint_eq(id, 0);
	nestref_ctx_free(ctx);
}
END_TEST

/* iommufd_hwpt_alloc's order (kernel-facts 2.11). */
START_TEST(alloc_checks_in_kernel_order)
{
	struct objs o;
	uint32_t id = 0, next;

	objs_open(&o);
	/* Data with NONE, or a type without data: EINVAL, before the ID. */
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, 9999, 0, bypass, 16,
						   &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.viommu, 2, bypass,
						   0, &id),
			 -EINVAL);
	/* A pt_id that is no vIOMMU, known or not: EINVAL. */
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, 9999, 2, bypass, 16,
						   &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.dev, 2, bypass, 16,
						   &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.hwpt, 2, bypass,
						   16, &id),
			 -EINVAL);
	/* No data at all: EOPNOTSUPP. */
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.viommu, 0, NULL, 0,
						   &id),
			 -EOPNOTSUPP);
	ck_assert_uint_eq(fake_knobs.hwpt_inits, 1);
	/* The driver's error comes back, and its ID is given back. */
	fake_knobs.hwpt_rc = -EIO;
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.viommu, 2, bypass,
						   16, &id),
			 -EIO);
	ck_assert_uint_eq(id, 0);
	fake_knobs.hwpt_rc = 0;
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.viommu, 2, bypass,
						   16, &next),
			 0);
	ck_assert_uint_eq(next, o.hwpt + 1);
	nestref_ctx_free(o.ctx);
	ck_assert_uint_eq(fake_knobs.hwpt_destroys, 2);
}
END_TEST

/* iommufd_device_change_pt and iommufd_device_do_replace (2.11). */
START_TEST(attach_checks_and_replace)
{
	struct objs o;
	uint32_t second;

	objs_open(&o);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.viommu, o.hwpt), -ENOENT);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, 9999), -ENOENT);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, o.viommu), -EINVAL);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(o.ctx), "a vIOMMU"));
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, o.dev), -EINVAL);
	ck_assert_uint_eq(fake_knobs.attach_calls, 0);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, o.hwpt), 0);
	ck_assert_ptr_null(fake_knobs.last_old_hwpt);
	/* The same HWPT again: nothing reaches the driver. */
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, o.hwpt), 0);
	ck_assert_uint_eq(fake_knobs.attach_calls, 1);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.viommu, 2, bypass,
						   16, &second),
			 0);
	/* A refused replace keeps the old attachment. */
	fake_knobs.attach_rc = -ENOENT;
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, second), -ENOENT);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.hwpt), -EBUSY);
	ck_assert_int_eq(nestref_destroy(o.ctx, second), 0);
	fake_knobs.attach_rc = 0;
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.viommu, 2, bypass,
						   16, &second),
			 0);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, second), 0);
	ck_assert_uint_eq(nestref_hwpt_id(fake_knobs.last_old_hwpt), o.hwpt);
	/* The replaced one is free to go, the new one is held. */
	ck_assert_int_eq(nestref_destroy(o.ctx, o.hwpt), 0);
	ck_assert_int_eq(nestref_destroy(o.ctx, second), -EBUSY);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(o.ctx), "attached"));
	nestref_ctx_free(o.ctx);
}
END_TEST

/* kernel-facts 2.3: users before what they use. */
START_TEST(destroy_order)
{
	struct objs o;

	objs_open(&o);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, o.hwpt), 0);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.hwpt), -EBUSY);
	/* The vDEVICE goes, the HWPT still holds the vIOMMU. */
	ck_assert_int_eq(nestref_unset_dev_user_data(o.ctx, o.dev), 0);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.viommu), -EBUSY);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(o.ctx),
				     "nested HWPT"));
	/* Destroying the device detaches it. */
	ck_assert_int_eq(nestref_destroy(o.ctx, o.dev), 0);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.hwpt), 0);
	ck_assert_int_eq(fake_knobs.hwpt_destroys, 1);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.viommu), 0);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, o.hwpt), -ENOENT);
	nestref_ctx_free(o.ctx);
}
END_TEST

/* The context's free takes attached devices, HWPTs and vIOMMUs. */
START_TEST(ctx_free_takes_everything)
{
	struct objs o;
	uint32_t dev2, hwpt2;

	objs_open(&o);
	ck_assert_int_eq(nestref_dev_add(o.ctx, 0x5678, &dev2), 0);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(o.ctx, o.viommu, 2, bypass,
						   16, &hwpt2),
			 0);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, o.dev, hwpt2), 0);
	ck_assert_int_eq(nestref_dev_attach(o.ctx, dev2, hwpt2), 0);
	nestref_ctx_free(o.ctx);
	ck_assert_uint_eq(fake_knobs.hwpt_destroys, 2);
}
END_TEST

static int v2_hwpt_init(struct nestref_hwpt *hwpt, uint32_t data_type,
			const void *data, size_t len)
{
	(void)hwpt;
	(void)data_type;
	(void)data;
	(void)len;
	return 0;
}

/*
 * A version-2 backend has no version-3 slot, whatever sits past its
 * size: the calls are EOPNOTSUPP (the version rule, writing-backends 8).
 */
START_TEST(backend_version_2_is_read_at_its_size)
{
	struct nestref_backend full = {
		.version = 2,
		.name = "old-two",
		.caps = NESTREF_CAP_ATTACH_NESTED,
		.profiles = NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_2),
		.hwpt_nested_init = v2_hwpt_init,
	};
	struct nestref_backend *v2;
	struct nestref_ctx *ctx;
	uint32_t viommu, id;

	ck_assert_uint_lt(NESTREF_BACKEND_V2_SIZE, sizeof(full));
	ck_assert_uint_lt(NESTREF_BACKEND_V1_SIZE, NESTREF_BACKEND_V2_SIZE);
	v2 = malloc(NESTREF_BACKEND_V2_SIZE);
	ck_assert_ptr_nonnull(v2);
	memcpy(v2, &full, NESTREF_BACKEND_V2_SIZE);
	ck_assert_int_eq(nestref_backend_register(v2), 0);
	free(v2);
	ctx = ctx_open("old-two", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, bypass, 16,
						   &id),
			 -EOPNOTSUPP);
	nestref_ctx_free(ctx);
}
END_TEST

/* smmuv3-sim: what the vectors cannot pass (kernel-facts 3.7, 2.6). */
START_TEST(sim_vste_edges)
{
	struct nestref_ctx *ctx = ctx_open("smmuv3-sim",
					   NESTREF_PROFILE_LINUX_7_2);
	unsigned char vste[16] = { 0 };
	uint32_t viommu, dev, hwpt;
	const struct nestref_counter *c;
	size_t n, i;
	bool counted = false;

	ck_assert(nestref_ctx_caps(ctx) & NESTREF_CAP_ATTACH_NESTED);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 5, &viommu), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x1234, &dev), 0);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, NULL, 16,
						   &hwpt),
			 -EFAULT);
	/* EIO with the bits that decided it and the section. */
	vste[0] = 0x0f; /* CFG 7 */
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, vste, 16,
						   &hwpt),
			 -EIO);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "ste0 0xe"));
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "kernel-facts 3.7"));
	/* Abort (V=1 CFG=0) needs no vDEVICE; stage 1 does, by rule. */
	vste[0] = 0x01;
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, vste, 16,
						   &hwpt),
			 0);
	ck_assert_int_eq(nestref_dev_attach(ctx, dev, hwpt), 0);
	vste[0] = 0x0b;
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, vste, 16,
						   &hwpt),
			 0);
	ck_assert_int_eq(nestref_dev_attach(ctx, dev, hwpt), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "[rule attach-needs-vdevice, linux-7.2]"));
	ck_assert_int_eq(nestref_counters(ctx, &c, &n), 0);
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].name, "host.attaches"))
			counted = c[i].value == 1;
	ck_assert(counted);
	nestref_ctx_free(ctx);
	/* linux-6.13 had no such check (kernel-facts 2.9). */
	ctx = ctx_open("smmuv3-sim", NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 5, &viommu), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x1234, &dev), 0);
	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu, 2, vste, 16,
						   &hwpt),
			 0);
	ck_assert_int_eq(nestref_dev_attach(ctx, dev, hwpt), 0);
	nestref_ctx_free(ctx);
}
END_TEST

static Suite *attach_suite(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("nested-hwpt");

	tcase_add_test(tc, needs_the_capability);
	tcase_add_test(tc, alloc_checks_in_kernel_order);
	tcase_add_test(tc, attach_checks_and_replace);
	tcase_add_test(tc, destroy_order);
	tcase_add_test(tc, ctx_free_takes_everything);
	tcase_add_test(tc, backend_version_2_is_read_at_its_size);
	tcase_add_test(tc, sim_vste_edges);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(attach_suite());
}

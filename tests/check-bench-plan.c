/* SPDX-License-Identifier: MIT */
/*
 * nestref-bench's plan (bench/plan.c): the profiles it measures and the
 * one-device rows that feed the scaling target.  The targets themselves
 * are judged by bench/targets.py, tested by tests/bench-targets.sh.
 */
#include <string.h>

#include "bench/bench.h"
#include "check-helpers.h"

/*
 * The full run measures the released kernel the default profile names,
 * linux-7.2, and linux-7.4; the kernel block, when it runs, linux-7.2
 * only (the iommufd backend's one profile).
 */
START_TEST(plan_profiles_are_7_2_and_7_4)
{
	struct bench_options opts;
	struct bench_plan plan;
	size_t i, per[NESTREF_PROFILE_COUNT] = { 0 };

	memset(&opts, 0, sizeof(opts));
	opts.working_set = 256;
	opts.kernel_available = true;
	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	for (i = 0; i < plan.n; i++) {
		const struct bench_spec *s = &plan.specs[i];

		ck_assert_int_lt(s->profile, NESTREF_PROFILE_COUNT);
		per[s->profile]++;
		if (bench_kind_is_kernel(s->kind))
			ck_assert_int_eq(s->profile, NESTREF_PROFILE_LINUX_7_2);
	}
	ck_assert_uint_gt(per[NESTREF_PROFILE_LINUX_7_2], 0);
	ck_assert_uint_gt(per[NESTREF_PROFILE_LINUX_7_4], 0);
	ck_assert_uint_eq(per[NESTREF_PROFILE_LINUX_6_13], 0);
	ck_assert_uint_eq(per[NESTREF_PROFILE_RFC_V3], 0);
	bench_plan_free(&plan);
	/* --quick covers the same two. */
	memset(per, 0, sizeof(per));
	opts.quick = true;
	opts.kernel_available = false;
	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	for (i = 0; i < plan.n; i++)
		per[plan.specs[i].profile]++;
	ck_assert_uint_gt(per[NESTREF_PROFILE_LINUX_7_2], 0);
	ck_assert_uint_gt(per[NESTREF_PROFILE_LINUX_7_4], 0);
	ck_assert_uint_eq(per[NESTREF_PROFILE_LINUX_6_13] +
				  per[NESTREF_PROFILE_RFC_V3],
			  0);
	bench_plan_free(&plan);
}
END_TEST

/* Every population above 1 gets the one-device rows the target needs. */
START_TEST(plan_has_one_device_rows_at_every_population)
{
	struct bench_options opts;
	struct bench_plan plan;
	size_t i, single[4] = { 0 };
	static const uint32_t pops[] = { 1, 1024, 65536, 1048576 };

	memset(&opts, 0, sizeof(opts));
	opts.working_set = 256;
	ck_assert_int_eq(bench_plan_build(&plan, &opts), 0);
	for (i = 0; i < plan.n; i++) {
		const struct bench_spec *s = &plan.specs[i];
		size_t p;

		if (s->kind == BENCH_CHURN || s->working_set == BENCH_WS_ALL ||
		    bench_spec_ws(s) != 1)
			continue;
		for (p = 0; p < 4; p++)
			if (s->populated == pops[p])
				single[p]++;
	}
	/* rewrite and sim of three mixes, and the mock, per profile */
	for (i = 0; i < 4; i++)
		ck_assert_msg(single[i] == 2 * 7, "%u vSIDs: %zu rows", pops[i],
			      single[i]);
	bench_plan_free(&plan);
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *s = suite_create("bench-plan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, plan_has_one_device_rows_at_every_population);
	tcase_add_test(tc, plan_profiles_are_7_2_and_7_4);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(plan_suite());
}

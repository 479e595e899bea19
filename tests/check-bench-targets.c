/* SPDX-License-Identifier: MIT */
/*
 * nestref-bench's verdicts (issue 5 point 5, bench/targets.c) on results
 * made up for the purpose, and the plan that feeds the scaling target.
 */
#include <string.h>

#include "bench/bench.h"
#include "check-helpers.h"

#define M 1e6

static struct bench_result row(enum bench_kind kind, enum bench_mix mix,
			       uint32_t batch, uint32_t pop, uint32_t ws,
			       double median)
{
	struct bench_result r;

	memset(&r, 0, sizeof(r));
	r.spec = (struct bench_spec){
		.kind = kind,
		.backend = kind == BENCH_MOCK ? "mock" : "smmuv3-sim",
		.profile = NESTREF_PROFILE_LINUX_7_4,
		.mix = mix,
		.batch = batch,
		.populated = pop,
		.working_set = ws,
	};
	r.ok = true;
	r.st.median = median;
	return r;
}

static const struct bench_target *judge(const struct bench_result *res,
					size_t n, const char *id,
					struct bench_target t[BENCH_TARGET_COUNT])
{
	size_t i;

	bench_targets_judge(res, n, t);
	for (i = 0; i < BENCH_TARGET_COUNT; i++)
		if (!strcmp(t[i].id, id))
			return &t[i];
	ck_abort_msg("no target %s", id);
	return NULL;
}

/*
 * The 1-vSID row names one device; so must the 1M row it is compared
 * with.  The default working set's 1M row (256 devices) is not judged,
 * but its ratio and split are given.
 */
START_TEST(scaling_compares_the_same_stream)
{
	struct bench_target t[BENCH_TARGET_COUNT];
	const struct bench_target *v;
	struct bench_result res[] = {
		row(BENCH_MOCK, MIX_SELFTEST, 64, 1, 256, 100 * M),
		row(BENCH_MOCK, MIX_SELFTEST, 64, 1024, 256, 70 * M),
		row(BENCH_MOCK, MIX_SELFTEST, 64, 1048576, 256, 50 * M),
		row(BENCH_MOCK, MIX_SELFTEST, 64, 1048576, 1, 90 * M),
		row(BENCH_MOCK, MIX_SELFTEST, 64, 1048576, BENCH_WS_ALL, 10 * M),
	};

	v = judge(res, sizeof(res) / sizeof(res[0]), "vsid-scaling", t);
	ck_assert_int_eq(v->verdict, VERDICT_PASS);
	ck_assert_double_eq_tol(v->measured, 0.9, 1e-9);
	ck_assert_msg(strstr(v->subject, "vsids 1M ws 1") != NULL, "%s",
		      v->subject);
	ck_assert_msg(strstr(v->note, "working set of 256 at 1M: 50.0%"), "%s",
		      v->note);
	ck_assert_msg(strstr(v->note, "(working set 1 -> 256): 70.0%"), "%s",
		      v->note);
	ck_assert_msg(strstr(v->note, "(same working set): 71.4%"), "%s",
		      v->note);

	/* The same stream slower by more than a fifth is a miss. */
	res[3].st.median = 79 * M;
	v = judge(res, sizeof(res) / sizeof(res[0]), "vsid-scaling", t);
	ck_assert_int_eq(v->verdict, VERDICT_MISS);
	ck_assert_double_eq_tol(v->measured, 0.79, 1e-9);

	/* Without a one-device row at 1M nothing can be judged. */
	v = judge(res, 3, "vsid-scaling", t);
	ck_assert_int_eq(v->verdict, VERDICT_NOT_MEASURED);
}
END_TEST

/* The worst covered row decides; rows outside a target do not count. */
START_TEST(throughput_and_instructions_take_the_worst_row)
{
	struct bench_target t[BENCH_TARGET_COUNT];
	const struct bench_target *v;
	struct bench_result res[] = {
		row(BENCH_REWRITE, MIX_CFGI_CD, 64, 65536, 256, 150 * M),
		row(BENCH_REWRITE, MIX_UNMAP, 4096, 65536, 256, 120 * M),
		/* batch 16 and 1k vSIDs: not covered by the floor */
		row(BENCH_REWRITE, MIX_CFGI_CD, 16, 65536, 256, 50 * M),
		row(BENCH_REWRITE, MIX_CFGI_CD, 64, 1024, 256, 50 * M),
	};

	res[0].instr_in_rewrite_measured = true;
	res[0].instr_in_rewrite = 33.9;
	res[1].instr_in_rewrite_measured = true;
	res[1].instr_in_rewrite = 40.5;
	v = judge(res, 4, "rewrite-throughput", t);
	ck_assert_int_eq(v->verdict, VERDICT_PASS);
	ck_assert_double_eq_tol(v->measured, 120 * M, 1);
	v = judge(res, 4, "rewrite-instructions", t);
	ck_assert_int_eq(v->verdict, VERDICT_MISS);
	ck_assert_double_eq_tol(v->measured, 40.5, 1e-9);
	res[1].instr_in_rewrite = 40;
	v = judge(res, 4, "rewrite-instructions", t);
	ck_assert_int_eq(v->verdict, VERDICT_PASS);
}
END_TEST

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

static Suite *targets_suite(void)
{
	Suite *s = suite_create("bench-targets");
	TCase *tc = tcase_create("targets");

	tcase_add_test(tc, scaling_compares_the_same_stream);
	tcase_add_test(tc, throughput_and_instructions_take_the_worst_row);
	tcase_add_test(tc, plan_has_one_device_rows_at_every_population);
	tcase_add_test(tc, plan_profiles_are_7_2_and_7_4);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(targets_suite());
}

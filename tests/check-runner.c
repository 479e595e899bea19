/* SPDX-License-Identifier: MIT */
/*
 * The runner on the fake backend (tests/fake-backend.h), for what the mock
 * cannot show: issued commands (spec/vectors.md 3.3), cache contents (3.4),
 * a backend that cannot run here (exit 77), a setup that fails, and the
 * records of a read listed when they differ (3.10), bytes no queue would
 * make among them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-helpers.h"
#include "lib/vectors/runner.h"
#include "fake-backend.h"

struct run {
	char *out;
	char *err;
	int rc;
	struct runner_summary sum;
};

static void run_file_on(struct run *r, const char *name,
			const char *backend, const char *options,
			bool partial);

static void run_file(struct run *r, const char *name, const char *options)
{
	run_file_on(r, name, "fake", options, false);
}

static void run_file_opts(struct run *r, const char *name,
			  const char *options, bool partial)
{
	run_file_on(r, name, "fake", options, partial);
}

static void run_file_on(struct run *r, const char *name,
			const char *backend, const char *options,
			bool partial)
{
	const char *top = getenv("top_srcdir");
	struct runner_opts opts = {
		.ctx = {
			.size = sizeof(opts.ctx),
			.backend = backend,
			.backend_options = options,
		},
		.partial = partial,
	};
	struct vec_file *file = NULL;
	struct vec_diag diag;
	size_t out_len, err_len;
	char path[1024];
	FILE *out, *err;

	fake_backend_setup();
	snprintf(path, sizeof(path), "%s/tests/data/runner/%s",
		 top ? top : ".", name);
	vec_diag_init(&diag);
	ck_assert_msg(vec_load(path, &file, &diag) == 0, "%s: %s", path,
		      diag.count ? vec_diag_message(&diag, 0) : "?");
	vec_diag_free(&diag);
	out = open_memstream(&r->out, &out_len);
	err = open_memstream(&r->err, &err_len);
	ck_assert(out && err);
	opts.out = out;
	opts.err = err;
	r->rc = runner_run(&opts, &file, 1, &r->sum);
	fclose(out);
	fclose(err);
	vec_file_free(file);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

#define ck_assert_has(haystack, needle)                                      \
	ck_assert_msg(strstr((haystack), (needle)) != NULL,                  \
		      "missing \"%s\" in:\n%s", (needle), (haystack))

START_TEST(issued_is_compared_exactly)
{
	struct run r;

	run_file(&r, "issued.yaml", NULL);
	ck_assert_int_eq(r.rc, RUNNER_EXIT_FAILED);
	ck_assert_has(r.out, "ok 1 - runner-issued/1 ");
	ck_assert_has(r.out, "not ok 2 - runner-issued/2 ");
	ck_assert_has(r.out, "not ok 3 - runner-issued/3 ");
	ck_assert_has(r.out, "ok 4 - runner-issued/4 ");
	/* The diagnostic shows both command lists, decoded and raw. */
	ck_assert_has(r.out,
		      "  expected_issued:\n"
		      "    - \"CFGI_CD sid=0x1234 (0x0000123400000005 0x0000000000000000)\"\n"
		      "    - \"SYNC (0x0000000000000046 0x0000000000000000)\"\n"
		      "  got_issued:\n"
		      "    - \"CFGI_CD sid=0x99 (0x0000009900000005 0x0000000000000000)\"\n");
	ck_assert_uint_eq(r.sum.passed, 2);
	ck_assert_uint_eq(r.sum.failed, 2);
	ck_assert_uint_eq(r.sum.skipped + r.sum.passed_partly, 0);
	run_free(&r);
}
END_TEST

START_TEST(caches_are_compared_per_named_cache)
{
	struct run r;

	run_file(&r, "caches.yaml", NULL);
	ck_assert_has(r.out, "ok 1 - runner-caches/1 ");
	ck_assert_has(r.out, "not ok 2 - runner-caches/2 ");
	ck_assert_has(r.out, "  expected_caches: []\n"
			     "  got_caches:\n"
			     "    - {cache: cfg, sid: 0x42}\n");
	ck_assert_has(r.out, "not ok 3 - runner-caches/3 ");
	ck_assert_has(r.out, "    - {cache: tlb, vmid: 0x5, asid: 0x12, va: 0x80000000, level: 3, tg: 4096, leaf: true}\n");
	ck_assert_uint_eq(r.sum.passed, 1);
	ck_assert_uint_eq(r.sum.failed, 2);
	run_free(&r);
}
END_TEST

/* spec/vectors.md 2.3: --partial runs a file whose missing capability is
 * only an observation, and still checks everything else. */
START_TEST(partial_runs_what_can_be_checked)
{
	struct run r;

	/* Every test skipped: nothing ran (77), and the run says why. */
	run_file_opts(&r, "partial.yaml", "no-issued", false);
	ck_assert_int_eq(r.rc, RUNNER_EXIT_UNAVAILABLE);
	ck_assert_str_eq(r.sum.stopped,
			 "every test was skipped: missing observe-issued");
	ck_assert_uint_eq(r.sum.n_skip_groups, 1);
	ck_assert_uint_eq(r.sum.skip_groups[0].kind, RUNNER_SKIP_CAPS);
	ck_assert_uint_eq(r.sum.skip_groups[0].n, 2);
	ck_assert_has(r.out, "ok 1 - runner-partial/1 the right answer, issued not checked # SKIP missing observe-issued");
	ck_assert_uint_eq(r.sum.skipped, 2);
	run_free(&r);

	run_file_opts(&r, "partial.yaml", "no-issued", true);
	ck_assert_int_eq(r.rc, RUNNER_EXIT_FAILED);
	ck_assert_has(r.out, "ok 1 - runner-partial/1 the right answer, issued not checked\n"
			     "# not checked: issued (missing observe-issued)\n");
	ck_assert_has(r.out, "not ok 2 - runner-partial/2 ");
	ck_assert_uint_eq(r.sum.passed_partly, 1);
	ck_assert_uint_eq(r.sum.failed, 1);
	run_free(&r);
}
END_TEST

START_TEST(unavailable_backend_skips_the_run)
{
	struct run r;

	run_file(&r, "issued.yaml", "unavailable");
	ck_assert_int_eq(r.rc, RUNNER_EXIT_UNAVAILABLE);
	ck_assert_str_eq(r.out, "TAP version 13\n1..0 # SKIP backend "
				"unavailable: backend 'fake': fake: told to "
				"be unavailable\n");
	ck_assert_uint_eq(r.sum.passed + r.sum.failed + r.sum.skipped, 0);
	run_free(&r);
}
END_TEST

START_TEST(setup_failure_is_not_ok)
{
	struct run r;

	run_file(&r, "setup-fail.yaml", NULL);
	ck_assert_int_eq(r.rc, RUNNER_EXIT_FAILED);
	ck_assert_has(r.out, "not ok 1 - runner-setup-fail/1\n");
	ck_assert_has(r.out, "  message: \"setup: set_dev_user_data failed: EEXIST");
	run_free(&r);
}
END_TEST

START_TEST(summary_counts_every_kind)
{
	struct run r;

	run_file(&r, "issued.yaml", NULL);
	/* Without --profile: the default, linux-7.2. */
	ck_assert_has(r.err, "nestref: 4 tests on backend fake, profile "
			     "linux-7.2: 2 passed, 0 passed with unchecked "
			     "parts, 2 failed, 0 skipped\n");
	run_free(&r);
}
END_TEST

/* vectors.md 3.10 and 5: a read's records, compared and listed. */
START_TEST(records_are_compared_exactly)
{
	struct run r;

	run_file(&r, "events.yaml", NULL);
	ck_assert_int_eq(r.rc, RUNNER_EXIT_FAILED);
	ck_assert_has(r.out, "ok 1 - runner-events/1 matches\n");
	ck_assert_has(r.out,
		      "not ok 2 - runner-events/2 another virt_id, and the LOST_EVENTS header missing\n"
		      "  ---\n");
	ck_assert_has(r.out,
		      "  action: read_vevents\n"
		      "  expected: {result: ok, bytes: 20}\n"
		      "  got: {result: ok, bytes: 20}\n"
		      "  expected_records:\n"
		      "    - \"sequence 0: virt_id 0x98\"\n"
		      "  got_records:\n"
		      "    - \"sequence 0: virt_id 0x99\"\n"
		      "    - \"sequence 1: LOST_EVENTS\"\n");
	/* The read failed: the records are not said, the errno is. */
	ck_assert_has(r.out, "not ok 3 - runner-events/3 ");
	ck_assert_has(r.out, "  expected: {result: ok}\n"
			     "  got: {result: error, errno: EINVAL}\n");
	ck_assert_uint_eq(r.sum.passed, 1);
	ck_assert_uint_eq(r.sum.failed, 2);
	run_free(&r);
}
END_TEST

/* An SMMUv3 record: F_TRANSLATION, sid 0x99, rnw, addr 0x1000; sequence 5. */
static const unsigned char smmuv3_record[40] = {
	0, 0, 0, 0, 5, 0, 0, 0,
	0x10, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 0x08, 0, 0, 0,
	0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

START_TEST(smmuv3_records_are_said_by_their_fields)
{
	struct run r;

	fake_evq_bytes.bytes = smmuv3_record;
	fake_evq_bytes.len = sizeof(smmuv3_record);
	run_file_on(&r, "events-bytes.yaml", "fake-evq", NULL, false);
	ck_assert_has(r.out, "ok 1 - runner-events-bytes/1 one SMMUv3 record\n");
	ck_assert_has(r.out, "ok 2 - runner-events-bytes/2 ");
	ck_assert_int_eq(r.rc, RUNNER_EXIT_OK);
	run_free(&r);

	/* Another sequence number: both lists, by fields and words. */
	fake_evq_bytes.len = 8;
	run_file_on(&r, "events-bytes.yaml", "fake-evq", NULL, false);
	ck_assert_has(r.out,
		      "  expected_records:\n"
		      "    - \"sequence 5: F_TRANSLATION sid=0x99 rnw=1 addr=0x1000 (0x0000009900000010 0x0000000800000000 0x0000000000001000 0x0000000000000000)\"\n"
		      "  got_records:\n"
		      "    - \"at byte 0, a record cut short: 00 00 00 00 05 00 00 00\"\n");
	/* A type the runner cannot split: its bytes as one line. */
	ck_assert_has(r.out,
		      "  expected_records:\n"
		      "    - \"sequence 5: bytes 10 00 00 00 99 00 00 00 00 00 00 00 08 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00\"\n"
		      "  got_records:\n"
		      "    - \"at byte 0, records of a size the runner does not know: 00 00 00 00 05 00 00 00\"\n");
	run_free(&r);
	fake_evq_bytes.len = 0;
}
END_TEST

/* Bytes that are not whole records end the list with what is wrong. */
START_TEST(bytes_that_are_not_records_are_said)
{
	static const unsigned char flag2[8] = { 2, 0, 0, 0, 7, 0, 0, 0 };
	static const unsigned char lost_more[12] = { 1, 0, 0, 0, 7, 0, 0, 0,
						     0xaa, 0xbb, 0, 0 };
	struct run r;

	fake_evq_bytes.bytes = flag2;
	fake_evq_bytes.len = sizeof(flag2);
	run_file_on(&r, "events-bytes.yaml", "fake-evq", NULL, false);
	ck_assert_has(r.out, "    - \"at byte 0, a flag other than LOST_EVENTS: 02 00 00 00 07 00 00 00\"\n");
	run_free(&r);

	fake_evq_bytes.bytes = lost_more;
	fake_evq_bytes.len = sizeof(lost_more);
	run_file_on(&r, "events-bytes.yaml", "fake-evq", NULL, false);
	ck_assert_has(r.out, "  got_records:\n"
			     "    - \"sequence 7: LOST_EVENTS\"\n"
			     "    - \"at byte 8, bytes after the LOST_EVENTS header: aa bb 00 00\"\n");
	run_free(&r);
	fake_evq_bytes.len = 0;
}
END_TEST

static Suite *runner_suite(void)
{
	Suite *s = suite_create("runner");
	TCase *tc = tcase_create("runner");

	tcase_add_test(tc, issued_is_compared_exactly);
	tcase_add_test(tc, caches_are_compared_per_named_cache);
	tcase_add_test(tc, partial_runs_what_can_be_checked);
	tcase_add_test(tc, unavailable_backend_skips_the_run);
	tcase_add_test(tc, setup_failure_is_not_ok);
	tcase_add_test(tc, summary_counts_every_kind);
	tcase_add_test(tc, records_are_compared_exactly);
	tcase_add_test(tc, smmuv3_records_are_said_by_their_fields);
	tcase_add_test(tc, bytes_that_are_not_records_are_said);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(runner_suite());
}

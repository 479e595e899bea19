/* SPDX-License-Identifier: MIT */
/*
 * The public API of libnestref-vectors (<nestref/vectors.h>), black-box:
 * only its functions, on the fake backend (tests/fake-backend.h) and the
 * mock.  Loading and load errors, what a file lists, a test and a file
 * run into verdicts and TAP, a test step by step, the command's run
 * and lint on paths, the run's reports and a file's JSON export.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/vectors.h>

#include "check-helpers.h"
#include "fake-backend.h"

#define ck_assert_has(haystack, needle)                                      \
	ck_assert_msg(strstr((haystack), (needle)) != NULL,                  \
		      "missing \"%s\" in:\n%s", (needle), (haystack))

static char *data(const char *name)
{
	const char *top = getenv("top_srcdir");
	char *path;
	size_t len;

	if (!top || !*top)
		top = ".";
	len = strlen(top) + strlen(name) + sizeof("/tests/data/");
	path = malloc(len);
	ck_assert_ptr_nonnull(path);
	snprintf(path, len, "%s/tests/data/%s", top, name);
	return path;
}

static struct nestref_vec_file *load(const char *name)
{
	struct nestref_vec_diag *diag = nestref_vec_diag_new();
	struct nestref_vec_file *file = NULL;
	char *path = data(name);
	int rc;

	ck_assert_ptr_nonnull(diag);
	rc = nestref_vec_load(path, &file, diag);
	ck_assert_msg(rc == 0, "%s: %s", path,
		      nestref_vec_diag_count(diag) ?
			      nestref_vec_diag_message(diag, 0) : "?");
	ck_assert_uint_eq(nestref_vec_diag_count(diag), 0);
	nestref_vec_diag_free(diag);
	free(path);
	return file;
}

static const struct nestref_ctx_opts fake = {
	.size = sizeof(fake),
	.backend = "fake",
};

static const struct nestref_ctx_opts mock = {
	.size = sizeof(mock),
	.backend = "mock",
};

static const struct nestref_ctx_opts sim = {
	.size = sizeof(sim),
	.backend = "smmuv3-sim",
};

START_TEST(load_errors_are_file_line_column)
{
	struct nestref_vec_diag *diag = nestref_vec_diag_new();
	struct nestref_vec_file *file = (struct nestref_vec_file *)&diag;
	char *path = data("bad/setup-vmid/input.yaml"), want[4096];

	ck_assert_int_eq(nestref_vec_load(path, &file, diag), -EINVAL);
	ck_assert_ptr_null(file);
	ck_assert_uint_eq(nestref_vec_diag_count(diag), 1);
	snprintf(want, sizeof(want),
		 "%s:5:9: value 0x1ffff does not fit vmid (16 bits)", path);
	ck_assert_str_eq(nestref_vec_diag_message(diag, 0), want);
	ck_assert_ptr_null(nestref_vec_diag_message(diag, 1));
	/* The same diag gathers the errors of the next file. */
	ck_assert_int_eq(nestref_vec_load(path, &file, diag), -EINVAL);
	ck_assert_uint_eq(nestref_vec_diag_count(diag), 2);
	/* Without a diag the errors are dropped, the answer is the same. */
	ck_assert_int_eq(nestref_vec_load(path, &file, NULL), -EINVAL);
	nestref_vec_diag_free(diag);
	free(path);
	path = data("no-such-file.yaml");
	ck_assert_int_eq(nestref_vec_load(path, &file, NULL), -ENOENT);
	ck_assert_int_eq(nestref_vec_load(NULL, &file, NULL), -EINVAL);
	free(path);
	nestref_vec_diag_free(NULL);
	nestref_vec_file_free(NULL);
}
END_TEST

START_TEST(a_file_lists_its_tests)
{
	struct nestref_vec_file *f = load("runner/issued.yaml");
	unsigned int line = 0, column = 0;
	const uint32_t *psids;
	uint32_t vsid = 0;
	size_t i;

	ck_assert_str_eq(nestref_vec_file_id(f), "runner-issued");
	ck_assert_str_eq(nestref_vec_file_title(f),
			 "issued commands compared exactly, a host CMD_SYNC on its opcode");
	ck_assert_ptr_nonnull(strstr(nestref_vec_file_path(f),
				     "tests/data/runner/issued.yaml"));
	ck_assert_uint_eq(nestref_vec_file_profiles(f), NESTREF_PROFILES_ALL);
	ck_assert_ptr_null(nestref_vec_file_profile_note(f));
	ck_assert_uint_eq(nestref_vec_file_requires(f), 0);
	ck_assert_uint_eq(nestref_vec_file_vmid(f), 1);
	ck_assert_uint_eq(nestref_vec_file_page_size(f), 0);
	ck_assert_uint_eq(nestref_vec_file_devices(f), 1);
	ck_assert_str_eq(nestref_vec_device_name(f, 0), "d0");
	ck_assert_uint_eq(nestref_vec_device_psids(f, 0, &psids), 1);
	ck_assert_uint_eq(psids[0], 0x1234);
	ck_assert_int_eq(nestref_vec_device_vsid(f, 0, &vsid), 0);
	ck_assert_uint_eq(vsid, 0x99);
	ck_assert_ptr_null(nestref_vec_device_name(f, 1));
	ck_assert_int_eq(nestref_vec_device_vsid(f, 1, &vsid), -EINVAL);

	ck_assert_uint_eq(nestref_vec_file_tests(f), 4);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(nestref_vec_test_tc(f, i), (long)i + 1);
	ck_assert_str_eq(nestref_vec_test_comment(f, 1), "another SID fails");
	ck_assert_int_eq(nestref_vec_test_tc(f, 4), 0);
	ck_assert_int_eq(nestref_vec_test_find(f, 3, &i), 0);
	ck_assert_uint_eq(i, 2);
	ck_assert_int_eq(nestref_vec_test_find(f, 9, &i), -ENOENT);
	ck_assert_uint_eq(nestref_vec_test_steps(f, 0), 1);
	ck_assert_str_eq(nestref_vec_step_action(f, 0, 0, &line, &column),
			 "invalidate");
	ck_assert_uint_eq(line, 13);
	ck_assert_uint_eq(column, 9);
	ck_assert_ptr_null(nestref_vec_step_action(f, 0, 1, NULL, NULL));

	/* Several vIOMMUs (spec/vectors.md 1.2); one when vmid: alone. */
	ck_assert_uint_eq(nestref_vec_file_viommus(f), 1);
	ck_assert_uint_eq(nestref_vec_viommu_vmid(f, 0), 1);
	ck_assert_uint_eq(nestref_vec_viommu_vmid(f, 1), 0);
	nestref_vec_file_free(f);
	f = load("good/viommus.yaml");
	ck_assert_uint_eq(nestref_vec_file_viommus(f), 2);
	ck_assert_uint_eq(nestref_vec_file_vmid(f), 5);
	ck_assert_uint_eq(nestref_vec_viommu_vmid(f, 1), 6);
	ck_assert_uint_eq(nestref_vec_device_viommu(f, 0), 0);
	ck_assert_uint_eq(nestref_vec_device_viommu(f, 1), 1);
	nestref_vec_file_free(f);

	/* A device without a vSID, a deprecated profile name. */
	f = load("good/alias.yaml");
	ck_assert_ptr_nonnull(nestref_vec_file_profile_note(f));
	nestref_vec_file_free(f);
	f = load("cli/rfc-only.yaml");
	ck_assert_int_eq(nestref_vec_device_vsid(f, 0, &vsid), -ENOENT);
	ck_assert_uint_eq(nestref_vec_file_profiles(f),
			  NESTREF_PROFILE_BIT(NESTREF_PROFILE_RFC_V3));
	nestref_vec_file_free(f);
}
END_TEST

START_TEST(a_test_runs_into_a_verdict)
{
	struct nestref_vec_file *f;
	struct nestref_vec_result *r;

	fake_backend_setup();
	f = load("runner/issued.yaml");
	ck_assert_int_eq(nestref_vec_run_test(f, 0, &fake, &r), 0);
	ck_assert_int_eq(nestref_vec_result_verdict(r), NESTREF_VEC_PASS);
	ck_assert_ptr_null(nestref_vec_result_reason(r));
	ck_assert_str_eq(nestref_vec_result_tap(r),
			 "TAP version 13\n1..1\n"
			 "ok 1 - runner-issued/1 matches; the host's SYNC differs in CS and still matches\n");
	ck_assert_uint_eq(nestref_vec_result_count(r, NESTREF_VEC_PASS), 1);
	ck_assert_int_eq(nestref_vec_result_status(r), NESTREF_VEC_EXIT_OK);
	nestref_vec_result_free(r);

	ck_assert_int_eq(nestref_vec_run_test(f, 1, &fake, &r), 0);
	ck_assert_int_eq(nestref_vec_result_verdict(r), NESTREF_VEC_FAIL);
	ck_assert_str_eq(nestref_vec_result_reason(r), "runner-issued/2");
	ck_assert_has(nestref_vec_result_tap(r),
		      "not ok 1 - runner-issued/2 another SID fails\n  ---\n");
	ck_assert_has(nestref_vec_result_tap(r), "  got_issued:\n");
	ck_assert_int_eq(nestref_vec_result_status(r), NESTREF_VEC_EXIT_FAILED);
	nestref_vec_result_free(r);

	ck_assert_int_eq(nestref_vec_run_test(f, 4, &fake, &r), -EINVAL);
	ck_assert_ptr_null(r);
	nestref_vec_file_free(f);

	/* Each step goes to its vIOMMU: its vSIDs and its VMID. */
	f = load("good/viommus.yaml");
	ck_assert_int_eq(nestref_vec_run_file(f, &sim, &r), 0);
	ck_assert_msg(nestref_vec_result_verdict(r) == NESTREF_VEC_PASS, "%s",
		      nestref_vec_result_tap(r));
	nestref_vec_result_free(r);
	nestref_vec_file_free(f);
}
END_TEST

START_TEST(a_file_runs_into_the_worst_verdict)
{
	struct nestref_vec_file *f;
	struct nestref_vec_result *r;

	fake_backend_setup();
	f = load("runner/issued.yaml");
	ck_assert_int_eq(nestref_vec_run_file(f, &fake, &r), 0);
	ck_assert_int_eq(nestref_vec_result_verdict(r), NESTREF_VEC_FAIL);
	ck_assert_str_eq(nestref_vec_result_reason(r), "runner-issued/2");
	ck_assert_uint_eq(nestref_vec_result_count(r, NESTREF_VEC_PASS), 2);
	ck_assert_uint_eq(nestref_vec_result_count(r, NESTREF_VEC_FAIL), 2);
	ck_assert_uint_eq(nestref_vec_result_count(r, NESTREF_VEC_SKIP), 0);
	ck_assert_has(nestref_vec_result_tap(r), "TAP version 13\n1..4\nok 1 - ");
	ck_assert_has(nestref_vec_result_tap(r), "\nok 4 - runner-issued/4 ");
	nestref_vec_result_free(r);
	nestref_vec_file_free(f);

	/* Skipped for the profile, partly checked, on the mock. */
	f = load("cli/rfc-only.yaml");
	ck_assert_int_eq(nestref_vec_run_file(f, &mock, &r), 0);
	ck_assert_int_eq(nestref_vec_result_verdict(r), NESTREF_VEC_SKIP);
	/* Every test skipped: nothing ran, as for nestref run (77). */
	ck_assert_str_eq(nestref_vec_result_reason(r),
			 "every test was skipped: profile linux-7.2 not covered by this file");
	ck_assert_int_eq(nestref_vec_result_status(r),
			 NESTREF_VEC_EXIT_UNAVAILABLE);
	nestref_vec_result_free(r);
	nestref_vec_file_free(f);
	f = load("cli/partial.yaml");
	ck_assert_int_eq(nestref_vec_run_file(f, &mock, &r), 0);
	ck_assert_int_eq(nestref_vec_result_verdict(r),
			 NESTREF_VEC_PASS_PARTLY);
	ck_assert_str_eq(nestref_vec_result_reason(r), "missing observe-issued");
	ck_assert_str_eq(nestref_vec_result_tap(r),
			 "TAP version 13\n1..1\nok 1 - cli-partial/1\n"
			 "# not checked: issued (missing observe-issued)\n");
	nestref_vec_result_free(r);
	nestref_vec_file_free(f);
}
END_TEST

START_TEST(a_backend_that_cannot_run_is_a_skip_a_bad_one_an_error)
{
	struct nestref_ctx_opts opts = fake;
	struct nestref_vec_file *f;
	struct nestref_vec_result *r;

	fake_backend_setup();
	f = load("runner/issued.yaml");
	opts.backend_options = "unavailable";
	ck_assert_int_eq(nestref_vec_run_file(f, &opts, &r), 0);
	ck_assert_int_eq(nestref_vec_result_verdict(r), NESTREF_VEC_SKIP);
	ck_assert_str_eq(nestref_vec_result_reason(r),
			 "backend unavailable: backend 'fake': fake: told to be unavailable");
	ck_assert_int_eq(nestref_vec_result_status(r),
			 NESTREF_VEC_EXIT_UNAVAILABLE);
	ck_assert_str_eq(nestref_vec_result_tap(r),
			 "TAP version 13\n1..0 # SKIP backend unavailable: "
			 "backend 'fake': fake: told to be unavailable\n");
	nestref_vec_result_free(r);

	opts.backend = "no-such-backend";
	opts.backend_options = NULL;
	ck_assert_int_eq(nestref_vec_run_test(f, 0, &opts, &r), 0);
	ck_assert_int_eq(nestref_vec_result_verdict(r), NESTREF_VEC_ERROR);
	ck_assert_ptr_nonnull(nestref_vec_result_reason(r));
	ck_assert_int_eq(nestref_vec_result_status(r), NESTREF_VEC_EXIT_USAGE);
	ck_assert_str_eq(nestref_vec_result_tap(r), "");
	nestref_vec_result_free(r);
	nestref_vec_file_free(f);

	ck_assert_str_eq(nestref_vec_verdict_name(NESTREF_VEC_PASS_PARTLY),
			 "pass-partly");
	ck_assert_ptr_null(nestref_vec_verdict_name(NESTREF_VEC_VERDICT_COUNT));
}
END_TEST

START_TEST(a_session_runs_step_by_step)
{
	struct nestref_vec_answer ans = { .size = sizeof(ans) };
	struct nestref_vec_session *s;
	struct nestref_vec_file *f;
	char msg[256];

	fake_backend_setup();
	f = load("runner/issued.yaml");
	ck_assert_int_eq(nestref_vec_session_open(f, 1, &fake, &s, msg,
						  sizeof(msg)), 0);
	ck_assert_ptr_nonnull(nestref_vec_session_ctx(s));
	ck_assert_uint_eq(nestref_ctx_caps(nestref_vec_session_ctx(s)) &
				  NESTREF_CAP_OBSERVE_ISSUED,
			  NESTREF_CAP_OBSERVE_ISSUED);
	/* Steps run in order. */
	ck_assert_int_eq(nestref_vec_session_step(s, 1, &ans), -EINVAL);
	ck_assert_int_eq(nestref_vec_session_step(s, 0, &ans), 0);
	ck_assert_int_eq(ans.rc, 0);
	ck_assert(ans.has_entry_num);
	ck_assert_uint_eq(ans.entry_num, 1);
	ck_assert(!ans.has_flags);
	ck_assert_ptr_nonnull(ans.message);
	ck_assert_int_eq(ans.check, NESTREF_VEC_CHECK_FAIL);
	ck_assert_uint_eq(ans.missing, 0);
	ck_assert_int_eq(nestref_vec_session_step(s, 0, &ans), -EINVAL);
	nestref_vec_session_close(s);

	/* On the mock the issued commands cannot be checked. */
	nestref_vec_file_free(f);
	f = load("cli/partial.yaml");
	ck_assert_int_eq(nestref_vec_session_open(f, 0, &mock, &s, NULL, 0), 0);
	ck_assert_int_eq(nestref_vec_session_step(s, 0, &ans), 0);
	ck_assert_int_eq(ans.check, NESTREF_VEC_CHECK_PASS);
	ck_assert_uint_eq(ans.missing, NESTREF_CAP_OBSERVE_ISSUED);
	/* A shorter answer gets what fits: here rc only. */
	ans.size = (uint32_t)(offsetof(struct nestref_vec_answer, rc) +
			      sizeof(ans.rc));
	ans.check = NESTREF_VEC_CHECK_FAIL;
	ck_assert_int_eq(nestref_vec_session_step(s, 1, &ans), 0);
	ck_assert_int_eq(ans.rc, 0);
	ck_assert_int_eq(ans.check, NESTREF_VEC_CHECK_FAIL);
	nestref_vec_session_close(s);
	nestref_vec_file_free(f);

	/* A backend that cannot run here. */
	f = load("runner/issued.yaml");
	{
		struct nestref_ctx_opts opts = fake;

		opts.backend_options = "unavailable";
		ck_assert_int_eq(nestref_vec_session_open(f, 0, &opts, &s, msg,
							  sizeof(msg)),
				 -ENODEV);
		ck_assert_ptr_null(s);
		ck_assert_str_eq(msg, "backend 'fake': fake: told to be unavailable");
	}
	nestref_vec_file_free(f);
}
END_TEST

/* `nestref run` and `nestref lint` on paths, into memory streams. */
struct streams {
	char *out, *err;
	size_t out_len, err_len;
	struct nestref_vec_run_opts opts;
};

static void streams_open(struct streams *s, const struct nestref_ctx_opts *ctx)
{
	memset(s, 0, sizeof(*s));
	s->opts.size = sizeof(s->opts);
	s->opts.ctx = ctx;
	s->opts.out = open_memstream(&s->out, &s->out_len);
	s->opts.err = open_memstream(&s->err, &s->err_len);
	ck_assert(s->opts.out && s->opts.err);
}

static void streams_close(struct streams *s)
{
	fclose(s->opts.out);
	fclose(s->opts.err);
}

static void streams_free(struct streams *s)
{
	free(s->out);
	free(s->err);
}

START_TEST(run_files_is_nestref_run)
{
	struct nestref_vec_summary sum = { .size = sizeof(sum) };
	char *paths[2] = { data("cli/partial.yaml"), data("cli/rfc-only.yaml") };
	struct streams s;

	streams_open(&s, &mock);
	ck_assert_int_eq(nestref_vec_run_files((const char *const *)paths, 2,
					       &s.opts, &sum),
			 NESTREF_VEC_EXIT_OK);
	streams_close(&s);
	ck_assert_has(s.out, "TAP version 13\n1..2\nok 1 - cli-partial/1\n");
	ck_assert_has(s.out, "ok 2 - cli-rfc-only/1 # SKIP profile linux-7.2");
	ck_assert_str_eq(s.err,
			 "nestref: 2 tests on backend mock, profile linux-7.2: 0 passed, 1 passed with unchecked parts, 0 failed, 1 skipped\n"
			 "nestref: 1 skipped: their files do not cover profile linux-7.2: not applicable here\n");
	ck_assert_uint_eq(sum.passed_partly, 1);
	ck_assert_uint_eq(sum.skipped, 1);
	streams_free(&s);
	free(paths[0]);
	free(paths[1]);

	/* A folder, a load error: exit 2, no TAP. */
	paths[0] = data("bad/setup-vmid");
	streams_open(&s, &mock);
	s.opts.flags = NESTREF_VEC_QUIET;
	ck_assert_int_eq(nestref_vec_run_files((const char *const *)paths, 1,
					       &s.opts, NULL),
			 NESTREF_VEC_EXIT_USAGE);
	streams_close(&s);
	ck_assert_str_eq(s.out, "");
	ck_assert_has(s.err, "input.yaml:5:9: value 0x1ffff does not fit vmid");
	streams_free(&s);
	free(paths[0]);
}
END_TEST

START_TEST(lint_files_is_nestref_lint)
{
	char *paths[1] = { data("good") };
	struct streams s;

	streams_open(&s, NULL);
	ck_assert_int_eq(nestref_vec_lint_files((const char *const *)paths, 1,
						&s.opts),
			 NESTREF_VEC_EXIT_OK);
	streams_close(&s);
	ck_assert_str_eq(s.out, "");
	ck_assert_has(s.err, "nestref: 8 file(s), no load errors\n");
	streams_free(&s);
	free(paths[0]);

	paths[0] = data("no-such-folder");
	streams_open(&s, NULL);
	ck_assert_int_eq(nestref_vec_lint_files((const char *const *)paths, 1,
						&s.opts),
			 NESTREF_VEC_EXIT_USAGE);
	streams_close(&s);
	ck_assert_has(s.err, "no-such-folder: No such file or directory\n");
	streams_free(&s);
	free(paths[0]);
}
END_TEST

/* Appends each path to a list of names, stops after stop_after. */
struct each_seen {
	char names[512];
	int calls, stop_after;
};

static int each_note(const char *path, void *arg)
{
	struct each_seen *seen = arg;
	const char *base = strrchr(path, '/');

	strncat(seen->names, base ? base + 1 : path,
		sizeof(seen->names) - strlen(seen->names) - 2);
	strcat(seen->names, " ");
	return ++seen->calls == seen->stop_after ? 42 : 0;
}

START_TEST(each_file_walks_as_run_does)
{
	char *paths[1] = { data("good") };
	struct each_seen seen = { .stop_after = 0 };
	FILE *err = tmpfile();

	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(nestref_vec_each_file((const char *const *)paths, 1,
					       err, each_note, &seen), 0);
	/* Sorted, as nestref run reads them (the 8 files lint counts). */
	ck_assert_str_eq(seen.names,
			 "alias.yaml aliases.yaml attach.yaml defaults.yaml events.yaml full.yaml machine.yaml viommus.yaml ");

	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 2;
	ck_assert_int_eq(nestref_vec_each_file((const char *const *)paths, 1,
					       err, each_note, &seen), 42);
	ck_assert_int_eq(seen.calls, 2);
	free(paths[0]);

	paths[0] = data("no-such-folder");
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(nestref_vec_each_file((const char *const *)paths, 1,
					       err, each_note, &seen), -ENOENT);
	ck_assert_int_eq(seen.calls, 0);
	free(paths[0]);
	fclose(err);
}
END_TEST

START_TEST(run_files_writes_the_reports)
{
	char *paths[1] = { data("cli/partial.yaml") };
	char *report = NULL, *junit = NULL;
	size_t report_len, junit_len;
	struct streams s;

	streams_open(&s, &mock);
	s.opts.flags = NESTREF_VEC_QUIET;
	s.opts.report = open_memstream(&report, &report_len);
	s.opts.junit = open_memstream(&junit, &junit_len);
	ck_assert(s.opts.report && s.opts.junit);
	ck_assert_int_eq(nestref_vec_run_files((const char *const *)paths, 1,
					       &s.opts, NULL),
			 NESTREF_VEC_EXIT_OK);
	streams_close(&s);
	fclose(s.opts.report);
	fclose(s.opts.junit);
	ck_assert_has(report, "\"format\": \"nestref/report-1\"");
	ck_assert_has(report, "\"backend\": \"mock\"");
	ck_assert_has(report, "\"name\": \"cli-partial/1\"");
	ck_assert_has(report, "\"verdict\": \"pass-partly\"");
	ck_assert_has(report, "\"not_checked\": [\n        \"issued\"\n      ]");
	ck_assert_has(junit, "<testsuites name=\"nestref on mock, profile linux-7.2\" tests=\"1\" failures=\"0\"");
	ck_assert_has(junit, "<system-out>not checked: missing observe-issued</system-out>");
	free(report);
	free(junit);
	streams_free(&s);
	free(paths[0]);
}
END_TEST

START_TEST(a_file_exports_as_json)
{
	struct nestref_vec_file *file = load("cli/partial.yaml");
	char *json = NULL;

	ck_assert_int_eq(nestref_vec_export_json(NULL, NULL, 0, &json), -EINVAL);
	ck_assert_ptr_null(json);
	ck_assert_int_eq(nestref_vec_export_json(file, "cli/partial.yaml", 0,
						 &json), 0);
	ck_assert_has(json, "{\"format\":\"nestref/export-1\",");
	ck_assert_has(json, "\"source\":\"cli/partial.yaml\",\"id\":\"cli-partial\"");
	ck_assert_has(json, "\"profiles\":[\"rfc-v3\",\"linux-6.13\",\"linux-7.2\",\"linux-7.4\"]");
	ck_assert_has(json, "\"tests\":[{\"tcId\":\"cli-partial/1\",\"tc\":1,\"flags\":[],\"result\":\"valid\",");
	ck_assert_has(json, "{\"flags\":0,\"vdev_id\":153,\"cache_id\":1}");
	ck_assert_ptr_null(strchr(json, '\n'));
	free(json);
	ck_assert_int_eq(nestref_vec_export_json(file, NULL,
						 NESTREF_VEC_EXPORT_PRETTY,
						 &json), 0);
	ck_assert_has(json, "{\n  \"format\": \"nestref/export-1\",\n");
	ck_assert_has(json, "partial.yaml\",\n  \"id\": \"cli-partial\"");
	free(json);
	nestref_vec_file_free(file);
}
END_TEST

static Suite *vectors_api_suite(void)
{
	Suite *s = suite_create("vectors-api");
	TCase *tc = tcase_create("api");

	tcase_add_test(tc, load_errors_are_file_line_column);
	tcase_add_test(tc, a_file_lists_its_tests);
	tcase_add_test(tc, a_test_runs_into_a_verdict);
	tcase_add_test(tc, a_file_runs_into_the_worst_verdict);
	tcase_add_test(tc, a_backend_that_cannot_run_is_a_skip_a_bad_one_an_error);
	tcase_add_test(tc, a_session_runs_step_by_step);
	tcase_add_test(tc, run_files_is_nestref_run);
	tcase_add_test(tc, lint_files_is_nestref_lint);
	tcase_add_test(tc, each_file_walks_as_run_does);
	tcase_add_test(tc, run_files_writes_the_reports);
	tcase_add_test(tc, a_file_exports_as_json);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(vectors_api_suite());
}

/* SPDX-License-Identifier: MIT */
/*
 * fuzz-vectors: the vector loader (lib/vectors/vector-*.c) on a buffer,
 * then, for a file it accepts, the runner on mock and smmuv3-sim
 * (docs/fuzzing.md section 1).  What must hold:
 *
 *  - a load succeeds with no message, or fails with a negative errno and
 *    at least one message, each one line "fuzz.yaml:LINE:COLUMN: text"
 *    with a position inside the input and no control character;
 *  - what a loaded file says through <nestref/vectors.h> is in range;
 *  - running it gives a verdict for every test, a TAP report and an exit
 *    status of spec/vectors.md 5, and the first test runs step by step
 *    as explain runs it;
 *  - freeing the file and the results gives back every block.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/vectors.h>

#include "lib/vectors/api.h"
#include "fuzz.h"

#define FUZZ_FILE_NAME "fuzz.yaml"

/* The input's lines by YAML's line breaks: LF, CR (CRLF once), NEL, LS, PS. */
static size_t count_lines(const uint8_t *data, size_t size)
{
	size_t lines = 1, i;

	for (i = 0; i < size; i++) {
		const uint8_t *p = data + i;
		size_t left = size - i;

		lines += *p == '\n' ||
			 (*p == '\r' && (left == 1 || p[1] != '\n')) ||
			 (*p == 0xc2 && left > 1 && p[1] == 0x85) ||
			 (*p == 0xe2 && left > 2 && p[1] == 0x80 &&
			  (p[2] == 0xa8 || p[2] == 0xa9));
	}
	return lines;
}

/* "fuzz.yaml:LINE:COLUMN: text" on one line, inside the input's lines. */
static void check_message(const char *msg, size_t lines)
{
	unsigned long line, column;
	const char *p;
	char *end;
	size_t i;

	FUZZ_CHECK(!strncmp(msg, FUZZ_FILE_NAME ":", sizeof(FUZZ_FILE_NAME)),
		   "message '%s' does not name the file", msg);
	p = msg + sizeof(FUZZ_FILE_NAME);
	for (i = 0; msg[i]; i++)
		FUZZ_CHECK((unsigned char)msg[i] >= 0x20 && msg[i] != 0x7f,
			   "message '%s' has control character 0x%02x", msg,
			   (unsigned char)msg[i]);
	/* "fuzz.yaml: text" is a message about the whole input */
	if (*p == ' ')
		return;
	line = strtoul(p, &end, 10);
	FUZZ_CHECK(end != p && *end == ':', "message '%s': no line", msg);
	p = end + 1;
	column = strtoul(p, &end, 10);
	FUZZ_CHECK(end != p && *end == ':' && end[1] == ' ',
		   "message '%s': no column", msg);
	FUZZ_CHECK(line >= 1 && line <= lines + 1 && column >= 1,
		   "message '%s' points outside %zu lines", msg, lines);
}

/* What the accessors say of a loaded file. */
static void check_file(const struct nestref_vec_file *file)
{
	size_t t, s, d, n;
	const uint32_t *psids;
	uint32_t vsid;
	long tc;
	int rc;

	FUZZ_CHECK(nestref_vec_file_id(file) && nestref_vec_file_title(file),
		   "a loaded file without id or title");
	FUZZ_CHECK(!strcmp(nestref_vec_file_path(file), FUZZ_FILE_NAME),
		   "path %s", nestref_vec_file_path(file));
	FUZZ_CHECK(nestref_vec_file_profiles(file) &&
			   !(nestref_vec_file_profiles(file) &
			     ~NESTREF_PROFILES_ALL),
		   "profiles 0x%x", nestref_vec_file_profiles(file));
	n = nestref_vec_file_viommus(file);
	FUZZ_CHECK(n >= 1 && n <= 4, "%zu vIOMMUs", n);
	for (d = 0; d < nestref_vec_file_devices(file); d++) {
		FUZZ_CHECK(nestref_vec_device_name(file, d), "device %zu", d);
		n = nestref_vec_device_psids(file, d, &psids);
		FUZZ_CHECK(n >= 1 && n <= NESTREF_DEV_STREAMS_MAX && psids,
			   "device %zu has %zu pSIDs", d, n);
		FUZZ_CHECK(nestref_vec_device_viommu(file, d) <
				   nestref_vec_file_viommus(file),
			   "device %zu in vIOMMU %zu", d,
			   nestref_vec_device_viommu(file, d));
		rc = nestref_vec_device_vsid(file, d, &vsid);
		FUZZ_CHECK(rc == 0 || rc == -ENOENT, "device %zu vsid: %d", d,
			   rc);
	}
	for (t = 0; t < nestref_vec_file_tests(file); t++) {
		tc = nestref_vec_test_tc(file, t);
		FUZZ_CHECK(!nestref_vec_test_find(file, tc, &s) && s == t,
			   "test %zu: tc %ld finds another", t, tc);
		for (s = 0; s < nestref_vec_test_steps(file, t); s++)
			FUZZ_CHECK(nestref_vec_step_action(file, t, s, NULL,
							   NULL),
				   "test %zu step %zu has no action", t, s);
	}
}

/* The profile a run uses: one the file covers, chosen by the input. */
static enum nestref_profile pick_profile(uint32_t profiles, size_t size)
{
	unsigned int p, k = (unsigned int)(size % NESTREF_PROFILE_COUNT);

	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		unsigned int q = (p + k) % NESTREF_PROFILE_COUNT;

		if (profiles & NESTREF_PROFILE_BIT(q))
			return (enum nestref_profile)q;
	}
	return NESTREF_PROFILE_DEFAULT;
}

static void run_file(const struct nestref_vec_file *file, const char *backend,
		     enum nestref_profile profile)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.profile = profile,
		.backend = backend,
	};
	struct nestref_vec_result *result = NULL;
	struct nestref_vec_session *session = NULL;
	struct nestref_vec_answer answer;
	size_t v, sum = 0, s;
	char msg[256];
	int rc, status;

	rc = nestref_vec_run_file(file, &opts, &result);
	FUZZ_CHECK(rc == 0 || rc == -ENOMEM, "run_file: %d", rc);
	if (rc)
		return;
	for (v = 0; v < NESTREF_VEC_VERDICT_COUNT; v++)
		sum += nestref_vec_result_count(result,
						(enum nestref_vec_verdict)v);
	FUZZ_CHECK(nestref_vec_result_verdict(result) == NESTREF_VEC_ERROR ||
			   sum == nestref_vec_file_tests(file),
		   "%zu verdicts for %zu tests", sum,
		   nestref_vec_file_tests(file));
	FUZZ_CHECK(nestref_vec_result_tap(result) &&
			   !strncmp(nestref_vec_result_tap(result),
				    "TAP version 13\n", 15),
		   "no TAP report");
	status = nestref_vec_result_status(result);
	FUZZ_CHECK(status == NESTREF_VEC_EXIT_OK ||
			   status == NESTREF_VEC_EXIT_FAILED ||
			   status == NESTREF_VEC_EXIT_USAGE ||
			   status == NESTREF_VEC_EXIT_UNAVAILABLE,
		   "exit status %d", status);
	FUZZ_CHECK((nestref_vec_result_verdict(result) == NESTREF_VEC_PASS) ==
			   !nestref_vec_result_reason(result),
		   "verdict %s with reason '%s'",
		   nestref_vec_verdict_name(nestref_vec_result_verdict(result)),
		   nestref_vec_result_reason(result));
	nestref_vec_result_free(result);

	/* The first test again, one step at a time (nestref explain). */
	if (nestref_vec_session_open(file, 0, &opts, &session, msg,
				     sizeof(msg)))
		return;
	for (s = 0; s < nestref_vec_test_steps(file, 0); s++) {
		memset(&answer, 0, sizeof(answer));
		answer.size = sizeof(answer);
		rc = nestref_vec_session_step(session, s, &answer);
		if (rc)
			break;
		FUZZ_CHECK(answer.rc <= 0 && answer.message &&
				   answer.check <= NESTREF_VEC_CHECK_FAIL,
			   "step %zu answered rc %d", s, answer.rc);
	}
	nestref_vec_session_close(session);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nestref_vec_file file = { NULL };
	struct vec_diag diag;
	size_t i, lines;
	int rc;

	fuzz_alloc_start(0, false);
	vec_diag_init(&diag);
	rc = vec_load_mem(FUZZ_FILE_NAME, data, size, &file.f, &diag);
	FUZZ_CHECK(rc <= 0, "load returned %d", rc);
	if (rc) {
		FUZZ_CHECK(!file.f, "a failed load gave a file");
		FUZZ_CHECK(diag.count > 0, "load failed with %d and no message",
			   rc);
	} else {
		FUZZ_CHECK(file.f && diag.count == 0,
			   "a file loaded with %zu messages", diag.count);
	}
	lines = count_lines(data, size);
	for (i = 0; i < diag.count; i++)
		check_message(vec_diag_message(&diag, i), lines);
	vec_diag_free(&diag);
	if (!rc) {
		enum nestref_profile p =
			pick_profile(nestref_vec_file_profiles(&file), size);

		check_file(&file);
		run_file(&file, "mock", p);
		run_file(&file, "smmuv3-sim", p);
	}
	vec_file_free(file.f);
	FUZZ_CHECK(fuzz_alloc_live() == 0, "%ld blocks still held",
		   fuzz_alloc_live());
	fuzz_alloc_stop();
	return 0;
}

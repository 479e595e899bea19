/* SPDX-License-Identifier: MIT */
/* Shared by the Check programs: a main that reports TAP, context helpers. */
#ifndef NESTREF_TESTS_CHECK_HELPERS_H
#define NESTREF_TESTS_CHECK_HELPERS_H

#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include <nestref/smmuv3.h>

/*
 * TAP comes from CK_TAP_LOG_FILE_NAME=- in the test environment
 * (style.md 0.7); keep fork mode for per-test attribution under valgrind.
 */
static inline int check_main(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static inline struct nestref_ctx *ctx_open(const char *backend,
					   enum nestref_profile profile)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.profile = profile,
		.backend = backend,
	};
	struct nestref_ctx *ctx = NULL;
	char msg[256];
	int rc = nestref_ctx_new(&ctx, &opts, msg, sizeof(msg));

	ck_assert_msg(rc == 0, "ctx_new(%s): %d %s", backend, rc, msg);
	return ctx;
}

static inline void le32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

#endif /* NESTREF_TESTS_CHECK_HELPERS_H */

/* SPDX-License-Identifier: MIT */
/* Shared by the Check programs: a main that reports TAP, context helpers. */
#ifndef NESTREF_TESTS_CHECK_HELPERS_H
#define NESTREF_TESTS_CHECK_HELPERS_H

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* vEVENTQ reads (kernel-facts 2.12) ------------------------------------ */

#define LOST NESTREF_VEVENT_FLAG_LOST_EVENTS
#define REC 12 /* a selftest record: header and {u32 virt_id} */

/* Reads queue q with count and data_size into out (zeroed first). */
static inline int vevents_read(struct nestref_ctx *ctx, uint32_t q,
			       unsigned char *out, size_t count,
			       size_t data_size, size_t *done)
{
	struct nestref_event_buffer buf = {
		.data = out, .count = count, .data_size = data_size,
		.done = 12345,
	};
	int rc;

	memset(out, 0, data_size);
	rc = nestref_veventq_read(ctx, q, &buf);
	*done = buf.done;
	return rc;
}

/* One selftest record read back: flags, sequence, and unless LOST the
 * virt_id. */
struct vevent_rec {
	uint32_t flags, seq, virt_id;
};

/* A read of count bytes (data_size writable) gives exactly want. */
static inline void expect_vevents(struct nestref_ctx *ctx, uint32_t q,
				  size_t count, size_t data_size,
				  const struct vevent_rec *want, size_t n)
{
	unsigned char out[64];
	size_t done, at = 0, i;

	ck_assert_uint_le(data_size, sizeof(out));
	ck_assert_msg(vevents_read(ctx, q, out, count, data_size, &done) == 0,
		      "read: %s", nestref_ctx_message(ctx));
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(nestref_le32(out + at), want[i].flags);
		ck_assert_uint_eq(nestref_le32(out + at + 4), want[i].seq);
		if (want[i].flags & LOST) {
			at += NESTREF_VEVENT_HEADER_SIZE;
			continue;
		}
		ck_assert_uint_eq(nestref_le32(out + at + 8), want[i].virt_id);
		at += REC;
	}
	ck_assert_uint_eq(done, at);
}

#define EXPECT_VEVENTS(ctx, q, count, data_size, ...)                    \
	expect_vevents(ctx, q, count, data_size,                         \
		       (const struct vevent_rec[]){ __VA_ARGS__ },        \
		       sizeof((const struct vevent_rec[]){ __VA_ARGS__ }) / \
			       sizeof(struct vevent_rec))

/* A read that fails with err has read nothing. */
static inline void expect_vevents_error(struct nestref_ctx *ctx, uint32_t q,
					size_t count, size_t data_size,
					int err)
{
	unsigned char out[64];
	size_t done;

	ck_assert_uint_le(data_size, sizeof(out));
	ck_assert_int_eq(vevents_read(ctx, q, out, count, data_size, &done),
			 err);
	ck_assert_uint_eq(done, 0);
}

#endif /* NESTREF_TESTS_CHECK_HELPERS_H */

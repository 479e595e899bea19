/* SPDX-License-Identifier: MIT */
/*
 * vEVENTQs in the core (kernel-facts 2.12): allocation and its errnos in
 * the kernel's order, reporting (sequence numbers, overflow and the one
 * LOST_EVENTS header), reading (whole records, count and faults),
 * destroy, the profile rule, the capabilities, the trigger wrapper, a
 * backend that owns its queues, and the registry's version-4 rule.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check-helpers.h"
#include "fake-backend.h"
#include "lib/core/internal.h"

#define SELFTEST NESTREF_VEVENTQ_TYPE_SELFTEST
#define LOST NESTREF_VEVENT_FLAG_LOST_EVENTS
#define REC 12 /* a selftest record: header and {u32 virt_id} */

struct objs {
	struct nestref_ctx *ctx;
	struct nestref_viommu *vi;
	uint32_t viommu, dev, q;
};

/* A vIOMMU, a device with vSID 0x99 on it, and a selftest queue. */
static void objs_open_on(struct objs *o, const char *backend, uint32_t depth)
{
	unsigned char vsid[4];

	fake_backend_setup();
	o->ctx = ctx_open(backend, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_viommu_alloc(o->ctx, 5, &o->viommu), 0);
	o->vi = nestref_ctx_viommu(o->ctx, o->viommu);
	ck_assert_int_eq(nestref_dev_add(o->ctx, 0x1234, &o->dev), 0);
	le32_put(vsid, 0x99);
	if (strcmp(backend, "fake") == 0)
		ck_assert_int_eq(nestref_set_dev_user_data(o->ctx, o->viommu,
							   o->dev, vsid, 4,
							   NULL),
				 0);
	ck_assert_int_eq(nestref_veventq_alloc(o->ctx, o->viommu, SELFTEST,
					       depth, 0, &o->q),
			 0);
}

static void objs_open(struct objs *o, uint32_t depth)
{
	objs_open_on(o, "fake", depth);
}

static void objs_close(struct objs *o)
{
	nestref_ctx_free(o->ctx);
}

/*
 * A record of a length no allocation can hold: the record's allocation
 * fails as it would for want of memory (the data is never read).
 */
static int report_enomem(struct objs *o)
{
	return nestref_viommu_report_event(o->vi, SELFTEST, "", SIZE_MAX);
}

/* Reports the selftest event {virt_id}. */
static int report(struct objs *o, uint32_t virt_id)
{
	unsigned char ev[4];

	le32_put(ev, virt_id);
	return nestref_viommu_report_event(o->vi, SELFTEST, ev, sizeof(ev));
}

/* Reports n events, virt_ids first, first + 1, ...: each answers 0. */
static void reports(struct objs *o, uint32_t first, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(report(o, first + i), 0);
}

/* Reads with count and data_size into out (zeroed first). */
static int read_q(struct objs *o, unsigned char *out, size_t count,
		  size_t data_size, size_t *done)
{
	struct nestref_event_buffer buf = {
		.data = out, .count = count, .data_size = data_size,
		.done = 12345,
	};
	int rc;

	memset(out, 0, data_size);
	rc = nestref_veventq_read(o->ctx, o->q, &buf);
	*done = buf.done;
	return rc;
}

/* The record at p: its header, and the virt_id unless it is LOST. */
static void assert_record(const unsigned char *p, uint32_t flags,
			  uint32_t seq, uint32_t virt_id)
{
	ck_assert_uint_eq(nestref_le32(p), flags);
	ck_assert_uint_eq(nestref_le32(p + 4), seq);
	if (!(flags & LOST))
		ck_assert_uint_eq(nestref_le32(p + 8), virt_id);
}

/* One record read back: flags, sequence and, unless LOST, virt_id. */
struct rec {
	uint32_t flags, seq, virt_id;
};

/* A read of count bytes (data_size writable) gives exactly want. */
static void expect_read(struct objs *o, size_t count, size_t data_size,
			const struct rec *want, size_t n)
{
	unsigned char out[64];
	size_t done, at = 0, i;

	ck_assert_uint_le(data_size, sizeof(out));
	ck_assert_int_eq(read_q(o, out, count, data_size, &done), 0);
	for (i = 0; i < n; i++) {
		assert_record(out + at, want[i].flags, want[i].seq,
			      want[i].virt_id);
		at += want[i].flags & LOST ? NESTREF_VEVENT_HEADER_SIZE : REC;
	}
	ck_assert_uint_eq(done, at);
}

#define EXPECT_READ(o, count, data_size, ...)                              \
	expect_read(o, count, data_size, (const struct rec[]){ __VA_ARGS__ }, \
		    sizeof((const struct rec[]){ __VA_ARGS__ }) /          \
			    sizeof(struct rec))
#define EXPECT_NOTHING(o, count, data_size) \
	expect_read(o, count, data_size, NULL, 0)

/* A read that fails with err has read nothing. */
static void expect_error(struct objs *o, size_t count, size_t data_size,
			 int err)
{
	unsigned char out[64];
	size_t done;

	ck_assert_uint_le(data_size, sizeof(out));
	ck_assert_int_eq(read_q(o, out, count, data_size, &done), err);
	ck_assert_uint_eq(done, 0);
}

/* Allocation ---------------------------------------------------------- */

/* iommufd_veventq_alloc's order: each check before the next (2.12). */
START_TEST(alloc_checks_in_kernel_order)
{
	struct objs o;
	uint32_t id = 77, q2, q3, viommu2;

	objs_open(&o, 8);
	/* flags first: even with depth 0 and no vIOMMU. */
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, 9999, SELFTEST, 0, 1,
					       &id),
			 -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(o.ctx), "flags"));
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, 9999,
					       NESTREF_VEVENTQ_TYPE_DEFAULT, 0,
					       0, &id),
			 -EOPNOTSUPP);
	/* Then depth, before the vIOMMU is looked up. */
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, 9999, SELFTEST, 0, 0,
					       &id),
			 -EINVAL);
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, 9999, SELFTEST,
					       NESTREF_VEVENTQ_DEPTH_MAX + 1, 0,
					       &id),
			 -EINVAL);
	/* An ID that is no vIOMMU: ENOENT, whatever it is. */
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, 9999, SELFTEST, 1, 0,
					       &id),
			 -ENOENT);
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.dev, SELFTEST, 1, 0,
					       &id),
			 -ENOENT);
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.q, SELFTEST, 1, 0,
					       &id),
			 -ENOENT);
	/* One queue per type per vIOMMU. */
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.viommu, SELFTEST, 1, 0,
					       &id),
			 -EEXIST);
	ck_assert_uint_eq(id, 77);
	/* Any other type is taken, the largest depth too; IDs are the
	 * context's. */
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.viommu, 0x77,
					       NESTREF_VEVENTQ_DEPTH_MAX, 0,
					       &q2),
			 0);
	ck_assert_uint_eq(q2, o.q + 1);
	ck_assert_int_eq(nestref_viommu_alloc(o.ctx, 6, &viommu2), 0);
	ck_assert_uint_eq(viommu2, q2 + 1);
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, viommu2, SELFTEST, 1, 0,
					       &q3),
			 0);
	objs_close(&o);
}
END_TEST

/* The veventq rule: before 6.15 both ioctls are unknown (ENOTTY). */
START_TEST(the_rule_follows_the_profile)
{
	enum nestref_profile p = (enum nestref_profile)_i;
	struct nestref_event_buffer buf = { 0 };
	struct nestref_ctx *ctx;
	uint32_t viommu, q = 0;
	char want[128];
	bool rule = p == NESTREF_PROFILE_LINUX_7_2 ||
		    p == NESTREF_PROFILE_LINUX_7_4;

	fake_backend_setup();
	ck_assert(rule == ((nestref_profile_rules(p) &
			    NESTREF_RULE_BIT(NESTREF_RULE_VEVENTQ)) != 0));
	ctx = ctx_open("fake", p);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	/* ENOTTY comes before every other check. */
	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu, SELFTEST, 0, 1, &q),
			 rule ? -EOPNOTSUPP : -ENOTTY);
	ck_assert_int_eq(nestref_veventq_read(ctx, 9999, &buf),
			 rule ? -ENOENT : -ENOTTY);
	if (!rule) {
		snprintf(want, sizeof(want), "[rule veventq, %s]",
			 nestref_profile_name(p));
		ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx), want));
	}
	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu, SELFTEST, 1, 0, &q),
			 rule ? 0 : -ENOTTY);
	ck_assert_uint_eq(q != 0, rule);
	nestref_ctx_free(ctx);
}
END_TEST

START_TEST(rule_name_and_source)
{
	enum nestref_rule r;

	ck_assert_str_eq(nestref_rule_name(NESTREF_RULE_VEVENTQ), "veventq");
	ck_assert_str_eq(nestref_rule_source(NESTREF_RULE_VEVENTQ),
			 "iommufd_veventq_alloc (6.15)");
	ck_assert_int_eq(nestref_rule_parse("veventq", &r), 0);
	ck_assert_int_eq(r, NESTREF_RULE_VEVENTQ);
	ck_assert_uint_eq(nestref_rule_caps(NESTREF_RULE_VEVENTQ), 0);
}
END_TEST

/* Destroy --------------------------------------------------------------- */

/* The queue holds its vIOMMU; destroying it drops what is unread. */
START_TEST(destroy_rules)
{
	struct objs o;
	unsigned char out[64];
	size_t done;

	objs_open(&o, 8);
	reports(&o, 1, 2);
	ck_assert_int_eq(nestref_unset_dev_user_data(o.ctx, o.dev), 0);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.viommu), -EBUSY);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(o.ctx), "vEVENTQ"));
	ck_assert_int_eq(nestref_destroy(o.ctx, o.q), 0);
	/* The closed queue is gone for every call. */
	ck_assert_int_eq(read_q(&o, out, sizeof(out), sizeof(out), &done),
			 -ENOENT);
	ck_assert_uint_eq(done, 12345);
	ck_assert_int_eq(nestref_veventq_set_sequence(o.ctx, o.q, 1), -ENOENT);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.q), -ENOENT);
	/* Reports find no queue now, and the vIOMMU is free to go. */
	ck_assert_int_eq(report(&o, 3), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.viommu), 0);
	/* The queue's ID is free again (lowest first). */
	ck_assert_int_eq(nestref_viommu_alloc(o.ctx, 1, &o.viommu), 0);
	ck_assert_uint_eq(o.viommu, 1);
	objs_close(&o);
}
END_TEST

/* Closing the context with queues and records: nothing leaks. */
START_TEST(ctx_free_takes_queues_first)
{
	struct objs o;
	uint32_t q2;

	objs_open(&o, 2);
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.viommu, 0x77, 4, 0,
					       &q2),
			 0);
	reports(&o, 1, 3); /* the third is lost */
	ck_assert_int_eq(nestref_viommu_report_event(o.vi, 0x77, "abcdefgh", 8),
			 0);
	objs_close(&o);
}
END_TEST

/* Reporting ------------------------------------------------------------- */

START_TEST(report_rules)
{
	struct objs o;

	objs_open(&o, 8);
	ck_assert_int_eq(nestref_viommu_report_event(o.vi, SELFTEST, "x", 0),
			 -EINVAL);
	ck_assert_int_eq(nestref_viommu_report_event(o.vi, SELFTEST, NULL, 4),
			 -EINVAL);
	/* No queue of the type: dropped, and no number taken. */
	ck_assert_int_eq(nestref_viommu_report_event(o.vi, 0x77, "abcd", 4),
			 -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(o.ctx), "0x77"));
	ck_assert_int_eq(report(&o, 0x99), 0);
	EXPECT_READ(&o, 64, 64, { 0, 0, 0x99 });
	/* Empty now: 0 bytes, no error. */
	EXPECT_NOTHING(&o, 64, 64);
	objs_close(&o);
}
END_TEST

/* (seq + 1) & INT_MAX: 0x7ffffffe, 0x7fffffff, then 0. */
START_TEST(sequence_wraps)
{
	struct objs o;

	objs_open(&o, 8);
	ck_assert_int_eq(nestref_veventq_set_sequence(o.ctx, o.q,
						      NESTREF_VEVENT_SEQUENCE_MAX + 1),
			 -EINVAL);
	ck_assert_int_eq(nestref_veventq_set_sequence(o.ctx, 9999, 0), -ENOENT);
	ck_assert_int_eq(nestref_veventq_set_sequence(o.ctx, o.viommu, 0),
			 -ENOENT);
	ck_assert_int_eq(nestref_veventq_set_sequence(o.ctx, o.q, 0x7ffffffe),
			 0);
	reports(&o, 1, 3);
	EXPECT_READ(&o, 64, 64,
		    { 0, 0x7ffffffe, 1 },
		    { 0, 0x7fffffff, 2 },
		    { 0, 0, 3 });
	objs_close(&o);
}
END_TEST

/* A full queue: two records, then the header with the lost number. */
START_TEST(overflow_queues_one_lost_header)
{
	struct objs o;

	objs_open(&o, 2);
	reports(&o, 1, 3); /* the third lost: still 0 */
	EXPECT_READ(&o, 36, 36, { 0, 0, 1 }, { 0, 1, 2 }, { LOST, 2, 0 });
	/* The next one reads as the next number, no header. */
	ck_assert_int_eq(report(&o, 4), 0);
	EXPECT_READ(&o, 64, 64, { 0, 3, 4 });
	objs_close(&o);
}
END_TEST

/* Two losses: the header moves, carrying the last number. */
START_TEST(lost_header_moves_not_duplicated)
{
	struct objs o;

	objs_open(&o, 1);
	reports(&o, 1, 3);
	EXPECT_READ(&o, 64, 64, { 0, 0, 1 }, { LOST, 2, 0 });
	EXPECT_NOTHING(&o, 64, 64);
	objs_close(&o);
}
END_TEST

/* A record appended after the header removes it: the gap says it. */
START_TEST(lost_header_removed_on_append)
{
	struct objs o;

	objs_open(&o, 2);
	reports(&o, 1, 3); /* the third lost: number 2 */
	/* One record read frees one place. */
	EXPECT_READ(&o, REC, REC, { 0, 0, 1 });
	ck_assert_int_eq(report(&o, 4), 0);
	EXPECT_READ(&o, 64, 64, { 0, 1, 2 }, { 0, 3, 4 });
	objs_close(&o);
}
END_TEST

/*
 * A record that cannot be allocated is lost (ENOMEM) with its number, the
 * queue not full; reading the header then frees no place, for it never
 * took one.
 */
START_TEST(enomem_is_a_loss_and_the_header_takes_no_place)
{
	struct objs o;

	objs_open(&o, 1);
	ck_assert_int_eq(report_enomem(&o), -ENOMEM);
	EXPECT_READ(&o, 64, 64, { LOST, 0, 0 });
	reports(&o, 2, 2); /* the second finds it full */
	EXPECT_READ(&o, 64, 64, { 0, 1, 2 }, { LOST, 2, 0 });
	/* An allocation failure after a record: the header follows it. */
	ck_assert_int_eq(report(&o, 4), 0);
	ck_assert_int_eq(report_enomem(&o), -ENOMEM);
	EXPECT_READ(&o, 64, 64, { 0, 3, 4 }, { LOST, 4, 0 });
	objs_close(&o);
}
END_TEST

/* Reading --------------------------------------------------------------- */

/* count: below the header EINVAL; the first record whole or EINVAL. */
START_TEST(read_count_rules)
{
	struct objs o;

	objs_open(&o, 8);
	/* Empty: 0 and 7 are EINVAL all the same, 8 reads nothing. */
	expect_error(&o, 0, 64, -EINVAL);
	expect_error(&o, 7, 64, -EINVAL);
	EXPECT_NOTHING(&o, 8, 64);
	reports(&o, 1, 2);
	/* The header fits, the 4-byte event does not: EINVAL, kept. */
	expect_error(&o, 0, 64, -EINVAL);
	expect_error(&o, 8, 64, -EINVAL);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(o.ctx), "12 bytes"));
	expect_error(&o, 11, 64, -EINVAL);
	/* Exactly one record. */
	EXPECT_READ(&o, REC, REC, { 0, 0, 1 });
	ck_assert_int_eq(report(&o, 3), 0);
	/* Room for one and a bit: one record, the rest kept. */
	EXPECT_READ(&o, 20, 64, { 0, 1, 2 });
	ck_assert_int_eq(report(&o, 4), 0);
	/* Exact fit for two. */
	EXPECT_READ(&o, 24, 24, { 0, 2, 3 }, { 0, 3, 4 });
	objs_close(&o);
}
END_TEST

/* Writes past data_size fault; the record that faults stays queued. */
START_TEST(read_faults)
{
	struct objs o;
	struct nestref_event_buffer buf = { .count = 64, .data_size = 64 };

	objs_open(&o, 8);
	reports(&o, 1, 2);
	/* Nothing writable, or the header but not the data: EFAULT. */
	expect_error(&o, 64, 0, -EFAULT);
	expect_error(&o, 64, 7, -EFAULT);
	expect_error(&o, 64, 10, -EFAULT);
	/* No buffer at all is a fault too. */
	ck_assert_int_eq(nestref_veventq_read(o.ctx, o.q, &buf), -EFAULT);
	ck_assert_int_eq(nestref_veventq_read(o.ctx, o.q, NULL), -EINVAL);
	/* A fault after a record: what was read, the header not counted. */
	EXPECT_READ(&o, 64, REC + 10, { 0, 0, 1 });
	EXPECT_READ(&o, 64, 64, { 0, 1, 2 });
	objs_close(&o);
}
END_TEST

/* The LOST header faults and fits like any record, and stays. */
START_TEST(read_lost_header_edges)
{
	struct objs o;

	objs_open(&o, 1);
	reports(&o, 1, 2); /* the second lost: number 1 */
	/* No room after the record: the header waits. */
	EXPECT_READ(&o, REC + 7, 64, { 0, 0, 1 });
	/* A fault on the header alone: EFAULT, it stays. */
	expect_error(&o, 64, 4, -EFAULT);
	EXPECT_READ(&o, 8, 8, { LOST, 1, 0 });
	EXPECT_NOTHING(&o, 64, 64);
	objs_close(&o);
}
END_TEST

/* Capabilities, trigger, accessors -------------------------------------- */

START_TEST(cap_names)
{
	uint32_t cap;

	ck_assert_uint_eq(NESTREF_CAP_COUNT, 11);
	ck_assert_str_eq(nestref_cap_name(NESTREF_CAP_TRIGGER_VEVENT),
			 "trigger-vevent");
	ck_assert_str_eq(nestref_cap_name(NESTREF_CAP_VEVENTQ_SEQUENCE),
			 "veventq-sequence");
	ck_assert_str_eq(nestref_cap_name(NESTREF_CAP_INJECT_EVENT),
			 "inject-event");
	ck_assert_int_eq(nestref_cap_parse("inject-event", &cap), 0);
	ck_assert_uint_eq(cap, 1u << 10);
	ck_assert_ptr_null(nestref_cap_name(1u << 11));
}
END_TEST

/* veventq-sequence: the core's, where the core keeps the queues. */
START_TEST(sequence_cap_is_the_cores)
{
	struct nestref_ctx *ctx;
	uint32_t viommu, q;

	fake_backend_setup();
	ctx = ctx_open("fake", NESTREF_PROFILE_LINUX_7_2);
	ck_assert(nestref_ctx_caps(ctx) & NESTREF_CAP_VEVENTQ_SEQUENCE);
	ck_assert(!(nestref_backend_caps(nestref_backend_find("fake")) &
		    NESTREF_CAP_VEVENTQ_SEQUENCE));
	/* The backend's narrowing leaves the core's own. */
	nestref_ctx_set_caps(ctx, NESTREF_CAP_ATTACH_NESTED);
	ck_assert_uint_eq(nestref_ctx_caps(ctx), NESTREF_CAP_VEVENTQ_SEQUENCE |
							 NESTREF_CAP_ATTACH_NESTED);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu, SELFTEST, 1, 0, &q),
			 0);
	ck_assert_int_eq(nestref_veventq_set_sequence(ctx, q, 1), 0);
	nestref_ctx_free(ctx);
	/* A backend that owns its queues has it not. */
	ctx = ctx_open("fake-evq", NESTREF_PROFILE_LINUX_7_2);
	ck_assert(!(nestref_ctx_caps(ctx) & NESTREF_CAP_VEVENTQ_SEQUENCE));
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 1, &viommu), 0);
	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu, SELFTEST, 1, 0, &q),
			 0);
	ck_assert_int_eq(nestref_veventq_set_sequence(ctx, q, 1), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "veventq-sequence"));
	nestref_ctx_free(ctx);
}
END_TEST

/* nestref_trigger_vevent: capability and op, a device, then the backend. */
START_TEST(trigger_rules)
{
	struct nestref_ctx *ctx;
	struct objs o;

	fake_backend_setup();
	ctx = ctx_open("fake-noops", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_trigger_vevent(ctx, 1), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx),
				     "trigger-vevent"));
	nestref_ctx_free(ctx);
	objs_open(&o, 8);
	/* The capability narrowed away: EOPNOTSUPP before the device. */
	nestref_ctx_set_caps(o.ctx, nestref_ctx_caps(o.ctx) &
					    ~NESTREF_CAP_TRIGGER_VEVENT);
	ck_assert_int_eq(nestref_trigger_vevent(o.ctx, 9999), -EOPNOTSUPP);
	nestref_ctx_set_caps(o.ctx, ~0u);
	ck_assert_int_eq(nestref_trigger_vevent(o.ctx, 9999), -ENOENT);
	ck_assert_int_eq(nestref_trigger_vevent(o.ctx, o.viommu), -ENOENT);
	ck_assert_uint_eq(fake_knobs.trigger_calls, 0);
	/* The backend's answer comes back, with its own message or one. */
	fake_knobs.trigger_rc = -EIO;
	ck_assert_int_eq(nestref_trigger_vevent(o.ctx, o.dev), -EIO);
	ck_assert_str_eq(nestref_ctx_message(o.ctx),
			 "trigger_vevent: rejected by the IOMMU driver (I/O error)");
	fake_knobs.trigger_rc = 0;
	ck_assert_int_eq(nestref_trigger_vevent(o.ctx, o.dev), 0);
	ck_assert_str_eq(nestref_ctx_message(o.ctx), "");
	EXPECT_READ(&o, 64, 64, { 0, 0, 0x99 });
	/* Without a queue the report's EOPNOTSUPP and sentence come back. */
	ck_assert_int_eq(nestref_destroy(o.ctx, o.q), 0);
	ck_assert_int_eq(nestref_trigger_vevent(o.ctx, o.dev), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(o.ctx),
				     "no vEVENTQ of type 0xbeefbeef"));
	ck_assert_uint_eq(fake_knobs.trigger_calls, 3);
	objs_close(&o);
}
END_TEST

START_TEST(accessors)
{
	struct objs o;
	struct nestref_veventq *q;

	objs_open(&o, 3);
	q = nr_obj_veventq(nr_lookup(o.ctx, o.q, NR_OBJ_VEVENTQ));
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_eq(nestref_veventq_ctx(q), o.ctx);
	ck_assert_uint_eq(nestref_veventq_id(q), o.q);
	ck_assert_uint_eq(nestref_veventq_type(q), SELFTEST);
	ck_assert_uint_eq(nestref_veventq_depth(q), 3);
	ck_assert_ptr_eq(nestref_veventq_viommu(q), o.vi);
	/* The fake keeps no private bytes with a queue. */
	ck_assert_ptr_null(nestref_veventq_priv(q));
	objs_close(&o);
}
END_TEST

/* iommufd_viommu_get_vdev_id: the device's vDEVICE in that vIOMMU. */
START_TEST(viommu_dev_virt_id)
{
	struct objs o;
	struct nestref_dev *dev;
	struct nestref_viommu *other;
	uint32_t viommu2;
	uint64_t virt_id = 7;

	objs_open(&o, 1);
	dev = nr_obj_dev(nr_lookup(o.ctx, o.dev, NR_OBJ_DEVICE));
	ck_assert_int_eq(nestref_viommu_dev_virt_id(o.vi, dev, &virt_id), 0);
	ck_assert_uint_eq(virt_id, 0x99);
	ck_assert_int_eq(nestref_viommu_alloc(o.ctx, 1, &viommu2), 0);
	other = nestref_ctx_viommu(o.ctx, viommu2);
	virt_id = 7;
	ck_assert_int_eq(nestref_viommu_dev_virt_id(other, dev, &virt_id),
			 -ENOENT);
	ck_assert_uint_eq(virt_id, 7);
	ck_assert_int_eq(nestref_unset_dev_user_data(o.ctx, o.dev), 0);
	ck_assert_int_eq(nestref_viommu_dev_virt_id(o.vi, dev, &virt_id),
			 -ENOENT);
	objs_close(&o);
}
END_TEST

/* A backend that owns its queues --------------------------------------- */

START_TEST(backend_owned_queues)
{
	struct objs o;
	struct nestref_veventq *q;
	uint32_t id = 0;

	objs_open_on(&o, "fake-evq", 4);
	ck_assert_uint_eq(fake_knobs.veventq_allocs, 1);
	q = nr_obj_veventq(nr_lookup(o.ctx, o.q, NR_OBJ_VEVENTQ));
	ck_assert_ptr_nonnull(nestref_veventq_priv(q));
	/* The core's checks come first: the backend sees none of these. */
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.viommu, SELFTEST, 1, 0,
					       &id),
			 -EEXIST);
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.viommu, 0x77, 0, 0,
					       &id),
			 -EINVAL);
	ck_assert_uint_eq(fake_knobs.veventq_allocs, 1);
	/* Its error comes back and the ID is given back. */
	fake_knobs.veventq_alloc_rc = -ENOSPC;
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.viommu, 0x77, 1, 0,
					       &id),
			 -ENOSPC);
	ck_assert_uint_eq(id, 0);
	fake_knobs.veventq_alloc_rc = 0;
	ck_assert_int_eq(nestref_veventq_alloc(o.ctx, o.viommu, 0x77, 1, 0,
					       &id),
			 0);
	ck_assert_uint_eq(id, o.q + 1);
	/* Reads go to the backend with a count of at least 8. */
	expect_error(&o, 7, 64, -EINVAL);
	ck_assert_uint_eq(fake_knobs.veventq_reads, 0);
	EXPECT_NOTHING(&o, 12, 64);
	ck_assert_uint_eq(fake_knobs.last_read_count, 12);
	fake_knobs.veventq_read_rc = -EFAULT;
	expect_error(&o, 12, 64, -EFAULT);
	ck_assert_uint_eq(fake_knobs.veventq_reads, 2);
	/* The core fills no queue it does not keep. */
	ck_assert_int_eq(report(&o, 1), -EOPNOTSUPP);
	ck_assert_int_eq(nestref_veventq_set_sequence(o.ctx, o.q, 1),
			 -EOPNOTSUPP);
	ck_assert_int_eq(nestref_destroy(o.ctx, o.q), 0);
	ck_assert_uint_eq(fake_knobs.veventq_destroys, 1);
	objs_close(&o);
	ck_assert_uint_eq(fake_knobs.veventq_destroys, 2);
}
END_TEST

/* Registry: version 4 ---------------------------------------------------- */

static int v4_alloc(struct nestref_veventq *q)
{
	(void)q;
	return 0;
}

static int v4_read(struct nestref_veventq *q, struct nestref_event_buffer *buf)
{
	(void)q;
	(void)buf;
	return 0;
}

/* The three queue ops go together; older versions read none of them. */
START_TEST(registry_version_4)
{
	struct nestref_backend b = {
		.version = NESTREF_BACKEND_VERSION,
		.name = "half-queues",
		.profiles = NESTREF_PROFILES_ALL,
		.veventq_alloc = v4_alloc,
		.veventq_read = v4_read,
	};
	struct nestref_backend *v3;
	struct nestref_ctx_opts opts = { .size = sizeof(opts) };
	struct nestref_ctx *ctx;

	ck_assert_int_eq(nestref_backend_register(&b), -EINVAL);
	ck_assert_ptr_nonnull(strstr(nr_backend_refusal(&b),
				     "set together or not at all"));
	b.veventq_alloc = NULL;
	ck_assert_int_eq(nestref_backend_register(&b), -EINVAL);
	ck_assert_ptr_null(nestref_backend_find("half-queues"));
	ck_assert_str_eq(nr_backend_refusal(NULL), "a version other than 1 to 4");
	b.veventq_read = NULL;
	ck_assert_ptr_null(nr_backend_refusal(&b));
	/* Version 3 at exactly its size: the slots past it are NULL. */
	ck_assert_uint_lt(NESTREF_BACKEND_V3_SIZE, sizeof(b));
	b.version = 3;
	b.name = "old-three";
	v3 = malloc(NESTREF_BACKEND_V3_SIZE);
	ck_assert_ptr_nonnull(v3);
	memcpy(v3, &b, NESTREF_BACKEND_V3_SIZE);
	ck_assert_int_eq(nestref_backend_register(v3), 0);
	free(v3);
	opts.backend = "old-three";
	opts.profile = NESTREF_PROFILE_LINUX_7_2;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, NULL, 0), 0);
	/* Core-kept queues, no trigger. */
	ck_assert_uint_eq(nestref_ctx_caps(ctx), NESTREF_CAP_VEVENTQ_SEQUENCE);
	ck_assert_int_eq(nestref_trigger_vevent(ctx, 1), -EOPNOTSUPP);
	nestref_ctx_free(ctx);
}
END_TEST

static Suite *veventq_suite(void)
{
	Suite *s = suite_create("veventq");
	TCase *tc = tcase_create("veventq");

	tcase_add_test(tc, alloc_checks_in_kernel_order);
	tcase_add_loop_test(tc, the_rule_follows_the_profile, 0,
			    NESTREF_PROFILE_COUNT);
	tcase_add_test(tc, rule_name_and_source);
	tcase_add_test(tc, destroy_rules);
	tcase_add_test(tc, ctx_free_takes_queues_first);
	tcase_add_test(tc, report_rules);
	tcase_add_test(tc, sequence_wraps);
	tcase_add_test(tc, overflow_queues_one_lost_header);
	tcase_add_test(tc, lost_header_moves_not_duplicated);
	tcase_add_test(tc, lost_header_removed_on_append);
	tcase_add_test(tc, enomem_is_a_loss_and_the_header_takes_no_place);
	tcase_add_test(tc, read_count_rules);
	tcase_add_test(tc, read_faults);
	tcase_add_test(tc, read_lost_header_edges);
	tcase_add_test(tc, cap_names);
	tcase_add_test(tc, sequence_cap_is_the_cores);
	tcase_add_test(tc, trigger_rules);
	tcase_add_test(tc, accessors);
	tcase_add_test(tc, viommu_dev_virt_id);
	tcase_add_test(tc, backend_owned_queues);
	tcase_add_test(tc, registry_version_4);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(veventq_suite());
}

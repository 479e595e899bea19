/* SPDX-License-Identifier: MIT */
/*
 * smmuv3-sim's host layer: the released conversion (kernel-facts 3.3, the
 * worked examples of 4.4), the queued validation masks (3.5), batching and
 * entry_num per profile (3.4, 3.5), the user-data rules (1.6, 2.9),
 * the Linux host's reaction to CERROR_ILL, and the way back: events from
 * the SMMU's queue to the guest's vEVENTQ (3.11, 2.12).
 */
#include <string.h>

#include "backends/smmuv3-sim/host.h"
#include "check-helpers.h"
#include "lib/core/internal.h"

struct sim {
	struct nestref_ctx *ctx;
	uint32_t viommu, d0, d1;
	struct nestref_viommu *vi;
};

static void sim_open_with(struct sim *s, enum nestref_profile profile,
			  const struct nestref_smmuv3_features *smmu)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.profile = profile,
		.backend = "smmuv3-sim",
		.ext_opts = smmu,
	};
	unsigned char vsid[4];
	char msg[128];

	ck_assert_msg(nestref_ctx_new(&s->ctx, &opts, msg, sizeof(msg)) == 0,
		      "%s", msg);
	ck_assert_int_eq(nestref_viommu_alloc(s->ctx, 5, &s->viommu), 0);
	ck_assert_int_eq(nestref_dev_add(s->ctx, 0x1234, &s->d0), 0);
	ck_assert_int_eq(nestref_dev_add(s->ctx, 0x2000, &s->d1), 0);
	le32_put(vsid, 0x99);
	ck_assert_int_eq(nestref_set_dev_user_data(s->ctx, s->viommu, s->d0,
						   vsid, 4, NULL),
			 0);
	s->vi = nr_obj_viommu(nr_lookup(s->ctx, s->viommu, NR_OBJ_VIOMMU));
}

static void sim_open(struct sim *s, enum nestref_profile profile)
{
	sim_open_with(s, profile, NULL);
}

/* The context's rewrite of one command: NULL, or the refusing rule. */
static const struct host_rule *rewrite(struct sim *s,
				       struct nestref_smmuv3_cmd *c)
{
	const struct sim_ctx *sc = nestref_ctx_priv(s->ctx);
	const struct host_rule *why;
	size_t done = host_rewrite(&sc->rw, s->vi, c, 1, &why);

	ck_assert_uint_eq(done, why ? 0 : 1);
	return why;
}

static struct nestref_smmuv3_cmd cmd(uint64_t dw0, uint64_t dw1)
{
	struct nestref_smmuv3_cmd c = { { dw0, dw1 } };

	return c;
}

/* kernel-facts 4.4: VMID 5, vSID 0x99 -> pSID 0x1234. */
START_TEST(worked_conversions)
{
	static const uint64_t rows[][4] = {
		{ 0x30, 0, 0x0000000500000010, 0 },
		{ 0x0012007700000012, 0x80000001, 0x0012000500000012,
		  0x80000001 },
		{ 0x0012000000000011, 0, 0x0012000500000011, 0 },
		{ 0x0000009900000040, 0x34, 0x0000123400000040, 0x34 },
		{ 0x0000009900003005, 1, 0x0000123400003005, 1 },
		{ 0x0000009900000006, 0, 0x0000123400000006, 0 },
	};
	const struct sim_ctx *sc;
	struct sim s;
	size_t i;

	sim_open(&s, NESTREF_PROFILE_LINUX_6_13);
	sc = nestref_ctx_priv(s.ctx);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct nestref_smmuv3_cmd c = cmd(rows[i][0], rows[i][1]);

		ck_assert_ptr_null(rewrite(&s, &c));
		ck_assert_msg(c.dw[0] == rows[i][2] && c.dw[1] == rows[i][3],
			      "row %zu: 0x%016llx 0x%016llx", i,
			      (unsigned long long)c.dw[0],
			      (unsigned long long)c.dw[1]);
		/* What a trace says of it: a conversion rule of 3.2 or 3.3. */
		ck_assert_ptr_nonnull(host_rewrite_rule(&sc->rw,
							(uint8_t)rows[i][0])
					      ->rule);
	}
	/* NSNH_ALL's guest bits are all discarded. */
	{
		struct nestref_smmuv3_cmd c = cmd(0xffffffffffffff30ull, ~0ull);

		ck_assert_ptr_null(rewrite(&s, &c));
		ck_assert(c.dw[0] == 0x0000000500000010 && c.dw[1] == 0);
	}
	nestref_ctx_free(s.ctx);
}
END_TEST

START_TEST(rejected_opcodes_and_unknown_vsid)
{
	static const uint8_t accepted[] = { 0x05, 0x06, 0x10, 0x11,
					    0x12, 0x13, 0x30, 0x40 };
	const struct host_rule *why;
	struct sim s;
	unsigned int op;

	sim_open(&s, NESTREF_PROFILE_LINUX_6_13);
	for (op = 0; op < 256; op++) {
		struct nestref_smmuv3_cmd c = cmd(0x0000009900000000 | op, 0);
		bool ok = memchr(accepted, (int)op, sizeof(accepted)) != NULL;

		why = rewrite(&s, &c);
		ck_assert_msg(ok ? !why : why && !strcmp(why->section, "kernel-facts 3.3"),
			      "opcode 0x%02x", op);
	}
	/* 4.4: ATC_INV for vSID 0x98, which has no vDEVICE. */
	{
		struct nestref_smmuv3_cmd c = cmd(0x0000009800000040, 0x34);

		why = rewrite(&s, &c);
		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(why->function, "arm_vsmmu_vsid_to_sid");
		ck_assert(c.dw[0] == 0x0000009800000040);
	}
	nestref_ctx_free(s.ctx);
}
END_TEST

/* kernel-facts 3.5: one row per allowed or forbidden bit class. */
struct mask_row {
	uint64_t dw0, dw1;
	int rc;
	unsigned int variant; /* 0 defaults, 1 no RIL, 2 DS, 3 ASID8, 4 no SSID, 5 no ATS */
};

static const struct mask_row mask_rows[] = {
	{ 0x30, 0, 0, 0 },
	{ 0x30 | 1ull << 32, 0, -EIO, 0 },         /* NSNH_ALL: nothing but op */
	{ 0x10 | 0xffffull << 32, 0, 0, 0 },       /* NH_ALL: VMID */
	{ 0x10 | 1ull << 48, 0, -EIO, 0 },         /* NH_ALL: no ASID */
	{ 0x11 | 0xffffull << 48, 0, 0, 0 },       /* NH_ASID: 16-bit ASID */
	{ 0x11 | 0x100ull << 48, 0, -EIO, 3 },     /* ... 8-bit with ASID8 */
	{ 0x11 | 0xffull << 48, 0, 0, 3 },
	{ 0x12 | 1ull << 10, 0x1000, -EIO, 0 },    /* SSec never */
	{ 0x12, 0x1000 | 1ull << 7, -EIO, 0 },     /* TTL128 never */
	{ 0x12, 0x80000001, 0, 0 },                /* VA + Leaf */
	{ 0x12 | 3ull << 12, 0x80000000 | 1ull << 10, 0, 0 },   /* range */
	{ 0x12 | 3ull << 12, 0x80000000 | 1ull << 10, -EIO, 1 }, /* no RIL */
	{ 0x12 | 1ull << 25, 0x80000000 | 1ull << 10, -EIO, 0 }, /* SCALE bit 25 */
	{ 0x12 | 1ull << 25, 0x80000000 | 1ull << 10, 0, 2 },    /* ... with DS */
	{ 0x12 | 1ull << 12, 0x80000000, -EIO, 0 }, /* TG 0 with NUM */
	{ 0x12, 0x80000000 | 1ull << 10, -EIO, 0 }, /* TG set, nothing else */
	{ 0x12, 0x80000000 | 2ull << 10 | 1ull << 8, -EIO, 0 }, /* 16K TTL1 */
	{ 0x12, 0x80000000 | 2ull << 10 | 1ull << 8, 0, 2 },    /* ... DS */
	{ 0x13 | 1ull << 48, 0x80000000, -EIO, 0 }, /* NH_VAA: no ASID */
	{ 0x40 | 0x99ull << 32, 52, 0, 0 },         /* ATC_INV all */
	{ 0x40 | 0x99ull << 32, 53, -EIO, 0 },      /* Size above 52 */
	{ 0x40 | 0x99ull << 32, 52, -EIO, 5 },      /* no ATS */
	{ 0x40 | 0x99ull << 32 | 1 << 11 | 7 << 12 | 1 << 9, 0, 0, 0 },
	{ 0x40 | 0x99ull << 32 | 1 << 11, 0, -EIO, 4 }, /* SSV without SSIDs */
	{ 0x05 | 0x99ull << 32 | 3 << 12, 1, 0, 0 },    /* CFGI_CD SSID+Leaf */
	{ 0x05 | 0x99ull << 32 | 1 << 11, 1, -EIO, 0 }, /* no SSV for CFGI */
	{ 0x05 | 0x99ull << 32 | 3 << 12, 1, -EIO, 4 },
	{ 0x06 | 0x99ull << 32, 0, 0, 0 },
	{ 0x06 | 0x99ull << 32, 1, -EIO, 0 },           /* CD_ALL: no Leaf */
	{ 0x03 | 0x99ull << 32, 0, -EIO, 0 },           /* CFGI_STE */
	{ 0x46, 0, -EIO, 0 },                           /* CMD_SYNC */
};

START_TEST(next_masks)
{
	const struct mask_row *r = &mask_rows[_i];
	struct nestref_smmuv3_features f;
	struct nestref_smmuv3_cmd c = cmd(r->dw0, r->dw1);
	const struct host_rule *why;
	struct sim s;

	nestref_smmuv3_features_default(&f);
	f.ril = r->variant != 1;
	f.ds = r->variant == 2;
	f.asid16 = r->variant != 3;
	f.ssidsize = r->variant == 4 ? 0 : 20;
	f.ats = r->variant != 5;
	sim_open_with(&s, NESTREF_PROFILE_LINUX_7_4, &f);
	why = rewrite(&s, &c);
	ck_assert_msg(r->rc ? why != NULL : why == NULL, "row %d: %s", _i,
		      why ? why->rule : "accepted");
	if (r->rc)
		ck_assert_str_eq(why->section, "kernel-facts 3.5");
	nestref_ctx_free(s.ctx);
}
END_TEST

/*
 * Which rule refuses a command that breaks several (3.5, then 3.2): an
 * ATC_INV's Size before its other bits, a missing ATS before any bit, the
 * masks before the vSID lookup.  Traces and counters name these rules.
 */
START_TEST(next_rule_order)
{
	static const struct {
		uint64_t dw0, dw1;
		bool ats;
		const char *id;
	} rows[] = {
		{ 0x40 | 0x99ull << 32 | 1 << 10, 53, true, "atc-size" },
		{ 0x40 | 0x99ull << 32 | 1 << 10, 52, true, "bit-not-allowed" },
		{ 0x40 | 0x99ull << 32 | 1 << 10, 53, false, "atc-no-ats" },
		{ 0x05 | 0x98ull << 32 | 1 << 10, 1, true, "bit-not-allowed" },
		{ 0x05 | 0x98ull << 32, 1, true, "unknown-vsid" },
		{ 0x30 | 1 << 8, 0, true, "bit-not-allowed" },
		{ 0x46 | 1 << 8, 0, true, "opcode-refused" },
	};
	struct nestref_smmuv3_features f;
	const struct host_rule *why;
	struct sim s;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct nestref_smmuv3_cmd c = cmd(rows[i].dw0, rows[i].dw1);

		nestref_smmuv3_features_default(&f);
		f.ats = rows[i].ats;
		sim_open_with(&s, NESTREF_PROFILE_LINUX_7_4, &f);
		why = rewrite(&s, &c);
		ck_assert_msg(why && !strcmp(why->id, rows[i].id),
			      "row %zu: %s, expected %s", i,
			      why ? why->id : "accepted", rows[i].id);
		nestref_ctx_free(s.ctx);
	}
}
END_TEST

/* Invalidates n CFGI_CD_ALL commands of vSID 0x99, bad_at gets CFGI_STE. */
static int run_batch(struct sim *s, uint32_t n, uint32_t bad_at,
		     uint32_t *out, size_t *issued)
{
	const struct nestref_smmuv3_cmd *cmds;
	unsigned char *buf = calloc(n ? n : 1, 16);
	struct nestref_user_array a = {
		.type = NESTREF_INV_TYPE_ARM_SMMUV3,
		.entry_len = 16,
		.entry_num = n,
		.data = buf,
		.data_size = (size_t)n * 16,
	};
	uint32_t i;
	int rc;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < n; i++) {
		buf[i * 16] = i == bad_at ? 0x03 : 0x06;
		buf[i * 16 + 4] = 0x99;
	}
	nestref_smmuv3_issued_clear(s->ctx);
	rc = nestref_invalidate(s->ctx, s->viommu, &a);
	*out = a.entry_num;
	ck_assert_int_eq(nestref_smmuv3_issued(s->ctx, &cmds, issued), 0);
	free(buf);
	return rc;
}

START_TEST(batches_of_63_with_one_sync)
{
	const struct nestref_smmuv3_cmd *cmds;
	struct sim s;
	uint32_t out;
	size_t n, i;

	sim_open(&s, (enum nestref_profile)_i);
	/* 3.4: 130 commands are 63+SYNC, 63+SYNC, 4+SYNC (3.5 the same). */
	ck_assert_int_eq(run_batch(&s, 130, ~0u, &out, &n), 0);
	ck_assert_uint_eq(out, 130);
	ck_assert_uint_eq(n, 133);
	nestref_smmuv3_issued(s.ctx, &cmds, &n);
	for (i = 0; i < n; i++) {
		bool sync = i == 63 || i == 127 || i == 132;

		ck_assert_uint_eq(nestref_smmuv3_opcode(&cmds[i]),
				  sync ? NESTREF_SMMUV3_SYNC :
					 NESTREF_SMMUV3_CFGI_CD_ALL);
		if (!sync)
			ck_assert(cmds[i].dw[0] == 0x0000123400000006);
	}
	nestref_ctx_free(s.ctx);
}
END_TEST

START_TEST(failure_mid_batch_per_profile)
{
	static const enum nestref_profile released[] = {
		NESTREF_PROFILE_LINUX_6_13, NESTREF_PROFILE_LINUX_7_2,
	};
	struct sim s;
	uint32_t out;
	size_t n, i;

	/* 3.4 worked example on the released kernels: 100 commands, #70 bad. */
	for (i = 0; i < sizeof(released) / sizeof(released[0]); i++) {
		sim_open(&s, released[i]);
		ck_assert_int_eq(run_batch(&s, 100, 70, &out, &n), -EIO);
		ck_assert_uint_eq(out, 70); /* 63..69 counted, never issued */
		ck_assert_uint_eq(n, 64);
		/* 5 commands, #2 bad: nothing issued, 2 counted. */
		ck_assert_int_eq(run_batch(&s, 5, 2, &out, &n), -EIO);
		ck_assert_uint_eq(out, 2);
		ck_assert_uint_eq(n, 0);
		nestref_ctx_free(s.ctx);
	}
	/* 3.5: chunk-atomic, the core loop counts whole chunks only. */
	sim_open(&s, NESTREF_PROFILE_LINUX_7_4);
	ck_assert_int_eq(run_batch(&s, 100, 70, &out, &n), -EIO);
	ck_assert_uint_eq(out, 63);
	ck_assert_uint_eq(n, 64);
	ck_assert_int_eq(run_batch(&s, 5, 2, &out, &n), -EIO);
	ck_assert_uint_eq(out, 0);
	ck_assert_uint_eq(n, 0);
	nestref_ctx_free(s.ctx);
}
END_TEST

START_TEST(empty_array_per_profile)
{
	/* Only the strict series probes the type (3.4, 3.5). */
	static const int want[NESTREF_PROFILE_COUNT] = {
		[NESTREF_PROFILE_LINUX_7_2] = -EINVAL,
		[NESTREF_PROFILE_RFC_V3] = -EINVAL,
		[NESTREF_PROFILE_LINUX_7_4] = 0,
		[NESTREF_PROFILE_LINUX_6_13] = -EINVAL,
	};
	struct sim s;
	uint32_t out;
	size_t n;

	sim_open(&s, (enum nestref_profile)_i);
	ck_assert_int_eq(run_batch(&s, 0, ~0u, &out, &n), want[_i]);
	ck_assert_uint_eq(out, 0);
	ck_assert_uint_eq(n, 0);
	nestref_ctx_free(s.ctx);
}
END_TEST

START_TEST(user_data_rules_per_profile)
{
	unsigned char zero[4] = { 0 }, taken[4];
	struct sim s;

	le32_put(taken, 0x99);
	sim_open(&s, NESTREF_PROFILE_RFC_V3);
	ck_assert_int_eq(nestref_set_dev_user_data(s.ctx, s.viommu, s.d1, zero,
						   4, NULL),
			 -EINVAL);
	ck_assert_int_eq(nestref_set_dev_user_data(s.ctx, s.viommu, s.d1,
						   taken, 4, NULL),
			 -EBUSY);
	nestref_ctx_free(s.ctx);
	sim_open(&s, NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_set_dev_user_data(s.ctx, s.viommu, s.d1,
						   taken, 4, NULL),
			 -EEXIST);
	ck_assert_int_eq(nestref_set_dev_user_data(s.ctx, s.viommu, s.d1, zero,
						   4, NULL),
			 0);
	nestref_ctx_free(s.ctx);
}
END_TEST

/*
 * vdevice-one-stream (kernel-facts 3.2, 2.9): from 7.2 a vDEVICE needs a
 * device with exactly one StreamID; 6.13 took the first one's.
 */
START_TEST(vdevice_needs_one_stream_per_profile)
{
	static const uint32_t two[] = { 0x3000, 0x3001 };
	unsigned char vsid[4];
	struct sim s;
	uint32_t dev, id;

	le32_put(vsid, 0x42);
	sim_open(&s, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_dev_add_streams(s.ctx, two, 2, &dev), 0);
	ck_assert_int_eq(nestref_set_dev_user_data(s.ctx, s.viommu, dev, vsid,
						   4, &id),
			 -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(s.ctx),
				     " [rule vdevice-one-stream, linux-7.2]"));
	/* Nothing is left linked: the vSID is free for another device. */
	ck_assert_ptr_null(nestref_viommu_find_dev(s.vi, 0x42));
	ck_assert_int_eq(nestref_set_dev_user_data(s.ctx, s.viommu, s.d1, vsid,
						   4, NULL),
			 0);
	nestref_ctx_free(s.ctx);
	sim_open(&s, NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_dev_add_streams(s.ctx, two, 2, &dev), 0);
	ck_assert_int_eq(nestref_set_dev_user_data(s.ctx, s.viommu, dev, vsid,
						   4, &id),
			 0);
	ck_assert_ptr_eq(nestref_viommu_find_dev(s.vi, 0x42),
			 (void *)nr_obj_dev(nr_lookup(s.ctx, dev, NR_OBJ_DEVICE)));
	nestref_ctx_free(s.ctx);
}
END_TEST

START_TEST(illegal_command_is_skipped_by_released_hosts)
{
	const struct nestref_smmuv3_cmd *cmds;
	const struct nestref_smmuv3_trace_event *ev;
	struct nestref_smmuv3_features f;
	unsigned char atc[16] = { 0x40, 0, 0, 0, 0x99, 0, 0, 0, 52 };
	struct nestref_user_array a = {
		.type = NESTREF_INV_TYPE_ARM_SMMUV3, .entry_len = 16,
		.entry_num = 1, .data = atc, .data_size = 16,
	};
	struct sim s;
	size_t n, i;
	bool skipped = false;

	nestref_smmuv3_features_default(&f);
	f.ats = false;
	sim_open_with(&s, NESTREF_PROFILE_LINUX_6_13, &f);
	nestref_smmuv3_issued_clear(s.ctx);
	nestref_smmuv3_trace_clear(s.ctx);
	/* The SMMU raises CERROR_ILL; Linux skips it; the guest sees 0. */
	ck_assert_int_eq(nestref_invalidate(s.ctx, s.viommu, &a), 0);
	ck_assert_uint_eq(a.entry_num, 1);
	ck_assert_int_eq(nestref_smmuv3_issued(s.ctx, &cmds, &n), 0);
	ck_assert_uint_eq(n, 3); /* ATC_INV, replacement SYNC, host SYNC */
	ck_assert_uint_eq(nestref_smmuv3_opcode(&cmds[0]), NESTREF_SMMUV3_ATC_INV);
	ck_assert_uint_eq(nestref_smmuv3_opcode(&cmds[1]), NESTREF_SMMUV3_SYNC);
	ck_assert_uint_eq(nestref_smmuv3_opcode(&cmds[2]), NESTREF_SMMUV3_SYNC);
	ck_assert_int_eq(nestref_smmuv3_trace(s.ctx, &ev, &n), 0);
	for (i = 0; i < n; i++)
		if (ev[i].kind == NESTREF_SMMUV3_TRACE_EXEC && ev[i].cerror == 1)
			skipped = true;
	ck_assert(skipped);
	nestref_ctx_free(s.ctx);
	/* The queued series refuses it before anything is issued. */
	sim_open_with(&s, NESTREF_PROFILE_LINUX_7_4, &f);
	nestref_smmuv3_issued_clear(s.ctx);
	a.entry_num = 1;
	ck_assert_int_eq(nestref_invalidate(s.ctx, s.viommu, &a), -EIO);
	ck_assert_uint_eq(a.entry_num, 0);
	ck_assert_int_eq(nestref_smmuv3_issued(s.ctx, &cmds, &n), 0);
	ck_assert_uint_eq(n, 0);
	nestref_ctx_free(s.ctx);
}
END_TEST

/* One guest TLBI_NSNH_ALL (kernel-facts 4.4, first row). */
static int invalidate_nsnh(struct sim *s)
{
	unsigned char c[16] = { NESTREF_SMMUV3_TLBI_NSNH_ALL };
	struct nestref_user_array a = {
		.type = NESTREF_INV_TYPE_ARM_SMMUV3, .entry_len = 16,
		.entry_num = 1, .data = c, .data_size = 16,
	};
	int rc = nestref_invalidate(s->ctx, s->viommu, &a);

	ck_assert_uint_eq(a.entry_num, rc ? 0 : 1);
	return rc;
}

START_TEST(trace_tells_the_rule)
{
	const struct nestref_smmuv3_trace_event *ev;
	struct sim s;
	size_t n;

	sim_open(&s, NESTREF_PROFILE_LINUX_6_13);
	nestref_smmuv3_trace_clear(s.ctx);
	ck_assert_int_eq(invalidate_nsnh(&s), 0);
	ck_assert_int_eq(nestref_smmuv3_trace(s.ctx, &ev, &n), 0);
	ck_assert_uint_ge(n, 4); /* rewrite, issue, 2 x exec */
	ck_assert_uint_eq(ev[0].kind, NESTREF_SMMUV3_TRACE_REWRITE);
	ck_assert(ev[0].out.dw[0] == 0x0000000500000010);
	ck_assert_str_eq(ev[0].function, "arm_vsmmu_convert_user_cmd");
	ck_assert_uint_eq(ev[1].kind, NESTREF_SMMUV3_TRACE_ISSUE);
	ck_assert_uint_eq(ev[1].count, 2);
	nestref_ctx_free(s.ctx);
}
END_TEST

static uint64_t counter(struct nestref_ctx *ctx, const char *name)
{
	const struct nestref_counter *c;
	size_t n, i;

	ck_assert_int_eq(nestref_counters(ctx, &c, &n), 0);
	for (i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return c[i].value;
	return 0;
}

START_TEST(counters_by_opcode_reason_and_cache)
{
	struct nestref_smmuv3_cache_entry cfg = {
		.kind = NESTREF_SMMUV3_CACHE_CFG, .sid = 0x1234,
	};
	struct sim s;
	uint32_t out;
	size_t n;

	sim_open(&s, NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(nestref_smmuv3_caches_fill(s.ctx, &cfg, 1), 0);
	ck_assert_uint_eq(counter(s.ctx, "host.batches"), 0);
	ck_assert_int_eq(run_batch(&s, 130, ~0u, &out, &n), 0);
	ck_assert_int_eq(run_batch(&s, 5, 2, &out, &n), -EIO);
	ck_assert_uint_eq(counter(s.ctx, "host.rewrites"), 132);
	ck_assert_uint_eq(counter(s.ctx, "host.batches"), 3);
	ck_assert_uint_eq(counter(s.ctx, "host.rejects.opcode-refused"), 1);
	ck_assert_uint_eq(counter(s.ctx, "smmu.commands.CFGI_CD_ALL"), 130);
	ck_assert_uint_eq(counter(s.ctx, "smmu.commands.SYNC"), 3);
	/* CFGI_CD_ALL leaves the STE: nothing removed from cfg. */
	ck_assert_uint_eq(counter(s.ctx, "smmu.removed.cfg"), 0);
	nestref_ctx_free(s.ctx);
}
END_TEST

/* A context nobody observes keeps nothing: long runs do not grow. */
START_TEST(nothing_recorded_until_asked)
{
	const struct nestref_smmuv3_trace_event *ev;
	const struct nestref_smmuv3_cmd *cmds;
	struct sim s;
	size_t n;

	sim_open(&s, NESTREF_PROFILE_LINUX_6_13);
	ck_assert_int_eq(invalidate_nsnh(&s), 0);
	ck_assert_int_eq(nestref_smmuv3_issued(s.ctx, &cmds, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(nestref_smmuv3_trace(s.ctx, &ev, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* The counters still count. */
	ck_assert_uint_eq(counter(s.ctx, "smmu.commands.TLBI_NH_ALL"), 1);
	nestref_smmuv3_issued_clear(s.ctx);
	nestref_smmuv3_trace_clear(s.ctx);
	ck_assert_int_eq(invalidate_nsnh(&s), 0);
	ck_assert_int_eq(nestref_smmuv3_issued(s.ctx, &cmds, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(nestref_smmuv3_trace(s.ctx, &ev, &n), 0);
	ck_assert_uint_ge(n, 4);
	nestref_ctx_free(s.ctx);
}
END_TEST

/*
 * Under linux-next the core passes the rest of the array again (3.5); the
 * refusal still names entry 70 as the caller counts, not 7 of its chunk.
 */
START_TEST(next_names_entries_as_the_caller_counts)
{
	const struct nestref_smmuv3_trace_event *ev;
	struct sim s;
	uint32_t out;
	size_t n, i;
	bool found = false;

	sim_open(&s, NESTREF_PROFILE_LINUX_7_4);
	nestref_smmuv3_trace_clear(s.ctx);
	ck_assert_int_eq(run_batch(&s, 100, 70, &out, &n), -EIO);
	ck_assert_int_eq(nestref_smmuv3_trace(s.ctx, &ev, &n), 0);
	for (i = 0; i < n; i++)
		if (ev[i].kind == NESTREF_SMMUV3_TRACE_REJECT)
			found = ev[i].index == 70;
	ck_assert(found);
	nestref_ctx_free(s.ctx);
}
END_TEST

START_TEST(options_and_limits)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts), .backend = "smmuv3-sim",
		.backend_options = "fast=1",
	};
	struct nestref_smmuv3_features f;
	struct nestref_ctx *ctx;
	uint32_t id;

	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, NULL, 0), -EINVAL);
	nestref_smmuv3_features_default(&f);
	f.sidsize = 16;
	f.vmid16 = false;
	opts.backend_options = NULL;
	opts.ext_opts = &f;
	ck_assert_int_eq(nestref_ctx_new(&ctx, &opts, NULL, 0), 0);
	ck_assert_int_eq(nestref_dev_add(ctx, 0x10000, &id), -EINVAL);
	ck_assert_int_eq(nestref_dev_add(ctx, 0xffff, &id), 0);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 0x100, &id), -EINVAL);
	ck_assert_int_eq(nestref_viommu_alloc(ctx, 0xff, &id), 0);
	nestref_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------ events */

/* vSTE words 0 (V and CFG): the 16 bytes of a nested HWPT's data. */
#define VSTE_ABORT 0x01u
#define VSTE_BYPASS 0x09u
#define VSTE_S1 0x0bu

static uint32_t hwpt_on(struct nestref_ctx *ctx, uint32_t viommu,
			unsigned char cfg)
{
	unsigned char vste[NESTREF_SMMUV3_VSTE_SIZE] = { cfg };
	uint32_t id = 0;

	ck_assert_int_eq(nestref_hwpt_alloc_nested(ctx, viommu,
						   NESTREF_HWPT_DATA_ARM_SMMUV3,
						   vste, sizeof(vste), &id),
			 0);
	return id;
}

/* A new nested HWPT of the vSTE cfg on viommu, and dev attached to it. */
static uint32_t attach_new(struct nestref_ctx *ctx, uint32_t viommu,
			   uint32_t dev, unsigned char cfg)
{
	uint32_t hwpt = hwpt_on(ctx, viommu, cfg);

	ck_assert_int_eq(nestref_dev_attach(ctx, dev, hwpt), 0);
	return hwpt;
}

static uint32_t queue_on(struct nestref_ctx *ctx, uint32_t viommu,
			 uint32_t depth)
{
	uint32_t id = 0;

	ck_assert_int_eq(nestref_veventq_alloc(ctx, viommu,
					       NESTREF_VEVENTQ_TYPE_ARM_SMMUV3,
					       depth, 0, &id),
			 0);
	return id;
}

static void set_vsid(struct nestref_ctx *ctx, uint32_t viommu, uint32_t dev,
		     uint32_t vsid)
{
	unsigned char data[4];

	le32_put(data, vsid);
	ck_assert_int_eq(nestref_set_dev_user_data(ctx, viommu, dev, data, 4,
						   NULL),
			 0);
}

/*
 * sim_open's vIOMMU, d0 (pSID 0x1234, vSID 0x99) attached to a vSTE of
 * cfg, and an arm-smmuv3 queue of depth on the vIOMMU; tracing.
 */
struct ev_sim {
	struct sim s;
	uint32_t hwpt, q;
};

static void ev_open_with(struct ev_sim *e, enum nestref_profile profile,
			 unsigned char cfg, uint32_t depth)
{
	sim_open(&e->s, profile);
	e->hwpt = attach_new(e->s.ctx, e->s.viommu, e->s.d0, cfg);
	e->q = queue_on(e->s.ctx, e->s.viommu, depth);
	nestref_smmuv3_trace_clear(e->s.ctx);
}

/* A stage-1 vSTE and a queue of depth 64. */
static void ev_open(struct ev_sim *e, enum nestref_profile profile)
{
	ev_open_with(e, profile, VSTE_S1, 64);
}

/* A record whose every bit is set but STALL, S2, the id and StreamID. */
static struct nestref_smmuv3_event full_evt(uint8_t id, uint32_t sid)
{
	struct nestref_smmuv3_event evt = { {
		(uint64_t)sid << 32 | UINT64_C(0xffffff00) | id,
		~(UINT64_C(1) << 31 | UINT64_C(1) << 39),
		~UINT64_C(0),
		~UINT64_C(0),
	} };

	return evt;
}

static void raise_evt(struct nestref_ctx *ctx,
		      const struct nestref_smmuv3_event *evt)
{
	ck_assert_int_eq(nestref_smmuv3_raise_event(ctx, evt), 0);
}

/* One record read from a queue: its header and, unless lost, its data. */
struct ev_rec {
	uint32_t flags, seq;
	struct nestref_smmuv3_event evt;
};

/* Reads the whole queue (count 4096) into recs; returns how many. */
static size_t read_all(struct nestref_ctx *ctx, uint32_t q,
		       struct ev_rec *recs, size_t max)
{
	unsigned char buf[4096];
	struct nestref_event_buffer b = {
		.data = buf, .count = sizeof(buf), .data_size = sizeof(buf),
	};
	size_t off = 0, n = 0;

	ck_assert_int_eq(nestref_veventq_read(ctx, q, &b), 0);
	while (off < b.done) {
		ck_assert_uint_lt(n, max);
		recs[n].flags = nestref_le32(buf + off);
		recs[n].seq = nestref_le32(buf + off + 4);
		off += NESTREF_VEVENT_HEADER_SIZE;
		memset(&recs[n].evt, 0, sizeof(recs[n].evt));
		if (!(recs[n].flags & NESTREF_VEVENT_FLAG_LOST_EVENTS)) {
			ck_assert_uint_le(off + NESTREF_SMMUV3_EVENT_SIZE,
					  b.done);
			nestref_smmuv3_event_from_bytes(&recs[n].evt,
							buf + off);
			off += NESTREF_SMMUV3_EVENT_SIZE;
		}
		n++;
	}
	ck_assert_uint_eq(off, b.done);
	return n;
}

/* The queue holds exactly one record: evt with the StreamID set to vsid. */
static void expect_one(struct nestref_ctx *ctx, uint32_t q,
		       const struct nestref_smmuv3_event *evt, uint32_t vsid,
		       uint32_t seq)
{
	struct nestref_smmuv3_event want = *evt;
	struct ev_rec r[4];

	ck_assert_int_eq(nestref_smmuv3_event_set(&want, NESTREF_SMMUV3_EVT_SID,
						  vsid),
			 0);
	ck_assert_uint_eq(read_all(ctx, q, r, 4), 1);
	ck_assert_uint_eq(r[0].flags, 0);
	ck_assert_uint_eq(r[0].seq, seq);
	ck_assert_msg(!memcmp(&r[0].evt, &want, sizeof(want)),
		      "got %016llx %016llx %016llx %016llx",
		      (unsigned long long)r[0].evt.dw[0],
		      (unsigned long long)r[0].evt.dw[1],
		      (unsigned long long)r[0].evt.dw[2],
		      (unsigned long long)r[0].evt.dw[3]);
}

static void expect_none(struct nestref_ctx *ctx, uint32_t q)
{
	struct ev_rec r[1];

	ck_assert_uint_eq(read_all(ctx, q, r, 1), 0);
}

/* The last trace event: its kind, errno and the 3.11 step it cites. */
static void expect_last_trace(struct nestref_ctx *ctx, uint32_t kind, int err,
			      const char *section, const char *function)
{
	const struct nestref_smmuv3_trace_event *ev;
	size_t n;

	ck_assert_int_eq(nestref_smmuv3_trace(ctx, &ev, &n), 0);
	ck_assert_uint_ge(n, 2);
	ck_assert_uint_eq(ev[n - 1].kind, kind);
	ck_assert_int_eq(ev[n - 1].err, err);
	ck_assert_str_eq(ev[n - 1].section, section);
	ck_assert_str_eq(ev[n - 1].function, function);
	ck_assert_uint_eq(ev[n - 2].kind, NESTREF_SMMUV3_TRACE_EVENT);
}

/* Dropped by arm_smmu_handle_event with err, at a step of 3.11. */
static void expect_drop(struct nestref_ctx *ctx, int err, const char *step)
{
	expect_last_trace(ctx, NESTREF_SMMUV3_TRACE_DROP, err, step,
			  "arm_smmu_handle_event");
}

/*
 * kernel-facts 3.11 step 1 and 4: each of the twelve named ids, with every
 * bit of the record set that the host must keep.  The eight forwardable
 * ones reach the guest with the vSID in place of the pSID and nothing
 * else changed; the four others never do.
 */
START_TEST(events_each_named_id)
{
	static const struct {
		uint8_t id;
		bool forwarded;
	} ids[] = {
		{ NESTREF_SMMUV3_EVT_C_BAD_STREAMID, false },
		{ NESTREF_SMMUV3_EVT_F_STE_FETCH, false },
		{ NESTREF_SMMUV3_EVT_C_BAD_STE, true },
		{ NESTREF_SMMUV3_EVT_F_STREAM_DISABLED, true },
		{ NESTREF_SMMUV3_EVT_C_BAD_SUBSTREAMID, true },
		{ NESTREF_SMMUV3_EVT_F_CD_FETCH, false },
		{ NESTREF_SMMUV3_EVT_C_BAD_CD, true },
		{ NESTREF_SMMUV3_EVT_F_TRANSLATION, true },
		{ NESTREF_SMMUV3_EVT_F_ADDR_SIZE, true },
		{ NESTREF_SMMUV3_EVT_F_ACCESS, true },
		{ NESTREF_SMMUV3_EVT_F_PERMISSION, true },
		{ NESTREF_SMMUV3_EVT_F_VMS_FETCH, false },
	};
	struct ev_sim e;
	struct nestref_smmuv3_event evt;
	uint32_t seq = 0;
	uint64_t dropped = 0;
	size_t i;

	ev_open(&e, NESTREF_PROFILE_LINUX_7_2);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		evt = full_evt(ids[i].id, 0x1234);
		raise_evt(e.s.ctx, &evt);
		if (ids[i].forwarded) {
			expect_one(e.s.ctx, e.q, &evt, 0x99, seq++);
			expect_last_trace(e.s.ctx, NESTREF_SMMUV3_TRACE_FORWARD,
					  0, "kernel-facts 3.11 step 4",
					  "arm_vmaster_report_event");
		} else {
			expect_none(e.s.ctx, e.q);
			expect_drop(e.s.ctx, -EOPNOTSUPP, "kernel-facts 3.11 step 1");
			dropped++;
		}
	}
	/* Ids Linux does not name are not forwarded either. */
	for (i = 0; i < 256; i++) {
		if (nestref_smmuv3_event_name((uint8_t)i))
			continue;
		evt = full_evt((uint8_t)i, 0x1234);
		raise_evt(e.s.ctx, &evt);
		dropped++;
	}
	expect_none(e.s.ctx, e.q);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.forwarded"), 8);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.dropped.not-forwarded"),
			  dropped);
	ck_assert_uint_eq(counter(e.s.ctx, "smmu.events.F_TRANSLATION"), 1);
	ck_assert_uint_eq(counter(e.s.ctx, "smmu.events.id-ff"), 1);
	nestref_ctx_free(e.s.ctx);
}
END_TEST

/* The trace of a forwarded event: the SMMU's record, then the guest's. */
START_TEST(events_trace_shows_both_records)
{
	const struct nestref_smmuv3_trace_event *ev;
	struct nestref_smmuv3_event evt = full_evt(0x10, 0x1234);
	struct ev_sim e;
	size_t n;

	ev_open(&e, NESTREF_PROFILE_LINUX_7_4);
	raise_evt(e.s.ctx, &evt);
	ck_assert_int_eq(nestref_smmuv3_trace(e.s.ctx, &ev, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ev[0].kind, NESTREF_SMMUV3_TRACE_EVENT);
	ck_assert(!memcmp(&ev[0].evt, &evt, sizeof(evt)));
	ck_assert_uint_eq(ev[1].kind, NESTREF_SMMUV3_TRACE_FORWARD);
	ck_assert(!memcmp(&ev[1].evt, &evt, sizeof(evt)));
	ck_assert(ev[1].evt_out.dw[0] == ((evt.dw[0] & 0xffffffffu) |
					  UINT64_C(0x99) << 32));
	ck_assert(!memcmp(&ev[1].evt_out.dw[1], &evt.dw[1],
			  3 * sizeof(evt.dw[1])));
	ck_assert_ptr_nonnull(ev[1].rule);
	expect_one(e.s.ctx, e.q, &evt, 0x99, 0);
	nestref_ctx_free(e.s.ctx);
}
END_TEST

/* Steps 2, 3 and 5: unknown StreamID, STALL, S2. */
START_TEST(events_unknown_sid_stall_s2)
{
	struct nestref_smmuv3_event evt;
	struct ev_sim e;

	ev_open(&e, NESTREF_PROFILE_LINUX_7_2);
	evt = full_evt(0x10, 0x5555);
	raise_evt(e.s.ctx, &evt);
	expect_drop(e.s.ctx, -EINVAL, "kernel-facts 3.11 step 2");
	/* step 1 comes first: a named, not forwarded id of no device */
	evt = full_evt(0x02, 0x5555);
	raise_evt(e.s.ctx, &evt);
	expect_drop(e.s.ctx, -EOPNOTSUPP, "kernel-facts 3.11 step 1");
	evt = full_evt(0x10, 0x1234);
	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_STALL,
						  1),
			 0);
	raise_evt(e.s.ctx, &evt);
	expect_drop(e.s.ctx, -EINVAL, "kernel-facts 3.11 step 3");
	evt = full_evt(0x10, 0x1234);
	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_S2,
						  1),
			 0);
	raise_evt(e.s.ctx, &evt);
	expect_drop(e.s.ctx, -EOPNOTSUPP, "kernel-facts 3.11 step 5");
	expect_none(e.s.ctx, e.q);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.dropped.unknown-sid"), 1);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.dropped.not-forwarded"),
			  1);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.dropped.stall"), 1);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.dropped.s2"), 1);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.forwarded"), 0);
	nestref_ctx_free(e.s.ctx);
}
END_TEST

/*
 * Step 5, no vmaster: a device never attached, one attached to a bypass
 * or abort vSTE without a vDEVICE (2.11), and any device under a profile
 * whose kernel has no vmaster (6.13: attach-needs-vdevice is off).  A
 * bypass vSTE with a vDEVICE has one.
 */
START_TEST(events_without_vmaster)
{
	struct nestref_smmuv3_event e0 = full_evt(0x10, 0x1234),
				    e1 = full_evt(0x10, 0x2000);
	struct ev_sim e;
	struct sim s;

	ev_open(&e, NESTREF_PROFILE_LINUX_7_2);
	raise_evt(e.s.ctx, &e1); /* d1: never attached */
	expect_drop(e.s.ctx, -EOPNOTSUPP, "kernel-facts 3.11 step 5");
	attach_new(e.s.ctx, e.s.viommu, e.s.d1, VSTE_BYPASS);
	raise_evt(e.s.ctx, &e1);
	attach_new(e.s.ctx, e.s.viommu, e.s.d1, VSTE_ABORT);
	raise_evt(e.s.ctx, &e1);
	expect_none(e.s.ctx, e.q);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.dropped.no-vmaster"), 3);
	/*
	 * A bypass vSTE WITH a vDEVICE does make a vmaster: only the missing
	 * vDEVICE is excused (arm_smmu_attach_prepare_vmaster).
	 */
	attach_new(e.s.ctx, e.s.viommu, e.s.d0, VSTE_BYPASS);
	raise_evt(e.s.ctx, &e0);
	expect_one(e.s.ctx, e.q, &e0, 0x99, 0);
	nestref_ctx_free(e.s.ctx);

	/* linux-6.13: attached to a stage-1 vSTE with a vSID, still none */
	sim_open(&s, NESTREF_PROFILE_LINUX_6_13);
	attach_new(s.ctx, s.viommu, s.d0, VSTE_S1);
	raise_evt(s.ctx, &e0);
	ck_assert_uint_eq(counter(s.ctx, "host.events.dropped.no-vmaster"), 1);
	nestref_ctx_free(s.ctx);
}
END_TEST

/*
 * The vmaster's vSID is the one of the last attach (3.11): destroying the
 * vDEVICE and making another with a new vSID change nothing, attaching
 * to the same HWPT again is no attach, attaching to another HWPT takes
 * the new vSID, and an attach without a vDEVICE leaves no vmaster.
 */
START_TEST(events_vsid_of_the_last_attach)
{
	struct nestref_smmuv3_event evt = full_evt(0x10, 0x1234);
	struct ev_sim e;

	ev_open(&e, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_unset_dev_user_data(e.s.ctx, e.s.d0), 0);
	raise_evt(e.s.ctx, &evt);
	expect_one(e.s.ctx, e.q, &evt, 0x99, 0); /* no vDEVICE: old vSID */
	set_vsid(e.s.ctx, e.s.viommu, e.s.d0, 0x77);
	raise_evt(e.s.ctx, &evt);
	expect_one(e.s.ctx, e.q, &evt, 0x99, 1); /* still the old one */
	ck_assert_int_eq(nestref_dev_attach(e.s.ctx, e.s.d0, e.hwpt), 0);
	raise_evt(e.s.ctx, &evt);
	expect_one(e.s.ctx, e.q, &evt, 0x99, 2); /* same HWPT: no attach */
	attach_new(e.s.ctx, e.s.viommu, e.s.d0, VSTE_S1);
	raise_evt(e.s.ctx, &evt);
	expect_one(e.s.ctx, e.q, &evt, 0x77, 3);
	/* back to the first HWPT: an attach again, the vSID is 0x77 now */
	ck_assert_int_eq(nestref_dev_attach(e.s.ctx, e.s.d0, e.hwpt), 0);
	raise_evt(e.s.ctx, &evt);
	expect_one(e.s.ctx, e.q, &evt, 0x77, 4);
	/* without its vDEVICE, an attach to bypass clears the vmaster */
	ck_assert_int_eq(nestref_unset_dev_user_data(e.s.ctx, e.s.d0), 0);
	attach_new(e.s.ctx, e.s.viommu, e.s.d0, VSTE_BYPASS);
	raise_evt(e.s.ctx, &evt);
	expect_none(e.s.ctx, e.q);
	expect_drop(e.s.ctx, -EOPNOTSUPP, "kernel-facts 3.11 step 5");
	nestref_ctx_free(e.s.ctx);
}
END_TEST

/*
 * Any of a device's StreamIDs finds it (step 2).  Under 7.2 a device
 * with two StreamIDs has no vDEVICE (vdevice-one-stream), so it attaches
 * to a bypass vSTE without one, and its events, on either StreamID, stop
 * at step 5, not at step 2.  With a vmaster set white-box (no profile
 * makes one for it: 7.2.13 refuses its vDEVICE, 6.13 has no vmaster) an
 * event on either StreamID reaches the vIOMMU with the one vSID.
 * Destroying the device forgets its StreamIDs.
 */
START_TEST(events_second_stream)
{
	static const uint32_t psids[] = { 0x3000, 0x3001 };
	struct nestref_smmuv3_event evt = full_evt(0x13, 0x3001);
	struct ev_sim e;
	struct sim_dev *sd;
	uint32_t dev;

	ev_open(&e, NESTREF_PROFILE_LINUX_7_2);
	ck_assert_int_eq(nestref_dev_add_streams(e.s.ctx, psids, 2, &dev), 0);
	attach_new(e.s.ctx, e.s.viommu, dev, VSTE_BYPASS);
	raise_evt(e.s.ctx, &evt);
	expect_drop(e.s.ctx, -EOPNOTSUPP, "kernel-facts 3.11 step 5");
	sd = nestref_dev_priv(nr_obj_dev(nr_lookup(e.s.ctx, dev,
						   NR_OBJ_DEVICE)));
	sd->vmaster = e.s.vi;
	sd->vsid = 0x42;
	raise_evt(e.s.ctx, &evt);
	expect_one(e.s.ctx, e.q, &evt, 0x42, 0);
	evt = full_evt(0x13, 0x3000);
	raise_evt(e.s.ctx, &evt);
	expect_one(e.s.ctx, e.q, &evt, 0x42, 1);
	ck_assert_int_eq(nestref_destroy(e.s.ctx, dev), 0);
	raise_evt(e.s.ctx, &evt);
	expect_drop(e.s.ctx, -EINVAL, "kernel-facts 3.11 step 2");
	nestref_ctx_free(e.s.ctx);
}
END_TEST

/* Two vIOMMUs, each with a device of vSID 0x99: each event to its own. */
START_TEST(events_two_viommus_same_vsid)
{
	struct nestref_smmuv3_event e0 = full_evt(0x12, 0x1234),
				    e2 = full_evt(0x12, 0x4000);
	struct ev_sim e;
	uint32_t vi2, d2, q2;

	ev_open(&e, NESTREF_PROFILE_LINUX_7_4);
	ck_assert_int_eq(nestref_viommu_alloc(e.s.ctx, 6, &vi2), 0);
	ck_assert_int_eq(nestref_dev_add(e.s.ctx, 0x4000, &d2), 0);
	set_vsid(e.s.ctx, vi2, d2, 0x99);
	attach_new(e.s.ctx, vi2, d2, VSTE_S1);
	q2 = queue_on(e.s.ctx, vi2, 4);
	raise_evt(e.s.ctx, &e2);
	expect_none(e.s.ctx, e.q);
	expect_one(e.s.ctx, q2, &e2, 0x99, 0);
	raise_evt(e.s.ctx, &e0);
	expect_none(e.s.ctx, q2);
	expect_one(e.s.ctx, e.q, &e0, 0x99, 0);
	nestref_ctx_free(e.s.ctx);
}
END_TEST

/*
 * No arm-smmuv3 queue on the vIOMMU: the report fails (2.12), the event
 * is dropped and counted.  A queue of another type does not take it.
 */
START_TEST(events_no_queue)
{
	struct nestref_smmuv3_event evt = full_evt(0x10, 0x1234);
	struct sim s;
	uint32_t q;

	sim_open(&s, NESTREF_PROFILE_LINUX_7_2);
	attach_new(s.ctx, s.viommu, s.d0, VSTE_S1);
	ck_assert_int_eq(nestref_veventq_alloc(s.ctx, s.viommu,
					       NESTREF_VEVENTQ_TYPE_SELFTEST, 4,
					       0, &q),
			 0);
	nestref_smmuv3_trace_clear(s.ctx);
	raise_evt(s.ctx, &evt);
	expect_last_trace(s.ctx, NESTREF_SMMUV3_TRACE_DROP, -EOPNOTSUPP,
			  "kernel-facts 3.11 step 4, 2.12",
			  "arm_vmaster_report_event");
	ck_assert_uint_eq(counter(s.ctx, "host.events.dropped.no-veventq"), 1);
	ck_assert_uint_eq(counter(s.ctx, "host.events.forwarded"), 0);
	ck_assert_uint_eq(read_all(s.ctx, q, NULL, 0), 0);
	/* the queue comes; the next event gets through */
	q = queue_on(s.ctx, s.viommu, 4);
	raise_evt(s.ctx, &evt);
	expect_one(s.ctx, q, &evt, 0x99, 0);
	nestref_ctx_free(s.ctx);
}
END_TEST

/*
 * A full vEVENTQ (2.12): the report still succeeds for the host (it
 * counts the event forwarded), and the guest reads the records that fit
 * and one LOST_EVENTS header with the last lost number.
 */
START_TEST(events_veventq_overflow)
{
	struct nestref_smmuv3_event evt = full_evt(0x10, 0x1234);
	struct ev_rec r[4];
	struct ev_sim e;

	ev_open_with(&e, NESTREF_PROFILE_LINUX_7_2, VSTE_S1, 1);
	raise_evt(e.s.ctx, &evt);
	raise_evt(e.s.ctx, &evt);
	raise_evt(e.s.ctx, &evt);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.forwarded"), 3);
	ck_assert_uint_eq(read_all(e.s.ctx, e.q, r, 4), 2);
	ck_assert_uint_eq(r[0].flags, 0);
	ck_assert_uint_eq(r[0].seq, 0);
	ck_assert(r[0].evt.dw[0] == ((evt.dw[0] & 0xffffffffu) |
				     UINT64_C(0x99) << 32));
	ck_assert_uint_eq(r[1].flags, NESTREF_VEVENT_FLAG_LOST_EVENTS);
	ck_assert_uint_eq(r[1].seq, 2);
	nestref_ctx_free(e.s.ctx);
}
END_TEST

/*
 * The SMMU's own queue full (IHI 0070 7.4, smmu-evtq.c): filled behind
 * the host's back, the next raise is lost there and never reaches the
 * host; the host drains what was queued, sees the overflow once and
 * acknowledges it.
 */
START_TEST(events_smmu_queue_full)
{
	struct nestref_smmuv3_event evt = full_evt(0x10, 0x1234),
				    lost = full_evt(0x11, 0x1234);
	const struct nestref_smmuv3_trace_event *ev;
	struct ev_rec r[64];
	struct sim_ctx *sc;
	struct ev_sim e;
	uint32_t slot, queued = 0;
	size_t n, i, drops = 0, notes = 0;

	ev_open(&e, NESTREF_PROFILE_LINUX_7_2);
	sc = nestref_ctx_priv(e.s.ctx);
	while (smmu_evtq_record(sc->smmu, &evt, &slot) == 0)
		queued++;
	/* SIM_EVTQ_LOG2 5: 32 records, fewer than the vEVENTQ's 64 */
	ck_assert_uint_eq(queued, 32);
	/* the loop's last record was lost already: that overflow is pending */
	ck_assert(smmu_evtq_overflow(sc->smmu));
	raise_evt(e.s.ctx, &lost);
	ck_assert(smmu_evtq_empty(sc->smmu));
	ck_assert(!smmu_evtq_overflow(sc->smmu));
	ck_assert_uint_eq(read_all(e.s.ctx, e.q, r, 64), queued);
	for (i = 0; i < queued; i++)
		ck_assert_uint_eq(nestref_smmuv3_event_get(&r[i].evt,
							   NESTREF_SMMUV3_EVT_ID),
				  0x10);
	ck_assert_uint_eq(counter(e.s.ctx, "smmu.evtq.lost"), 2);
	ck_assert_uint_eq(counter(e.s.ctx, "smmu.evtq.overflows"), 1);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.evtq-overflows"), 1);
	ck_assert_uint_eq(counter(e.s.ctx, "smmu.events.F_ADDR_SIZE"), 0);
	ck_assert_int_eq(nestref_smmuv3_trace(e.s.ctx, &ev, &n), 0);
	for (i = 0; i < n; i++) {
		if (ev[i].kind == NESTREF_SMMUV3_TRACE_DROP) {
			ck_assert_int_eq(ev[i].err, -ENOSPC);
			ck_assert(!memcmp(&ev[i].evt, &lost, sizeof(lost)));
			drops++;
		}
		if (ev[i].kind == NESTREF_SMMUV3_TRACE_NOTE) {
			ck_assert_str_eq(ev[i].function, "arm_smmu_evtq_thread");
			notes++;
		}
	}
	ck_assert_uint_eq(drops, 1);
	ck_assert_uint_eq(notes, 1);
	/* acknowledged: the next event goes through, no overflow again */
	raise_evt(e.s.ctx, &evt);
	ck_assert_uint_eq(read_all(e.s.ctx, e.q, r, 64), 1);
	ck_assert_uint_eq(counter(e.s.ctx, "host.events.evtq-overflows"), 1);
	nestref_ctx_free(e.s.ctx);
}
END_TEST

/* raise_event needs inject-event: the mock has none. */
START_TEST(events_need_the_capability)
{
	struct nestref_ctx *ctx = ctx_open("mock", NESTREF_PROFILE_LINUX_7_2);
	struct nestref_smmuv3_event evt = full_evt(0x10, 0x1234);

	ck_assert_int_eq(nestref_smmuv3_raise_event(ctx, &evt), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nestref_ctx_message(ctx), "inject-event"));
	nestref_ctx_free(ctx);
	ctx = ctx_open("smmuv3-sim", NESTREF_PROFILE_LINUX_7_2);
	ck_assert(nestref_ctx_caps(ctx) & NESTREF_CAP_INJECT_EVENT);
	nestref_ctx_free(ctx);
}
END_TEST

/*
 * host_rewrite takes a batch: every act in one call, stopping at the
 * first refused command, which it leaves as the guest wrote it, as it
 * leaves those after it; the bench's op counts refusals and goes on.
 */
START_TEST(batch_stops_at_the_first_refused)
{
	static const uint64_t in[][2] = {
		{ 0x0000009900000005, 1 },	/* CFGI_CD, Leaf */
		{ 0x0012000000000011, 0 },	/* TLBI_NH_ASID */
		{ 0x0000009900000006, 0 },	/* CFGI_CD_ALL */
		{ 0x30, 0 },			/* NSNH_ALL */
		{ 0x0000009900000005, 0 },
		{ 0, 0 },			/* opcode 0, all zero */
		{ 0x0000009900000005, 0 },
	};
	static const uint64_t out[][2] = {
		{ 0x0000123400000005, 1 },
		{ 0x0012000500000011, 0 },
		{ 0x0000123400000006, 0 },
		{ 0x0000000500000010, 0 },
		{ 0x0000123400000005, 0 },
		{ 0, 0 },
		{ 0x0000009900000005, 0 },
	};
	struct nestref_smmuv3_cmd c[7];
	const struct sim_ctx *sc;
	const struct host_rule *why;
	struct sim s;
	size_t i, done;

	sim_open(&s, (enum nestref_profile)_i);
	sc = nestref_ctx_priv(s.ctx);
	for (i = 0; i < 7; i++)
		c[i] = cmd(in[i][0], in[i][1]);
	done = host_rewrite(&sc->rw, s.vi, c, 7, &why);
	ck_assert_uint_eq(done, 5);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(why->id, "opcode-refused");
	for (i = 0; i < 7; i++)
		ck_assert_msg(c[i].dw[0] == out[i][0] && c[i].dw[1] == out[i][1],
			      "command %zu: 0x%016llx 0x%016llx", i,
			      (unsigned long long)c[i].dw[0],
			      (unsigned long long)c[i].dw[1]);
	/* All of them but the last: n, and no rule. */
	for (i = 0; i < 7; i++)
		c[i] = cmd(in[i][0], in[i][1]);
	ck_assert_uint_eq(host_rewrite(&sc->rw, s.vi, c, 5, &why), 5);
	ck_assert_ptr_null(why);

	/* An unknown vSID mid-batch, untouched, as is what follows. */
	c[0] = cmd(0x0000009900000005, 0);
	c[1] = cmd(0x0000009800000005, 0);
	c[2] = cmd(0x0000009900000005, 0);
	ck_assert_uint_eq(host_rewrite(&sc->rw, s.vi, c, 3, &why), 1);
	ck_assert_str_eq(why->id, "unknown-vsid");
	ck_assert(c[0].dw[0] == 0x0000123400000005);
	ck_assert(c[1].dw[0] == 0x0000009800000005);
	ck_assert(c[2].dw[0] == 0x0000009900000005);

	/* The bench's op: each refused one counted, the others rewritten. */
	c[0] = cmd(0x0000009800000005, 0);
	c[1] = cmd(0x0000009900000005, 0);
	c[2] = cmd(0, 0);
	c[3] = cmd(0x0000009900000006, 0);
	ck_assert_uint_eq(sim_rewrite_batch(s.vi, c, 4), 2);
	ck_assert(c[1].dw[0] == 0x0000123400000005);
	ck_assert(c[3].dw[0] == 0x0000123400000006);
	nestref_ctx_free(s.ctx);
}
END_TEST

/*
 * vSID 0 is a key like any other, though empty slots hold key 0: unknown
 * until linked, then a CFGI_CD naming it is rewritten (in the profiles
 * that link it); the all-zero entry (opcode 0, vSID 0) is refused either
 * way, after a TLBI as after a CFGI_CD.
 */
START_TEST(vsid_zero_and_the_all_zero_entry)
{
	struct nestref_smmuv3_cmd c[3];
	const struct sim_ctx *sc;
	const struct host_rule *why;
	unsigned char vsid[4];
	struct sim s;
	int rc;

	sim_open(&s, (enum nestref_profile)_i);
	sc = nestref_ctx_priv(s.ctx);
	c[0] = cmd(0x0000000000000005, 0);
	ck_assert_uint_eq(host_rewrite(&sc->rw, s.vi, c, 1, &why), 0);
	ck_assert_str_eq(why->id, "unknown-vsid");
	/* Where a profile refuses vSID 0 (EINVAL), the slots stay empty. */
	le32_put(vsid, 0);
	rc = nestref_set_dev_user_data(s.ctx, s.viommu, s.d1, vsid, 4, NULL);
	if (rc) {
		ck_assert_int_eq(rc, -EINVAL);
	} else {
		c[0] = cmd(0x0000000000000005, 0);
		ck_assert_uint_eq(host_rewrite(&sc->rw, s.vi, c, 1, &why), 1);
		ck_assert(c[0].dw[0] == 0x0000200000000005);
	}
	c[0] = cmd(0x0012000000000011, 0);
	c[1] = cmd(0, 0);
	ck_assert_uint_eq(host_rewrite(&sc->rw, s.vi, c, 2, &why), 1);
	ck_assert_str_eq(why->id, "opcode-refused");
	ck_assert(c[1].dw[0] == 0 && c[1].dw[1] == 0);
	c[0] = cmd(0x0000009900000005, 0);
	c[1] = cmd(0, 0);
	ck_assert_uint_eq(host_rewrite(&sc->rw, s.vi, c, 2, &why), 1);
	ck_assert_str_eq(why->id, "opcode-refused");
	ck_assert(c[1].dw[0] == 0 && c[1].dw[1] == 0);
	nestref_ctx_free(s.ctx);
}
END_TEST

/*
 * Enough vSIDs that some sit past their first probe: every one of them
 * found in one batch, between TLBIs.
 */
START_TEST(batch_of_many_vsids)
{
	enum { N = 300 };
	static struct nestref_smmuv3_cmd c[2 * N];
	const struct sim_ctx *sc;
	const struct host_rule *why;
	unsigned char vsid[4];
	uint32_t dev;
	struct sim s;
	size_t i;

	sim_open(&s, (enum nestref_profile)_i);
	sc = nestref_ctx_priv(s.ctx);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(nestref_dev_add(s.ctx, 0x4000 + (uint32_t)i,
						 &dev),
				 0);
		le32_put(vsid, 0x100 + (uint32_t)i);
		ck_assert_int_eq(nestref_set_dev_user_data(s.ctx, s.viommu,
							   dev, vsid, 4, NULL),
				 0);
		c[2 * i] = cmd((uint64_t)(0x100 + i) << 32 | 0x05, 0);
		c[2 * i + 1] = cmd(0x0012000000000011, 0);
	}
	ck_assert_uint_eq(host_rewrite(&sc->rw, s.vi, c, 2 * N, &why), 2 * N);
	ck_assert_ptr_null(why);
	for (i = 0; i < N; i++) {
		ck_assert_uint_eq(c[2 * i].dw[0], (uint64_t)(0x4000 + i) << 32 | 0x05);
		ck_assert_uint_eq(c[2 * i + 1].dw[0], 0x0012000500000011);
	}
	nestref_ctx_free(s.ctx);
}
END_TEST

static Suite *host_suite(void)
{
	Suite *s = suite_create("smmuv3-host");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, worked_conversions);
	tcase_add_test(tc, rejected_opcodes_and_unknown_vsid);
	tcase_add_loop_test(tc, next_masks, 0,
			    sizeof(mask_rows) / sizeof(mask_rows[0]));
	tcase_add_test(tc, next_rule_order);
	tcase_add_loop_test(tc, batches_of_63_with_one_sync, 0,
			    NESTREF_PROFILE_COUNT);
	tcase_add_test(tc, failure_mid_batch_per_profile);
	tcase_add_loop_test(tc, empty_array_per_profile, 0,
			    NESTREF_PROFILE_COUNT);
	tcase_add_test(tc, user_data_rules_per_profile);
	tcase_add_test(tc, vdevice_needs_one_stream_per_profile);
	tcase_add_test(tc, illegal_command_is_skipped_by_released_hosts);
	tcase_add_test(tc, trace_tells_the_rule);
	tcase_add_test(tc, counters_by_opcode_reason_and_cache);
	tcase_add_test(tc, nothing_recorded_until_asked);
	tcase_add_test(tc, next_names_entries_as_the_caller_counts);
	tcase_add_test(tc, options_and_limits);
	tcase_add_loop_test(tc, batch_stops_at_the_first_refused, 0,
			    NESTREF_PROFILE_COUNT);
	tcase_add_loop_test(tc, vsid_zero_and_the_all_zero_entry, 0,
			    NESTREF_PROFILE_COUNT);
	tcase_add_loop_test(tc, batch_of_many_vsids, 0, NESTREF_PROFILE_COUNT);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_test(tc, events_each_named_id);
	tcase_add_test(tc, events_trace_shows_both_records);
	tcase_add_test(tc, events_unknown_sid_stall_s2);
	tcase_add_test(tc, events_without_vmaster);
	tcase_add_test(tc, events_vsid_of_the_last_attach);
	tcase_add_test(tc, events_second_stream);
	tcase_add_test(tc, events_two_viommus_same_vsid);
	tcase_add_test(tc, events_no_queue);
	tcase_add_test(tc, events_veventq_overflow);
	tcase_add_test(tc, events_smmu_queue_full);
	tcase_add_test(tc, events_need_the_capability);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(host_suite());
}

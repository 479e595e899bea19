/* SPDX-License-Identifier: MIT */
/*
 * smmuv3-sim's host layer: the released conversion (kernel-facts 3.3, the
 * worked examples of 4.4), the queued validation masks (3.5), batching and
 * entry_num per profile (3.4, 3.5), the user-data rules (1.6, 2.9) and
 * the Linux host's reaction to CERROR_ILL.
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

	return host_rewrite(&sc->rw, s->vi, c);
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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(host_suite());
}

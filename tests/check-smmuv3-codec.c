/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the SMMUv3 command codec (lib/smmuv3/codec.c) and event
 * codec (lib/smmuv3/event-codec.c).
 *
 * The expected layouts below are written out again from kernel-facts.md
 * 4.2 (and the codec's documented choices for the unconfirmed fields)
 * instead of being read back from the codec, so a wrong position in either
 * place fails a test.  Expected words are computed here with plain shifts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include <nestref/smmuv3.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_FIELDS 10

struct exp_field {
	enum nestref_smmuv3_field field;
	unsigned int word;
	unsigned int lo;
	unsigned int width;
};

/* fields[] ends at the first entry of width 0. */
struct exp_op {
	const char *name;
	uint8_t op;
	struct exp_field fields[MAX_FIELDS];
};

#define F(f, w, l, n) { NESTREF_SMMUV3_F_##f, (w), (l), (n) }
#define OP(name, op, ...) { (name), (op), { __VA_ARGS__ } }
#define OP_NONE(name, op) { (name), (op), { { 0, 0, 0, 0 } } }

/* The range-TLBI fields, kernel-facts 4.2 (NH_VA rows); SCALE 6 bits. */
#define RANGE_TLBI F(NUM, 0, 12, 5), F(SCALE, 0, 20, 6),		\
	F(LEAF, 1, 0, 1), F(TTL128, 1, 7, 1), F(TTL, 1, 8, 2),		\
	F(TG, 1, 10, 2)

/*
 * The choices lib/smmuv3/codec.c documents where kernel-facts 4.2 is not
 * sure: SSID/SSV of PREFETCH_*, VMID of CFGI_VMS_PIDM and STALL_TERM by
 * the common layout; no SSec on ATC_INV and PRI_RESP; TTL128 on every
 * range TLBI; IPA [51:12]; PRI_RESP Resp dw1[13:12] (Linux, 7.5).
 */
static const struct exp_op exp_ops[] = {
	OP("PREFETCH_CONFIG", 0x01, F(SSEC, 0, 10, 1), F(SSV, 0, 11, 1),
	   F(SSID, 0, 12, 20), F(SID, 0, 32, 32)),
	OP("PREFETCH_ADDR", 0x02, F(SSEC, 0, 10, 1), F(SSV, 0, 11, 1),
	   F(SSID, 0, 12, 20), F(SID, 0, 32, 32), F(SIZE, 1, 0, 5),
	   F(ADDR, 1, 12, 52)),
	OP("CFGI_STE", 0x03, F(SSEC, 0, 10, 1), F(SID, 0, 32, 32),
	   F(LEAF, 1, 0, 1)),
	OP("CFGI_STE_RANGE", 0x04, F(SSEC, 0, 10, 1), F(SID, 0, 32, 32),
	   F(RANGE, 1, 0, 5)),
	OP("CFGI_CD", 0x05, F(SSEC, 0, 10, 1), F(SSID, 0, 12, 20),
	   F(SID, 0, 32, 32), F(LEAF, 1, 0, 1)),
	OP("CFGI_CD_ALL", 0x06, F(SSEC, 0, 10, 1), F(SID, 0, 32, 32)),
	OP("CFGI_VMS_PIDM", 0x07, F(SSEC, 0, 10, 1), F(VMID, 0, 32, 16)),
	OP("TLBI_NH_ALL", 0x10, F(VMID, 0, 32, 16)),
	OP("TLBI_NH_ASID", 0x11, F(VMID, 0, 32, 16), F(ASID, 0, 48, 16)),
	OP("TLBI_NH_VA", 0x12, RANGE_TLBI, F(VMID, 0, 32, 16),
	   F(ASID, 0, 48, 16), F(ADDR, 1, 12, 52)),
	OP("TLBI_NH_VAA", 0x13, RANGE_TLBI, F(VMID, 0, 32, 16),
	   F(ADDR, 1, 12, 52)),
	OP_NONE("TLBI_EL3_ALL", 0x18),
	OP("TLBI_EL3_VA", 0x1a, RANGE_TLBI, F(ADDR, 1, 12, 52)),
	OP_NONE("TLBI_EL2_ALL", 0x20),
	OP("TLBI_EL2_ASID", 0x21, F(ASID, 0, 48, 16)),
	OP("TLBI_EL2_VA", 0x22, RANGE_TLBI, F(ASID, 0, 48, 16),
	   F(ADDR, 1, 12, 52)),
	OP("TLBI_EL2_VAA", 0x23, RANGE_TLBI, F(ADDR, 1, 12, 52)),
	OP("TLBI_S12_VMALL", 0x28, F(VMID, 0, 32, 16)),
	OP("TLBI_S2_IPA", 0x2a, RANGE_TLBI, F(VMID, 0, 32, 16),
	   F(ADDR, 1, 12, 40)),
	OP_NONE("TLBI_NSNH_ALL", 0x30),
	OP("ATC_INV", 0x40, F(GLOBAL, 0, 9, 1), F(SSV, 0, 11, 1),
	   F(SSID, 0, 12, 20), F(SID, 0, 32, 32), F(SIZE, 1, 0, 6),
	   F(ADDR, 1, 12, 52)),
	OP("PRI_RESP", 0x41, F(SSV, 0, 11, 1), F(SSID, 0, 12, 20),
	   F(SID, 0, 32, 32), F(GRPID, 1, 0, 9), F(RESP, 1, 12, 2)),
	OP("RESUME", 0x44, F(SSEC, 0, 10, 1), F(RESP, 0, 12, 2),
	   F(SID, 0, 32, 32), F(STAG, 1, 0, 16)),
	OP("STALL_TERM", 0x45, F(SSEC, 0, 10, 1), F(SID, 0, 32, 32)),
	OP("SYNC", 0x46, F(CS, 0, 12, 2), F(MSH, 0, 22, 2),
	   F(MSIATTR, 0, 24, 4), F(MSIDATA, 0, 32, 32),
	   F(MSIADDR, 1, 2, 50)),
};

/* spec/vectors.md 3.3, in the enum's order. */
static const char *const field_names[] = {
	"sid", "ssid", "ssv", "ssec", "leaf", "range", "vmid", "asid",
	"num", "scale", "ttl128", "ttl", "tg", "addr", "global", "size",
	"cs", "msh", "msiattr", "msidata", "msiaddr", "stag", "resp", "grpid",
};

static uint64_t low_bits(unsigned int n)
{
	return n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
}

static bool is_address(enum nestref_smmuv3_field field)
{
	return field == NESTREF_SMMUV3_F_ADDR ||
	       field == NESTREF_SMMUV3_F_MSIADDR;
}

/* The smallest non-zero value a field takes, and its largest. */
static uint64_t field_unit(const struct exp_field *f)
{
	return is_address(f->field) ? UINT64_C(1) << f->lo : 1;
}

static uint64_t field_max(const struct exp_field *f)
{
	uint64_t max = low_bits(f->width);

	return is_address(f->field) ? max << f->lo : max;
}

/* What the value looks like in its word. */
static uint64_t field_bits(const struct exp_field *f, uint64_t value)
{
	return is_address(f->field) ? value : value << f->lo;
}

static size_t exp_count(const struct exp_op *e)
{
	size_t n = 0;

	while (n < MAX_FIELDS && e->fields[n].width)
		n++;
	return n;
}

static const struct exp_field *exp_find(const struct exp_op *e,
					enum nestref_smmuv3_field field)
{
	size_t i;

	for (i = 0; i < exp_count(e); i++)
		if (e->fields[i].field == field)
			return &e->fields[i];
	return NULL;
}

static void init_ok(struct nestref_smmuv3_cmd *cmd, const char *name)
{
	memset(cmd, 0xa5, sizeof(*cmd));
	ck_assert_int_eq(nestref_smmuv3_cmd_init(cmd, name), 0);
}

static void assert_words(const struct nestref_smmuv3_cmd *cmd, uint64_t dw0,
			 uint64_t dw1)
{
	ck_assert_msg(cmd->dw[0] == dw0 && cmd->dw[1] == dw1,
		      "got %016" PRIx64 " %016" PRIx64
		      ", want %016" PRIx64 " %016" PRIx64,
		      cmd->dw[0], cmd->dw[1], dw0, dw1);
}

static void assert_get(const struct nestref_smmuv3_cmd *cmd,
		       enum nestref_smmuv3_field field, uint64_t want)
{
	uint64_t got = ~want;

	ck_assert_int_eq(nestref_smmuv3_get(cmd, field, &got), 0);
	ck_assert_msg(got == want, "%s: got 0x%" PRIx64 ", want 0x%" PRIx64,
		      field_names[field], got, want);
}

/* Bytes written out by hand, least significant first. */
static void assert_bytes(const struct nestref_smmuv3_cmd *cmd)
{
	unsigned char bytes[16];
	size_t i;

	nestref_smmuv3_to_bytes(cmd, bytes);
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(bytes[i],
				  (cmd->dw[i / 8] >> (8 * (i % 8))) & 0xff);
}

/*
 * Every field of every named opcode at 0, its smallest step and its
 * maximum: set, get, the exact words, to_bytes, from_bytes, get again.
 * One past the maximum is -ERANGE and leaves the command alone.
 */
START_TEST(test_roundtrip)
{
	const struct exp_op *e = &exp_ops[_i];
	size_t k, v;

	for (k = 0; k < exp_count(e); k++) {
		const struct exp_field *f = &e->fields[k];
		const uint64_t values[] = { 0, field_unit(f), field_max(f) };
		struct nestref_smmuv3_cmd cmd, back;
		unsigned char bytes[16];
		uint64_t base[2] = { e->op, 0 };

		ck_assert(nestref_smmuv3_has_field(e->op, f->field));
		for (v = 0; v < ARRAY_SIZE(values); v++) {
			uint64_t want[2] = { base[0], base[1] };

			want[f->word] |= field_bits(f, values[v]);
			init_ok(&cmd, e->name);
			ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
							    values[v]), 0);
			assert_words(&cmd, want[0], want[1]);
			assert_get(&cmd, f->field, values[v]);
			assert_bytes(&cmd);

			nestref_smmuv3_to_bytes(&cmd, bytes);
			memset(&back, 0x5a, sizeof(back));
			nestref_smmuv3_from_bytes(&back, bytes);
			assert_words(&back, want[0], want[1]);
			assert_get(&back, f->field, values[v]);
		}

		/* max + 1 only exists when the field stops below bit 63. */
		if (!is_address(f->field) || f->lo + f->width < 64) {
			uint64_t over = field_max(f) + field_unit(f);

			init_ok(&cmd, e->name);
			ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
							    field_max(f)), 0);
			back = cmd;
			ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
							    over), -ERANGE);
			assert_words(&cmd, back.dw[0], back.dw[1]);
			ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
							    UINT64_MAX <<
							    f->lo), -ERANGE);
		}
	}
}
END_TEST

/* All fields of an opcode at their maximum at once: no field overlaps. */
START_TEST(test_all_fields)
{
	const struct exp_op *e = &exp_ops[_i];
	struct nestref_smmuv3_cmd cmd;
	uint64_t want[2] = { e->op, 0 };
	size_t k;

	init_ok(&cmd, e->name);
	for (k = 0; k < exp_count(e); k++) {
		const struct exp_field *f = &e->fields[k];

		ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
						    field_max(f)), 0);
		want[f->word] |= field_bits(f, field_max(f));
	}
	assert_words(&cmd, want[0], want[1]);
	for (k = 0; k < exp_count(e); k++)
		assert_get(&cmd, e->fields[k].field, field_max(&e->fields[k]));

	/* set replaces, it does not OR. */
	for (k = 0; k < exp_count(e); k++) {
		const struct exp_field *f = &e->fields[k];

		ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
						    field_unit(f)), 0);
		assert_get(&cmd, f->field, field_unit(f));
	}
}
END_TEST

/* Every field an opcode lacks: has_field false, -ENOENT, nothing written. */
START_TEST(test_enoent)
{
	const struct exp_op *e = &exp_ops[_i];
	unsigned int field;

	for (field = 0; field < NESTREF_SMMUV3_F_COUNT; field++) {
		struct nestref_smmuv3_cmd cmd, before;
		uint64_t value = 0x1234;

		if (exp_find(e, field))
			continue;
		ck_assert_msg(!nestref_smmuv3_has_field(e->op, field),
			      "%s has %s", e->name, field_names[field]);
		init_ok(&cmd, e->name);
		before = cmd;
		ck_assert_int_eq(nestref_smmuv3_set(&cmd, field, 0), -ENOENT);
		ck_assert_int_eq(nestref_smmuv3_set(&cmd, field, 1), -ENOENT);
		ck_assert_int_eq(nestref_smmuv3_get(&cmd, field, &value),
				 -ENOENT);
		ck_assert_uint_eq(value, 0x1234);
		assert_words(&cmd, before.dw[0], before.dw[1]);
	}
}
END_TEST

/* The opcode names are exactly those of the table above. */
START_TEST(test_opcode_table)
{
	unsigned int op, field;

	for (op = 0; op < 256; op++) {
		const char *want = NULL;
		struct nestref_smmuv3_cmd cmd = { { op, 0 } };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(exp_ops); i++)
			if (exp_ops[i].op == op)
				want = exp_ops[i].name;
		if (want) {
			ck_assert_str_eq(nestref_smmuv3_op_name(op), want);
			continue;
		}
		ck_assert_msg(!nestref_smmuv3_op_name(op), "op 0x%02x named",
			      op);
		ck_assert_ptr_null(nestref_smmuv3_cmd_name(&cmd));
		for (field = 0; field < NESTREF_SMMUV3_F_COUNT; field++) {
			uint64_t value;

			ck_assert(!nestref_smmuv3_has_field(op, field));
			ck_assert_int_eq(nestref_smmuv3_set(&cmd, field, 0),
					 -ENOENT);
			ck_assert_int_eq(nestref_smmuv3_get(&cmd, field,
							    &value), -ENOENT);
		}
	}
}
END_TEST

/* Not a field at all: never present, set and get refuse. */
START_TEST(test_bad_field)
{
	struct nestref_smmuv3_cmd cmd;
	uint64_t value;

	init_ok(&cmd, "TLBI_NH_VA");
	ck_assert(!nestref_smmuv3_has_field(0x12, NESTREF_SMMUV3_F_COUNT));
	ck_assert_int_lt(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_COUNT, 0),
			 0);
	ck_assert_int_lt(nestref_smmuv3_get(&cmd, NESTREF_SMMUV3_F_COUNT,
					    &value), 0);
	assert_words(&cmd, 0x12, 0);
}
END_TEST

/* Any address bit below the field is -EINVAL and writes nothing. */
START_TEST(test_addr_low_bits)
{
	const struct exp_op *e = &exp_ops[_i];
	size_t k;
	unsigned int bit;

	for (k = 0; k < exp_count(e); k++) {
		const struct exp_field *f = &e->fields[k];
		struct nestref_smmuv3_cmd cmd;

		if (!is_address(f->field))
			continue;
		init_ok(&cmd, e->name);
		for (bit = 0; bit < f->lo; bit++) {
			uint64_t low = UINT64_C(1) << bit;

			ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
							    low), -EINVAL);
			ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
							    field_unit(f) |
							    low), -EINVAL);
			ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
							    field_max(f) |
							    low), -EINVAL);
			ck_assert_int_eq(nestref_smmuv3_set(&cmd, f->field,
							    UINT64_MAX),
					 -EINVAL);
		}
		assert_words(&cmd, e->op, 0);
	}
}
END_TEST

START_TEST(test_addr_examples)
{
	struct nestref_smmuv3_cmd cmd;

	init_ok(&cmd, "TLBI_NH_VA");
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_ADDR,
					    0x80000001), -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_ADDR,
					    0x80000800), -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_ADDR,
					    0xffffffffffff0000), 0);
	assert_words(&cmd, 0x12, 0xffffffffffff0000);

	/* IPA stops at bit 51 (kernel-facts 4.2, Linux mask). */
	init_ok(&cmd, "TLBI_S2_IPA");
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_ADDR,
					    UINT64_C(1) << 52), -ERANGE);
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_ADDR,
					    0x000ffffffffff000), 0);

	/* MSIAddress is 4-byte aligned. */
	init_ok(&cmd, "SYNC");
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_MSIADDR,
					    0x1001), -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_MSIADDR,
					    0x1002), -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_MSIADDR,
					    0x1004), 0);
	assert_words(&cmd, 0x46, 0x1004);
}
END_TEST

/* ------------------------------------------------------------------ */
/* kernel-facts 4.4: vIOMMU VMID 5, vSID 0x99 -> pSID 0x1234           */

/* Fields by their vector-file names; the list ends at a NULL name. */
struct kv {
	const char *name;
	uint64_t value;
};

struct encoded {
	const char *op;
	uint64_t dw0;
	uint64_t dw1;
	struct kv kv[6];
};

/*
 * Guest and host columns, in the order of the table.  The last two rows
 * list no words in 4.4 (the host rejects them with EIO); their guest
 * commands are encoded with words derived from the 4.2 positions.
 */
static const struct encoded worked[] = {
	{ "TLBI_NSNH_ALL", 0x0000000000000030, 0, { { NULL, 0 } } },
	{ "TLBI_NH_ALL", 0x0000000500000010, 0, { { "vmid", 5 } } },

	{ "TLBI_NH_VA", 0x0012007700000012, 0x0000000080000001,
	  { { "asid", 0x12 }, { "vmid", 0x77 }, { "addr", 0x80000000 },
	    { "leaf", 1 } } },
	{ "TLBI_NH_VA", 0x0012000500000012, 0x0000000080000001,
	  { { "asid", 0x12 }, { "vmid", 5 }, { "addr", 0x80000000 },
	    { "leaf", 1 } } },

	{ "TLBI_NH_ASID", 0x0012000000000011, 0, { { "asid", 0x12 } } },
	{ "TLBI_NH_ASID", 0x0012000500000011, 0,
	  { { "asid", 0x12 }, { "vmid", 5 } } },

	{ "ATC_INV", 0x0000009900000040, 0x0000000000000034,
	  { { "sid", 0x99 }, { "size", 52 } } },
	{ "ATC_INV", 0x0000123400000040, 0x0000000000000034,
	  { { "sid", 0x1234 }, { "size", 52 } } },

	{ "CFGI_CD", 0x0000009900003005, 1,
	  { { "sid", 0x99 }, { "ssid", 3 }, { "leaf", 1 } } },
	{ "CFGI_CD", 0x0000123400003005, 1,
	  { { "sid", 0x1234 }, { "ssid", 3 }, { "leaf", 1 } } },

	{ "CFGI_CD_ALL", 0x0000009900000006, 0, { { "sid", 0x99 } } },
	{ "CFGI_CD_ALL", 0x0000123400000006, 0, { { "sid", 0x1234 } } },

	{ "ATC_INV", 0x0000009800000040, 0x0000000000000034,
	  { { "sid", 0x98 }, { "size", 52 } } },
	{ "CFGI_STE", 0x0000009900000003, 1,
	  { { "sid", 0x99 }, { "leaf", 1 } } },
};

/* Encode from named fields, then decode the listed words back. */
START_TEST(test_worked)
{
	const struct encoded *w = &worked[_i];
	enum nestref_smmuv3_field field[ARRAY_SIZE(worked[0].kv)];
	struct nestref_smmuv3_cmd cmd;
	size_t i, n = 0;

	while (n < ARRAY_SIZE(w->kv) && w->kv[n].name) {
		ck_assert_int_eq(nestref_smmuv3_field_parse(w->kv[n].name,
							    &field[n]), 0);
		n++;
	}

	init_ok(&cmd, w->op);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(nestref_smmuv3_set(&cmd, field[i],
						    w->kv[i].value), 0);
	assert_words(&cmd, w->dw0, w->dw1);

	cmd.dw[0] = w->dw0;
	cmd.dw[1] = w->dw1;
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), w->op);
	for (i = 0; i < n; i++)
		assert_get(&cmd, field[i], w->kv[i].value);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Names                                                               */

static const struct {
	const char *name;
	uint8_t op;
} op_names[] = {
	{ "PREFETCH_CONFIG", 0x01 }, { "PREFETCH_ADDR", 0x02 },
	{ "CFGI_STE", 0x03 }, { "CFGI_STE_RANGE", 0x04 },
	{ "CFGI_ALL", 0x04 }, { "CFGI_CD", 0x05 }, { "CFGI_CD_ALL", 0x06 },
	{ "CFGI_VMS_PIDM", 0x07 }, { "TLBI_NH_ALL", 0x10 },
	{ "TLBI_NH_ASID", 0x11 }, { "TLBI_NH_VA", 0x12 },
	{ "TLBI_NH_VAA", 0x13 }, { "TLBI_EL3_ALL", 0x18 },
	{ "TLBI_EL3_VA", 0x1a }, { "TLBI_EL2_ALL", 0x20 },
	{ "TLBI_EL2_ASID", 0x21 }, { "TLBI_EL2_VA", 0x22 },
	{ "TLBI_EL2_VAA", 0x23 }, { "TLBI_S12_VMALL", 0x28 },
	{ "TLBI_S2_IPA", 0x2a }, { "TLBI_NSNH_ALL", 0x30 },
	{ "ATC_INV", 0x40 }, { "PRI_RESP", 0x41 }, { "RESUME", 0x44 },
	{ "STALL_TERM", 0x45 }, { "SYNC", 0x46 },
};

/* Every op name (spec/vectors.md 3.3) starts its command and names it. */
START_TEST(test_op_names)
{
	struct nestref_smmuv3_cmd cmd;

	init_ok(&cmd, op_names[_i].name);
	ck_assert_uint_eq(nestref_smmuv3_opcode(&cmd), op_names[_i].op);
	ck_assert_uint_eq(cmd.dw[0] & ~UINT64_C(0xff), 0);
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), op_names[_i].name);
	if (strcmp(op_names[_i].name, "CFGI_ALL"))
		ck_assert_uint_eq(cmd.dw[1], 0);
	ck_assert_str_eq(nestref_smmuv3_op_name(op_names[_i].op),
			 strcmp(op_names[_i].name, "CFGI_ALL") ?
			 op_names[_i].name : "CFGI_STE_RANGE");
}
END_TEST

START_TEST(test_field_names)
{
	enum nestref_smmuv3_field field = NESTREF_SMMUV3_F_COUNT;

	ck_assert_uint_eq(ARRAY_SIZE(field_names), NESTREF_SMMUV3_F_COUNT);
	ck_assert_int_eq(nestref_smmuv3_field_parse(field_names[_i], &field),
			 0);
	ck_assert_int_eq(field, _i);
	ck_assert_str_eq(nestref_smmuv3_field_name(_i), field_names[_i]);
}
END_TEST

START_TEST(test_unknown_names)
{
	static const char *const bad_ops[] = {
		"", "cfgi_cd", "Cfgi_Cd", "CFGI_CD ", " CFGI_CD", "CMD_SYNC",
		"CFGI", "CFGI_ALLX", "cfgi_all", "NSNH_ALL", "TLBI_S_EL2_ALL",
		"DPTI_ALL", "0x05",
	};
	static const char *const bad_fields[] = {
		"", "SID", "Sid", "sid ", "address", "msi_addr", "op", "raw",
		"bytes", "ssid2", "prgindex",
	};
	struct nestref_smmuv3_cmd cmd;
	enum nestref_smmuv3_field field;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_ops); i++)
		ck_assert_msg(nestref_smmuv3_cmd_init(&cmd, bad_ops[i]) ==
			      -EINVAL, "\"%s\" accepted", bad_ops[i]);
	for (i = 0; i < ARRAY_SIZE(bad_fields); i++)
		ck_assert_msg(nestref_smmuv3_field_parse(bad_fields[i],
							 &field) == -EINVAL,
			      "\"%s\" accepted", bad_fields[i]);
	ck_assert_ptr_null(nestref_smmuv3_field_name(NESTREF_SMMUV3_F_COUNT));
}
END_TEST

/* CFGI_ALL is CFGI_STE_RANGE with Range 31 (kernel-facts 4.1, 4.3). */
START_TEST(test_cfgi_all)
{
	struct nestref_smmuv3_cmd cmd;

	init_ok(&cmd, "CFGI_ALL");
	assert_words(&cmd, 0x04, 31);
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), "CFGI_ALL");
	assert_get(&cmd, NESTREF_SMMUV3_F_RANGE, 31);

	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_SID,
					    0x1234), 0);
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), "CFGI_ALL");
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_RANGE, 30),
			 0);
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), "CFGI_STE_RANGE");

	init_ok(&cmd, "CFGI_STE_RANGE");
	assert_words(&cmd, 0x04, 0);
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), "CFGI_STE_RANGE");
	ck_assert_int_eq(nestref_smmuv3_set(&cmd, NESTREF_SMMUV3_F_RANGE, 31),
			 0);
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), "CFGI_ALL");

	/* Only Range decides: other bits of dw1 do not hide the name. */
	cmd.dw[1] |= UINT64_C(1) << 63;
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), "CFGI_ALL");
}
END_TEST

/* Little-endian regardless of the host. */
START_TEST(test_bytes)
{
	unsigned char bytes[16], out[16];
	static const unsigned char atc[16] = {
		0x40, 0, 0, 0, 0x99, 0, 0, 0, 0x34, 0, 0, 0, 0, 0, 0, 0,
	};
	struct nestref_smmuv3_cmd cmd;
	size_t i;

	for (i = 0; i < 16; i++)
		bytes[i] = (unsigned char)i;
	nestref_smmuv3_from_bytes(&cmd, bytes);
	assert_words(&cmd, 0x0706050403020100, 0x0f0e0d0c0b0a0908);
	nestref_smmuv3_to_bytes(&cmd, out);
	ck_assert_mem_eq(out, bytes, 16);

	nestref_smmuv3_from_bytes(&cmd, atc);
	ck_assert_str_eq(nestref_smmuv3_cmd_name(&cmd), "ATC_INV");
	assert_get(&cmd, NESTREF_SMMUV3_F_SID, 0x99);
	assert_get(&cmd, NESTREF_SMMUV3_F_SIZE, 52);
}
END_TEST

/* ------------------------------------------------------------------ */
/* format                                                              */

static const struct {
	uint64_t dw0;
	uint64_t dw1;
	const char *text;
} formats[] = {
	{ 0x0000123400003005, 1, "CFGI_CD sid=0x1234 ssid=0x3 leaf=1" },
	{ 0x0012007700000012, 0x0000000080000001,
	  "TLBI_NH_VA leaf=1 vmid=0x77 asid=0x12 addr=0x80000000" },
	{ 0x30, 0, "TLBI_NSNH_ALL" },
	{ 0x0000000500000030, 0,
	  "TLBI_NSNH_ALL rest=dw0:0x0000000500000000,dw1:0x0000000000000000" },
	{ 0x04, 0x1f, "CFGI_ALL range=0x1f" },
	{ 0x000000000fc01046, 0x12345678,
	  "SYNC cs=0x1 msh=0x3 msiattr=0xf msiaddr=0x12345678" },
	{ 0xdeadbeef00000046, 0x3,
	  "SYNC msidata=0xdeadbeef rest=dw0:0x0000000000000000,"
	  "dw1:0x0000000000000003" },
	{ 0x8f, 1, "op=0x8f dw0=0x000000000000008f dw1=0x0000000000000001" },
	{ 0x0000000000000000, 0,
	  "op=0x00 dw0=0x0000000000000000 dw1=0x0000000000000000" },
	{ 0x000000050000002a, 0x0010000000001001,
	  "TLBI_S2_IPA leaf=1 vmid=0x5 addr=0x1000 "
	  "rest=dw0:0x0000000000000000,dw1:0x0010000000000000" },
	{ 0x0000123400000040, 0x34, "ATC_INV sid=0x1234 size=0x34" },
	{ 0x0000123400000440, 0,
	  "ATC_INV sid=0x1234 rest=dw0:0x0000000000000400,"
	  "dw1:0x0000000000000000" },
	{ 0x0000000100000041, 0x21ff, "PRI_RESP sid=0x1 resp=0x2 grpid=0x1ff" },
	{ 0x0000000700001444, 0xbeef,
	  "RESUME sid=0x7 ssec=1 stag=0xbeef resp=0x1" },
	{ 0x0000000000f00012, 0x0000000000000f80,
	  "TLBI_NH_VA scale=0xf ttl128=1 ttl=0x3 tg=0x3" },
};

START_TEST(test_format)
{
	struct nestref_smmuv3_cmd cmd = { { formats[_i].dw0,
					    formats[_i].dw1 } };
	const char *want = formats[_i].text;
	char buf[160];

	ck_assert_int_eq(nestref_smmuv3_format(&cmd, buf, sizeof(buf)),
			 (int)strlen(want));
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(nestref_smmuv3_format(&cmd, NULL, 0),
			 (int)strlen(want));
}
END_TEST

typedef int format_fn(const void *obj, char *buf, size_t len);

/* Every buffer size from 0 to past the end: no byte beyond len changes. */
static void assert_truncates(format_fn *format, const void *obj,
			     const char *want)
{
	size_t want_len = strlen(want), len, i;
	char buf[200];

	for (len = 0; len <= want_len + 2; len++) {
		size_t kept = len ? (len - 1 < want_len ? len - 1 : want_len)
				  : 0;

		memset(buf, 'X', sizeof(buf));
		ck_assert_int_eq(format(obj, buf, len), (int)want_len);
		if (len) {
			ck_assert_mem_eq(buf, want, kept);
			ck_assert_int_eq(buf[kept], '\0');
		}
		for (i = len; i < sizeof(buf); i++)
			ck_assert_int_eq(buf[i], 'X');
	}
}

static int format_cmd(const void *cmd, char *buf, size_t len)
{
	return nestref_smmuv3_format(cmd, buf, len);
}

START_TEST(test_format_truncates)
{
	struct nestref_smmuv3_cmd cmd = { { formats[_i].dw0,
					    formats[_i].dw1 } };

	assert_truncates(format_cmd, &cmd, formats[_i].text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Event records (kernel-facts 3.11)                                    */

/*
 * The layout written out again from kernel-facts 3.11's table (Linux's
 * EVTQ_* masks), with the vectors' names of vectors.md 3.10.
 */
static const struct {
	enum nestref_smmuv3_event_field field;
	const char *name;
	unsigned int word;
	unsigned int lo;
	unsigned int width;
} exp_evt_fields[] = {
	{ NESTREF_SMMUV3_EVT_ID, "event", 0, 0, 8 },
	{ NESTREF_SMMUV3_EVT_SSV, "ssv", 0, 11, 1 },
	{ NESTREF_SMMUV3_EVT_SSID, "ssid", 0, 12, 20 },
	{ NESTREF_SMMUV3_EVT_SID, "sid", 0, 32, 32 },
	{ NESTREF_SMMUV3_EVT_STAG, "stag", 1, 0, 16 },
	{ NESTREF_SMMUV3_EVT_STALL, "stall", 1, 31, 1 },
	{ NESTREF_SMMUV3_EVT_PNU, "pnu", 1, 33, 1 },
	{ NESTREF_SMMUV3_EVT_IND, "ind", 1, 34, 1 },
	{ NESTREF_SMMUV3_EVT_RNW, "rnw", 1, 35, 1 },
	{ NESTREF_SMMUV3_EVT_S2, "s2", 1, 39, 1 },
	{ NESTREF_SMMUV3_EVT_CLASS, "class", 1, 40, 2 },
	{ NESTREF_SMMUV3_EVT_ADDR, "addr", 2, 0, 64 },
	{ NESTREF_SMMUV3_EVT_IPA, "ipa", 3, 12, 40 },
};

static void assert_evt_words(const struct nestref_smmuv3_event *evt,
			     const uint64_t want[4])
{
	size_t i;

	for (i = 0; i < 4; i++)
		ck_assert_msg(evt->dw[i] == want[i],
			      "dw%zu is 0x%016" PRIx64 ", want 0x%016" PRIx64,
			      i, evt->dw[i], want[i]);
}

/*
 * Each field alone: its smallest and largest values land on exactly its
 * bits and read back; one past the largest is -ERANGE and changes
 * nothing.  The IPA takes and gives the byte address.
 */
START_TEST(test_event_fields)
{
	unsigned int word = exp_evt_fields[_i].word;
	unsigned int lo = exp_evt_fields[_i].lo;
	unsigned int width = exp_evt_fields[_i].width;
	enum nestref_smmuv3_event_field field = exp_evt_fields[_i].field;
	bool ipa = field == NESTREF_SMMUV3_EVT_IPA;
	uint64_t max = low_bits(width), mask = low_bits(width) << lo;
	uint64_t unit = ipa ? UINT64_C(1) << lo : 1;
	uint64_t top = ipa ? max << lo : max;
	struct nestref_smmuv3_event evt;
	uint64_t want[4] = { 0 };
	enum nestref_smmuv3_event_field parsed;

	memset(&evt, 0, sizeof(evt));
	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, field, unit), 0);
	want[word] = UINT64_C(1) << lo;
	assert_evt_words(&evt, want);
	ck_assert_uint_eq(nestref_smmuv3_event_get(&evt, field), unit);

	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, field, top), 0);
	want[word] = mask;
	assert_evt_words(&evt, want);
	ck_assert_uint_eq(nestref_smmuv3_event_get(&evt, field), top);

	/* The other bits of the record survive a set. */
	memset(&evt, 0xff, sizeof(evt));
	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, field, 0), 0);
	memset(want, 0xff, sizeof(want));
	want[word] &= ~mask;
	assert_evt_words(&evt, want);

	if (width < 64) {
		ck_assert_int_eq(nestref_smmuv3_event_set(&evt, field,
							  top + unit),
				 -ERANGE);
		assert_evt_words(&evt, want);
	}

	ck_assert_str_eq(nestref_smmuv3_event_field_name(field),
			 exp_evt_fields[_i].name);
	ck_assert_int_eq(nestref_smmuv3_event_field_parse(
				 exp_evt_fields[_i].name, &parsed), 0);
	ck_assert_int_eq(parsed, field);
}
END_TEST

START_TEST(test_event_field_count)
{
	ck_assert_uint_eq(ARRAY_SIZE(exp_evt_fields),
			  NESTREF_SMMUV3_EVT_FIELD_COUNT);
}
END_TEST

/* The IPA's low 12 bits: -EINVAL, even when the value is also too wide. */
START_TEST(test_event_ipa)
{
	struct nestref_smmuv3_event evt = { { 1, 2, 3, 4 } };
	const uint64_t want[4] = { 1, 2, 3, 4 };

	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_IPA,
						  0x1001), -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_IPA,
						  0x800), -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_IPA,
						  UINT64_C(1) << 52), -ERANGE);
	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_IPA,
						  (UINT64_C(1) << 52) | 1),
			 -EINVAL);
	assert_evt_words(&evt, want);
	ck_assert_int_eq(nestref_smmuv3_event_set(&evt, NESTREF_SMMUV3_EVT_IPA,
						  0x80001000), 0);
	ck_assert_uint_eq(evt.dw[3], 0x80001004);
	/* Bits of dw3 outside the field are kept and not read. */
	evt.dw[3] |= UINT64_C(0xff) << 56 | 0xfff;
	ck_assert_uint_eq(nestref_smmuv3_event_get(&evt, NESTREF_SMMUV3_EVT_IPA),
			  0x80001000);
}
END_TEST

START_TEST(test_event_bad_field)
{
	struct nestref_smmuv3_event evt = { { 1, 2, 3, 4 } };
	const uint64_t want[4] = { 1, 2, 3, 4 };
	enum nestref_smmuv3_event_field out = NESTREF_SMMUV3_EVT_SID;
	static const char *const bad[] = { "id", "EVENT", "vsid", "", "dw0" };
	size_t i;

	ck_assert_int_eq(nestref_smmuv3_event_set(
				 &evt, NESTREF_SMMUV3_EVT_FIELD_COUNT, 0),
			 -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_event_set(
				 &evt, (enum nestref_smmuv3_event_field)-1, 0),
			 -EINVAL);
	assert_evt_words(&evt, want);
	ck_assert_uint_eq(nestref_smmuv3_event_get(
				  &evt, NESTREF_SMMUV3_EVT_FIELD_COUNT), 0);
	ck_assert_ptr_null(nestref_smmuv3_event_field_name(
		NESTREF_SMMUV3_EVT_FIELD_COUNT));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_int_eq(nestref_smmuv3_event_field_parse(bad[i], &out),
				 -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_event_field_parse(NULL, &out), -EINVAL);
	ck_assert_int_eq(out, NESTREF_SMMUV3_EVT_SID);
}
END_TEST

/* kernel-facts 3.11: Linux's names, and the eight it forwards. */
static const struct {
	const char *name;
	uint8_t id;
	bool forwarded;
} evt_names[] = {
	{ "C_BAD_STREAMID", 0x02, false },
	{ "F_STE_FETCH", 0x03, false },
	{ "C_BAD_STE", 0x04, true },
	{ "F_STREAM_DISABLED", 0x06, true },
	{ "C_BAD_SUBSTREAMID", 0x08, true },
	{ "F_CD_FETCH", 0x09, false },
	{ "C_BAD_CD", 0x0a, true },
	{ "F_TRANSLATION", 0x10, true },
	{ "F_ADDR_SIZE", 0x11, true },
	{ "F_ACCESS", 0x12, true },
	{ "F_PERMISSION", 0x13, true },
	{ "F_VMS_FETCH", 0x25, false },
};

START_TEST(test_event_names)
{
	uint8_t id = 0;

	ck_assert_str_eq(nestref_smmuv3_event_name(evt_names[_i].id),
			 evt_names[_i].name);
	ck_assert_int_eq(nestref_smmuv3_event_parse(evt_names[_i].name, &id),
			 0);
	ck_assert_uint_eq(id, evt_names[_i].id);
	ck_assert(nestref_smmuv3_event_forwarded(evt_names[_i].id) ==
		  evt_names[_i].forwarded);
}
END_TEST

/* Every other id: no name, not forwarded. */
START_TEST(test_event_unnamed)
{
	unsigned int id;
	size_t i, named = 0;
	uint8_t out = 0x77;

	for (id = 0; id < 256; id++) {
		bool known = false;

		for (i = 0; i < ARRAY_SIZE(evt_names); i++)
			known |= evt_names[i].id == id;
		named += known;
		if (known)
			continue;
		ck_assert_ptr_null(nestref_smmuv3_event_name((uint8_t)id));
		ck_assert(!nestref_smmuv3_event_forwarded((uint8_t)id));
	}
	ck_assert_uint_eq(named, ARRAY_SIZE(evt_names));
	ck_assert_int_eq(nestref_smmuv3_event_parse("F_BOGUS", &out), -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_event_parse("f_translation", &out),
			 -EINVAL);
	ck_assert_int_eq(nestref_smmuv3_event_parse(NULL, &out), -EINVAL);
	ck_assert_uint_eq(out, 0x77);
}
END_TEST

START_TEST(test_event_bytes)
{
	unsigned char bytes[32], out[32];
	struct nestref_smmuv3_event evt;
	const uint64_t want[4] = {
		0x0706050403020100, 0x0f0e0d0c0b0a0908,
		0x1716151413121110, 0x1f1e1d1c1b1a1918,
	};
	size_t i;

	for (i = 0; i < 32; i++)
		bytes[i] = (unsigned char)i;
	nestref_smmuv3_event_from_bytes(&evt, bytes);
	assert_evt_words(&evt, want);
	nestref_smmuv3_event_to_bytes(&evt, out);
	ck_assert_mem_eq(out, bytes, 32);
}
END_TEST

static const struct {
	uint64_t dw[4];
	const char *text;
} evt_formats[] = {
	{ { 0x0000009900000010, UINT64_C(1) << 35, 0x1000, 0 },
	  "F_TRANSLATION sid=0x99 rnw=1 addr=0x1000" },
	{ { 0x000012340000380a, 0, 0, 0 },
	  "C_BAD_CD ssv=1 ssid=0x3 sid=0x1234" },
	{ { 0x77, 0, 0, 0 }, "id=0x77" },
	{ { 0, 0, 0, 0 }, "id=0x00" },
	{ { 0x0000000100000013, 0x0000038e8000beef, 0xffffffffffffffff,
	    0x000ffffffffff000 },
	  "F_PERMISSION sid=0x1 stag=0xbeef stall=1 pnu=1 ind=1 rnw=1 s2=1 "
	  "class=0x3 addr=0xffffffffffffffff ipa=0xffffffffff000" },
	/* Bits no field covers: dw0 10:8, dw1 30:16 and 63:42, dw3. */
	{ { 0x0000000500000710, 0xfffffc0000010000, 0, 0xfff0000000000fff },
	  "F_TRANSLATION sid=0x5 rest=dw0:0x0000000000000700,"
	  "dw1:0xfffffc0000010000,dw3:0xfff0000000000fff" },
	{ { 0, 0, 0, 1 }, "id=0x00 rest=dw3:0x0000000000000001" },
};

START_TEST(test_event_format)
{
	struct nestref_smmuv3_event evt;
	const char *want = evt_formats[_i].text;
	char buf[200];

	memcpy(evt.dw, evt_formats[_i].dw, sizeof(evt.dw));
	ck_assert_int_eq(nestref_smmuv3_event_format(&evt, buf, sizeof(buf)),
			 (int)strlen(want));
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(nestref_smmuv3_event_format(&evt, NULL, 0),
			 (int)strlen(want));
}
END_TEST

static int format_evt(const void *evt, char *buf, size_t len)
{
	return nestref_smmuv3_event_format(evt, buf, len);
}

START_TEST(test_event_format_truncates)
{
	struct nestref_smmuv3_event evt;

	memcpy(evt.dw, evt_formats[_i].dw, sizeof(evt.dw));
	assert_truncates(format_evt, &evt, evt_formats[_i].text);
}
END_TEST

static Suite *codec_suite(void)
{
	Suite *s = suite_create("smmuv3-codec");
	TCase *tc;

	tc = tcase_create("fields");
	tcase_add_loop_test(tc, test_roundtrip, 0, ARRAY_SIZE(exp_ops));
	tcase_add_loop_test(tc, test_all_fields, 0, ARRAY_SIZE(exp_ops));
	tcase_add_loop_test(tc, test_enoent, 0, ARRAY_SIZE(exp_ops));
	tcase_add_test(tc, test_opcode_table);
	tcase_add_test(tc, test_bad_field);
	tcase_add_loop_test(tc, test_addr_low_bits, 0, ARRAY_SIZE(exp_ops));
	tcase_add_test(tc, test_addr_examples);
	suite_add_tcase(s, tc);

	tc = tcase_create("worked");
	tcase_add_loop_test(tc, test_worked, 0, ARRAY_SIZE(worked));
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_op_names, 0, ARRAY_SIZE(op_names));
	tcase_add_loop_test(tc, test_field_names, 0, ARRAY_SIZE(field_names));
	tcase_add_test(tc, test_unknown_names);
	tcase_add_test(tc, test_cfgi_all);
	tcase_add_test(tc, test_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format, 0, ARRAY_SIZE(formats));
	tcase_add_loop_test(tc, test_format_truncates, 0,
			    ARRAY_SIZE(formats));
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_loop_test(tc, test_event_fields, 0,
			    ARRAY_SIZE(exp_evt_fields));
	tcase_add_test(tc, test_event_field_count);
	tcase_add_test(tc, test_event_ipa);
	tcase_add_test(tc, test_event_bad_field);
	tcase_add_loop_test(tc, test_event_names, 0, ARRAY_SIZE(evt_names));
	tcase_add_test(tc, test_event_unnamed);
	tcase_add_test(tc, test_event_bytes);
	tcase_add_loop_test(tc, test_event_format, 0,
			    ARRAY_SIZE(evt_formats));
	tcase_add_loop_test(tc, test_event_format_truncates, 0,
			    ARRAY_SIZE(evt_formats));
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(codec_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 command codec: names, field access and a readable form for the
 * 16-byte commands of the SMMUv3 command queue (kernel-facts.md section 4).
 *
 * Everything here is driven by two tables:
 *  - field_info[]: the field names of spec/vectors.md 3.3, in the order of
 *    enum nestref_smmuv3_field, and whether the field holds a byte address;
 *  - ops[]: per opcode, its Arm name and where each of its fields lives, as
 *    (word, low bit, width).
 * has_field, set, get, format and the name look-ups only read the tables,
 * so fixing a field position is a one-line change to ops[].
 *
 * A command is two 64-bit words: dw[0] holds command bits 63:0, dw[1]
 * bits 127:64.  Positions below are within one word: "dw1[7]" is what
 * the Arm text calls command bit 71.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <nestref/smmuv3.h>

#include "lib/smmuv3/bits.h"


/* The opcode is dw0[7:0] in every command (kernel-facts 4.2, "Common"). */
#define OPCODE_MASK UINT64_C(0xff)

/*
 * CMD_CFGI_ALL has no opcode of its own: it is CMD_CFGI_STE_RANGE with
 * Range 31, i.e. all 2^32 StreamIDs (kernel-facts 4.1 and 4.3).
 */
#define CFGI_ALL_NAME "CFGI_ALL"
#define CFGI_ALL_RANGE 31

static const struct {
	const char *name;
	/*
	 * Address fields take and return the byte address.  Their bits sit
	 * in the word at the same positions as in the address (Address[63:12]
	 * in dw1[63:12], MSIAddress[51:2] in dw1[51:2]), so they are stored
	 * in place instead of shifted, and the bits below the field must be
	 * zero (spec/vectors.md 3.3: "its low 12 bits must be zero").
	 */
	bool address;
} field_info[NESTREF_SMMUV3_F_COUNT] = {
	[NESTREF_SMMUV3_F_SID] = { "sid", false },
	[NESTREF_SMMUV3_F_SSID] = { "ssid", false },
	[NESTREF_SMMUV3_F_SSV] = { "ssv", false },
	[NESTREF_SMMUV3_F_SSEC] = { "ssec", false },
	[NESTREF_SMMUV3_F_LEAF] = { "leaf", false },
	[NESTREF_SMMUV3_F_RANGE] = { "range", false },
	[NESTREF_SMMUV3_F_VMID] = { "vmid", false },
	[NESTREF_SMMUV3_F_ASID] = { "asid", false },
	[NESTREF_SMMUV3_F_NUM] = { "num", false },
	[NESTREF_SMMUV3_F_SCALE] = { "scale", false },
	[NESTREF_SMMUV3_F_TTL128] = { "ttl128", false },
	[NESTREF_SMMUV3_F_TTL] = { "ttl", false },
	[NESTREF_SMMUV3_F_TG] = { "tg", false },
	[NESTREF_SMMUV3_F_ADDR] = { "addr", true },
	[NESTREF_SMMUV3_F_GLOBAL] = { "global", false },
	[NESTREF_SMMUV3_F_SIZE] = { "size", false },
	[NESTREF_SMMUV3_F_CS] = { "cs", false },
	[NESTREF_SMMUV3_F_MSH] = { "msh", false },
	[NESTREF_SMMUV3_F_MSIATTR] = { "msiattr", false },
	[NESTREF_SMMUV3_F_MSIDATA] = { "msidata", false },
	[NESTREF_SMMUV3_F_MSIADDR] = { "msiaddr", true },
	[NESTREF_SMMUV3_F_STAG] = { "stag", false },
	[NESTREF_SMMUV3_F_RESP] = { "resp", false },
	[NESTREF_SMMUV3_F_GRPID] = { "grpid", false },
};

struct field_pos {
	uint8_t field;	/* enum nestref_smmuv3_field */
	uint8_t word;	/* 0: dw0, 1: dw1 */
	uint8_t lo;	/* lowest bit within the word */
	uint8_t width;	/* in bits; 0 ends an opcode's list */
};

/* The most fields any opcode has (TLBI_NH_VA: 9), plus the end marker. */
#define MAX_FIELDS 10

struct op_info {
	const char *name;	/* NULL: no command has this opcode */
	struct field_pos fields[MAX_FIELDS];
};

#define POS(f, w, l, n) { NESTREF_SMMUV3_F_##f, (w), (l), (n) }

/*
 * Positions shared by several commands (kernel-facts 4.2 unless said).
 * SSec is dw0[10] and SSV dw0[11] wherever the command has them ("Common").
 */
#define P_SSEC		POS(SSEC, 0, 10, 1)
#define P_SSV		POS(SSV, 0, 11, 1)
#define P_SSID		POS(SSID, 0, 12, 20)
#define P_SID		POS(SID, 0, 32, 32)
#define P_VMID		POS(VMID, 0, 32, 16)
#define P_ASID		POS(ASID, 0, 48, 16)
#define P_LEAF		POS(LEAF, 1, 0, 1)
#define P_ADDR		POS(ADDR, 1, 12, 52)	/* Address[63:12] */
/*
 * The fields every address-based TLBI carries (kernel-facts 4.2, the
 * TLBI_NH_VA rows; 4.3).  IHI 0070 4.4.1.1 lists NUM, SCALE, TTL128, TTL
 * and TG as common to all of them, VA and IPA alike, which is why EL2_VA,
 * EL3_VA and S2_IPA get TTL128 too although kernel-facts only places it
 * for NH_VA.
 * SCALE is 6 bits, [25:20]: bit 25 only counts when IDR5.DS = 1 (released
 * Linux masks [24:20]; kernel-facts 4.2 and 7.7).  The codec encodes all
 * six bits and leaves "RES0 without DS" to the backend.
 */
#define P_NUM		POS(NUM, 0, 12, 5)
#define P_SCALE		POS(SCALE, 0, 20, 6)
#define P_TTL128	POS(TTL128, 1, 7, 1)
#define P_TTL		POS(TTL, 1, 8, 2)
#define P_TG		POS(TG, 1, 10, 2)

/*
 * SSec: IHI 0070 4.2-4.7 (kernel-facts source S18) give an SSec parameter
 * to PREFETCH_*, CFGI_*, RESUME and STALL_TERM (CFGI_VMS_PIDM too, though
 * it has no StreamID), but not to ATC_INV or PRI_RESP: ATS and PRI exist
 * only for Non-secure (and Realm) streams, so there dw0[10] is plain RES0.
 * kernel-facts 4.2 gives the bit and notes that SSec = 1 is ILLEGAL on the
 * Non-secure queue; that check belongs to the backend.
 */
static const struct op_info ops[NESTREF_SMMUV3_SYNC + 1] = {
	/*
	 * PREFETCH_CONFIG: SSID/SSV by the common layout, not confirmed for
	 * this opcode (kernel-facts 4.2, 7.6).
	 */
	[NESTREF_SMMUV3_PREFETCH_CONFIG] = { "PREFETCH_CONFIG", {
		P_SSEC, P_SSV, P_SSID, P_SID } },
	/*
	 * PREFETCH_ADDR: SSID/SSV by the common layout (unconfirmed, as
	 * above).  Stride and NS have no known position (kernel-facts 4.2,
	 * 7.6) and no field name, so their bits show up as "rest".
	 */
	[NESTREF_SMMUV3_PREFETCH_ADDR] = { "PREFETCH_ADDR", {
		P_SSEC, P_SSV, P_SSID, P_SID,
		POS(SIZE, 1, 0, 5), P_ADDR } },
	[NESTREF_SMMUV3_CFGI_STE] = { "CFGI_STE", {
		P_SSEC, P_SID, P_LEAF } },
	[NESTREF_SMMUV3_CFGI_STE_RANGE] = { "CFGI_STE_RANGE", {
		P_SSEC, P_SID, POS(RANGE, 1, 0, 5) } },
	[NESTREF_SMMUV3_CFGI_CD] = { "CFGI_CD", {
		P_SSEC, P_SSID, P_SID, P_LEAF } },
	[NESTREF_SMMUV3_CFGI_CD_ALL] = { "CFGI_CD_ALL", {
		P_SSEC, P_SID } },
	/*
	 * CFGI_VMS_PIDM: VMID placed where every other command has it,
	 * dw0[47:32]; "presumably", not confirmed (kernel-facts 4.2, 7.6).
	 */
	[NESTREF_SMMUV3_CFGI_VMS_PIDM] = { "CFGI_VMS_PIDM", {
		P_SSEC, P_VMID } },
	[NESTREF_SMMUV3_TLBI_NH_ALL] = { "TLBI_NH_ALL", {
		P_VMID } },
	[NESTREF_SMMUV3_TLBI_NH_ASID] = { "TLBI_NH_ASID", {
		P_VMID, P_ASID } },
	[NESTREF_SMMUV3_TLBI_NH_VA] = { "TLBI_NH_VA", {
		P_NUM, P_SCALE, P_VMID, P_ASID,
		P_LEAF, P_TTL128, P_TTL, P_TG, P_ADDR } },
	/* NH_VAA: NH_VA without ASID, its bits RES0 (kernel-facts 4.2). */
	[NESTREF_SMMUV3_TLBI_NH_VAA] = { "TLBI_NH_VAA", {
		P_NUM, P_SCALE, P_VMID,
		P_LEAF, P_TTL128, P_TTL, P_TG, P_ADDR } },
	/*
	 * EL3_*: Secure queue only, no Linux masks.  EL3_VA is the NH_VA
	 * layout without VMID and ASID (EL3 has neither), per IHI 0070
	 * 4.4.2.6 "CMD_TLBI_EL3_VA(Addr, Leaf)" plus the common range fields.
	 */
	[NESTREF_SMMUV3_TLBI_EL3_ALL] = { "TLBI_EL3_ALL", { { 0 } } },
	[NESTREF_SMMUV3_TLBI_EL3_VA] = { "TLBI_EL3_VA", {
		P_NUM, P_SCALE,
		P_LEAF, P_TTL128, P_TTL, P_TG, P_ADDR } },
	[NESTREF_SMMUV3_TLBI_EL2_ALL] = { "TLBI_EL2_ALL", { { 0 } } },
	[NESTREF_SMMUV3_TLBI_EL2_ASID] = { "TLBI_EL2_ASID", {
		P_ASID } },
	[NESTREF_SMMUV3_TLBI_EL2_VA] = { "TLBI_EL2_VA", {
		P_NUM, P_SCALE, P_ASID,
		P_LEAF, P_TTL128, P_TTL, P_TG, P_ADDR } },
	/* EL2_VAA: not in Linux; EL2_VA without ASID, as NH_VAA is to NH_VA. */
	[NESTREF_SMMUV3_TLBI_EL2_VAA] = { "TLBI_EL2_VAA", {
		P_NUM, P_SCALE,
		P_LEAF, P_TTL128, P_TTL, P_TG, P_ADDR } },
	[NESTREF_SMMUV3_TLBI_S12_VMALL] = { "TLBI_S12_VMALL", {
		P_VMID } },
	/*
	 * S2_IPA: IPA[51:12], the Linux mask and the "IPA" handy mask of
	 * kernel-facts 4.2.  The spec allows [55:12] with 55:52 RES0 before
	 * SMMUv3.4; those bits stay outside the field (format shows them as
	 * "rest"), matching MSIAddress, which also stops at bit 51.
	 */
	[NESTREF_SMMUV3_TLBI_S2_IPA] = { "TLBI_S2_IPA", {
		P_NUM, P_SCALE, P_VMID,
		P_LEAF, P_TTL128, P_TTL, P_TG, POS(ADDR, 1, 12, 40) } },
	/* NSNH_ALL: everything but the opcode is RES0 (kernel-facts 4.2). */
	[NESTREF_SMMUV3_TLBI_NSNH_ALL] = { "TLBI_NSNH_ALL", { { 0 } } },
	/* ATC_INV: no SSec, see above. */
	[NESTREF_SMMUV3_ATC_INV] = { "ATC_INV", {
		POS(GLOBAL, 0, 9, 1), P_SSV, P_SSID, P_SID,
		POS(SIZE, 1, 0, 6), P_ADDR } },
	/*
	 * PRI_RESP: Resp at dw1[13:12] as Linux has it; QEMU reads [12:11]
	 * (kernel-facts 4.2 and 7.5).  No SSec, see above.
	 */
	[NESTREF_SMMUV3_PRI_RESP] = { "PRI_RESP", {
		P_SSV, P_SSID, P_SID,
		POS(GRPID, 1, 0, 9), POS(RESP, 1, 12, 2) } },
	/*
	 * RESUME: "resp" is the Action/Abort pair, Ac = bit 12, Ab = bit 13,
	 * read as one 2-bit field as Linux does (kernel-facts 4.2).
	 */
	[NESTREF_SMMUV3_RESUME] = { "RESUME", {
		P_SSEC, POS(RESP, 0, 12, 2), P_SID,
		POS(STAG, 1, 0, 16) } },
	/*
	 * STALL_TERM: StreamID and SSec by the common layout, "presumably",
	 * not confirmed (kernel-facts 4.2, 7.6).
	 */
	[NESTREF_SMMUV3_STALL_TERM] = { "STALL_TERM", {
		P_SSEC, P_SID } },
	/*
	 * SYNC: MSIAddress[51:2] as Linux masks it; the spec allows [55:2]
	 * (kernel-facts 4.2).  MSIAddress is a byte address whose low two
	 * bits must be zero.
	 */
	[NESTREF_SMMUV3_SYNC] = { "SYNC", {
		POS(CS, 0, 12, 2), POS(MSH, 0, 22, 2), POS(MSIATTR, 0, 24, 4),
		POS(MSIDATA, 0, 32, 32), POS(MSIADDR, 1, 2, 50) } },
};

static const struct op_info *op_info(uint8_t op)
{
	if (op >= NESTREF_ARRAY_SIZE(ops) || !ops[op].name)
		return NULL;
	return &ops[op];
}

static bool valid_field(enum nestref_smmuv3_field field)
{
	return (unsigned int)field < NESTREF_SMMUV3_F_COUNT;
}

/* Where the command with opcode op keeps field; NULL when it has none. */
static const struct field_pos *field_pos(uint8_t op,
					 enum nestref_smmuv3_field field)
{
	const struct op_info *info = op_info(op);
	size_t i;

	if (!info)
		return NULL;
	for (i = 0; i < MAX_FIELDS && info->fields[i].width; i++)
		if (info->fields[i].field == (unsigned int)field)
			return &info->fields[i];
	return NULL;
}

/* The field's bits within its word, with the field's address flag. */
static struct nr_bits pos_bits(const struct field_pos *pos)
{
	return (struct nr_bits){ pos->lo, pos->width,
				 field_info[pos->field].address };
}

static uint64_t pos_read(const struct nestref_smmuv3_cmd *cmd,
			 const struct field_pos *pos)
{
	return nr_bits_read(cmd->dw[pos->word], pos_bits(pos));
}

uint8_t nestref_smmuv3_opcode(const struct nestref_smmuv3_cmd *cmd)
{
	return (uint8_t)(cmd->dw[0] & OPCODE_MASK);
}

const char *nestref_smmuv3_op_name(uint8_t op)
{
	const struct op_info *info = op_info(op);

	return info ? info->name : NULL;
}

const char *nestref_smmuv3_cmd_name(const struct nestref_smmuv3_cmd *cmd)
{
	uint8_t op = nestref_smmuv3_opcode(cmd);
	uint64_t range;

	if (op == NESTREF_SMMUV3_CFGI_STE_RANGE &&
	    !nestref_smmuv3_get(cmd, NESTREF_SMMUV3_F_RANGE, &range) &&
	    range == CFGI_ALL_RANGE)
		return CFGI_ALL_NAME;
	return nestref_smmuv3_op_name(op);
}

/* The opcode called name (CFGI_ALL excluded), or -1. */
static int op_parse(const char *name)
{
	return nr_name_find(name, ops, NESTREF_ARRAY_SIZE(ops),
			    sizeof(ops[0]));
}

int nestref_smmuv3_cmd_init(struct nestref_smmuv3_cmd *cmd,
			    const char *op_name)
{
	bool all;
	int op;

	if (!op_name)
		return -EINVAL;
	all = !strcmp(op_name, CFGI_ALL_NAME);
	op = all ? NESTREF_SMMUV3_CFGI_STE_RANGE : op_parse(op_name);
	if (op < 0)
		return -EINVAL;

	cmd->dw[0] = (uint64_t)op;
	cmd->dw[1] = 0;
	if (all)
		return nestref_smmuv3_set(cmd, NESTREF_SMMUV3_F_RANGE,
					  CFGI_ALL_RANGE);
	return 0;
}

const char *nestref_smmuv3_field_name(enum nestref_smmuv3_field field)
{
	return valid_field(field) ? field_info[field].name : NULL;
}

int nestref_smmuv3_field_parse(const char *name,
			       enum nestref_smmuv3_field *out)
{
	int i = nr_name_find(name, field_info, NESTREF_ARRAY_SIZE(field_info),
			     sizeof(field_info[0]));

	if (i < 0)
		return -EINVAL;
	*out = (enum nestref_smmuv3_field)i;
	return 0;
}

bool nestref_smmuv3_has_field(uint8_t op, enum nestref_smmuv3_field field)
{
	return valid_field(field) && field_pos(op, field);
}

/*
 * An address with bits below the field is -EINVAL even when it is also
 * too large: the misalignment is the more specific mistake.  A field that
 * is not a field at all (outside the enum) is -EINVAL too, not -ENOENT.
 */
int nestref_smmuv3_set(struct nestref_smmuv3_cmd *cmd,
		       enum nestref_smmuv3_field field, uint64_t value)
{
	const struct field_pos *pos;

	if (!valid_field(field))
		return -EINVAL;
	pos = field_pos(nestref_smmuv3_opcode(cmd), field);
	if (!pos)
		return -ENOENT;
	return nr_bits_write(&cmd->dw[pos->word], pos_bits(pos), value);
}

int nestref_smmuv3_get(const struct nestref_smmuv3_cmd *cmd,
		       enum nestref_smmuv3_field field, uint64_t *value)
{
	const struct field_pos *pos;

	if (!valid_field(field))
		return -EINVAL;
	pos = field_pos(nestref_smmuv3_opcode(cmd), field);
	if (!pos)
		return -ENOENT;
	*value = pos_read(cmd, pos);
	return 0;
}

/*
 * Values: one-bit fields (flags) print in decimal, every wider field in
 * hex with 0x, whatever its value: "CFGI_CD sid=0x1234 ssid=0x3 leaf=1".
 * One rule per field keeps a field's look stable from command to command.
 * Whole words (rest=, unnamed opcodes) print as 16 hex digits, the form
 * kernel-facts 4.4 uses.
 */
int nestref_smmuv3_format(const struct nestref_smmuv3_cmd *cmd, char *buf,
			  size_t len)
{
	struct nr_out out = { .buf = buf, .size = len, .len = 0 };
	uint8_t op = nestref_smmuv3_opcode(cmd);
	const struct op_info *info = op_info(op);
	uint64_t rest[2] = { cmd->dw[0] & ~OPCODE_MASK, cmd->dw[1] };
	size_t i;

	if (!info) {
		nr_out_printf(&out, "op=0x%02x dw0=0x%016" PRIx64
			      " dw1=0x%016" PRIx64, op, cmd->dw[0], cmd->dw[1]);
		return (int)out.len;
	}

	nr_out_printf(&out, "%s", nestref_smmuv3_cmd_name(cmd));
	for (i = 0; i < NESTREF_ARRAY_SIZE(field_info); i++) {
		const struct field_pos *pos =
			field_pos(op, (enum nestref_smmuv3_field)i);
		uint64_t value;

		if (!pos)
			continue;
		rest[pos->word] &= ~nr_bits_mask(pos_bits(pos));
		value = pos_read(cmd, pos);
		if (value)
			nr_out_field(&out, field_info[i].name, pos_bits(pos),
				     value);
	}
	if (rest[0] || rest[1])
		nr_out_printf(&out, " rest=dw0:0x%016" PRIx64
			      ",dw1:0x%016" PRIx64, rest[0], rest[1]);
	return (int)out.len;
}

/* Little-endian on the wire (the uAPI layout), whatever the host's order. */
void nestref_smmuv3_from_bytes(struct nestref_smmuv3_cmd *cmd,
			       const unsigned char bytes[16])
{
	cmd->dw[0] = nestref_le_get(bytes, 8);
	cmd->dw[1] = nestref_le_get(bytes + 8, 8);
}

void nestref_smmuv3_to_bytes(const struct nestref_smmuv3_cmd *cmd,
			     unsigned char bytes[16])
{
	nestref_le_put(bytes, 8, cmd->dw[0]);
	nestref_le_put(bytes + 8, 8, cmd->dw[1]);
}

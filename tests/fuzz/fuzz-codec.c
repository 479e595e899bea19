/* SPDX-License-Identifier: MIT */
/*
 * fuzz-codec: the SMMUv3 command codec (include/nestref/smmuv3.h,
 * lib/smmuv3/codec.c), decode then encode (docs/fuzzing.md section 2).
 * The input's first 16 bytes are a command in the uAPI layout (zeros
 * past the end of a shorter input); the rest picks fields and values to
 * write and the size of a format buffer.  What must hold:
 *
 *  - the bytes come back from the words unchanged;
 *  - a field is readable exactly when the opcode has it;
 *  - the command rebuilt from its name and the values read (the canonical
 *    encoding) is the command without the bits no field covers, and
 *    equals it when format prints no "rest=";
 *  - a field written and read back gives the value, and moves no other
 *    bit; a write that fails moves none;
 *  - format returns what snprintf would, never writes past its buffer, and
 *    cuts the same text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/smmuv3.h>

#include "fuzz.h"

/* The bits of cmd some field of its opcode covers (the opcode's too). */
static void covered(const struct nestref_smmuv3_cmd *cmd, uint64_t mask[2])
{
	struct nestref_smmuv3_cmd probe = *cmd;
	unsigned int f;

	mask[0] = 0xff;
	mask[1] = 0;
	for (f = 0; f < NESTREF_SMMUV3_F_COUNT; f++) {
		uint64_t v, bit;

		if (nestref_smmuv3_get(cmd, (enum nestref_smmuv3_field)f, &v))
			continue;
		/* every bit of the field: set one value bit at a time */
		for (bit = 1; bit; bit <<= 1) {
			probe.dw[0] = cmd->dw[0] & 0xff;
			probe.dw[1] = 0;
			if (nestref_smmuv3_set(&probe,
					       (enum nestref_smmuv3_field)f,
					       bit))
				continue;
			mask[0] |= probe.dw[0] & ~UINT64_C(0xff);
			mask[1] |= probe.dw[1];
		}
	}
}

/* Rebuilt from the name and the fields read: the canonical encoding. */
static void canonical(const struct nestref_smmuv3_cmd *cmd,
		      struct nestref_smmuv3_cmd *out)
{
	const char *name = nestref_smmuv3_cmd_name(cmd);
	unsigned int f;
	uint64_t v;
	int rc;

	rc = nestref_smmuv3_cmd_init(out, name);
	FUZZ_CHECK(rc == 0, "cmd_init(%s) = %d", name, rc);
	FUZZ_CHECK(nestref_smmuv3_opcode(out) == nestref_smmuv3_opcode(cmd),
		   "cmd_init(%s) gives opcode 0x%x", name,
		   nestref_smmuv3_opcode(out));
	for (f = 0; f < NESTREF_SMMUV3_F_COUNT; f++) {
		enum nestref_smmuv3_field field = (enum nestref_smmuv3_field)f;

		if (nestref_smmuv3_get(cmd, field, &v))
			continue;
		rc = nestref_smmuv3_set(out, field, v);
		FUZZ_CHECK(rc == 0, "%s: writing back %s=0x%llx: %d", name,
			   nestref_smmuv3_field_name(field),
			   (unsigned long long)v, rc);
	}
}

static void check_fields(const struct nestref_smmuv3_cmd *cmd)
{
	uint8_t op = nestref_smmuv3_opcode(cmd);
	enum nestref_smmuv3_field back;
	unsigned int f;
	uint64_t v;
	int rc;

	for (f = 0; f < NESTREF_SMMUV3_F_COUNT; f++) {
		const char *name =
			nestref_smmuv3_field_name((enum nestref_smmuv3_field)f);

		FUZZ_CHECK(name && !nestref_smmuv3_field_parse(name, &back) &&
				   back == (enum nestref_smmuv3_field)f,
			   "field %u has no name that parses back", f);
		rc = nestref_smmuv3_get(cmd, (enum nestref_smmuv3_field)f, &v);
		FUZZ_CHECK(rc == (nestref_smmuv3_has_field(
					  op, (enum nestref_smmuv3_field)f) ?
					  0 :
					  -ENOENT),
			   "get(%s) of opcode 0x%x = %d", name, op, rc);
	}
	rc = nestref_smmuv3_get(cmd, NESTREF_SMMUV3_F_COUNT, &v);
	FUZZ_CHECK(rc == -EINVAL, "get of a field that is none: %d", rc);
}

static void check_names(const struct nestref_smmuv3_cmd *cmd)
{
	uint8_t op = nestref_smmuv3_opcode(cmd);
	const char *op_name = nestref_smmuv3_op_name(op);
	const char *name = nestref_smmuv3_cmd_name(cmd);
	uint64_t range;

	if (!op_name) {
		FUZZ_CHECK(!name, "opcode 0x%x: no op name, cmd name %s", op,
			   name);
		return;
	}
	if (op == NESTREF_SMMUV3_CFGI_STE_RANGE &&
	    !nestref_smmuv3_get(cmd, NESTREF_SMMUV3_F_RANGE, &range) &&
	    range == 31)
		FUZZ_CHECK(name && !strcmp(name, "CFGI_ALL"),
			   "Range 31 is %s", name);
	else
		FUZZ_CHECK(name && !strcmp(name, op_name),
			   "opcode 0x%x: %s and %s", op, op_name, name);
}

/* One field written: the value reads back, nothing else moves. */
static void check_set(const struct nestref_smmuv3_cmd *cmd, struct fuzz_in *in)
{
	/* NESTREF_SMMUV3_F_COUNT too: no field */
	unsigned int n = fuzz_u8(in) % (NESTREF_SMMUV3_F_COUNT + 1);
	enum nestref_smmuv3_field f = (enum nestref_smmuv3_field)n;
	uint8_t shift = fuzz_u8(in);
	uint64_t v = fuzz_u64(in) >> (shift & 0x3f), got, mask[2];
	struct nestref_smmuv3_cmd c = *cmd;
	int rc = nestref_smmuv3_set(&c, f, v);

	if (f == NESTREF_SMMUV3_F_COUNT)
		FUZZ_CHECK(rc == -EINVAL, "set of a field that is none: %d",
			   rc);
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL || rc == -ENOENT || rc == -ERANGE,
			   "set: %d", rc);
		FUZZ_CHECK(rc != -ENOENT ||
				   !nestref_smmuv3_has_field(
					   nestref_smmuv3_opcode(cmd), f),
			   "set: ENOENT for a field the opcode has");
		FUZZ_CHECK(!memcmp(&c, cmd, sizeof(c)),
			   "a failed set changed the command");
		return;
	}
	FUZZ_CHECK(!nestref_smmuv3_get(&c, f, &got) && got == v,
		   "%s=0x%llx reads back 0x%llx", nestref_smmuv3_field_name(f),
		   (unsigned long long)v, (unsigned long long)got);
	/* only the field's bits moved */
	covered(cmd, mask);
	FUZZ_CHECK(nestref_smmuv3_opcode(&c) == nestref_smmuv3_opcode(cmd),
		   "set moved the opcode");
	FUZZ_CHECK(((c.dw[0] ^ cmd->dw[0]) & ~mask[0]) == 0 &&
			   ((c.dw[1] ^ cmd->dw[1]) & ~mask[1]) == 0,
		   "set moved bits no field covers");
}

static void check_format(const struct nestref_smmuv3_cmd *cmd,
			 const uint64_t rest[2], struct fuzz_in *in)
{
	char full[512], cut[512];
	size_t size;
	int n, m;

	n = nestref_smmuv3_format(cmd, NULL, 0);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(full), "format length %d", n);
	m = nestref_smmuv3_format(cmd, full, sizeof(full));
	FUZZ_CHECK(m == n && strlen(full) == (size_t)n,
		   "format says %d, then %d, wrote %zu", n, m, strlen(full));
	if (nestref_smmuv3_op_name(nestref_smmuv3_opcode(cmd))) {
		FUZZ_CHECK(!strncmp(full, nestref_smmuv3_cmd_name(cmd),
				    strlen(nestref_smmuv3_cmd_name(cmd))),
			   "'%s' does not start with its name", full);
		FUZZ_CHECK((strstr(full, " rest=") != NULL) ==
				   (rest[0] || rest[1]),
			   "'%s' and the bits no field covers disagree", full);
	} else {
		/* an unnamed opcode: both words whole */
		FUZZ_CHECK(!strncmp(full, "op=0x", 5) && !strstr(full, "rest="),
			   "'%s'", full);
	}
	/* A short buffer: the same text cut, nothing past the end. */
	size = fuzz_u8(in) % ((size_t)n + 2);
	memset(cut, 'x', sizeof(cut));
	m = nestref_smmuv3_format(cmd, cut, size);
	FUZZ_CHECK(m == n, "format into %zu bytes says %d", size, m);
	FUZZ_CHECK(cut[size] == 'x', "format wrote past %zu bytes", size);
	if (size)
		FUZZ_CHECK(strlen(cut) == size - 1 &&
				   !strncmp(cut, full, size - 1),
			   "format into %zu bytes gives '%s'", size, cut);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct nestref_smmuv3_cmd cmd, canon;
	unsigned char bytes[16] = { 0 }, back[16];
	const uint8_t *p;
	uint64_t mask[2], rest[2];
	size_t n;

	n = fuzz_take(&in, sizeof(bytes), &p);
	memcpy(bytes, p, n);
	nestref_smmuv3_from_bytes(&cmd, bytes);
	nestref_smmuv3_to_bytes(&cmd, back);
	FUZZ_CHECK(!memcmp(bytes, back, sizeof(bytes)),
		   "the bytes do not come back");
	FUZZ_CHECK(nestref_smmuv3_opcode(&cmd) == bytes[0], "opcode");
	check_names(&cmd);
	check_fields(&cmd);
	covered(&cmd, mask);
	rest[0] = cmd.dw[0] & ~mask[0];
	rest[1] = cmd.dw[1] & ~mask[1];
	if (nestref_smmuv3_op_name(nestref_smmuv3_opcode(&cmd))) {
		canonical(&cmd, &canon);
		FUZZ_CHECK(canon.dw[0] == (cmd.dw[0] & mask[0]) &&
				   canon.dw[1] == (cmd.dw[1] & mask[1]),
			   "the canonical encoding is not the covered bits");
		if (!rest[0] && !rest[1])
			FUZZ_CHECK(!memcmp(&canon, &cmd, sizeof(cmd)),
				   "decode then encode changed the command");
	}
	check_format(&cmd, rest, &in);
	while (in.n)
		check_set(&cmd, &in);
	return 0;
}

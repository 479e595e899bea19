/* SPDX-License-Identifier: MIT */
/*
 * Prints the SMMUv3 command fields table of docs/writing-vectors.md 3.3
 * (Markdown), so the doc cannot drift from the code: tests/docs-fields.sh
 * compares the two.
 *
 * Every fact comes from the code's own tables.  Where each field lives is
 * asked of the codec (lib/smmuv3/codec.c) through its public API: each
 * single bit of a value is set and the command's words are looked at.
 * Whether the host lets a field through is read from smmuv3-sim's
 * rewriter (backends/smmuv3-sim/host-rewrite.c, kernel-facts 3.3 and
 * 3.5): the opcode's action and its mask of refused bits, for the
 * profiles with rule strict-commands on two SMMUs (the defaults of
 * spec/vectors.md 1.2, and one with none of the optional features), and
 * for the other profiles.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <nestref/smmuv3.h>

#include "backends/smmuv3-sim/host.h"

/* Which bits of the two words one field occupies. */
struct where {
	uint64_t bits[2];
};

static struct where field_where(uint8_t op, enum nestref_smmuv3_field f)
{
	struct nestref_smmuv3_cmd base, cmd;
	struct where w = { { 0, 0 } };
	unsigned int b;

	nestref_smmuv3_cmd_init(&base, nestref_smmuv3_op_name(op));
	for (b = 0; b < 64; b++) {
		cmd = base;
		if (nestref_smmuv3_set(&cmd, f, UINT64_C(1) << b))
			continue;
		w.bits[0] |= cmd.dw[0] ^ base.dw[0];
		w.bits[1] |= cmd.dw[1] ^ base.dw[1];
	}
	return w;
}

/* "dw0[63:32]", one range per run of set bits, comma-separated. */
static void print_bits(unsigned int word, uint64_t bits, const char **sep)
{
	unsigned int lo = 0, hi;

	while (lo < 64) {
		if (!(bits >> lo & 1)) {
			lo++;
			continue;
		}
		for (hi = lo; hi < 63 && (bits >> (hi + 1) & 1); hi++)
			;
		if (hi == lo)
			printf("%sdw%u[%u]", *sep, word, lo);
		else
			printf("%sdw%u[%u:%u]", *sep, word, hi, lo);
		*sep = ", ";
		lo = hi + 1;
	}
}

static void print_where(const struct where *w)
{
	const char *sep = "";

	print_bits(0, w->bits[0], &sep);
	print_bits(1, w->bits[1], &sep);
}

static unsigned int where_width(const struct where *w)
{
	return (unsigned int)(__builtin_popcountll(w->bits[0]) +
			      __builtin_popcountll(w->bits[1]));
}

/*
 * The fields an opcode's action writes over after the checks (host.h's
 * enum host_act): the StreamID looked up, the VMID the vIOMMU's.
 */
static const char *host_overwrites(enum host_act act, int f)
{
	if (f == NESTREF_SMMUV3_F_SID &&
	    (act == HOST_SID || act == HOST_SID_ATC))
		return ", the vSID replaced by the pSID";
	if (f == NESTREF_SMMUV3_F_VMID &&
	    (act == HOST_VMID || act == HOST_VMID_RANGE))
		return ", then set to the vIOMMU's VMID";
	return "";
}

/* What a rewriter does with a field: passed, refused, or in part. */
static void print_verdict(const struct host_rewriter *rw, uint8_t op,
			  const struct where *w, int f, bool strict)
{
	struct where denied = { { 0, 0 } };

	if (rw->act[op] == HOST_REFUSE) {
		/* The reason only when it says more than the verdict. */
		if (strcmp(rw->refusal[op]->id, "opcode-refused"))
			printf(" opcode refused (%s) |", rw->refusal[op]->id);
		else
			printf(" opcode refused |");
		return;
	}
	if (w) {
		denied.bits[0] = w->bits[0] & rw->deny0[op];
		denied.bits[1] = w->bits[1] & rw->deny1[op];
	}
	if (!denied.bits[0] && !denied.bits[1]) {
		printf(" %s%s |", strict ? "passes" : "passes unchecked",
		       host_overwrites(rw->act[op], f));
		return;
	}
	if (!memcmp(&denied, w, sizeof(denied))) {
		printf(" refused |");
		return;
	}
	printf(" refused: ");
	print_where(&denied);
	printf(" |");
}

static void profiles_with(bool strict)
{
	const char *sep = "";
	int p;

	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		bool has = nestref_profile_rules((enum nestref_profile)p) &
			   (UINT32_C(1) << NESTREF_RULE_STRICT_COMMANDS);

		if (has != strict)
			continue;
		printf("%s%s", sep, nestref_profile_name((enum nestref_profile)p));
		sep = ", ";
	}
}

static struct host_rewriter rw_default, rw_small, rw_released;

int main(void)
{
	struct nestref_smmuv3_features smmu;
	unsigned int op;
	int f;

	nestref_smmuv3_features_default(&smmu);
	host_rewriter_init(&rw_default, true, &smmu);
	host_rewriter_init(&rw_released, false, &smmu);
	smmu.ssidsize = 0;
	smmu.asid16 = smmu.vmid16 = smmu.ril = smmu.ats = smmu.ds = false;
	host_rewriter_init(&rw_small, true, &smmu);

	printf("| Command | Opcode | Field | Bits | Width | ");
	profiles_with(true);
	printf(", default SMMU | ");
	profiles_with(true);
	printf(", SMMU without RIL, ATS, ASID16, VMID16, DS, substreams | ");
	profiles_with(false);
	printf(" |\n|---|---|---|---|---|---|---|---|\n");
	for (op = 0; op < 256; op++) {
		const char *name = nestref_smmuv3_op_name((uint8_t)op);
		bool any = false;

		if (!name)
			continue;
		for (f = 0; f < NESTREF_SMMUV3_F_COUNT; f++) {
			struct where w;

			if (!nestref_smmuv3_has_field((uint8_t)op,
						      (enum nestref_smmuv3_field)f))
				continue;
			w = field_where((uint8_t)op,
					(enum nestref_smmuv3_field)f);
			printf("| %s | 0x%02x | %s | ", name, op,
			       nestref_smmuv3_field_name((enum nestref_smmuv3_field)f));
			print_where(&w);
			printf(" | %u |", where_width(&w));
			print_verdict(&rw_default, (uint8_t)op, &w, f, true);
			print_verdict(&rw_small, (uint8_t)op, &w, f, true);
			print_verdict(&rw_released, (uint8_t)op, &w, f, false);
			putchar('\n');
			any = true;
		}
		if (any)
			continue;
		/* A command of no fields: only the opcode's fate. */
		printf("| %s | 0x%02x | (none) | | |", name, op);
		print_verdict(&rw_default, (uint8_t)op, NULL, -1, true);
		print_verdict(&rw_small, (uint8_t)op, NULL, -1, true);
		print_verdict(&rw_released, (uint8_t)op, NULL, -1, false);
		putchar('\n');
	}
	return 0;
}

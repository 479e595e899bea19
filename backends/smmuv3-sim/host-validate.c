/* SPDX-License-Identifier: MIT */
/*
 * The queued series' check of a guest command before it is converted
 * (kernel-facts 3.5, Linux arm_vsmmu_validate_user_cmd and
 * arm_vsmmu_validate_range): start from "only the opcode may be set", add
 * the opcode's fields as the modelled SMMU supports them, refuse any other
 * set bit, then the range rules.  Values out of range (an address beyond
 * the VA size, an SSID beyond SSIDSIZE) are deliberately not checked: the
 * architecture keeps their effect inside the guest's own scope.
 */
#include <errno.h>
#include <string.h>

#include "host.h"

#define MASK(hi, lo) ((~UINT64_C(0) >> (63 - (hi))) & ~((UINT64_C(1) << (lo)) - 1))

/* Field positions, kernel-facts 4.2 (and its "handy masks"). */
#define F_OP MASK(7, 0)
#define F_GLOBAL MASK(9, 9)
#define F_SSV MASK(11, 11)
#define F_NUM MASK(16, 12)
#define F_SSID MASK(31, 12)
#define F_SCALE MASK(24, 20)
#define F_SCALE_DS MASK(25, 25)
#define F_VMID MASK(47, 32)
#define F_SID MASK(63, 32)
#define F_LEAF MASK(0, 0)
#define F_SIZE MASK(5, 0)
#define F_TTL MASK(9, 8)
#define F_TG MASK(11, 10)
#define F_ADDR MASK(63, 12)

#define VALIDATE_FN "arm_vsmmu_validate_user_cmd"
#define RANGE_FN "arm_vsmmu_validate_range"
#define VALIDATE_SECTION "kernel-facts 3.5"

#define RULE(name, id, text, fn) \
	static const struct host_rule name = { id, text, VALIDATE_SECTION, fn }

RULE(rule_tg0, "range-tg0", "TG 0 (any granule) with NUM, SCALE or TTL set",
     RANGE_FN);
RULE(rule_16k_ttl1, "range-16k-ttl1",
     "TTL 1 with a 16K granule needs IDR5.DS", RANGE_FN);
RULE(rule_reserved, "range-reserved",
     "TG set with NUM, SCALE and TTL all 0 (reserved)", RANGE_FN);
RULE(rule_no_ats, "atc-no-ats", "ATC_INV on an SMMU without ATS",
     VALIDATE_FN);
RULE(rule_atc_size, "atc-size", "ATC_INV Size above 52", VALIDATE_FN);
RULE(rule_refused, "opcode-refused", "opcode not accepted from a guest",
     VALIDATE_FN);
RULE(rule_bits, "bit-not-allowed",
     "a bit outside the opcode's allowed fields is set", VALIDATE_FN);

static int host_refuse(const struct host_rule **why,
		       const struct host_rule *rule)
{
	*why = rule;
	return -EIO;
}

/* The TLBI range rules, only with IDR3.RIL (without it the fields are
 * simply not allowed, which the masks already enforce). */
static int host_check_range(const struct nestref_smmu_features *smmu,
			    const struct nestref_smmuv3_cmd *cmd,
			    const struct host_rule **why)
{
	uint64_t num = cmd->dw[0] & F_NUM, scale = cmd->dw[0] & (F_SCALE | F_SCALE_DS);
	uint64_t ttl = (cmd->dw[1] & F_TTL) >> 8, tg = (cmd->dw[1] & F_TG) >> 10;

	if (tg == 0) {
		if (num || scale || ttl)
			return host_refuse(why, &rule_tg0);
		return 0;
	}
	if (tg == 2 && ttl == 1 && !smmu->ds)
		return host_refuse(why, &rule_16k_ttl1);
	if (!num && !scale && !ttl)
		return host_refuse(why, &rule_reserved);
	return 0;
}

/*
 * The allowed bits depend only on the SMMU's features, so they are worked
 * out once per context into a table by opcode; validating a command is
 * then two loads and two tests on the hot path.
 */
void host_masks_init(struct host_masks *m,
		     const struct nestref_smmu_features *smmu)
{
	uint64_t asid = MASK(48 + (smmu->asid16 ? 16 : 8) - 1, 48);
	uint64_t range0 = smmu->ril ? F_NUM | F_SCALE | (smmu->ds ? F_SCALE_DS : 0) : 0;
	uint64_t range1 = smmu->ril ? F_TTL | F_TG : 0;
	uint64_t ssid = smmu->ssidsize ? F_SSID : 0;
	unsigned int op;

	memset(m, 0, sizeof(*m));
	m->features = *smmu;
	for (op = 0; op < 256; op++) {
		m->allow0[op] = F_OP;
		m->kind[op] = HOST_V_REFUSE;
	}
	m->kind[NESTREF_SMMUV3_TLBI_NSNH_ALL] = HOST_V_PLAIN;
	m->kind[NESTREF_SMMUV3_TLBI_NH_ALL] = HOST_V_PLAIN;
	m->allow0[NESTREF_SMMUV3_TLBI_NH_ALL] |= F_VMID;
	m->kind[NESTREF_SMMUV3_TLBI_NH_ASID] = HOST_V_PLAIN;
	m->allow0[NESTREF_SMMUV3_TLBI_NH_ASID] |= F_VMID | asid;
	/* NH_VA is NH_VAA plus an ASID. */
	m->kind[NESTREF_SMMUV3_TLBI_NH_VAA] = HOST_V_TLBI_VA;
	m->allow0[NESTREF_SMMUV3_TLBI_NH_VAA] |= F_VMID | range0;
	m->allow1[NESTREF_SMMUV3_TLBI_NH_VAA] = F_LEAF | F_ADDR | range1;
	m->kind[NESTREF_SMMUV3_TLBI_NH_VA] = HOST_V_TLBI_VA;
	m->allow0[NESTREF_SMMUV3_TLBI_NH_VA] =
		m->allow0[NESTREF_SMMUV3_TLBI_NH_VAA] | asid;
	m->allow1[NESTREF_SMMUV3_TLBI_NH_VA] =
		m->allow1[NESTREF_SMMUV3_TLBI_NH_VAA];
	m->kind[NESTREF_SMMUV3_ATC_INV] = smmu->ats ? HOST_V_ATC : HOST_V_NO_ATS;
	m->allow0[NESTREF_SMMUV3_ATC_INV] |=
		F_SID | (ssid ? F_SSV | F_SSID | F_GLOBAL : 0);
	m->allow1[NESTREF_SMMUV3_ATC_INV] = F_SIZE | F_ADDR;
	/* No SSV for CFGI: the CD's SSID is always meaningful. */
	m->kind[NESTREF_SMMUV3_CFGI_CD] = HOST_V_PLAIN;
	m->allow0[NESTREF_SMMUV3_CFGI_CD] |= F_SID | ssid;
	m->allow1[NESTREF_SMMUV3_CFGI_CD] = F_LEAF;
	m->kind[NESTREF_SMMUV3_CFGI_CD_ALL] = HOST_V_PLAIN;
	m->allow0[NESTREF_SMMUV3_CFGI_CD_ALL] |= F_SID;
}

int host_validate(const struct host_masks *m,
		  const struct nestref_smmuv3_cmd *cmd,
		  const struct host_rule **why)
{
	uint8_t op = host_opcode(cmd);

	switch (m->kind[op]) {
	case HOST_V_REFUSE:
		return host_refuse(why, &rule_refused);
	case HOST_V_NO_ATS:
		return host_refuse(why, &rule_no_ats);
	case HOST_V_ATC:
		/* 52 is "everything" (ATC_INV_SIZE_ALL); more is reserved. */
		if ((cmd->dw[1] & F_SIZE) > 52)
			return host_refuse(why, &rule_atc_size);
		break;
	default:
		break;
	}
	/* SSec (dw0[10]), TTL128 (dw1[7]) and RES0 bits are never allowed. */
	if ((cmd->dw[0] & ~m->allow0[op]) || (cmd->dw[1] & ~m->allow1[op]))
		return host_refuse(why, &rule_bits);
	if (m->kind[op] == HOST_V_TLBI_VA && m->features.ril)
		return host_check_range(&m->features, cmd, why);
	return 0;
}

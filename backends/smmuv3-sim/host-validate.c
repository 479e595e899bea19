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

static const char VALIDATE_FN[] = "arm_vsmmu_validate_user_cmd";
static const char VALIDATE_SECTION[] = "kernel-facts 3.5";

static int host_refuse(struct host_rule *why, const char *id,
		       const char *rule, const char *function)
{
	why->id = id;
	why->rule = rule;
	why->section = VALIDATE_SECTION;
	why->function = function;
	return -EIO;
}

/* The TLBI range rules, only with IDR3.RIL (without it the fields are
 * simply not allowed, which the masks already enforce). */
static int host_check_range(const struct nestref_smmu_features *smmu,
			    const struct nestref_smmuv3_cmd *cmd,
			    struct host_rule *why)
{
	uint64_t num = cmd->dw[0] & F_NUM, scale = cmd->dw[0] & (F_SCALE | F_SCALE_DS);
	uint64_t ttl = (cmd->dw[1] & F_TTL) >> 8, tg = (cmd->dw[1] & F_TG) >> 10;

	if (tg == 0) {
		if (num || scale || ttl)
			return host_refuse(why, "range-tg0",
					   "TG 0 (any granule) with NUM, SCALE or TTL set",
					   "arm_vsmmu_validate_range");
		return 0;
	}
	if (tg == 2 && ttl == 1 && !smmu->ds)
		return host_refuse(why, "range-16k-ttl1",
				   "TTL 1 with a 16K granule needs IDR5.DS",
				   "arm_vsmmu_validate_range");
	if (!num && !scale && !ttl)
		return host_refuse(why, "range-reserved",
				   "TG set with NUM, SCALE and TTL all 0 (reserved)",
				   "arm_vsmmu_validate_range");
	return 0;
}

int host_validate(const struct nestref_smmu_features *smmu,
		  const struct nestref_smmuv3_cmd *cmd, struct host_rule *why)
{
	uint64_t asid = MASK(48 + (smmu->asid16 ? 16 : 8) - 1, 48);
	uint64_t range0 = smmu->ril ? F_NUM | F_SCALE | (smmu->ds ? F_SCALE_DS : 0) : 0;
	uint64_t range1 = smmu->ril ? F_TTL | F_TG : 0;
	uint64_t ssid = smmu->ssidsize ? F_SSID : 0;
	uint64_t allow0 = F_OP, allow1 = 0;
	bool tlbi_va = false;
	uint64_t size;

	switch (nestref_smmuv3_opcode(cmd)) {
	case NESTREF_SMMUV3_TLBI_NSNH_ALL:
		break;
	case NESTREF_SMMUV3_TLBI_NH_ALL:
		allow0 |= F_VMID;
		break;
	case NESTREF_SMMUV3_TLBI_NH_ASID:
		allow0 |= F_VMID | asid;
		break;
	case NESTREF_SMMUV3_TLBI_NH_VA:
		allow0 |= asid;
		/* fall through - NH_VA is NH_VAA plus an ASID */
	case NESTREF_SMMUV3_TLBI_NH_VAA:
		allow0 |= F_VMID | range0;
		allow1 |= F_LEAF | F_ADDR | range1;
		tlbi_va = true;
		break;
	case NESTREF_SMMUV3_ATC_INV:
		if (!smmu->ats)
			return host_refuse(why, "atc-no-ats",
					   "ATC_INV on an SMMU without ATS",
					   VALIDATE_FN);
		allow0 |= F_SID | (ssid ? F_SSV | F_SSID | F_GLOBAL : 0);
		allow1 |= F_SIZE | F_ADDR;
		size = cmd->dw[1] & F_SIZE;
		/* 52 is "everything" (ATC_INV_SIZE_ALL); more is reserved. */
		if (size > 52)
			return host_refuse(why, "atc-size",
					   "ATC_INV Size above 52",
					   VALIDATE_FN);
		break;
	case NESTREF_SMMUV3_CFGI_CD:
		/* No SSV for CFGI: the CD's SSID is always meaningful. */
		allow0 |= F_SID | ssid;
		allow1 |= F_LEAF;
		break;
	case NESTREF_SMMUV3_CFGI_CD_ALL:
		allow0 |= F_SID;
		break;
	default:
		return host_refuse(why, "opcode-refused",
				   "opcode not accepted from a guest",
				   VALIDATE_FN);
	}
	/* SSec (dw0[10]), TTL128 (dw1[7]) and RES0 bits are never allowed. */
	if ((cmd->dw[0] & ~allow0) || (cmd->dw[1] & ~allow1))
		return host_refuse(why, "bit-not-allowed",
				   "a bit outside the opcode's allowed fields is set",
				   VALIDATE_FN);
	return tlbi_va && smmu->ril ? host_check_range(smmu, cmd, why) : 0;
}

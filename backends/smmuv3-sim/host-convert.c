/* SPDX-License-Identifier: MIT */
/*
 * The released kernels' conversion of one guest command (kernel-facts 3.3,
 * Linux arm_vsmmu_convert_user_cmd and arm_vsmmu_vsid_to_sid).  This is
 * the whole of what makes a guest's invalidation safe for other tenants:
 * the VMID of every TLBI is the host's choice, never the guest's, and every
 * StreamID a guest names is looked up in its own vIOMMU and replaced.
 */
#include <errno.h>

#include "host.h"

static const char CONVERT_FN[] = "arm_vsmmu_convert_user_cmd";
static const char CONVERT_SECTION[] = "kernel-facts 3.3";

static int host_rule(struct host_rule *why, const char *id, const char *rule,
		     const char *function, int rc)
{
	why->id = id;
	why->rule = rule;
	why->section = CONVERT_SECTION;
	why->function = function;
	return rc;
}

/* The vSID lookup is its own rule (kernel-facts 3.2). */
static int host_lookup_rule(struct host_rule *why, const char *id,
			    const char *rule, int rc)
{
	why->id = id;
	why->rule = rule;
	why->section = "kernel-facts 3.2";
	why->function = "arm_vsmmu_vsid_to_sid";
	return rc;
}

/* VMID dw0[47:32] of the TLBI_NH_* commands (kernel-facts 4.2). */
static void host_force_vmid(struct nestref_smmuv3_cmd *cmd, uint32_t vmid)
{
	cmd->dw[0] &= ~(UINT64_C(0xffff) << 32);
	cmd->dw[0] |= (uint64_t)vmid << 32;
}

/* StreamID dw0[63:32] of ATC_INV, CFGI_CD and CFGI_CD_ALL. */
static int host_replace_sid(struct nestref_viommu *viommu,
			    struct nestref_smmuv3_cmd *cmd,
			    struct host_rule *why)
{
	uint32_t vsid = (uint32_t)(cmd->dw[0] >> 32);
	struct nestref_dev *dev = nestref_viommu_find_dev(viommu, vsid);

	/* 3.2: a vSID with no vDEVICE in this vIOMMU is EIO. */
	if (!dev)
		return host_lookup_rule(why, "unknown-vsid",
					"the vSID has no vDEVICE in this vIOMMU",
					-EIO);
	cmd->dw[0] = (cmd->dw[0] & UINT64_C(0xffffffff)) |
		     (uint64_t)nestref_dev_psid(dev) << 32;
	return host_lookup_rule(why, "vsid-replaced",
				"vSID replaced by the device's pSID", 0);
}

int host_convert(struct nestref_viommu *viommu,
		 struct nestref_smmuv3_cmd *cmd, struct host_rule *why)
{
	uint32_t vmid = nestref_viommu_vmid(viommu);

	switch (nestref_smmuv3_opcode(cmd)) {
	case NESTREF_SMMUV3_TLBI_NSNH_ALL:
		/*
		 * NSNH_ALL invalidates every VMID (4.3): forwarded as it is,
		 * one guest would flush all tenants.  Only the opcode counts.
		 */
		cmd->dw[0] = NESTREF_SMMUV3_TLBI_NH_ALL | (uint64_t)vmid << 32;
		cmd->dw[1] = 0;
		return host_rule(why, "nsnh-narrowed",
				 "TLBI_NSNH_ALL replaced by TLBI_NH_ALL of the vIOMMU's VMID",
				 CONVERT_FN, 0);
	case NESTREF_SMMUV3_TLBI_NH_ALL:
	case NESTREF_SMMUV3_TLBI_NH_ASID:
	case NESTREF_SMMUV3_TLBI_NH_VA:
	case NESTREF_SMMUV3_TLBI_NH_VAA:
		/* Everything else passes through unchecked in released kernels. */
		host_force_vmid(cmd, vmid);
		return host_rule(why, "vmid-forced",
				 "VMID forced to the vIOMMU's; other bits passed through",
				 CONVERT_FN, 0);
	case NESTREF_SMMUV3_ATC_INV:
	case NESTREF_SMMUV3_CFGI_CD:
	case NESTREF_SMMUV3_CFGI_CD_ALL:
		return host_replace_sid(viommu, cmd, why);
	default:
		/* Including CMD_SYNC: the host adds its own (3.4). */
		return host_rule(why, "opcode-refused",
				 "opcode not accepted from a guest", CONVERT_FN,
				 -EIO);
	}
}

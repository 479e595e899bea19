/* SPDX-License-Identifier: MIT */
/*
 * The released kernels' conversion of one guest command (kernel-facts 3.3,
 * Linux arm_vsmmu_convert_user_cmd and arm_vsmmu_vsid_to_sid).  This is
 * the whole of what makes a guest's invalidation safe for other tenants:
 * the VMID of every TLBI is the host's choice, never the guest's, and every
 * StreamID a guest names is looked up in its own vIOMMU and replaced.
 *
 * The rules are constants and the caller gets a pointer to the one that
 * fired: this runs once per guest command, and the bench holds it to about
 * forty instructions (issue 5).
 */
#include <errno.h>

#include "host.h"
#include "lib/internal.h"

#define CONVERT_FN "arm_vsmmu_convert_user_cmd"
#define CONVERT_SECTION "kernel-facts 3.3"
#define LOOKUP_FN "arm_vsmmu_vsid_to_sid"
#define LOOKUP_SECTION "kernel-facts 3.2"

static const struct host_rule rule_nsnh = {
	"nsnh-narrowed",
	"TLBI_NSNH_ALL replaced by TLBI_NH_ALL of the vIOMMU's VMID",
	CONVERT_SECTION, CONVERT_FN,
};
static const struct host_rule rule_vmid = {
	"vmid-forced",
	"VMID forced to the vIOMMU's; other bits passed through",
	CONVERT_SECTION, CONVERT_FN,
};
static const struct host_rule rule_vsid = {
	"vsid-replaced", "vSID replaced by the device's pSID",
	LOOKUP_SECTION, LOOKUP_FN,
};
/* 3.2: a vSID with no vDEVICE in this vIOMMU is EIO. */
static const struct host_rule rule_unknown_vsid = {
	"unknown-vsid", "the vSID has no vDEVICE in this vIOMMU",
	LOOKUP_SECTION, LOOKUP_FN,
};
/* Including CMD_SYNC: the host adds its own (3.4). */
static const struct host_rule rule_refused = {
	"opcode-refused", "opcode not accepted from a guest",
	CONVERT_SECTION, CONVERT_FN,
};

/* StreamID dw0[63:32] of ATC_INV, CFGI_CD and CFGI_CD_ALL (4.2). */
static int host_replace_sid(struct nestref_viommu *viommu,
			    struct nestref_smmuv3_cmd *cmd,
			    const struct host_rule **why)
{
	uint32_t vsid = (uint32_t)(cmd->dw[0] >> 32);
	/*
	 * The vIOMMU's own table, read directly: a built-in backend may, and
	 * this lookup is the cost of every ATC_INV and CFGI_CD.
	 */
	const struct nestref_dev *dev = nr_vsid_table_find(&viommu->vsids, vsid);

	if (!dev) {
		*why = &rule_unknown_vsid;
		return -EIO;
	}
	cmd->dw[0] = (cmd->dw[0] & UINT64_C(0xffffffff)) |
		     (uint64_t)dev->psid << 32;
	*why = &rule_vsid;
	return 0;
}

int host_convert(struct nestref_viommu *viommu,
		 struct nestref_smmuv3_cmd *cmd, const struct host_rule **why)
{
	uint64_t vmid = (uint64_t)viommu->vmid << 32;

	switch (host_opcode(cmd)) {
	case NESTREF_SMMUV3_TLBI_NSNH_ALL:
		/*
		 * NSNH_ALL invalidates every VMID (4.3): forwarded as it is,
		 * one guest would flush all tenants.  Only the opcode counts.
		 */
		cmd->dw[0] = NESTREF_SMMUV3_TLBI_NH_ALL | vmid;
		cmd->dw[1] = 0;
		*why = &rule_nsnh;
		return 0;
	case NESTREF_SMMUV3_TLBI_NH_ALL:
	case NESTREF_SMMUV3_TLBI_NH_ASID:
	case NESTREF_SMMUV3_TLBI_NH_VA:
	case NESTREF_SMMUV3_TLBI_NH_VAA:
		/* VMID dw0[47:32]; the rest passes unchecked in released kernels. */
		cmd->dw[0] = (cmd->dw[0] & ~(UINT64_C(0xffff) << 32)) | vmid;
		*why = &rule_vmid;
		return 0;
	case NESTREF_SMMUV3_ATC_INV:
	case NESTREF_SMMUV3_CFGI_CD:
	case NESTREF_SMMUV3_CFGI_CD_ALL:
		return host_replace_sid(viommu, cmd, why);
	default:
		*why = &rule_refused;
		return -EIO;
	}
}

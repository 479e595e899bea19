/* SPDX-License-Identifier: MIT */
/*
 * The host driver's nested HWPTs (kernel-facts 3.7, 2.11): the guest's
 * stream table entry (vSTE) checked as arm_smmu_validate_vste does and
 * kept as arm_vsmmu_alloc_domain_nested keeps it, and a device attached
 * to it as arm_smmu_attach_dev_nested does, with the vmaster the way back
 * reads (3.11, host-events.c).  What the host then writes
 * into the stream table, and the commands it issues for that, are the
 * driver's own business and not modelled: the guest's invalidations do
 * not read them (the vSID lookup goes through vDEVICEs, kernel-facts 3.2,
 * and the VMID is the vIOMMU's, 3.1).
 */
#include <errno.h>

#include "host.h"

/*
 * The vSTE bits a guest may set (kernel-facts 3.7; STRTAB_STE_*_NESTING_
 * ALLOWED in Linux, fields of Arm IHI 0070's STE).
 */
#define VSTE0_V UINT64_C(0x1)
#define VSTE0_CFG_SHIFT 1 /* CFG[3:1] */
#define VSTE0_CFG (UINT64_C(0x7) << VSTE0_CFG_SHIFT)
#define VSTE0_S1FMT (UINT64_C(0x3) << 4)
#define VSTE0_S1CTXPTR (((UINT64_C(1) << 46) - 1) << 6) /* [51:6] */
#define VSTE0_S1CDMAX (UINT64_C(0x1f) << 59)
#define VSTE0_ALLOWED \
	(VSTE0_V | VSTE0_CFG | VSTE0_S1FMT | VSTE0_S1CTXPTR | VSTE0_S1CDMAX)

#define VSTE1_S1DSS UINT64_C(0x3)
#define VSTE1_S1CIR (UINT64_C(0x3) << 2)
#define VSTE1_S1COR (UINT64_C(0x3) << 4)
#define VSTE1_S1CSH (UINT64_C(0x3) << 6)
#define VSTE1_S1STALLD (UINT64_C(0x1) << 27)
#define VSTE1_EATS_SHIFT 28 /* EATS[29:28] */
#define VSTE1_EATS (UINT64_C(0x3) << VSTE1_EATS_SHIFT)
#define VSTE1_ALLOWED                                                  \
	(VSTE1_S1DSS | VSTE1_S1CIR | VSTE1_S1COR | VSTE1_S1CSH | \
	 VSTE1_S1STALLD | VSTE1_EATS)

/* The CFG and EATS values 3.7 accepts. */
#define VSTE_CFG_ABORT 0u
#define VSTE_CFG_BYPASS 4u
#define VSTE_CFG_S1_TRANS 5u
#define VSTE_EATS_ABT 0u
#define VSTE_EATS_TRANS 1u

static const char vste_section[] = "kernel-facts 3.7";
static const uint64_t vste_none[2]; /* no words to show */
static const char vste_function[] = "arm_smmu_validate_vste";

static unsigned int vste_cfg(const uint64_t ste[2])
{
	return (unsigned int)((ste[0] & VSTE0_CFG) >> VSTE0_CFG_SHIFT);
}

/* For explain: the vSTE as given (in) and as kept (out), and why. */
static void vste_trace(struct nestref_ctx *ctx, const uint64_t given[2],
		       const uint64_t kept[2], int err, const char *rule,
		       const char *function)
{
	struct nestref_smmuv3_trace_event ev = {
		.kind = NESTREF_SMMUV3_TRACE_NOTE,
		.err = err,
		.in = { { given[0], given[1] } },
		.out = { { kept[0], kept[1] } },
		.rule = rule,
		.section = vste_section,
		.function = function,
	};

	host_trace(ctx, &ev);
}

/*
 * An EIO of 3.7, with a sentence, a trace event and a counter; bad0 and
 * bad1 are the bits that decided it.
 */
static int vste_refuse(struct nestref_ctx *ctx, const uint64_t ste[2],
		       const char *id, const char *rule, uint64_t bad0,
		       uint64_t bad1)
{
	host_count_reject(nestref_ctx_priv(ctx), id);
	vste_trace(ctx, ste, vste_none, -EIO, rule, vste_function);
	nestref_ctx_set_message(ctx,
				"smmuv3-sim: vSTE 0x%016llx 0x%016llx: %s: ste0 0x%llx, ste1 0x%llx (%s)",
				(unsigned long long)ste[0],
				(unsigned long long)ste[1], rule,
				(unsigned long long)bad0,
				(unsigned long long)bad1, vste_section);
	return -EIO;
}

/* arm_smmu_validate_vste: 0, or -EIO for a vSTE the host refuses. */
static int vste_validate(struct nestref_ctx *ctx, uint64_t ste[2])
{
	unsigned int cfg, eats;

	/* V clear: an abort STE, the rest zeroed so that faults report. */
	if (!(ste[0] & VSTE0_V)) {
		ste[0] = ste[1] = 0;
		return 0;
	}
	if ((ste[0] & ~VSTE0_ALLOWED) || (ste[1] & ~VSTE1_ALLOWED))
		return vste_refuse(ctx, ste, "vste-bits",
				   "bits outside the fields a guest may set",
				   ste[0] & ~VSTE0_ALLOWED,
				   ste[1] & ~VSTE1_ALLOWED);
	cfg = vste_cfg(ste);
	if (cfg != VSTE_CFG_ABORT && cfg != VSTE_CFG_BYPASS &&
	    cfg != VSTE_CFG_S1_TRANS)
		return vste_refuse(ctx, ste, "vste-cfg",
				   "CFG is not 0 (abort), 4 (bypass) or 5 (stage-1 translate)",
				   ste[0] & VSTE0_CFG, 0);
	eats = (unsigned int)((ste[1] & VSTE1_EATS) >> VSTE1_EATS_SHIFT);
	if (eats != VSTE_EATS_ABT && eats != VSTE_EATS_TRANS)
		return vste_refuse(ctx, ste, "vste-eats",
				   "EATS is not 0 (abort) or 1 (full ATS)", 0,
				   ste[1] & VSTE1_EATS);
	/* The host sets EATS itself: ATS on only for CFG 5 with EATS 1. */
	ste[1] &= ~VSTE1_EATS;
	return 0;
}

int host_hwpt_nested_init(struct nestref_hwpt *hwpt, uint32_t data_type,
			  const void *data, size_t len)
{
	struct nestref_ctx *ctx = nestref_hwpt_ctx(hwpt);
	struct sim_hwpt *sh = nestref_hwpt_priv(hwpt);
	uint64_t given[2];
	int rc;

	/* iommu_copy_struct_from_user (kernel-facts 2.6): type, 16 bytes. */
	if (data_type != NESTREF_HWPT_DATA_ARM_SMMUV3 ||
	    len != NESTREF_SMMUV3_VSTE_SIZE) {
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: a vSTE is data_type %u and exactly %u bytes, not data_type %u with %zu bytes (%s, kernel-facts 2.6)",
					NESTREF_HWPT_DATA_ARM_SMMUV3,
					NESTREF_SMMUV3_VSTE_SIZE, data_type, len,
					vste_section);
		return -EINVAL;
	}
	if (!data) {
		nestref_ctx_set_message(ctx,
					"smmuv3-sim: the vSTE pointer is NULL (kernel-facts 2.6)");
		return -EFAULT;
	}
	given[0] = nestref_le_get(data, 8);
	given[1] = nestref_le_get((const unsigned char *)data + 8, 8);
	sh->ste[0] = given[0];
	sh->ste[1] = given[1];
	rc = vste_validate(ctx, sh->ste);
	if (rc)
		return rc;
	vste_trace(ctx, given, sh->ste, 0,
		   given[0] & VSTE0_V ? "vSTE accepted, EATS kept apart" :
					"V clear: accepted as an abort STE, zeroed",
		   vste_function);
	return 0;
}

/*
 * arm_smmu_attach_prepare_vmaster and _commit_vmaster (kernel-facts 2.11,
 * 3.11), under the attach-needs-vdevice rule, the profiles whose kernels
 * have them (6.15 on, with the vEVENTQ):
 *
 *  - the device's vDEVICE in the HWPT's vIOMMU is looked up now, once.  A
 *    stage-1 vSTE needs one (CD and ATS invalidations and events name its
 *    vSID): ENOENT without.  Abort and bypass vSTEs attach without one,
 *    and the device then has no vmaster: its events are dropped (3.11
 *    step 5).
 *  - with a vDEVICE the attach makes a vmaster: the vIOMMU and the vSID
 *    the vDEVICE has at this moment.  It replaces the vmaster of the last
 *    attach, and only an attach does: destroying the vDEVICE, or making
 *    another with a new vSID, leaves it, so events keep the old vSID
 *    until the next attach (3.11's last paragraph).  Attaching again to
 *    the HWPT the device is on is no attach (the core returns first), so
 *    a new vSID needs an attach to another HWPT.
 *
 * Older profiles attach without a vDEVICE and have no vmaster.  The
 * vmaster is committed only once nothing can fail.
 */
int host_dev_attach(struct nestref_dev *dev, struct nestref_hwpt *hwpt)
{
	struct nestref_ctx *ctx = nestref_dev_ctx(dev);
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct sim_dev *sd = nestref_dev_priv(dev);
	const struct sim_hwpt *sh = nestref_hwpt_priv(hwpt);
	struct nestref_viommu *viommu = nestref_hwpt_viommu(hwpt);
	bool vmasters = nestref_ctx_rule(ctx, NESTREF_RULE_ATTACH_NEEDS_VDEVICE);
	uint64_t vsid = 0;
	bool vdevice = !nestref_viommu_dev_virt_id(viommu, dev, &vsid);

	if (vmasters && !vdevice && vste_cfg(sh->ste) == VSTE_CFG_S1_TRANS)
		return nestref_ctx_fail_rule(ctx, -ENOENT,
					     NESTREF_RULE_ATTACH_NEEDS_VDEVICE,
					     "smmuv3-sim: device %u has no vDEVICE in vIOMMU %u, which a stage-1 vSTE needs (kernel-facts 2.9, 2.11)",
					     nestref_dev_id(dev),
					     nestref_viommu_id(viommu));
	sc->attaches++;
	sd->vmaster = vmasters && vdevice ? viommu : NULL;
	sd->vsid = sd->vmaster ? vsid : 0;
	vste_trace(ctx, vste_none, vste_none, 0,
		   sd->vmaster ?
			   "device attached: its STE nests the vSTE over the vIOMMU's stage 2; its vmaster keeps the vIOMMU and its vDEVICE's vSID for events (kernel-facts 3.11)" :
			   "device attached: its STE nests the vSTE over the vIOMMU's stage 2; no vmaster, so its events stay with the host (kernel-facts 3.11)",
		   "arm_smmu_attach_dev_nested");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * What the modelled SMMU does with one command from its Non-secure Command
 * queue: whether the command is legal (IHI 0070 4.1.3, 4.1.5, the command
 * descriptions of chapter 4) and, if it is, the entries it must remove.
 *
 * The model is a stage 1 and stage 2 SMMU (nesting) of the features in
 * struct nestref_smmuv3_features.  Where the architecture makes a command
 * depend on an ID register that struct does not carry, the model takes the
 * value under which smmu-model.h lists the command as legal (a choice,
 * not a reading of the text): IDR0.Hyp 1 (TLBI_EL2_*), IDR0.PRI 1
 * (PRI_RESP), IDR0.STALL_MODEL 0b00 (RESUME, STALL_TERM), IDR3.MPAM 1
 * (CFGI_VMS_PIDM), no 128-bit descriptors (TTL128 RES0).
 *
 * Scopes are the minimum the text requires, no more: where the text lets
 * an SMMU invalidate nothing (an out-of-range parameter, a RES0 tag byte
 * set, an UNPREDICTABLE range) the model invalidates nothing, so a host
 * that relies on over-invalidation shows up as stale entries.
 *
 * The model's TLB holds what a nested guest's traffic inserts: stage 1
 * (NS-EL1, or combined stage 1 and 2) entries tagged by VMID.  It holds no
 * EL2 entries and no stage-2-only entries.
 *
 * Fields are read with the codec (lib/smmuv3/codec.c), never by hand.
 */
#include <string.h>

#include "smmu-priv.h"

#define FLD(x) NESTREF_SMMUV3_F_##x

/* A field of cmd; 0 when its opcode has none (RES0 there). */
static uint64_t fld(const struct nestref_smmuv3_cmd *cmd,
		    enum nestref_smmuv3_field field)
{
	uint64_t v;

	if (nestref_smmuv3_get(cmd, field, &v))
		return 0;
	return v;
}

/* IHI 0070 4.1.1, and smmu-model.h rule 1: the Non-secure queue's set. */
static bool opcode_legal(uint8_t op)
{
	switch (op) {
	case NESTREF_SMMUV3_PREFETCH_CONFIG:
	case NESTREF_SMMUV3_PREFETCH_ADDR:
	case NESTREF_SMMUV3_CFGI_STE:
	case NESTREF_SMMUV3_CFGI_STE_RANGE:
	case NESTREF_SMMUV3_CFGI_CD:
	case NESTREF_SMMUV3_CFGI_CD_ALL:
	case NESTREF_SMMUV3_CFGI_VMS_PIDM:
	case NESTREF_SMMUV3_TLBI_NH_ALL:
	case NESTREF_SMMUV3_TLBI_NH_ASID:
	case NESTREF_SMMUV3_TLBI_NH_VA:
	case NESTREF_SMMUV3_TLBI_NH_VAA:
	case NESTREF_SMMUV3_TLBI_EL2_ALL:
	case NESTREF_SMMUV3_TLBI_EL2_ASID:
	case NESTREF_SMMUV3_TLBI_EL2_VA:
	case NESTREF_SMMUV3_TLBI_EL2_VAA:
	case NESTREF_SMMUV3_TLBI_S12_VMALL:
	case NESTREF_SMMUV3_TLBI_S2_IPA:
	case NESTREF_SMMUV3_TLBI_NSNH_ALL:
	case NESTREF_SMMUV3_ATC_INV:
	case NESTREF_SMMUV3_PRI_RESP:
	case NESTREF_SMMUV3_RESUME:
	case NESTREF_SMMUV3_STALL_TERM:
	case NESTREF_SMMUV3_SYNC:
		return true;
	default:
		return false;
	}
}

/* The TLBIs carrying Address and the range fields (IHI 0070 4.4.1.1). */
static bool tlbi_by_address(uint8_t op)
{
	switch (op) {
	case NESTREF_SMMUV3_TLBI_NH_VA:
	case NESTREF_SMMUV3_TLBI_NH_VAA:
	case NESTREF_SMMUV3_TLBI_EL2_VA:
	case NESTREF_SMMUV3_TLBI_EL2_VAA:
	case NESTREF_SMMUV3_TLBI_S2_IPA:
		return true;
	default:
		return false;
	}
}

/* The range fields as this SMMU reads them. */
struct tlbi_range {
	uint64_t tg;
	uint64_t ttl;
	uint64_t num;
	uint64_t scale;
};

/*
 * IHI 0070 4.4.1.1.  Without IDR3.RIL, NUM, SCALE, TG and TTL are RES0 and
 * read as 0.  With TG 0 the other three are RES0.  SCALE bit 25 is RES0
 * without IDR5.DS, and with DS values above 39 act as 39.  TTL 1 with
 * TG 16K and no DS is Reserved and treated as TTL 0.
 */
static void tlbi_range_read(const struct smmu_model *m,
			    const struct nestref_smmuv3_cmd *cmd,
			    struct tlbi_range *r)
{
	memset(r, 0, sizeof(*r));
	if (!m->f.ril)
		return;
	r->tg = fld(cmd, FLD(TG));
	if (!r->tg)
		return;
	r->ttl = fld(cmd, FLD(TTL));
	r->num = fld(cmd, FLD(NUM));
	r->scale = fld(cmd, FLD(SCALE));
	if (!m->f.ds)
		r->scale &= 0x1f;
	else if (r->scale > 39)
		r->scale = 39;
	if (r->tg == 2 && r->ttl == 1 && !m->f.ds)
		r->ttl = 0;
}

/*
 * Why cmd is illegal (CERROR_ILL), or NULL: exactly the rules listed in
 * smmu-model.h.  Every other non-zero RES0 field is ignored, which IHI
 * 0070 4.1.5 allows.
 */
static const char *illegal(const struct smmu_model *m,
			   const struct nestref_smmuv3_cmd *cmd)
{
	uint8_t op = nestref_smmuv3_opcode(cmd);
	struct tlbi_range r;

	if (!opcode_legal(op))
		return "opcode not for the Non-secure queue (IHI 0070 4.1.1)";
	if (fld(cmd, FLD(SSEC)))
		return "SSec 1 on the Non-secure Command queue (IHI 0070 4.1.6)";
	switch (op) {
	case NESTREF_SMMUV3_ATC_INV:
		if (!m->f.ats)
			return "ATC_INV with IDR0.ATS 0 (IHI 0070 4.5.1)";
		if (fld(cmd, FLD(SIZE)) > 52)
			return "ATC_INV with Size above 52 (IHI 0070 4.5.1)";
		return NULL;
	case NESTREF_SMMUV3_SYNC:
		if (fld(cmd, FLD(CS)) == 3)
			return "CMD_SYNC with CS 0b11 (IHI 0070 4.7.3)";
		return NULL;
	case NESTREF_SMMUV3_PRI_RESP:
		if (fld(cmd, FLD(RESP)) == 3)
			return "PRI_RESP with Resp 0b11 (IHI 0070 4.5.2)";
		return NULL;
	default:
		break;
	}
	if (!tlbi_by_address(op))
		return NULL;
	tlbi_range_read(m, cmd, &r);
	if (r.tg && !r.num && !r.scale && !r.ttl)
		return "TLBI with TG set and NUM, SCALE, TTL 0 (IHI 0070 4.4.1.1)";
	return NULL;
}

/*
 * IHI 0070 4.4: with 8-bit VMIDs or ASIDs (IDR0.VMID16/ASID16 clear) the
 * upper byte is RES0, and a command with it set is not required to affect
 * any TLB entry.  Derived: the minimum is nothing, so the model removes
 * nothing (not the entries of the low byte, not global ones).
 */
static bool tag_fits(bool wide, uint64_t tag)
{
	return tag <= (wide ? 0xffffu : 0xffu);
}

/*
 * The address part of NH_VA / NH_VAA (IHI 0070 4.4, 4.4.1.1):
 *  - no range (TG 0, or no RIL): the entries whose page, block or table
 *    holds Address, of any granule and level (4.4: the address's low bits
 *    are ignored as the entry's size requires);
 *  - range: Address <= A < Address + (NUM + 1) * 2^SCALE * granule, not
 *    wrapping past 2^64; only entries of granule TG, and with TTL only
 *    leaf entries of that level (4.4.1.1 TTL table); with Leaf 0 also
 *    the tables of the levels before TTL, not those at or after it
 *    (derived from the TTL 2, Leaf 0 example of 4.4.1.1);
 *  - a range whose Address is not aligned to the TTL level's block (the
 *    granule when TTL is 0) invalidates an UNPREDICTABLE range: derived
 *    from IHI 0070 4.4.1.1, the model removes nothing;
 *  - Leaf 1: only last-level entries (4.4.2.3, 4.4.2.4).
 */
static void tlb_address_scope(const struct smmu_model *m,
			      const struct nestref_smmuv3_cmd *cmd,
			      struct smmu_scope *s)
{
	struct smmu_tlb_scope *t = &s->u.tlb;
	uint64_t addr = fld(cmd, FLD(ADDR)), span;
	unsigned int gshift, align;
	struct tlbi_range r;

	t->by_addr = true;
	t->leaf_only = fld(cmd, FLD(LEAF));
	tlbi_range_read(m, cmd, &r);
	if (!r.tg) {
		t->first = addr;
		t->last = addr;
		return;
	}
	gshift = 10 + 2 * (unsigned int)r.tg; /* TG 1, 2, 3: 4K, 16K, 64K */
	t->granule = UINT32_C(1) << gshift;
	t->ttl = (uint32_t)r.ttl;
	align = t->ttl ? smmu_tlb_block_shift(t->granule, t->ttl) : gshift;
	if (addr & ((UINT64_C(1) << align) - 1)) {
		s->none = true;
		return;
	}
	/* At most 32 * 2^39 * 2^16 = 2^60 bytes: no overflow. */
	span = (r.num + 1) << (r.scale + gshift);
	t->first = addr;
	t->last = addr > UINT64_MAX - (span - 1) ? UINT64_MAX : addr + span - 1;
}

/*
 * TLB scopes (IHI 0070 4.4.2, 4.4.3, 4.4.4).  Returns false for the TLBIs
 * that reach no entry the model can hold (derived, from what the model's
 * TLB holds):
 *  - EL2_* (4.4.2.7-10) act on NS-EL2 and EL2-E2H entries only;
 *  - S2_IPA (4.4.3.1) is not required to touch combined stage 1 and 2
 *    entries, and the model holds no stage-2-only ones.
 */
static bool tlb_scope(const struct smmu_model *m,
		      const struct nestref_smmuv3_cmd *cmd, struct smmu_scope *s)
{
	uint8_t op = nestref_smmuv3_opcode(cmd);
	struct smmu_tlb_scope *t = &s->u.tlb;
	uint64_t vmid = fld(cmd, FLD(VMID)), asid = fld(cmd, FLD(ASID));

	s->kind = NESTREF_SMMUV3_CACHE_TLB;
	t->asid_match = SMMU_ASID_ANY;
	switch (op) {
	case NESTREF_SMMUV3_TLBI_NSNH_ALL:
		/* 4.4.4.1: every NS non-EL2 entry, all VMIDs, all stages. */
		return true;
	case NESTREF_SMMUV3_TLBI_NH_ALL:
		/* 4.4.2.1: VMALLE1, the VMID's entries, global ones too. */
	case NESTREF_SMMUV3_TLBI_S12_VMALL:
		/* 4.4.3.2: VMALLS12E1, the VMID's entries at all stages. */
		break;
	case NESTREF_SMMUV3_TLBI_NH_ASID:
		/* 4.4.2.2: ASIDE1, non-global entries of VMID and ASID. */
		t->asid_match = SMMU_ASID_NON_GLOBAL;
		break;
	case NESTREF_SMMUV3_TLBI_NH_VA:
		/* 4.4.2.4: VA{L}E1, ASID's entries and global ones. */
		t->asid_match = SMMU_ASID_OR_GLOBAL;
		tlb_address_scope(m, cmd, s);
		break;
	case NESTREF_SMMUV3_TLBI_NH_VAA:
		/* 4.4.2.3: VAA{L}E1, every ASID and global entries. */
		tlb_address_scope(m, cmd, s);
		break;
	default:
		return false;
	}
	t->by_vmid = true;
	t->vmid = (uint32_t)vmid;
	t->asid = (uint32_t)asid;
	if (!tag_fits(m->f.vmid16, vmid) ||
	    (t->asid_match != SMMU_ASID_ANY && !tag_fits(m->f.asid16, asid)))
		s->none = true;
	return true;
}

/*
 * Configuration cache scopes (IHI 0070 4.3).  Leaf only decides whether
 * L1 Stream table and L1 CD descriptors go (4.3.1, 4.3.3); the model does
 * not cache those, so Leaf changes nothing here.
 */
static bool cfg_scope(const struct nestref_smmuv3_cmd *cmd,
		      struct smmu_scope *s)
{
	struct smmu_cfg_scope *c = &s->u.cfg;
	uint64_t sid = fld(cmd, FLD(SID)), span;

	s->kind = NESTREF_SMMUV3_CACHE_CFG;
	c->sid_first = sid;
	c->sid_last = sid;
	switch (nestref_smmuv3_opcode(cmd)) {
	case NESTREF_SMMUV3_CFGI_STE:
		/* 4.3.1: the STE and every CD cached through it. */
		c->stes = true;
		c->cds = true;
		return true;
	case NESTREF_SMMUV3_CFGI_STE_RANGE:
		/*
		 * 4.3.2, 4.3.6: 2^(Range+1) StreamIDs, aligned (the low
		 * Range+1 bits of StreamID are ignored); Range 31 is
		 * CFGI_ALL, every StreamID.  STEs and their CDs.
		 */
		span = UINT64_C(1) << (fld(cmd, FLD(RANGE)) + 1);
		c->sid_first = sid & ~(span - 1);
		c->sid_last = c->sid_first + span - 1;
		c->stes = true;
		c->cds = true;
		return true;
	case NESTREF_SMMUV3_CFGI_CD:
		/* 4.3.3: the one CD at index SubstreamID; not the STE. */
		c->cds = true;
		c->one_ssid = true;
		c->ssid = (uint32_t)fld(cmd, FLD(SSID));
		return true;
	case NESTREF_SMMUV3_CFGI_CD_ALL:
		/* 4.3.4: every CD of the StreamID; not the STE. */
		c->cds = true;
		return true;
	default:
		return false;
	}
}

/*
 * CMD_ATC_INV (IHI 0070 4.5.1): the device at StreamID drops translations
 * in the span of 4096 * 2^Size bytes that holds Address (aligned to its
 * size; Size 52 is everything).
 *  - SSV 1: only translations requested with PASID SubstreamID.
 *  - SSV 0: the request carries no PASID prefix, and a PCIe ATC then drops
 *    the range for every PASID as well as for none (derived: PCIe ATS as
 *    Linux's arm_smmu_atc_inv_to_cmd describes it; IHI 0070 does not say).
 *  - Global adds nothing (derived): IGNORED with SSV 0, and with SSV 1 it
 *    reaches global translations only, which the SMMU never grants to a
 *    PASID request (IHI 0070 3.9.1: the Global bit of such a completion
 *    is 0).
 *  - SSV 1 without substreams (SSIDSIZE 0) may act as SSV 0 or do nothing;
 *    an SSID beyond SSIDSIZE is out of range (4.1.7).  The minimum of
 *    both is nothing, which the model does (derived).
 */
static void atc_scope(const struct smmu_model *m,
		      const struct nestref_smmuv3_cmd *cmd,
		      struct smmu_scope *s)
{
	struct smmu_atc_scope *a = &s->u.atc;
	uint64_t size = fld(cmd, FLD(SIZE)), ssid = fld(cmd, FLD(SSID));
	uint64_t span;

	s->kind = NESTREF_SMMUV3_CACHE_ATC;
	a->sid = (uint32_t)fld(cmd, FLD(SID));
	if (size >= 52) {
		a->first = 0;
		a->last = UINT64_MAX;
	} else {
		span = UINT64_C(1) << (12 + size);
		a->first = fld(cmd, FLD(ADDR)) & ~(span - 1);
		a->last = a->first + span - 1;
	}
	if (!fld(cmd, FLD(SSV)))
		return;
	if (!m->f.ssidsize || ssid >= (UINT64_C(1) << m->f.ssidsize)) {
		s->none = true;
		return;
	}
	a->pasid_only = true;
	a->ssid = (uint32_t)ssid;
}

/*
 * The scope of a legal command; false for the commands with no cache
 * effect: PREFETCH_* (4.2: never required to prefetch; the model fills
 * caches only through smmu_caches_fill), CFGI_VMS_PIDM (4.3.5: a
 * PARTID_MAP cache the model does not have), PRI_RESP, RESUME, STALL_TERM
 * (4.5.2, 4.7.1, 4.7.2: responses, no invalidation), CMD_SYNC (4.7.3:
 * everything before it already completed, the model being synchronous).
 */
static bool scope_of(const struct smmu_model *m,
		     const struct nestref_smmuv3_cmd *cmd, struct smmu_scope *s)
{
	memset(s, 0, sizeof(*s));
	switch (nestref_smmuv3_opcode(cmd)) {
	case NESTREF_SMMUV3_CFGI_STE:
	case NESTREF_SMMUV3_CFGI_STE_RANGE:
	case NESTREF_SMMUV3_CFGI_CD:
	case NESTREF_SMMUV3_CFGI_CD_ALL:
		return cfg_scope(cmd, s);
	case NESTREF_SMMUV3_ATC_INV:
		atc_scope(m, cmd, s);
		return true;
	default:
		return tlb_scope(m, cmd, s);
	}
}

void smmu_exec(struct smmu_model *m, struct smmu_exec *ex)
{
	struct smmu_scope scope;

	ex->reason = illegal(m, &ex->cmd);
	if (ex->reason) {
		ex->cerror = SMMU_CERROR_ILL;
		return;
	}
	ex->cerror = SMMU_CERROR_NONE;
	if (scope_of(m, &ex->cmd, &scope))
		ex->removed[scope.kind] = smmu_caches_remove(m, &scope);
}

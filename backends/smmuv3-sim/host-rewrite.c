/* SPDX-License-Identifier: MIT */
/*
 * The host driver's rewrite of guest commands, per profile.
 *
 * Released kernels (kernel-facts 3.3, Linux arm_vsmmu_convert_user_cmd and
 * arm_vsmmu_vsid_to_sid) only convert: the VMID of every TLBI is the
 * host's choice, never the guest's, and every StreamID a guest names is
 * looked up in its own vIOMMU and replaced.  That is the whole of what
 * makes a guest's invalidation safe for other tenants.
 *
 * The strict series of 7.4 (3.5, arm_vsmmu_validate_user_cmd and
 * arm_vsmmu_validate_range) first refuses any set bit outside the opcode's
 * fields as this SMMU supports them, then the range rules.  Values out of
 * range (an address beyond the VA size, an SSID beyond SSIDSIZE) are
 * deliberately not checked: the architecture keeps their effect inside the
 * guest's own scope.
 *
 * Both are one table per context (host_rewriter_init) and one function
 * applying it to a batch (host_rewrite), because this runs for every
 * guest command and issue 15 holds it to 25 instructions per command
 * (docs/bench.md 3.5): per command a load, a mask test that also picks
 * the act, the vSID's probe or the range rules, one store.  The released
 * profiles' masks are zero.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "host.h"

/* Branch hints for host_rewrite's loop (layout only, no semantics). */
#if defined(__GNUC__)
#define HOST_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define HOST_UNLIKELY(x) (x)
#endif

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

/* 52 is "everything" (ATC_INV_SIZE_ALL); more is reserved (3.5). */
#define ATC_SIZE_MAX 52

#define RULE(name, id, text, section, fn) \
	static const struct host_rule name = { id, text, section, fn }

#define S_CONVERT "kernel-facts 3.3"
#define S_LOOKUP "kernel-facts 3.2"
#define S_VALIDATE "kernel-facts 3.5"
#define CONVERT_FN "arm_vsmmu_convert_user_cmd"
#define LOOKUP_FN "arm_vsmmu_vsid_to_sid"
#define VALIDATE_FN "arm_vsmmu_validate_user_cmd"
#define RANGE_FN "arm_vsmmu_validate_range"

/* What the conversion did (for traces). */
RULE(rule_nsnh, "nsnh-narrowed",
     "TLBI_NSNH_ALL replaced by TLBI_NH_ALL of the vIOMMU's VMID", S_CONVERT,
     CONVERT_FN);
RULE(rule_vmid, "vmid-forced",
     "VMID forced to the vIOMMU's; other bits passed through", S_CONVERT,
     CONVERT_FN);
RULE(rule_vsid, "vsid-replaced", "vSID replaced by the device's pSID",
     S_LOOKUP, LOOKUP_FN);
/* Why a command was refused.  3.2: a vSID without a vDEVICE is EIO. */
RULE(rule_unknown_vsid, "unknown-vsid",
     "the vSID has no vDEVICE in this vIOMMU", S_LOOKUP, LOOKUP_FN);
/* Including CMD_SYNC: the host adds its own (3.4). */
RULE(rule_convert_refused, "opcode-refused",
     "opcode not accepted from a guest", S_CONVERT, CONVERT_FN);
RULE(rule_validate_refused, "opcode-refused",
     "opcode not accepted from a guest", S_VALIDATE, VALIDATE_FN);
RULE(rule_no_ats, "atc-no-ats", "ATC_INV on an SMMU without ATS",
     S_VALIDATE, VALIDATE_FN);
RULE(rule_atc_size, "atc-size", "ATC_INV Size above 52", S_VALIDATE,
     VALIDATE_FN);
RULE(rule_bits, "bit-not-allowed",
     "a bit outside the opcode's allowed fields is set", S_VALIDATE,
     VALIDATE_FN);
RULE(rule_tg0, "range-tg0", "TG 0 (any granule) with NUM, SCALE or TTL set",
     S_VALIDATE, RANGE_FN);
RULE(rule_16k_ttl1, "range-16k-ttl1",
     "TTL 1 with a 16K granule needs IDR5.DS", S_VALIDATE, RANGE_FN);
RULE(rule_reserved, "range-reserved",
     "TG set with NUM, SCALE and TTL all 0 (reserved)", S_VALIDATE, RANGE_FN);

/*
 * 3.5's range rules (with IDR3.RIL only) look at TG, TTL and whether NUM or
 * SCALE is set: 32 combinations.  host_range_rule names the rule a
 * combination breaks; the table keeps one bit per combination, so that the
 * hot path tests a bit instead of walking the rules.
 */
#define F_RANGE (F_NUM | F_SCALE | F_SCALE_DS)

static unsigned int host_range_index(const struct nestref_smmuv3_cmd *cmd)
{
	/* dw1[11:8] is TG:TTL. */
	return (unsigned int)((cmd->dw[1] >> 8) & 0xf) << 1 |
	       ((cmd->dw[0] & F_RANGE) != 0);
}

static const struct host_rule *host_range_rule(unsigned int index, bool ds)
{
	unsigned int tg = index >> 3, ttl = (index >> 1) & 3;
	bool range = index & 1;

	if (tg == 0)
		return range || ttl ? &rule_tg0 : NULL;
	if (tg == 2 && ttl == 1 && !ds)
		return &rule_16k_ttl1;
	if (!range && !ttl)
		return &rule_reserved;
	return NULL;
}

/* ------------------------------------------------------------ the table */

static void host_accept(struct host_rewriter *rw, uint8_t op,
			enum host_act act, uint64_t allow0, uint64_t allow1)
{
	rw->act[op] = (uint8_t)act;
	rw->deny0[op] = ~(F_OP | allow0);
	rw->deny1[op] = ~allow1;
}

/* host_rewrite's per-act masks: deny0 for the act's opcodes, else all. */
static void host_fast_masks(struct host_rewriter *rw)
{
	static const uint8_t acts[HOST_FAST_N] = {
		[HOST_FAST_SID] = HOST_SID,
		[HOST_FAST_VMID_RANGE] = HOST_VMID_RANGE,
		[HOST_FAST_VMID] = HOST_VMID,
		[HOST_FAST_SID_ATC] = HOST_SID_ATC,
	};
	unsigned int f, op;

	for (f = 0; f < HOST_FAST_N; f++)
		for (op = 0; op < 256; op++)
			rw->only0[f][op] = rw->act[op] == acts[f] ?
						   rw->deny0[op] :
						   ~UINT64_C(0);
}

/* 3.5's table: the fields each opcode may carry on this SMMU. */
static void host_rewriter_next(struct host_rewriter *rw,
			       const struct nestref_smmuv3_features *smmu)
{
	uint64_t asid = MASK(48 + (smmu->asid16 ? 16 : 8) - 1, 48);
	uint64_t range0 = smmu->ril ? F_NUM | F_SCALE | (smmu->ds ? F_SCALE_DS : 0) : 0;
	uint64_t range1 = smmu->ril ? F_TTL | F_TG : 0;
	uint64_t ssid = smmu->ssidsize ? F_SSID : 0;
	/* Without RIL the range fields are simply not allowed (3.5). */
	enum host_act va = smmu->ril ? HOST_VMID_RANGE : HOST_VMID;
	unsigned int op;

	for (op = 0; op < 256; op++)
		rw->refusal[op] = &rule_validate_refused;
	host_accept(rw, NESTREF_SMMUV3_TLBI_NSNH_ALL, HOST_NSNH, 0, 0);
	host_accept(rw, NESTREF_SMMUV3_TLBI_NH_ALL, HOST_VMID, F_VMID, 0);
	host_accept(rw, NESTREF_SMMUV3_TLBI_NH_ASID, HOST_VMID, F_VMID | asid,
		    0);
	/* NH_VA is NH_VAA plus an ASID. */
	host_accept(rw, NESTREF_SMMUV3_TLBI_NH_VAA, va, F_VMID | range0,
		    F_LEAF | F_ADDR | range1);
	host_accept(rw, NESTREF_SMMUV3_TLBI_NH_VA, va, F_VMID | range0 | asid,
		    F_LEAF | F_ADDR | range1);
	if (smmu->ats)
		host_accept(rw, NESTREF_SMMUV3_ATC_INV, HOST_SID_ATC,
			    F_SID | (ssid ? F_SSV | F_SSID | F_GLOBAL : 0),
			    F_SIZE | F_ADDR);
	else
		rw->refusal[NESTREF_SMMUV3_ATC_INV] = &rule_no_ats;
	/* No SSV for CFGI: the CD's SSID is always meaningful. */
	host_accept(rw, NESTREF_SMMUV3_CFGI_CD, HOST_SID, F_SID | ssid, F_LEAF);
	host_accept(rw, NESTREF_SMMUV3_CFGI_CD_ALL, HOST_SID, F_SID, 0);
}

/* 3.3's table: eight opcodes converted, nothing checked. */
static void host_rewriter_released(struct host_rewriter *rw)
{
	unsigned int op;

	for (op = 0; op < 256; op++)
		rw->refusal[op] = &rule_convert_refused;
	rw->act[NESTREF_SMMUV3_TLBI_NSNH_ALL] = HOST_NSNH;
	rw->act[NESTREF_SMMUV3_TLBI_NH_ALL] = HOST_VMID;
	rw->act[NESTREF_SMMUV3_TLBI_NH_ASID] = HOST_VMID;
	rw->act[NESTREF_SMMUV3_TLBI_NH_VA] = HOST_VMID;
	rw->act[NESTREF_SMMUV3_TLBI_NH_VAA] = HOST_VMID;
	rw->act[NESTREF_SMMUV3_ATC_INV] = HOST_SID;
	rw->act[NESTREF_SMMUV3_CFGI_CD] = HOST_SID;
	rw->act[NESTREF_SMMUV3_CFGI_CD_ALL] = HOST_SID;
}

void host_rewriter_init(struct host_rewriter *rw, bool strict,
			const struct nestref_smmuv3_features *smmu)
{
	memset(rw, 0, sizeof(*rw));
	rw->features = *smmu;
	unsigned int i;

	if (strict)
		host_rewriter_next(rw, smmu);
	else
		host_rewriter_released(rw);
	host_fast_masks(rw);
	/* Bit TG:TTL of range_ok[NUM or SCALE set], four times over. */
	for (i = 0; i < 32; i++)
		if (!host_range_rule(i, smmu->ds))
			rw->range_ok[i & 1] |= UINT64_C(0x0001000100010001)
					       << (i >> 1);
}

const struct host_rule *host_rewrite_rule(const struct host_rewriter *rw,
					  uint8_t opcode)
{
	switch (rw->act[opcode]) {
	case HOST_NSNH:
		return &rule_nsnh;
	case HOST_VMID:
	case HOST_VMID_RANGE:
		return &rule_vmid;
	case HOST_SID:
	case HOST_SID_ATC:
		return &rule_vsid;
	default:
		return rw->refusal[opcode];
	}
}

/* ------------------------------------------------------------ the rewrite */

/*
 * dw0's StreamID [63:32] and VMID [47:32] (4.2) written in place.  On a
 * little-endian host they are bytes 4-7 and 4-5 of the word: one store
 * each, where shifting and merging costs four instructions per command.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_PUT(cmd, value) \
	memcpy((unsigned char *)&(cmd)->dw[0] + 4, &(value), sizeof(value))
#else
#define HOST_PUT(cmd, value)                                              \
	((cmd)->dw[0] = ((cmd)->dw[0] &                                   \
			 ~(((UINT64_C(1) << (8 * sizeof(value))) - 1) << 32)) | \
			(uint64_t)(value) << 32)
#endif

/*
 * The StreamID of dw0 [63:32], read as HOST_PUT writes it: one 32-bit
 * load on a little-endian host, so that dw0 itself need not stay live.
 */
static inline uint32_t host_get_sid(const struct nestref_smmuv3_cmd *cmd)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t sid;

	memcpy(&sid, (const unsigned char *)&cmd->dw[0] + 4, sizeof(sid));
	return sid;
#else
	return (uint32_t)(cmd->dw[0] >> 32);
#endif
}

/*
 * 3.5's range rules (linux-7.4 with RIL): the combination is allowed.  A
 * bit test of a word's dw1[13:8] (the shift takes the count modulo 64):
 * the two address bits above TG pick one of range_ok's four copies.
 */
static inline bool host_range_allowed(const struct host_rewriter *rw,
				      uint64_t dw0, uint64_t dw1)
{
	uint64_t ok = (dw0 & F_RANGE) ? rw->range_ok[1] : rw->range_ok[0];

	return ok >> ((dw1 >> 8) & 63) & 1;
}

static inline const struct host_rule *
host_replace_sid(const struct nestref_viommu *viommu,
		 struct nestref_smmuv3_cmd *cmd, uint64_t dw0)
{
	const struct nestref_dev *dev = nestref_vsid_table_find(
		&nestref_viommu_head(viommu)->vsids, dw0 >> 32);
	uint32_t psid;

	if (!dev)
		return &rule_unknown_vsid;
	psid = nestref_dev_head(dev)->psid;
	HOST_PUT(cmd, psid);
	return NULL;
}

/* The VMID; released kernels pass the other bits unchecked (3.3). */
static inline const struct host_rule *
host_force_vmid(const struct nestref_viommu *viommu,
		struct nestref_smmuv3_cmd *cmd)
{
	/* 16 bits: sim_viommu_init refuses larger VMIDs. */
	uint16_t vmid = (uint16_t)nestref_viommu_head(viommu)->s2_id;

	HOST_PUT(cmd, vmid);
	return NULL;
}

/* 3.5: an ATC_INV's Size above 52 is reserved. */
static bool host_atc_size_bad(const struct nestref_smmuv3_cmd *cmd)
{
	return (cmd->dw[1] & F_SIZE) > ATC_SIZE_MAX;
}

/*
 * A bit outside the opcode's masks: which rule says so.  3.5 checks an
 * ATC_INV's Size before its other bits.
 */
static const struct host_rule *host_refuse_bits(uint8_t act,
						const struct nestref_smmuv3_cmd *cmd)
{
	if (act == HOST_SID_ATC && host_atc_size_bad(cmd))
		return &rule_atc_size;
	return &rule_bits;
}

/*
 * One command, every act: the masks first (3.5; zero before it), then the
 * conversion (3.3).  NULL, or the rule that refused the command, which is
 * then left as it was.  Out of line (host_rewrite's loop keeps its
 * registers): it runs for the acts the loop leaves to it (NSNH_ALL,
 * linux-7.4's ATC_INV), for a vSID past its first probe, and for refusals.
 */
static __attribute__((noinline)) const struct host_rule *
host_rewrite_one(const struct host_rewriter *rw,
		 const struct nestref_viommu *viommu,
		 struct nestref_smmuv3_cmd *cmd)
{
	uint64_t dw0 = cmd->dw[0];
	uint8_t op = (uint8_t)dw0;

	if ((dw0 & rw->deny0[op]) | (cmd->dw[1] & rw->deny1[op]))
		return host_refuse_bits(rw->act[op], cmd);
	switch (rw->act[op]) {
	case HOST_SID:
		return host_replace_sid(viommu, cmd, dw0);
	case HOST_VMID_RANGE:
		if (!host_range_allowed(rw, dw0, cmd->dw[1]))
			return host_range_rule(host_range_index(cmd),
					       rw->features.ds);
		return host_force_vmid(viommu, cmd);
	case HOST_VMID:
		return host_force_vmid(viommu, cmd);
	case HOST_NSNH:
		/*
		 * NSNH_ALL invalidates every VMID (4.3): forwarded as it is,
		 * one guest would flush all tenants.  Only the opcode counts.
		 */
		cmd->dw[0] = NESTREF_SMMUV3_TLBI_NH_ALL |
			     (uint64_t)nestref_viommu_head(viommu)->s2_id << 32;
		cmd->dw[1] = 0;
		return NULL;
	case HOST_SID_ATC:
		if (host_atc_size_bad(cmd))
			return &rule_atc_size;
		return host_replace_sid(viommu, cmd, dw0);
	default:
		return rw->refusal[op];
	}
}

/*
 * The common acts, each with its own dw0 mask table (only0): the
 * opcode's 3.5 mask for the act's opcodes and every bit for the others,
 * so that one test both checks the bits and picks the act.  A command of
 * another act fails it, as its opcode bits are set, but for the all-zero
 * dw0 (opcode 0, refused everywhere): the vSID paths stop at its vSID 0,
 * the VMID path tests the opcode.  Whatever they leave goes to
 * host_rewrite_one.
 */

/*
 * The vSID of a command whose bits passed replaced: true; false (cmd
 * untouched) for host_rewrite_one.  nestref_vsid_table_slot's probe, but
 * never for vSID 0, so that a match needs no test of its value: a slot
 * holding a non-zero key is in use (empty ones have key 0).  That test
 * cost every lookup two instructions.
 */
static inline bool host_fast_lookup(const struct nestref_vsid_table *vsids,
				    struct nestref_smmuv3_cmd *cmd)
{
	const unsigned char *slots = (const unsigned char *)vsids->slots;
	const struct nestref_vsid_slot *slot;
	uint64_t key = host_get_sid(cmd);
	size_t off;
	uint32_t psid;

	if (!key)
		return false;
	off = nestref_vsid_hash(key, vsids->byte_shift) & vsids->byte_mask;
	slot = (const struct nestref_vsid_slot *)(const void *)(slots + off);
	while (HOST_UNLIKELY(slot->key != key)) {
		if (!slot->u.value)
			return false;
		off = (off + sizeof(*slot)) & vsids->byte_mask;
		slot = (const struct nestref_vsid_slot *)(const void *)(slots + off);
	}
	psid = nestref_dev_head(slot->u.value)->psid;
	HOST_PUT(cmd, psid);
	return true;
}

/* HOST_SID: the masks, then the vSID. */
static inline bool host_fast_sid(const struct host_rewriter *rw,
				 const struct nestref_vsid_table *vsids,
				 struct nestref_smmuv3_cmd *cmd)
{
	size_t op = host_opcode(cmd);

	if ((cmd->dw[0] & rw->only0[HOST_FAST_SID][op]) ||
	    (cmd->dw[1] & rw->deny1[op]))
		return false;
	return host_fast_lookup(vsids, cmd);
}

/* HOST_SID_ATC: the masks, Size (3.5), then the vSID. */
static inline bool host_fast_atc(const struct host_rewriter *rw,
				 const struct nestref_vsid_table *vsids,
				 struct nestref_smmuv3_cmd *cmd)
{
	size_t op = host_opcode(cmd);

	if ((cmd->dw[0] & rw->only0[HOST_FAST_SID_ATC][op]) ||
	    (cmd->dw[1] & rw->deny1[op]) || host_atc_size_bad(cmd))
		return false;
	return host_fast_lookup(vsids, cmd);
}

/* A VMID forced (after the range rules): true; false (cmd untouched). */
static inline bool host_fast_vmid(const struct host_rewriter *rw,
				  uint16_t vmid, struct nestref_smmuv3_cmd *cmd)
{
	uint64_t dw0 = cmd->dw[0], dw1 = cmd->dw[1];
	size_t op = (uint8_t)dw0;

	/* The all-zero dw0 passes every mask (only0): opcode 0, refused. */
	if (!(dw0 & rw->only0[HOST_FAST_VMID_RANGE][op])) {
		if (!op || (dw1 & rw->deny1[op]) ||
		    !host_range_allowed(rw, dw0, dw1))
			return false;
	} else if (dw0 & rw->only0[HOST_FAST_VMID][op] || !op ||
		   dw1 & rw->deny1[op]) {
		return false;
	}
	HOST_PUT(cmd, vmid);
	return true;
}

/*
 * The runs of each common act, from base + off (off < 0) up to base,
 * until a command of another act: its new off.  Out of line, each with
 * its own registers: inline, the compiler keeps dw0 alive from one run
 * into the next, which costs every vSID command a copy.
 */
#define HOST_AT(base, off) \
	((struct nestref_smmuv3_cmd *)(void *)((base) + (off)))
#define HOST_STEP ((ptrdiff_t)sizeof(struct nestref_smmuv3_cmd))

static __attribute__((noinline)) ptrdiff_t
host_run_sid(const struct host_rewriter *rw,
	     const struct nestref_vsid_table *vsids, unsigned char *base,
	     ptrdiff_t off)
{
	/* A copy: the commands' byte stores could alias the vIOMMU's. */
	const struct nestref_vsid_table t = *vsids;

	for (; off && host_fast_sid(rw, &t, HOST_AT(base, off));
	     off += HOST_STEP)
		;
	return off;
}

/*
 * The common acts from cmd on, until end or a command they do not cover:
 * where they stopped.  One loop per act, each left at the first command
 * of another (a stream of one act never tests the other's masks), in the
 * order a guest unmapping sends them (docs/bench.md 3.2: TLBIs, then
 * ATC_INVs, then a CFGI), so that such a group costs one call.  The
 * loops count a byte offset up to zero from below end, so that one add
 * both steps and tests.  Nothing here aliases what the loops write (the
 * table and VMID are the caller's copies), so all of it stays in
 * registers for the whole batch.
 */
static inline struct nestref_smmuv3_cmd *
host_rewrite_common(const struct host_rewriter *rw,
		    const struct nestref_vsid_table *vsids, uint16_t vmid,
		    struct nestref_smmuv3_cmd *cmd,
		    struct nestref_smmuv3_cmd *end)
{
	unsigned char *base = (unsigned char *)end;
	ptrdiff_t off = -(ptrdiff_t)((size_t)(end - cmd) * sizeof(*cmd)), from;

	do {
		from = off;
		for (; off && host_fast_vmid(rw, vmid, HOST_AT(base, off));
		     off += HOST_STEP)
			;
		for (; off && host_fast_atc(rw, vsids, HOST_AT(base, off));
		     off += HOST_STEP)
			;
		if (off)
			off = host_run_sid(rw, vsids, base, off);
	} while (off != from && off);
	return HOST_AT(base, off);
}

/*
 * Each command in turn: the common acts in host_rewrite_common's loops,
 * the rest one by one (host_rewrite_one), stopping at the first refused.
 * This is what the bench counts (rewrite_symbol), divided by the batch.
 */
size_t host_rewrite(const struct host_rewriter *rw,
		    const struct nestref_viommu *viommu,
		    struct nestref_smmuv3_cmd *cmds, size_t n,
		    const struct host_rule **why)
{
	const struct nestref_viommu_head *head = nestref_viommu_head(viommu);
	/* Copies: the commands' byte stores could alias the vIOMMU's. */
	const struct nestref_vsid_table vsids = head->vsids;
	/* 16 bits: sim_viommu_init refuses larger VMIDs. */
	const uint16_t vmid = (uint16_t)head->s2_id;
	struct nestref_smmuv3_cmd *end = cmds + n, *cmd = cmds;

	/* One command pays no setup for the batch's loops. */
	if (n == 1) {
		*why = host_rewrite_one(rw, viommu, cmds);
		return !*why;
	}
	*why = NULL;
	for (;;) {
		cmd = host_rewrite_common(rw, &vsids, vmid, cmd, end);
		if (cmd == end)
			return n;
		*why = host_rewrite_one(rw, viommu, cmd);
		if (*why)
			return (size_t)(cmd - cmds);
		cmd++;
	}
}

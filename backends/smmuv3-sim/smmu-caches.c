/* SPDX-License-Identifier: MIT */
/*
 * The modelled SMMU's caches: the TLB, the configuration cache and the
 * devices' ATCs (spec/vectors.md 3.4), held as one array of
 * struct nestref_smmuv3_cache_entry sorted by nestref_smmuv3_cache_entry_cmp, so that
 * smmu_caches() always lists them in the same order.
 *
 * The SMMU never fills a cache by itself (prefetch and translation are not
 * modelled): entries come only from smmu_caches_fill, so a vector knows
 * exactly what is cached, and leave only through an invalidation's scope
 * (smmu-exec.c decides it, smmu_caches_remove applies it).
 *
 * Entries are checked against what a real SMMU of these features could
 * cache; an entry it could not hold is -EINVAL, so a vector cannot claim
 * an effect on an impossible entry.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "smmu-priv.h"

/* log2 of a translation granule given in bytes; 0 for anything else. */
static unsigned int granule_shift(uint32_t granule)
{
	switch (granule) {
	case 4096:
		return 12;
	case 16384:
		return 14;
	case 65536:
		return 16;
	default:
		return 0;
	}
}

/*
 * A level-n descriptor maps the granule times (granule / 8)^(3 - n) bytes:
 * each table level resolves log2(granule) - 3 address bits, one 8-byte
 * descriptor per entry (derived from the VMSAv8-64 translation table
 * format that IHI 0070 3.4 and 4.4.1.1 refer to).  So 4K: L3 4K, L2 2M,
 * L1 1G; 16K: L3 16K, L2 32M, L1 64G; 64K: L3 64K, L2 512M, L1 4T.  These
 * are the alignments IHI 0070 4.4.1.1 requires of a range TLBI's Address
 * for each TTL (Address[29:12] for 4K TTL 1, [24:12] for 16K TTL 2, ...).
 * A table (walk) entry at level n covers the same span: it is what the
 * walk used for every address under that level-n descriptor.
 */
unsigned int smmu_tlb_block_shift(uint32_t granule, uint32_t level)
{
	unsigned int g = granule_shift(granule);

	if (!g || level < 1 || level > 3)
		return 0;
	return g + (3 - level) * (g - 3);
}

static bool tlb_entry_ok(const struct smmu_model *m,
			 const struct nestref_smmuv3_cache_entry *e)
{
	unsigned int shift = smmu_tlb_block_shift(e->tg, e->level);
	bool walk = e->flags & NESTREF_SMMUV3_CE_WALK;

	if (!shift || (e->flags & ~(NESTREF_SMMUV3_CE_GLOBAL | NESTREF_SMMUV3_CE_WALK)))
		return false;
	/* Level 3 descriptors are pages, never tables. */
	if (walk && e->level == 3)
		return false;
	/*
	 * 16K blocks at level 1 need IDR5.DS: without it TTL 1 with TG 16K
	 * is Reserved (IHI 0070 4.4.1.1, TTL table), derived: no such entry.
	 */
	if (!walk && e->tg == 16384 && e->level == 1 && !m->f.ds)
		return false;
	if (e->va & ((UINT64_C(1) << shift) - 1))
		return false;
	/* IDR0.VMID16/ASID16 clear: 8-bit tags (IHI 0070 4.4). */
	if (e->vmid > (m->f.vmid16 ? 0xffffu : 0xffu))
		return false;
	if (e->flags & NESTREF_SMMUV3_CE_GLOBAL)
		return e->asid == 0;
	return e->asid <= (m->f.asid16 ? 0xffffu : 0xffu);
}

static bool sid_ok(const struct smmu_model *m, uint32_t sid)
{
	return (uint64_t)sid < (UINT64_C(1) << m->f.sidsize);
}

/* SSIDSIZE 0: only the single CD, index 0 (IHI 0070 4.3.3). */
static bool ssid_ok(const struct smmu_model *m, uint32_t ssid)
{
	return (uint64_t)ssid < (UINT64_C(1) << m->f.ssidsize);
}

static bool cfg_entry_ok(const struct smmu_model *m,
			 const struct nestref_smmuv3_cache_entry *e)
{
	if (e->flags & ~NESTREF_SMMUV3_CE_SSID)
		return false;
	if (!(e->flags & NESTREF_SMMUV3_CE_SSID) && e->ssid)
		return false;
	return sid_ok(m, e->sid) && ssid_ok(m, e->ssid);
}

/*
 * An ATS translation covers a naturally aligned power of two of at least
 * 4096 bytes (derived: PCIe ATS sizes, as IHI 0070 4.5.1 uses them).  A
 * PASID-tagged one needs substreams (IHI 0070 3.9).  ATC entries are accepted even when
 * IDR0.ATS is 0, so that a vector can show an illegal ATC_INV changing
 * nothing.
 */
static bool atc_entry_ok(const struct smmu_model *m,
			 const struct nestref_smmuv3_cache_entry *e)
{
	if (e->flags & ~NESTREF_SMMUV3_CE_SSID)
		return false;
	if (e->flags & NESTREF_SMMUV3_CE_SSID) {
		if (!m->f.ssidsize || !ssid_ok(m, e->ssid))
			return false;
	} else if (e->ssid) {
		return false;
	}
	if (e->span < 4096 || (e->span & (e->span - 1)))
		return false;
	return sid_ok(m, e->sid) && !(e->addr & (e->span - 1));
}

/* Fields a kind does not have must be zero, so comparisons stay exact. */
static bool entry_ok(const struct smmu_model *m,
		     const struct nestref_smmuv3_cache_entry *e)
{
	switch (e->kind) {
	case NESTREF_SMMUV3_CACHE_TLB:
		return !e->sid && !e->ssid && !e->addr && !e->span &&
		       tlb_entry_ok(m, e);
	case NESTREF_SMMUV3_CACHE_CFG:
		return !e->vmid && !e->asid && !e->va && !e->level && !e->tg &&
		       !e->addr && !e->span && cfg_entry_ok(m, e);
	case NESTREF_SMMUV3_CACHE_ATC:
		return !e->vmid && !e->asid && !e->va && !e->level && !e->tg &&
		       atc_entry_ok(m, e);
	default:
		return false;
	}
}

static int entry_cmp(const void *a, const void *b)
{
	return nestref_smmuv3_cache_entry_cmp(a, b);
}

/*
 * All or nothing: every entry is checked, and the merged set is built in
 * a new array, before the caches change.  An entry that is already cached
 * (or given twice) is -EEXIST: a cache holds a translation once.
 */
int smmu_caches_fill(struct smmu_model *m,
		     const struct nestref_smmuv3_cache_entry *entries, size_t count)
{
	struct nestref_smmuv3_cache_entry *all;
	size_t i, n;

	if (count && !entries)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (!entry_ok(m, &entries[i]))
			return -EINVAL;
	if (count > SMMU_CACHES_MAX - m->n_ce)
		return -ENOSPC;
	if (!count)
		return 0;
	n = m->n_ce + count;
	all = nestref_malloc(n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	if (m->n_ce)
		memcpy(all, m->ce, m->n_ce * sizeof(*all));
	memcpy(all + m->n_ce, entries, count * sizeof(*all));
	qsort(all, n, sizeof(*all), entry_cmp);
	for (i = 1; i < n; i++) {
		if (!nestref_smmuv3_cache_entry_cmp(&all[i - 1], &all[i])) {
			nestref_free(all);
			return -EEXIST;
		}
	}
	nestref_free(m->ce);
	m->ce = all;
	m->n_ce = n;
	return 0;
}

const struct nestref_smmuv3_cache_entry *smmu_caches(const struct smmu_model *m,
					      size_t *count)
{
	*count = m->n_ce;
	return m->ce;
}

/* Do [a, a_last] and [b, b_last] share an address? */
static bool overlaps(uint64_t a, uint64_t a_last, uint64_t b, uint64_t b_last)
{
	return a <= b_last && b <= a_last;
}

static bool asid_matches(const struct smmu_tlb_scope *s,
			 const struct nestref_smmuv3_cache_entry *e)
{
	bool global = e->flags & NESTREF_SMMUV3_CE_GLOBAL;

	switch (s->asid_match) {
	case SMMU_ASID_NON_GLOBAL:
		return !global && e->asid == s->asid;
	case SMMU_ASID_OR_GLOBAL:
		return global || e->asid == s->asid;
	default:
		return true;
	}
}

/*
 * The level rules of IHI 0070 4.4.1.1: with a TTL hint only leaf entries
 * of that level are required to go; with Leaf 0 the table entries of the
 * levels before it go too, not those at or after it (derived from the
 * note and the TTL 2, Leaf 0 example there).
 */
static bool tlb_matches(const struct smmu_tlb_scope *s,
			const struct nestref_smmuv3_cache_entry *e)
{
	bool walk = e->flags & NESTREF_SMMUV3_CE_WALK;
	uint64_t last;

	if (s->by_vmid && e->vmid != s->vmid)
		return false;
	if (!asid_matches(s, e))
		return false;
	if (!s->by_addr)
		return true;
	if (walk && s->leaf_only)
		return false;
	if (s->granule && e->tg != s->granule)
		return false;
	if (s->ttl && (walk ? e->level >= s->ttl : e->level != s->ttl))
		return false;
	last = e->va + ((UINT64_C(1) << smmu_tlb_block_shift(e->tg, e->level))
			- 1);
	return overlaps(e->va, last, s->first, s->last);
}

static bool cfg_matches(const struct smmu_cfg_scope *s,
			const struct nestref_smmuv3_cache_entry *e)
{
	if (e->sid < s->sid_first || e->sid > s->sid_last)
		return false;
	if (!(e->flags & NESTREF_SMMUV3_CE_SSID))
		return s->stes;
	return s->cds && (!s->one_ssid || e->ssid == s->ssid);
}

static bool atc_matches(const struct smmu_atc_scope *s,
			const struct nestref_smmuv3_cache_entry *e)
{
	if (e->sid != s->sid)
		return false;
	if (s->pasid_only &&
	    (!(e->flags & NESTREF_SMMUV3_CE_SSID) || e->ssid != s->ssid))
		return false;
	return overlaps(e->addr, e->addr + (e->span - 1), s->first, s->last);
}

static bool matches(const struct smmu_scope *s,
		    const struct nestref_smmuv3_cache_entry *e)
{
	if (s->none || e->kind != s->kind)
		return false;
	switch (s->kind) {
	case NESTREF_SMMUV3_CACHE_TLB:
		return tlb_matches(&s->u.tlb, e);
	case NESTREF_SMMUV3_CACHE_CFG:
		return cfg_matches(&s->u.cfg, e);
	default:
		return atc_matches(&s->u.atc, e);
	}
}

/* Removal keeps the survivors in order, so no sort is needed. */
uint32_t smmu_caches_remove(struct smmu_model *m,
			    const struct smmu_scope *scope)
{
	size_t i, kept = 0;
	uint32_t removed = 0;

	for (i = 0; i < m->n_ce; i++) {
		if (matches(scope, &m->ce[i]))
			removed++;
		else
			m->ce[kept++] = m->ce[i];
	}
	m->n_ce = kept;
	return removed;
}

void smmu_caches_free(struct smmu_model *m)
{
	nestref_free(m->ce);
	m->ce = NULL;
	m->n_ce = 0;
}

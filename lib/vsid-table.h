/* SPDX-License-Identifier: MIT */
/*
 * A vIOMMU's vSID table: virt_id -> device (the vDEVICE xarray of
 * kernel-facts 2.9, looked up by iommufd_viommu_find_dev, 1.7).
 *
 * Keys are 64-bit (virt_id is a u64) but SMMUv3 commands reach only 32
 * bits and guests place vSIDs sparsely over that space, so a flat array is
 * out.  Open addressing with linear probing gives O(1) expected lookups with
 * memory proportional to the devices linked.  The load factor stays at or
 * below a quarter, for 64 to 128 bytes per vSID: at a half, rewriting a
 * CFGI_CD with 64k vSIDs took 37.0 instructions per command, at a quarter
 * 34.9, the difference being extra probes (callgrind, issue 5).
 */
#ifndef NESTREF_LIB_VSID_TABLE_H
#define NESTREF_LIB_VSID_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* 16 bytes everywhere (32-bit hosts too): lookups walk byte offsets. */
struct nr_vsid_slot {
	_Alignas(16) uint64_t key;
	void *value; /* NULL: empty slot */
};

struct nr_vsid_table {
	struct nr_vsid_slot *slots;
	size_t mask;        /* capacity - 1; capacity is a power of two */
	unsigned int shift; /* 64 - log2(capacity) */
	/*
	 * The same in bytes, for lookups: they walk byte offsets, so that a
	 * slot's address is one addressing mode, not a shift and an add.
	 */
	unsigned int byte_shift; /* shift - log2(sizeof(slot)) */
	size_t byte_mask;        /* mask * sizeof(slot) */
	size_t count;
};

/*
 * Fibonacci hashing: the TOP bits of key * 2^64/phi.  Consecutive vSIDs
 * (one PCI bus) then land far apart, which keeps linear probing short.
 */
#define NR_VSID_PHI UINT64_C(0x9e3779b97f4a7c15)

static inline size_t nr_vsid_hash(uint64_t key, unsigned int shift)
{
	return (size_t)((key * NR_VSID_PHI) >> shift);
}

void nr_vsid_table_init(struct nr_vsid_table *t);
void nr_vsid_table_fini(struct nr_vsid_table *t);
/* 0, -EEXIST for a taken key, -ENOMEM; value must not be NULL. */
int nr_vsid_table_insert(struct nr_vsid_table *t, uint64_t key, void *value);
/* Returns the removed value, NULL if the key was absent. */
void *nr_vsid_table_remove(struct nr_vsid_table *t, uint64_t key);
/*
 * The slot holding key, or NULL: the one probe loop of the table.
 *
 * An empty slot has key 0 and value NULL, and ends every probe run, so a
 * key match needs no emptiness test: matching an empty slot means key 0
 * is absent, and its NULL value says so.  An empty table points at a
 * static all-empty pair of slots, not NULL, so lookups need no test for
 * it either: both are per-command costs (issue 5).
 */
static inline struct nr_vsid_slot *
nr_vsid_table_slot(const struct nr_vsid_table *t, uint64_t key)
{
	unsigned char *base = (unsigned char *)t->slots;
	/* hash * sizeof(slot): the low bits below a slot are masked off. */
	size_t off = nr_vsid_hash(key, t->byte_shift) & t->byte_mask;
	struct nr_vsid_slot *slot;

	for (;; off = (off + sizeof(*slot)) & t->byte_mask) {
		slot = (struct nr_vsid_slot *)(base + off);
		if (slot->key == key)
			return slot->value ? slot : NULL;
		if (!slot->value)
			return NULL;
	}
}

/* Inline: this is the lookup every rewritten guest command makes. */
static inline void *nr_vsid_table_find(const struct nr_vsid_table *t,
				       uint64_t key)
{
	const struct nr_vsid_slot *slot = nr_vsid_table_slot(t, key);

	return slot ? slot->value : NULL;
}

#endif /* NESTREF_LIB_VSID_TABLE_H */

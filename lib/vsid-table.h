/* SPDX-License-Identifier: MIT */
/*
 * A vIOMMU's vSID table: virt_id -> device (the vDEVICE xarray of
 * kernel-facts 2.9, looked up by iommufd_viommu_find_dev, 1.7).
 *
 * Keys are 64-bit (virt_id is a u64) but SMMUv3 commands reach only 32
 * bits and guests place vSIDs sparsely over that space, so a flat array is
 * out.  Open addressing with linear probing gives O(1) expected lookups with
 * memory proportional to the devices linked; the load factor stays at or
 * below one half.
 */
#ifndef NESTREF_LIB_VSID_TABLE_H
#define NESTREF_LIB_VSID_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct nr_vsid_slot {
	uint64_t key;
	void *value; /* NULL: empty slot */
};

struct nr_vsid_table {
	struct nr_vsid_slot *slots;
	size_t mask;        /* capacity - 1; capacity is a power of two */
	unsigned int shift; /* 64 - log2(capacity) */
	size_t count;
};

/*
 * Fibonacci hashing: the TOP bits of key * 2^64/phi.  Consecutive vSIDs
 * (one PCI bus) then land far apart, which keeps linear probing short.
 */
static inline size_t nr_vsid_hash(uint64_t key, unsigned int shift)
{
	return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> shift);
}

void nr_vsid_table_init(struct nr_vsid_table *t);
void nr_vsid_table_fini(struct nr_vsid_table *t);
/* 0, -EEXIST for a taken key, -ENOMEM; value must not be NULL. */
int nr_vsid_table_insert(struct nr_vsid_table *t, uint64_t key, void *value);
/* Returns the removed value, NULL if the key was absent. */
void *nr_vsid_table_remove(struct nr_vsid_table *t, uint64_t key);
/* The slot holding key, or NULL: the one probe loop of the table. */
static inline struct nr_vsid_slot *
nr_vsid_table_slot(const struct nr_vsid_table *t, uint64_t key)
{
	size_t i;

	if (!t->slots)
		return NULL;
	for (i = nr_vsid_hash(key, t->shift); t->slots[i].value;
	     i = (i + 1) & t->mask)
		if (t->slots[i].key == key)
			return &t->slots[i];
	return NULL;
}

/* Inline: this is the lookup every rewritten guest command makes. */
static inline void *nr_vsid_table_find(const struct nr_vsid_table *t,
				       uint64_t key)
{
	const struct nr_vsid_slot *slot = nr_vsid_table_slot(t, key);

	return slot ? slot->value : NULL;
}

#endif /* NESTREF_LIB_VSID_TABLE_H */

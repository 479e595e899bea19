/* SPDX-License-Identifier: MIT */
/*
 * The vSID table of <nestref/backend.h>: virt_id -> value.  Keys are 64
 * bits (virt_id is a u64) but SMMUv3 commands reach only 32 and guests
 * place vSIDs sparsely, so a flat array is out.  The load factor stays at
 * or below a quarter, 64 to 128 bytes per vSID: at a half, rewriting a
 * CFGI_CD with 64k vSIDs took 37.0 instructions per command, at a quarter
 * 34.9, the difference being extra probes (callgrind, docs/bench.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <nestref/backend.h>

/*
 * What an empty table points at: two empty slots, with a shift of 63 so
 * that every hash lands on one of them.  Never written: the first insert
 * grows the table first.
 */
static struct nestref_vsid_slot nr_vsid_none[2];

/* log2(sizeof(struct nestref_vsid_slot)) */
#define NR_VSID_SLOT_LOG2 4
_Static_assert(sizeof(struct nestref_vsid_slot) == 1u << NR_VSID_SLOT_LOG2,
	       "byte offsets assume 16-byte slots");

static void nr_vsid_table_set(struct nestref_vsid_table *t,
			      struct nestref_vsid_slot *slots, size_t cap,
			      unsigned int shift)
{
	t->slots = slots;
	t->mask = cap - 1;
	t->shift = shift;
	t->byte_shift = shift - NR_VSID_SLOT_LOG2;
	t->byte_mask = (cap - 1) * sizeof(*slots);
}

void nestref_vsid_table_init(struct nestref_vsid_table *t)
{
	nr_vsid_table_set(t, nr_vsid_none, 2, 63);
	t->count = 0;
}

static bool nr_vsid_table_empty(const struct nestref_vsid_table *t)
{
	return t->slots == nr_vsid_none;
}

void nestref_vsid_table_fini(struct nestref_vsid_table *t)
{
	if (!nr_vsid_table_empty(t))
		nestref_free(t->slots);
	nestref_vsid_table_init(t);
}

static void nr_vsid_place(struct nestref_vsid_slot *slots, size_t mask,
			  unsigned int shift, uint64_t key, void *value)
{
	size_t i = nestref_vsid_hash(key, shift);

	while (slots[i].u.value)
		i = (i + 1) & mask;
	slots[i].key = key;
	slots[i].u.value = value;
}

static int nr_vsid_grow(struct nestref_vsid_table *t)
{
	bool empty = nr_vsid_table_empty(t);
	size_t cap = empty ? 16 : (t->mask + 1) * 2;
	unsigned int shift = empty ? 64 - 4 : t->shift - 1;
	struct nestref_vsid_slot *slots;
	size_t i;

	if (cap > SIZE_MAX / sizeof(*slots))
		return -ENOMEM;
	slots = nestref_calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; !empty && i <= t->mask; i++)
		if (t->slots[i].u.value)
			nr_vsid_place(slots, cap - 1, shift, t->slots[i].key,
				      t->slots[i].u.value);
	if (!empty)
		nestref_free(t->slots);
	nr_vsid_table_set(t, slots, cap, shift);
	return 0;
}

int nestref_vsid_table_insert(struct nestref_vsid_table *t, uint64_t key, void *value)
{
	int rc;

	if (nestref_vsid_table_slot(t, key))
		return -EEXIST;
	if (nr_vsid_table_empty(t) || (t->count + 1) * 4 > t->mask + 1) {
		rc = nr_vsid_grow(t);
		if (rc)
			return rc;
	}
	nr_vsid_place(t->slots, t->mask, t->shift, key, value);
	t->count++;
	return 0;
}

/*
 * Backward-shift deletion: later members of the probe run move into the
 * hole when their home slot allows it, so lookups never need tombstones.
 */
void *nestref_vsid_table_remove(struct nestref_vsid_table *t, uint64_t key)
{
	struct nestref_vsid_slot *slot = nestref_vsid_table_slot(t, key);
	size_t hole, i, home;
	void *value;

	if (!slot)
		return NULL;
	value = slot->u.value;
	hole = (size_t)(slot - t->slots);
	i = hole;
	for (;;) {
		i = (i + 1) & t->mask;
		if (!t->slots[i].u.value)
			break;
		home = nestref_vsid_hash(t->slots[i].key, t->shift);
		/* Move i into the hole unless its home lies in (hole, i]. */
		if (((i - home) & t->mask) >= ((i - hole) & t->mask)) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	t->slots[hole].u.value = NULL;
	t->slots[hole].key = 0;
	t->count--;
	return value;
}

/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "vsid-table.h"

/*
 * What an empty table points at: two empty slots, with a shift of 63 so
 * that every hash lands on one of them.  Never written: the first insert
 * grows the table first.
 */
static struct nr_vsid_slot nr_vsid_none[2];

/* log2(sizeof(struct nr_vsid_slot)) */
#define NR_VSID_SLOT_LOG2 4
_Static_assert(sizeof(struct nr_vsid_slot) == 1u << NR_VSID_SLOT_LOG2,
	       "byte offsets assume 16-byte slots");

static void nr_vsid_table_set(struct nr_vsid_table *t,
			      struct nr_vsid_slot *slots, size_t cap,
			      unsigned int shift)
{
	t->slots = slots;
	t->mask = cap - 1;
	t->shift = shift;
	t->byte_shift = shift - NR_VSID_SLOT_LOG2;
	t->byte_mask = (cap - 1) * sizeof(*slots);
}

void nr_vsid_table_init(struct nr_vsid_table *t)
{
	nr_vsid_table_set(t, nr_vsid_none, 2, 63);
	t->count = 0;
}

static bool nr_vsid_table_empty(const struct nr_vsid_table *t)
{
	return t->slots == nr_vsid_none;
}

void nr_vsid_table_fini(struct nr_vsid_table *t)
{
	if (!nr_vsid_table_empty(t))
		free(t->slots);
	nr_vsid_table_init(t);
}

static void nr_vsid_place(struct nr_vsid_slot *slots, size_t mask,
			  unsigned int shift, uint64_t key, void *value)
{
	size_t i = nr_vsid_hash(key, shift);

	while (slots[i].value)
		i = (i + 1) & mask;
	slots[i].key = key;
	slots[i].value = value;
}

static int nr_vsid_grow(struct nr_vsid_table *t)
{
	bool empty = nr_vsid_table_empty(t);
	size_t cap = empty ? 16 : (t->mask + 1) * 2;
	unsigned int shift = empty ? 64 - 4 : t->shift - 1;
	struct nr_vsid_slot *slots;
	size_t i;

	if (cap > SIZE_MAX / sizeof(*slots))
		return -ENOMEM;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; !empty && i <= t->mask; i++)
		if (t->slots[i].value)
			nr_vsid_place(slots, cap - 1, shift, t->slots[i].key,
				      t->slots[i].value);
	if (!empty)
		free(t->slots);
	nr_vsid_table_set(t, slots, cap, shift);
	return 0;
}

int nr_vsid_table_insert(struct nr_vsid_table *t, uint64_t key, void *value)
{
	int rc;

	if (nr_vsid_table_slot(t, key))
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
void *nr_vsid_table_remove(struct nr_vsid_table *t, uint64_t key)
{
	struct nr_vsid_slot *slot = nr_vsid_table_slot(t, key);
	size_t hole, i, home;
	void *value;

	if (!slot)
		return NULL;
	value = slot->value;
	hole = (size_t)(slot - t->slots);
	i = hole;
	for (;;) {
		i = (i + 1) & t->mask;
		if (!t->slots[i].value)
			break;
		home = nr_vsid_hash(t->slots[i].key, t->shift);
		/* Move i into the hole unless its home lies in (hole, i]. */
		if (((i - home) & t->mask) >= ((i - hole) & t->mask)) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	t->slots[hole].value = NULL;
	t->slots[hole].key = 0;
	t->count--;
	return value;
}

/* SPDX-License-Identifier: MIT */
/*
 * One ID space per context (kernel-facts 2.3): IDs 1 .. 0x7fffffff, the
 * lowest free one handed out first (xarray "allocate from 1"), 0 never.
 */
#ifndef NESTREF_LIB_IDS_H
#define NESTREF_LIB_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NR_ID_MAX 0x7fffffffu

struct nr_obj;

/*
 * What a tombstoned slot holds: never a real object, never dereferenced.
 * The slot is taken, so allocation skips it, but lookups find nothing.
 */
extern const char nr_tombstone;
#define NR_TOMBSTONE ((struct nr_obj *)(uintptr_t)&nr_tombstone)

struct nr_ids {
	struct nr_obj **slots; /* slots[id], slots[0] unused */
	size_t cap;
	size_t first_free; /* no free slot below this index */
	size_t count;
};

void nr_ids_init(struct nr_ids *ids);
void nr_ids_fini(struct nr_ids *ids);
/* Stores obj under a new ID: 0, -ENOMEM or -ENOSPC. */
int nr_ids_alloc(struct nr_ids *ids, struct nr_obj *obj, uint32_t *out_id);
void nr_ids_remove(struct nr_ids *ids, uint32_t id);
/*
 * Reserves a free ID for good (iommufd_object_tombstone_user,
 * kernel-facts 2.9): it is never handed out again and nr_ids_get finds
 * nothing there.
 */
void nr_ids_tombstone(struct nr_ids *ids, uint32_t id);
bool nr_ids_is_tombstone(const struct nr_ids *ids, uint32_t id);
/*
 * NULL for 0, an unknown ID or a removed one.  Inline: every call of the
 * API looks an object up, and a call costs more than the lookup under an
 * emulated CPU (docs/bench.md 8.2).
 */
static inline struct nr_obj *nr_ids_get(const struct nr_ids *ids, uint32_t id)
{
	if (id == 0 || id >= ids->cap || ids->slots[id] == NR_TOMBSTONE)
		return NULL;
	return ids->slots[id];
}

#endif /* NESTREF_LIB_IDS_H */

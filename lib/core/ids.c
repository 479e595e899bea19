/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <nestref/backend.h>

#include "ids.h"

const char nr_tombstone;

void nr_ids_init(struct nr_ids *ids)
{
	ids->slots = NULL;
	ids->cap = 0;
	ids->first_free = 1;
	ids->count = 0;
}

void nr_ids_fini(struct nr_ids *ids)
{
	nestref_free(ids->slots);
	nr_ids_init(ids);
}

static int nr_ids_grow(struct nr_ids *ids)
{
	size_t cap = ids->cap ? ids->cap * 2 : 16;
	struct nr_obj **slots;
	size_t i;

	if (cap > (size_t)NR_ID_MAX + 1)
		cap = (size_t)NR_ID_MAX + 1;
	if (cap <= ids->cap)
		return -ENOSPC;
	slots = nestref_realloc(ids->slots, cap * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = ids->cap; i < cap; i++)
		slots[i] = NULL;
	ids->slots = slots;
	ids->cap = cap;
	return 0;
}

int nr_ids_alloc(struct nr_ids *ids, struct nr_obj *obj, uint32_t *out_id)
{
	size_t id = ids->first_free;
	int rc;

	while (id < ids->cap && ids->slots[id])
		id++;
	if (id >= ids->cap) {
		rc = nr_ids_grow(ids);
		if (rc)
			return rc;
	}
	ids->slots[id] = obj;
	ids->first_free = id + 1;
	ids->count++;
	*out_id = (uint32_t)id;
	return 0;
}

void nr_ids_tombstone(struct nr_ids *ids, uint32_t id)
{
	if (id == 0 || id >= ids->cap || ids->slots[id])
		return;
	ids->slots[id] = NR_TOMBSTONE;
}

bool nr_ids_is_tombstone(const struct nr_ids *ids, uint32_t id)
{
	return id != 0 && id < ids->cap && ids->slots[id] == NR_TOMBSTONE;
}

void nr_ids_remove(struct nr_ids *ids, uint32_t id)
{
	if (id == 0 || id >= ids->cap || !ids->slots[id] ||
	    ids->slots[id] == NR_TOMBSTONE)
		return;
	ids->slots[id] = NULL;
	ids->count--;
	/* xarray ALLOC1 hands out the lowest free index: keep it reachable. */
	if (id < ids->first_free)
		ids->first_free = id;
}


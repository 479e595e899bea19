/* SPDX-License-Identifier: MIT */
/*
 * The backend registry: backends found by name (SQLite's VFS registry,
 * style.md 1.7), listed in name order.  The built-in backends come from
 * configure (NESTREF_BUILTINS: one per folder of backends/ not disabled),
 * so the core names none of them; nestref_backend_register() adds more,
 * and so do loadable modules (module.c), whose path each backend keeps as
 * its origin.
 *
 * Registered backends are copied by version (backend.h): the core reads
 * only the slots the backend's version has and sees later ones as NULL.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "internal.h"

#define NR_BACKENDS_MAX 32

#define NR_BUILTIN(sym) extern const struct nestref_backend sym;
NESTREF_BUILTINS
#undef NR_BUILTIN

#define NR_BUILTIN(sym) &(sym),
static const struct nestref_backend *const nr_builtin[] = {
	NESTREF_BUILTINS
	NULL, /* so that a build with every backend disabled has a table */
};
#undef NR_BUILTIN

#define NR_BUILTIN_COUNT (NESTREF_ARRAY_SIZE(nr_builtin) - 1)

/* Not thread-safe by design: register before opening contexts. */
static struct nestref_backend nr_extra[NR_BACKENDS_MAX];
static size_t nr_extra_count;
/* Each one's module path (module.c keeps the strings), NULL if none. */
static const char *nr_extra_origin[NR_BACKENDS_MAX];
/* While a module's init runs: its path, the origin of what it registers. */
static const char *nr_loading;

static const struct nestref_backend *nr_backend_slot(size_t i)
{
	if (i < NR_BUILTIN_COUNT)
		return nr_builtin[i];
	i -= NR_BUILTIN_COUNT;
	return i < nr_extra_count ? &nr_extra[i] : NULL;
}

size_t nestref_backend_count(void)
{
	return NR_BUILTIN_COUNT + nr_extra_count;
}

const struct nestref_backend *nestref_backend_at(size_t i)
{
	size_t n = nestref_backend_count(), j, rank;

	/* Name order without keeping a sorted copy: i-th by rank. */
	for (j = 0; j < n; j++) {
		const struct nestref_backend *b = nr_backend_slot(j);
		size_t k;

		rank = 0;
		for (k = 0; k < n; k++)
			if (strcmp(nr_backend_slot(k)->name, b->name) < 0)
				rank++;
		if (rank == i)
			return b;
	}
	return NULL;
}

const struct nestref_backend *nestref_backend_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < nestref_backend_count(); i++)
		if (strcmp(nr_backend_slot(i)->name, name) == 0)
			return nr_backend_slot(i);
	return NULL;
}

static bool nr_name_ok(const char *name)
{
	const char *p;

	if (!name || !*name)
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-'))
			return false;
	return true;
}

/* The bytes of struct nestref_backend that a version has. */
static size_t nr_backend_size(unsigned int version)
{
	if (version == 1)
		return NESTREF_BACKEND_V1_SIZE;
	if (version == 2)
		return NESTREF_BACKEND_V2_SIZE;
	if (version == 3)
		return NESTREF_BACKEND_V3_SIZE;
	return sizeof(struct nestref_backend);
}

#define NR_STR_(x) #x
#define NR_STR(x) NR_STR_(x)

/* Why copy, a backend read at its version's size, cannot be registered. */
static const char *nr_backend_copy_refusal(const struct nestref_backend *copy)
{
	unsigned int owned;

	if (!nr_name_ok(copy->name))
		return "a bad name (it is [a-z0-9-]+)";
	if (!nestref_backend_profiles(copy))
		return "no profile the library knows";
	/* Queues are the core's or the backend's, never half of each. */
	owned = !!copy->veventq_alloc + !!copy->veventq_read +
		!!copy->veventq_destroy;
	if (owned != 0 && owned != 3)
		return "veventq_alloc, veventq_read and veventq_destroy are set together or not at all (backend.h, version 4)";
	return NULL;
}

/* The checks of nestref_backend_register() but the registry's own. */
static const char *nr_backend_copy(const struct nestref_backend *backend,
				   struct nestref_backend *copy)
{
	/* 0 < version <= ours: an older backend keeps working. */
	if (!backend || backend->version == 0 ||
	    backend->version > NESTREF_BACKEND_VERSION)
		return "a version other than 1 to " NR_STR(NESTREF_BACKEND_VERSION);
	/* Later slots read as NULL for an older version. */
	memset(copy, 0, sizeof(*copy));
	memcpy(copy, backend, nr_backend_size(backend->version));
	return nr_backend_copy_refusal(copy);
}

const char *nr_backend_refusal(const struct nestref_backend *backend)
{
	struct nestref_backend copy;

	return nr_backend_copy(backend, &copy);
}

int nestref_backend_register(const struct nestref_backend *backend)
{
	struct nestref_backend copy;

	if (nr_backend_copy(backend, &copy))
		return -EINVAL;
	if (nestref_backend_find(copy.name))
		return -EEXIST;
	if (nr_extra_count >= NR_BACKENDS_MAX)
		return -ENOSPC;
	nr_extra_origin[nr_extra_count] = nr_loading;
	nr_extra[nr_extra_count++] = copy;
	return 0;
}

const char *nestref_backend_origin(const struct nestref_backend *backend)
{
	size_t i;

	for (i = 0; i < nr_extra_count; i++)
		if (backend == &nr_extra[i])
			return nr_extra_origin[i];
	return NULL;
}

size_t nr_backend_extra_count(void)
{
	return nr_extra_count;
}

const struct nestref_backend *nr_backend_extra(size_t i)
{
	return i < nr_extra_count ? &nr_extra[i] : NULL;
}

void nr_backend_extra_drop(size_t n)
{
	while (nr_extra_count > n) {
		nr_extra_count--;
		nr_extra_origin[nr_extra_count] = NULL;
		memset(&nr_extra[nr_extra_count], 0, sizeof(nr_extra[0]));
	}
}

void nr_backend_loading(const char *origin)
{
	nr_loading = origin;
}

const char *nestref_backend_name(const struct nestref_backend *backend)
{
	return backend->name;
}

const char *nestref_backend_description(const struct nestref_backend *backend)
{
	return backend->description ? backend->description : "";
}

uint32_t nestref_backend_caps(const struct nestref_backend *backend)
{
	return backend->caps;
}

uint32_t nestref_backend_profiles(const struct nestref_backend *backend)
{
	enum nestref_profile p;
	uint32_t bits = 0;
	size_t i;

	if (!backend->profile_names)
		return backend->profiles & NESTREF_PROFILES_ALL;
	/* By name: a profile the library does not know is not an error. */
	for (i = 0; backend->profile_names[i]; i++)
		if (nestref_profile_parse(backend->profile_names[i], &p) == 0)
			bits |= NESTREF_PROFILE_BIT(p);
	return bits;
}

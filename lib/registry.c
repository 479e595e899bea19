/* SPDX-License-Identifier: MIT */
/*
 * The backend registry: backends found by name (SQLite's VFS registry,
 * style.md 1.7), listed in name order.  The built-in backends are always
 * present; nestref_backend_register() adds more.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "registry.h"

#define NR_BACKENDS_MAX 32

static const struct nestref_backend *const nr_builtin[] = {
	&nr_mock_backend,
	&nr_smmuv3_sim_backend,
	&nr_iommufd_backend,
};

#define NR_BUILTIN_COUNT (sizeof(nr_builtin) / sizeof(nr_builtin[0]))

/* Not thread-safe by design: register before opening contexts. */
static const struct nestref_backend *nr_extra[NR_BACKENDS_MAX];
static size_t nr_extra_count;

static const struct nestref_backend *nr_backend_slot(size_t i)
{
	if (i < NR_BUILTIN_COUNT)
		return nr_builtin[i];
	i -= NR_BUILTIN_COUNT;
	return i < nr_extra_count ? nr_extra[i] : NULL;
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

const char *nestref_backend_default(void)
{
	return NR_DEFAULT_BACKEND;
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

int nestref_backend_register(const struct nestref_backend *backend)
{
	if (!backend || backend->version != NESTREF_BACKEND_VERSION ||
	    !nr_name_ok(backend->name) || !backend->profiles)
		return -EINVAL;
	if (nestref_backend_find(backend->name))
		return -EEXIST;
	if (nr_extra_count >= NR_BACKENDS_MAX)
		return -ENOSPC;
	nr_extra[nr_extra_count++] = backend;
	return 0;
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
	return backend->profiles;
}

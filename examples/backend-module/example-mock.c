/* SPDX-License-Identifier: MIT */
/*
 * A backend built outside the nestref tree, against the installed headers
 * only (pkg-config nestref): the iommufd selftest mock's behaviour, for
 * linux-7.2, written as a version-1 backend so that it also shows the
 * version rule (docs/writing-backends.md section 8).  The same file is a
 * loadable module, whose nestref_module_init registers the backend
 * (section 11), and a source linked into a program (run-mock-vectors.c),
 * which calls example_mock_register().
 *
 * Each device keeps four cache words that start at 0xbaddad; a selftest
 * entry {flags, vdev_id, cache_id} clears one word of the device its
 * vdev_id names, or all four with flag bit 0 (docs/spec/kernel-facts.md
 * 5.4, 5.5).
 */
#include <errno.h>
#include <string.h>

#include <nestref/backend.h>

#include "example-mock.h"

enum { WORDS = 4, ENTRY = 12, ALL = 1 };

struct words {
	uint32_t w[WORDS];
};

static int ex_dev_init(struct nestref_dev *dev)
{
	struct words *d = nestref_dev_priv(dev);
	int i;

	for (i = 0; i < WORDS; i++)
		d->w[i] = 0xbaddad;
	return 0;
}

static int ex_set(struct nestref_dev *dev, const void *data)
{
	return nestref_viommu_link(nestref_dev_viommu(dev), nestref_le32(data),
				   dev);
}

static void ex_unset(struct nestref_dev *dev)
{
	nestref_viommu_unlink(nestref_dev_viommu(dev),
			      nestref_dev_virt_id(dev));
}

/* The errno for one entry, in the mock's order of checks; 0 applies it. */
static int ex_apply(struct nestref_viommu *viommu, const unsigned char *e)
{
	uint32_t flags = nestref_le32(e), cache = nestref_le32(e + 8);
	struct nestref_dev *dev;
	struct words *d;

	if (flags & ~(uint32_t)ALL)
		return -EOPNOTSUPP;
	if (cache >= WORDS)
		return -EINVAL;
	dev = nestref_viommu_find_dev(viommu, nestref_le32(e + 4));
	if (!dev)
		return -EINVAL;
	d = nestref_dev_priv(dev);
	if (flags & ALL)
		memset(d->w, 0, sizeof(d->w));
	else
		d->w[cache] = 0;
	return 0;
}

static int ex_invalidate(struct nestref_viommu *viommu,
			 struct nestref_user_array *array)
{
	struct nestref_ctx *ctx = nestref_viommu_ctx(viommu);
	uint64_t bytes = (uint64_t)array->entry_num * ENTRY;
	unsigned char *copy;
	uint32_t done;
	int rc;

	if (!array->entry_num && array->type == 0xdeadbeefu)
		return 0; /* the type probe */
	if (bytes > nestref_ctx_kmalloc_max(ctx))
		return -ENOMEM; /* before anything: entry_num stays */
	/* The library's allocator, never the C library's (section 2). */
	copy = nestref_malloc(bytes ? (size_t)bytes : 1);
	if (!copy)
		return -ENOMEM;
	rc = nestref_user_array_copy(array, 0xdeadbeefu, ENTRY, 0,
				     array->entry_num, copy);
	for (done = 0; !rc && done < array->entry_num; done++) {
		rc = ex_apply(viommu, copy + (size_t)done * ENTRY);
		if (rc)
			break;
	}
	array->entry_num = done;
	nestref_free(copy);
	return rc;
}

static int ex_check(struct nestref_dev *dev, uint32_t index, uint32_t value)
{
	const struct words *d = nestref_dev_priv(dev);

	return index < WORDS && d->w[index] == value ? 0 : -EINVAL;
}

/* Registers the backend through reg (the library's, or a module's). */
static int ex_register(nestref_module_register_fn reg)
{
	static const struct nestref_backend full = {
		.version = 1,
		.name = "example-mock",
		.description = "the selftest mock, built out of tree (version 1)",
		.caps = NESTREF_CAP_INV_SELFTEST | NESTREF_CAP_CHECK_CACHE,
		.profiles = NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_2),
		.dev_priv_size = sizeof(struct words),
		.dev_init = ex_dev_init,
		.set_dev_user_data = ex_set,
		.unset_dev_user_data = ex_unset,
		.dev_user_data_len = 4,
		.cache_invalidate_user = ex_invalidate,
		.check_cache = ex_check,
	};
	struct nestref_backend *v1;
	int rc;

	/* Exactly the version-1 bytes, as a backend built then would have. */
	v1 = nestref_malloc(NESTREF_BACKEND_V1_SIZE);
	if (!v1)
		return -ENOMEM;
	memcpy(v1, &full, NESTREF_BACKEND_V1_SIZE);
	rc = reg(v1);
	nestref_free(v1); /* the library keeps a copy */
	return rc;
}

int example_mock_register(void)
{
	return ex_register(nestref_backend_register);
}

/*
 * The entry point when this file is built as a loadable module,
 * libnestref-example-mock.so (docs/writing-backends.md section 11):
 *   cc -shared -fPIC -o libnestref-example-mock.so example-mock.c \
 *      $(pkg-config --cflags nestref)
 *   nestref run --backend ./libnestref-example-mock.so vectors/mock
 */
int nestref_module_init(unsigned int abi, nestref_module_register_fn reg)
{
	if (abi != NESTREF_MODULE_ABI)
		return -EPROTO;
	return ex_register(reg);
}

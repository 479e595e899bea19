/* SPDX-License-Identifier: MIT */
/* Names of capabilities and errno values, and their parsers. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "internal.h"

const char *nestref_version(void)
{
	return PACKAGE_VERSION;
}

/* The errno values the kernel's iommufd paths return (kernel-facts 8). */
static const struct {
	int err;
	const char *name;
	const char *text;
} nr_errnos[] = {
	{ EPERM, "EPERM", "operation not permitted" },
	{ ENOENT, "ENOENT", "no such object" },
	{ EIO, "EIO", "rejected by the IOMMU driver (I/O error)" },
	{ ENXIO, "ENXIO", "no such device or address" },
	{ E2BIG, "E2BIG", "non-zero bytes beyond what the kernel understands" },
	{ EAGAIN, "EAGAIN", "try again" },
	{ ENOMEM, "ENOMEM", "out of memory" },
	{ EACCES, "EACCES", "permission denied" },
	{ EFAULT, "EFAULT", "bad user memory" },
	{ EBUSY, "EBUSY", "object in use" },
	{ EEXIST, "EEXIST", "already exists" },
	{ ENODEV, "ENODEV", "no such device (backend unavailable)" },
	{ EINVAL, "EINVAL", "invalid argument" },
	{ ENOSPC, "ENOSPC", "no space left" },
	{ ERANGE, "ERANGE", "value out of range" },
	{ ENOTTY, "ENOTTY", "ioctl not supported" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "operation not supported" },
	{ EOVERFLOW, "EOVERFLOW", "arithmetic overflow" },
	{ EMSGSIZE, "EMSGSIZE", "message too long" },
	{ ETIMEDOUT, "ETIMEDOUT", "timed out" },
};

static size_t nr_errno_index(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < NESTREF_ARRAY_SIZE(nr_errnos); i++)
		if (nr_errnos[i].err == err)
			return i;
	return NESTREF_ARRAY_SIZE(nr_errnos);
}

const char *nestref_errno_name(int err)
{
	size_t i = nr_errno_index(err);

	return i < NESTREF_ARRAY_SIZE(nr_errnos) ? nr_errnos[i].name : NULL;
}

const char *nestref_strerror(int err)
{
	size_t i;

	if (err == 0)
		return "success";
	i = nr_errno_index(err);
	return i < NESTREF_ARRAY_SIZE(nr_errnos) ? nr_errnos[i].text
					    : "unknown error";
}

int nestref_errno_parse(const char *name, int *out)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < NESTREF_ARRAY_SIZE(nr_errnos); i++) {
		if (strcmp(nr_errnos[i].name, name) == 0) {
			*out = nr_errnos[i].err;
			return 0;
		}
	}
	return -EINVAL;
}

/* Indexed by bit number of enum nestref_cap (spec/vectors.md section 2). */
static const char *const nr_cap_names[NESTREF_CAP_COUNT] = {
	"inv-arm-smmuv3", "inv-selftest",   "observe-issued",
	"check-cache",    "raw-user-data", "observe-caches",
	"observe-hw-info", "attach-nested", "trigger-vevent",
	"veventq-sequence", "inject-event", /* bit 10: <nestref/smmuv3.h> */
};

const char *nestref_cap_name(uint32_t cap)
{
	unsigned int bit;

	if (cap == 0 || (cap & (cap - 1)))
		return NULL;
	for (bit = 0; bit < NESTREF_CAP_COUNT; bit++)
		if (cap == 1u << bit)
			return nr_cap_names[bit];
	return NULL;
}

int nestref_cap_parse(const char *name, uint32_t *out)
{
	unsigned int bit;

	if (!name)
		return -EINVAL;
	for (bit = 0; bit < NESTREF_CAP_COUNT; bit++) {
		if (strcmp(nr_cap_names[bit], name) == 0) {
			*out = 1u << bit;
			return 0;
		}
	}
	return -EINVAL;
}

/* SPDX-License-Identifier: MIT */
/*
 * The full-array copy helper drivers use on invalidation arrays
 * (iommu_copy_struct_from_full_user_array, kernel-facts 2.6).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* Is [offset, offset + len) inside the readable user buffer? */
static bool nr_user_readable(const struct nestref_user_array *array,
			     uint64_t offset, uint64_t len)
{
	return offset <= array->data_size && len <= array->data_size - offset;
}

static bool nr_all_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

int nestref_user_array_check(const struct nestref_user_array *array,
			     uint32_t type, size_t entry_size, uint32_t first,
			     uint32_t count)
{
	uint64_t len = array->entry_len;
	uint64_t start = (uint64_t)first * len;
	uint32_t i;

	if (array->type != type || array->entry_num == 0 ||
	    first > array->entry_num || count > array->entry_num - first)
		return -EINVAL;
	if (count == 0)
		return 0;
	/* Same size: the kernel copies the range in one go (a fault: EFAULT). */
	if (len == entry_size)
		return array->data && nr_user_readable(array, start,
						       len * count) ?
			       0 :
			       -EFAULT;
	/* Otherwise entry by entry: the first bad entry decides. */
	for (i = 0; i < count; i++) {
		uint64_t off = start + (uint64_t)i * len;

		if (!array->data || !nr_user_readable(array, off, len))
			return -EFAULT;
		if (len > entry_size &&
		    !nr_all_zero((const unsigned char *)array->data + off +
					 entry_size,
				 (size_t)(len - entry_size)))
			return -E2BIG;
	}
	return 0;
}

int nestref_user_array_copy(const struct nestref_user_array *array,
			    uint32_t type, size_t entry_size, uint32_t first,
			    uint32_t count, void *dst)
{
	const unsigned char *src = array->data;
	uint64_t len = array->entry_len;
	uint64_t start = (uint64_t)first * len;
	unsigned char *out = dst;
	uint32_t i;
	int rc;

	/* Every entry is checked before any is handed over. */
	rc = nestref_user_array_check(array, type, entry_size, first, count);
	if (rc || count == 0)
		return rc;
	if (len == entry_size) {
		memcpy(out, src + start, (size_t)(len * count));
		return 0;
	}
	for (i = 0; i < count; i++)
		nr_copy_struct(out + (size_t)i * entry_size, entry_size,
			       src + start + (uint64_t)i * len, (size_t)len);
	return 0;
}

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

int nestref_user_array_copy(const struct nestref_user_array *array,
			    uint32_t type, size_t entry_size, uint32_t first,
			    uint32_t count, void *dst)
{
	const unsigned char *src = array->data;
	uint64_t len = array->entry_len;
	uint64_t start = (uint64_t)first * len;
	unsigned char *out = dst;
	uint32_t i;

	if (array->type != type || array->entry_num == 0 ||
	    first > array->entry_num || count > array->entry_num - first)
		return -EINVAL;
	if (count == 0)
		return 0;
	/* Same size: the kernel copies the range in one go (a fault: EFAULT). */
	if (len == entry_size) {
		if (!src || !nr_user_readable(array, start, len * count))
			return -EFAULT;
		memcpy(out, src + start, (size_t)(len * count));
		return 0;
	}
	/* Otherwise entry by entry; check them all before handing any over. */
	for (i = 0; i < count; i++) {
		uint64_t off = start + (uint64_t)i * len;

		if (!src || !nr_user_readable(array, off, len))
			return -EFAULT;
		if (len > entry_size &&
		    !nr_all_zero(src + off + entry_size,
				 (size_t)(len - entry_size)))
			return -E2BIG;
	}
	for (i = 0; i < count; i++) {
		uint64_t off = start + (uint64_t)i * len;

		/* Cannot fail: every tail was checked above. */
		nr_copy_struct(out + (size_t)i * entry_size, entry_size,
			       src + off, (size_t)len);
	}
	return 0;
}

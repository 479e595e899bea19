/* SPDX-License-Identifier: MIT */
/*
 * User memory with an edge: the core's arrays say how many bytes are
 * readable (data_size) and treat reads past them as EFAULT.  The real
 * kernel faults only on unmapped memory, so the array is copied to the end
 * of a mapping followed by an inaccessible page: a read one byte past
 * data_size faults in the kernel exactly where it would in the core.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "user-buffer.h"

int ifd_user_buffer_map(struct ifd_user_buffer *ub, const void *data,
			size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (size + page - 1) / page * page;
	unsigned char *map;

	ub->map = NULL;
	ub->map_len = 0;
	ub->uptr = NULL;
	if (!data)
		return 0; /* a NULL pointer stays NULL (data_uptr 0) */
	if (len > SIZE_MAX - page)
		return -ENOMEM;
	map = mmap(NULL, len + page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return -errno;
	if (mprotect(map + len, page, PROT_NONE)) {
		int err = errno;

		munmap(map, len + page);
		return -err;
	}
	ub->map = map;
	ub->map_len = len + page;
	ub->uptr = map + len - size;
	if (size)
		memcpy(ub->uptr, data, size);
	return 0;
}

void ifd_user_buffer_unmap(struct ifd_user_buffer *ub)
{
	if (ub->map)
		munmap(ub->map, ub->map_len);
	ub->map = NULL;
	ub->uptr = NULL;
}

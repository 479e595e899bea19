/* SPDX-License-Identifier: MIT */
#ifndef NESTREF_IOMMUFD_USER_BUFFER_H
#define NESTREF_IOMMUFD_USER_BUFFER_H

#include <stddef.h>

struct ifd_user_buffer {
	void *map;
	size_t map_len;
	unsigned char *uptr; /* the copy; uptr + size is the first bad byte */
};

/* Copies size bytes of data (NULL gives a NULL uptr).  0 or -errno. */
int ifd_user_buffer_map(struct ifd_user_buffer *ub, const void *data,
			size_t size);
void ifd_user_buffer_unmap(struct ifd_user_buffer *ub);

#endif /* NESTREF_IOMMUFD_USER_BUFFER_H */

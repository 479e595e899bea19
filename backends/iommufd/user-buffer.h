/* SPDX-License-Identifier: MIT */
#ifndef NESTREF_IOMMUFD_USER_BUFFER_H
#define NESTREF_IOMMUFD_USER_BUFFER_H

#include <stddef.h>

/*
 * A mapping whose last readable byte is followed by an inaccessible page,
 * kept by the context and reused by every call that needs one: made on
 * the first use, remade only when a larger buffer is asked for, unmapped
 * with the context (docs/bench.md 8.2: a mapping per call is what the
 * kernel rows used to measure).
 */
struct ifd_guard {
	unsigned char *map; /* NULL: nothing mapped yet */
	size_t room;        /* bytes before the guard page */
};

/*
 * Where size bytes end exactly at the guard page: *out + size is the
 * first byte the kernel cannot touch.  0 or -errno (the mapping could not
 * be made; the old one, if any, is kept).
 */
int ifd_guard_reserve(struct ifd_guard *g, size_t size, unsigned char **out);
void ifd_guard_free(struct ifd_guard *g);

#endif /* NESTREF_IOMMUFD_USER_BUFFER_H */

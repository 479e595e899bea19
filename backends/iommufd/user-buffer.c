/* SPDX-License-Identifier: MIT */
/*
 * User memory with an edge: the core's arrays say how many bytes are
 * readable (data_size) and treat accesses past them as EFAULT.  The real
 * kernel faults only on unmapped memory, so when a call could reach past
 * data_size, the bytes are placed at the end of a mapping followed by an
 * inaccessible page: the kernel then faults exactly where the core would.
 * The mapping is the context's and is reused (user-buffer.h): mmap,
 * mprotect and munmap on every call cost more than the kernel's own work
 * at small batches (docs/bench.md 8.2).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sys.h"
#include "user-buffer.h"

/* Maps room bytes plus a guard page; 0 or -errno. */
static int ifd_guard_map(struct ifd_guard *g, size_t room, size_t page)
{
	const struct ifd_sys *sys = ifd_sys();
	unsigned char *map;
	int err;

	map = sys->mmap(NULL, room + page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return -errno;
	if (sys->mprotect(map + room, page, PROT_NONE)) {
		err = errno;
		sys->munmap(map, room + page);
		return -err;
	}
	ifd_guard_free(g);
	g->map = map;
	g->room = room;
	return 0;
}

int ifd_guard_reserve(struct ifd_guard *g, size_t size, unsigned char **out)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t room;
	int rc;

	if (!g->map || size > g->room) {
		if (size > SIZE_MAX - 2 * page)
			return -ENOMEM;
		room = (size + page - 1) / page * page;
		/* A first mapping of at least a page: size 0 needs one too. */
		rc = ifd_guard_map(g, room ? room : page, page);
		if (rc)
			return rc;
	}
	*out = g->map + g->room - size;
	return 0;
}

void ifd_guard_free(struct ifd_guard *g)
{
	if (g->map)
		ifd_sys()->munmap(g->map,
				  g->room + (size_t)sysconf(_SC_PAGESIZE));
	g->map = NULL;
	g->room = 0;
}

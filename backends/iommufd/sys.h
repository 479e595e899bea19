/* SPDX-License-Identifier: MIT */
/*
 * The only way the iommufd backend reaches the kernel: one small table of
 * system calls, so that unit tests can put a fake kernel behind it and
 * check every ioctl argument the backend builds (issue 4).
 */
#ifndef NESTREF_IOMMUFD_SYS_H
#define NESTREF_IOMMUFD_SYS_H

#include <sys/types.h>

struct ifd_sys {
	/* Like open(2), close(2), ioctl(2), read(2): -1 and errno on failure. */
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	int (*ioctl)(int fd, unsigned long request, void *arg);
	/* A vEVENTQ's records (kernel-facts 2.12). */
	ssize_t (*read)(int fd, void *buf, size_t count);
	/*
	 * Like mmap(2), mprotect(2), munmap(2): the guarded user buffer
	 * (user-buffer.c), so that tests can count the mappings it makes.
	 */
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off);
	int (*mprotect)(void *addr, size_t len, int prot);
	int (*munmap)(void *addr, size_t len);
};

/*
 * The table in use; the real system calls unless a test replaced it.
 * Read inline: it is on the path of every invalidation (docs/bench.md 8.2).
 */
extern const struct ifd_sys *ifd_current;

static inline const struct ifd_sys *ifd_sys(void)
{
	return ifd_current;
}
/* For tests: NULL restores the real system calls. */
void ifd_sys_set(const struct ifd_sys *sys);

#endif /* NESTREF_IOMMUFD_SYS_H */

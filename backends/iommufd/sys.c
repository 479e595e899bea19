/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sys.h"

static int ifd_real_open(const char *path, int flags)
{
	return open(path, flags | O_CLOEXEC);
}

static int ifd_real_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

static const struct ifd_sys ifd_real = {
	.open = ifd_real_open,
	.close = close,
	.ioctl = ifd_real_ioctl,
	.read = read,
	.mmap = mmap,
	.mprotect = mprotect,
	.munmap = munmap,
};

const struct ifd_sys *ifd_current = &ifd_real;

void ifd_sys_set(const struct ifd_sys *sys)
{
	ifd_current = sys ? sys : &ifd_real;
}

/* SPDX-License-Identifier: MIT */
/* The fake kernel of tests/fake-kernel.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backends/iommufd/uapi.h"
#include "fake-kernel.h"

struct fake_kernel fk;

void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.next_id = 1;
	fk.probe_errno = EOPNOTSUPP;
	fk.inv_entry_num = ~0u;
}

static int fake_open(const char *path, int flags)
{
	(void)flags;
	if (strcmp(path, "/dev/iommu") == 0 || strcmp(path, "/other/iommu") == 0) {
		if (fk.open_errno) {
			errno = fk.open_errno;
			return -1;
		}
		return FAKE_IOMMUFD;
	}
	if (strncmp(path, "/fake/vfio", 10) == 0)
		return FAKE_VFIO_BASE + atoi(path + 10);
	errno = ENOENT;
	return -1;
}

static int fake_close(int fd)
{
	if (fk.n_closed < 16)
		fk.closed[fk.n_closed++] = fd;
	return 0;
}

static size_t fake_arg_len(unsigned long req)
{
	switch (req) {
	case NR_IOMMU_DESTROY: return sizeof(struct nr_iommu_destroy);
	case NR_IOMMU_IOAS_ALLOC: return sizeof(struct nr_iommu_ioas_alloc);
	case NR_IOMMU_HWPT_ALLOC: return sizeof(struct nr_iommu_hwpt_alloc);
	case NR_IOMMU_VIOMMU_ALLOC: return sizeof(struct nr_iommu_viommu_alloc);
	case NR_IOMMU_VDEVICE_ALLOC: return sizeof(struct nr_iommu_vdevice_alloc);
	case NR_IOMMU_VEVENTQ_ALLOC: return sizeof(struct nr_iommu_veventq_alloc);
	case NR_IOMMU_HWPT_INVALIDATE: return sizeof(struct nr_iommu_hwpt_invalidate);
	case NR_IOMMU_TEST_CMD: return sizeof(struct nr_iommu_test_cmd);
	case NR_VFIO_DEVICE_BIND_IOMMUFD: return sizeof(struct nr_vfio_device_bind_iommufd);
	case NR_VFIO_DEVICE_ATTACH_IOMMUFD_PT: return sizeof(struct nr_vfio_device_attach_iommufd_pt);
	case NR_VFIO_DEVICE_DETACH_IOMMUFD_PT: return sizeof(struct nr_vfio_device_detach_iommufd_pt);
	}
	return 0;
}

static int fake_fail(int err)
{
	errno = err;
	return -1;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	struct fake_call *c = &fk.calls[fk.n < 64 ? fk.n++ : 63];
	size_t len = fake_arg_len(req);

	if (!len) {
		fake_kernel_unknown(req);
		return fake_fail(ENOTTY);
	}
	c->fd = fd;
	c->req = req;
	memcpy(c->arg, arg, len);
	/* The availability probe (TEST_CMD op 0) answers as probe_errno. */
	if (req == fk.fail_req && fk.fail_errno &&
	    !(req == NR_IOMMU_TEST_CMD && ((struct nr_iommu_test_cmd *)arg)->op == 0))
		return fake_fail(fk.fail_errno);
	switch (req) {
	case NR_IOMMU_TEST_CMD: {
		struct nr_iommu_test_cmd *t = arg;

		if (t->op == 0)
			return fake_fail(fk.probe_errno);
		if (t->op == NR_IOMMU_TEST_OP_MOCK_DOMAIN) {
			t->mock_domain.out_stdev_id = fk.next_id++;
			t->mock_domain.out_hwpt_id = fk.next_id++;
			t->mock_domain.out_idev_id = fk.next_id++;
		}
		return 0;
	}
	case NR_IOMMU_IOAS_ALLOC:
		((struct nr_iommu_ioas_alloc *)arg)->out_ioas_id = fk.next_id++;
		return 0;
	case NR_IOMMU_HWPT_ALLOC:
		((struct nr_iommu_hwpt_alloc *)arg)->out_hwpt_id = fk.next_id++;
		return 0;
	case NR_IOMMU_VIOMMU_ALLOC:
		((struct nr_iommu_viommu_alloc *)arg)->out_viommu_id = fk.next_id++;
		return 0;
	case NR_IOMMU_VDEVICE_ALLOC:
		((struct nr_iommu_vdevice_alloc *)arg)->out_vdevice_id = fk.next_id++;
		return 0;
	case NR_VFIO_DEVICE_BIND_IOMMUFD:
		((struct nr_vfio_device_bind_iommufd *)arg)->out_devid = fk.next_id++;
		return 0;
	case NR_IOMMU_VEVENTQ_ALLOC: {
		struct nr_iommu_veventq_alloc *q = arg;

		q->out_veventq_id = fk.next_id++;
		q->out_veventq_fd = (uint32_t)(FAKE_VEVENTQ_BASE + fk.n_veventqs++);
		return 0;
	}
	case NR_IOMMU_HWPT_INVALIDATE: {
		struct nr_iommu_hwpt_invalidate *inv = arg;
		size_t n = (size_t)inv->entry_len * inv->entry_num;
		size_t peek = fk.inv_peek && fk.inv_peek < sizeof(c->data) ?
				      fk.inv_peek : sizeof(c->data);

		if (n > peek)
			n = peek;
		if (inv->data_uptr && n)
			memcpy(c->data, (void *)(uintptr_t)inv->data_uptr, n);
		if (fk.inv_entry_num != ~0u)
			inv->entry_num = fk.inv_entry_num;
		return fk.inv_errno ? fake_fail(fk.inv_errno) : 0;
	}
	}
	return 0;
}

/* The caller's buffer must take read_len bytes: the fake cannot fault. */
static ssize_t fake_read(int fd, void *buf, size_t count)
{
	size_t n = fk.read_len < count ? fk.read_len : count;

	fk.n_reads++;
	fk.read_fd = fd;
	fk.read_buf = buf;
	fk.read_count = count;
	if (fk.read_errno)
		return fake_fail(fk.read_errno);
	memcpy(buf, fk.read_bytes, n);
	return (ssize_t)n;
}

static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	void *map;

	if (fk.mmap_errno) {
		errno = fk.mmap_errno;
		return MAP_FAILED;
	}
	map = mmap(addr, len, prot, flags, fd, off);

	if (map != MAP_FAILED) {
		fk.n_mmaps++;
		fk.last_map = map;
		fk.last_map_len = len;
	}
	return map;
}

static int fake_munmap(void *addr, size_t len)
{
	fk.n_munmaps++;
	return munmap(addr, len);
}

const struct ifd_sys fake_sys = {
	.open = fake_open,
	.close = fake_close,
	.ioctl = fake_ioctl,
	.read = fake_read,
	.mmap = fake_mmap,
	.mprotect = mprotect,
	.munmap = fake_munmap,
};

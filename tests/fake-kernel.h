/* SPDX-License-Identifier: MIT */
/*
 * A fake kernel behind the iommufd backend's system-call table
 * (backends/iommufd/sys.h): /dev/iommu and /fake/vfioN open, every ioctl
 * the backend makes is recorded with its argument and answered with IDs
 * counted from 1, and one request can be told to fail.  A vEVENTQ's
 * descriptor is FAKE_VEVENTQ_BASE plus the number of queues made before;
 * a read(2) of any descriptor answers read_bytes (at most its count), or
 * fails with read_errno.  mmap, mprotect and munmap are the real ones,
 * counted.  Shared by
 * tests/check-iommufd.c, which checks every argument, and
 * tests/check-failnth.c, which fails the backend's allocations behind it.
 */
#ifndef NESTREF_TESTS_FAKE_KERNEL_H
#define NESTREF_TESTS_FAKE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "backends/iommufd/sys.h"

#define FAKE_IOMMUFD 10
#define FAKE_VFIO_BASE 20
#define FAKE_VEVENTQ_BASE 30

struct fake_call {
	int fd;
	unsigned long req;
	unsigned char arg[80];
	unsigned char data[32]; /* HWPT_INVALIDATE: the first bytes read */
};

struct fake_kernel {
	struct fake_call calls[64];
	size_t n;
	int closed[16];
	size_t n_closed;
	uint32_t next_id;
	int open_errno;          /* for /dev/iommu */
	int probe_errno;         /* TEST_CMD with op 0 */
	unsigned long fail_req;  /* this request fails ... */
	int fail_errno;          /* ... with this errno */
	uint32_t inv_entry_num;  /* written back by HWPT_INVALIDATE */
	int inv_errno;
	int n_veventqs;          /* VEVENTQ_ALLOCs answered */
	unsigned char read_bytes[64]; /* what a read(2) answers */
	size_t read_len;
	int read_errno;          /* non-zero: read(2) fails with it */
	size_t n_reads;          /* the last read(2): */
	int read_fd;
	const void *read_buf;
	size_t read_count;
	/* HWPT_INVALIDATE reads at most this many bytes of the array into
	 * the call's data (0: sizeof(data)); a short array's read must stop
	 * before the guard page, as the fake cannot fault. */
	size_t inv_peek;
	/* The guarded user buffer's system calls (real ones, counted). */
	size_t n_mmaps, n_munmaps;
	int mmap_errno; /* non-zero: mmap(2) fails with it */
	void *last_map;
	size_t last_map_len;
};

extern struct fake_kernel fk;
extern const struct ifd_sys fake_sys;

/* Forgets every call and knob: the next ID is 1, the probe EOPNOTSUPP. */
void fake_reset(void);

/*
 * Called for an ioctl the fake does not know (it then fails with
 * ENOTTY); each program that links the fake defines it.
 */
void fake_kernel_unknown(unsigned long req);

#endif /* NESTREF_TESTS_FAKE_KERNEL_H */

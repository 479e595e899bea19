// SPDX-License-Identifier: MIT
/*
 * QEMU's `edu` device (hw/misc/edu.c) driven from user space through
 * VFIO.  What the device offers, as QEMU 11.1 implements it:
 *  - BAR0, 1 MiB of registers: 0x00 identification (0x010000ed), DMA
 *    source at 0x80, destination at 0x88, count at 0x90 and command at
 *    0x98, each 4 or 8 bytes wide;
 *  - a command of 1 (run, direction 0) copies count bytes from the bus
 *    address in the source register into the device's own 4 KiB buffer,
 *    which it addresses as 0x40000 to 0x40fff, 100 ms of QEMU's virtual
 *    time after the write; the run bit clears when the copy is done,
 *    whether or not the IOMMU let it through;
 *  - bus addresses are cut to the device's DMA mask, 28 bits.
 */
#include "config.h"

#include <errno.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu-dma.h"

#define EDU_ID 0x00
#define EDU_ID_VALUE 0x010000edu
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_RUN 0x1u
#define EDU_BUF_START 0x40000u
#define EDU_BUF_SIZE 4096u
#define EDU_DMA_MASK ((1ull << 28) - 1)
#define EDU_MIN_BAR0 (EDU_DMA_CMD + 8)

static uint32_t rd32(const struct edu *edu, size_t off)
{
	return *(volatile uint32_t *)(edu->bar0 + off);
}

static void wr64(struct edu *edu, size_t off, uint64_t v)
{
	*(volatile uint64_t *)(edu->bar0 + off) = v;
}

static int region(int fd, uint32_t index, struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, info)) {
		int err = errno;

		fprintf(stderr, "edu: VFIO_DEVICE_GET_REGION_INFO %u: %s\n",
			index, strerror(err));
		return -err;
	}
	return 0;
}

/* PCI_COMMAND through the config region: vfio-pci enables the device
 * but leaves bus mastering, without which QEMU drops the device's DMA
 * before it reaches the IOMMU, to its user. */
static int enable_master(struct edu *edu)
{
	struct vfio_region_info cfg;
	uint16_t cmd;
	int rc = region(edu->fd, VFIO_PCI_CONFIG_REGION_INDEX, &cfg);

	if (rc)
		return rc;
	if (pread(edu->fd, &cmd, sizeof(cmd), (off_t)cfg.offset + PCI_COMMAND) !=
	    sizeof(cmd)) {
		rc = -errno;
		fprintf(stderr, "edu: reading PCI_COMMAND: %s\n", strerror(-rc));
		return rc;
	}
	edu->command = cmd;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(edu->fd, &cmd, sizeof(cmd), (off_t)cfg.offset + PCI_COMMAND) !=
	    sizeof(cmd)) {
		rc = -errno;
		fprintf(stderr, "edu: writing PCI_COMMAND: %s\n", strerror(-rc));
		return rc;
	}
	return 0;
}

int edu_open(struct edu *edu, int fd)
{
	struct vfio_region_info bar;
	uint32_t id;
	int rc;

	edu->fd = fd;
	edu->bar0 = MAP_FAILED;
	rc = region(fd, VFIO_PCI_BAR0_REGION_INDEX, &bar);
	if (rc)
		return rc;
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) ||
	    bar.size < EDU_MIN_BAR0) {
		fprintf(stderr, "edu: BAR0 of %llu bytes, flags 0x%x: not an edu BAR that maps\n",
			(unsigned long long)bar.size, bar.flags);
		return -ENODEV;
	}
	edu->bar0_size = (size_t)bar.size;
	edu->bar0 = mmap(NULL, edu->bar0_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, (off_t)bar.offset);
	if (edu->bar0 == MAP_FAILED) {
		rc = -errno;
		fprintf(stderr, "edu: mmap of BAR0: %s\n", strerror(-rc));
		return rc;
	}
	rc = enable_master(edu);
	if (rc)
		goto err_unmap;
	id = rd32(edu, EDU_ID);
	if (id != EDU_ID_VALUE) {
		fprintf(stderr, "edu: identification 0x%08x, not 0x%08x\n", id,
			EDU_ID_VALUE);
		rc = -ENODEV;
		goto err_unmap;
	}
	return 0;

err_unmap:
	munmap((void *)edu->bar0, edu->bar0_size);
	edu->bar0 = MAP_FAILED;
	return rc;
}

void edu_close(struct edu *edu)
{
	if (edu->bar0 != MAP_FAILED)
		munmap((void *)edu->bar0, edu->bar0_size);
	edu->bar0 = MAP_FAILED;
}

static unsigned int ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned int)((t.tv_sec - t0->tv_sec) * 1000 +
			      (t.tv_nsec - t0->tv_nsec) / 1000000);
}

int edu_dma_from(struct edu *edu, uint64_t iova, uint32_t count,
		 unsigned int timeout_ms, unsigned int *waited_ms)
{
	static const struct timespec tick = { 0, 5 * 1000 * 1000 };
	struct timespec t0;

	/* Past the buffer the device would write beyond its own array; past
	 * the mask it would go to another address than the one asked. */
	if (!count || count > EDU_BUF_SIZE || (iova & ~EDU_DMA_MASK)) {
		fprintf(stderr, "edu: a DMA of %u bytes from 0x%llx does not fit the device\n",
			count, (unsigned long long)iova);
		return -EINVAL;
	}
	wr64(edu, EDU_DMA_SRC, iova);
	wr64(edu, EDU_DMA_DST, EDU_BUF_START);
	wr64(edu, EDU_DMA_COUNT, count);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wr64(edu, EDU_DMA_CMD, EDU_DMA_RUN);
	while (rd32(edu, EDU_DMA_CMD) & EDU_DMA_RUN) {
		if (ms_since(&t0) >= timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
	*waited_ms = ms_since(&t0);
	return 0;
}

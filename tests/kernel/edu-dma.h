/* SPDX-License-Identifier: MIT */
/*
 * QEMU's `edu` PCI device through its VFIO cdev (tests/kernel/edu-dma.c):
 * its BAR0 mapped, bus mastering on, and one DMA started from an IOVA
 * into the device's own buffer.  For tests/kernel/edu-fault.c.
 */
#ifndef NESTREF_EDU_DMA_H
#define NESTREF_EDU_DMA_H

#include <stddef.h>
#include <stdint.h>

struct edu {
	int fd;                 /* the device's cdev, bound to an iommufd */
	volatile uint8_t *bar0; /* MAP_FAILED until edu_open */
	size_t bar0_size;
	uint16_t command;       /* PCI_COMMAND as edu_open found it */
};

/*
 * Maps BAR0 of the cdev fd (VFIO_DEVICE_GET_REGION_INFO, mmap), checks
 * that the device is an edu (its identification register), and turns on
 * memory decoding and bus mastering in its config space, which vfio-pci
 * leaves to user space.  0, or -errno after a line on stderr.
 */
int edu_open(struct edu *edu, int fd);
void edu_close(struct edu *edu);

/*
 * Starts a DMA of count bytes from iova into the device's buffer and waits
 * up to timeout_ms for the device to say it is done (the DMA runs 100 ms of
 * QEMU's virtual time after the start).  0 with the time it took in
 * *waited_ms, -ETIMEDOUT, or -EINVAL for a count the buffer cannot take.
 */
int edu_dma_from(struct edu *edu, uint64_t iova, uint32_t count,
		 unsigned int timeout_ms, unsigned int *waited_ms);

#endif /* NESTREF_EDU_DMA_H */

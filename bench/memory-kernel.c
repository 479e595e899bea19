/* SPDX-License-Identifier: MIT */
/*
 * What one vDEVICE costs the kernel, for the same vSIDs as the bench's
 * worlds (kernel-facts 2.14): the memory rows' yardstick.
 *
 *  - struct iommufd_vdevice, 48 bytes on a 64-bit kernel, neither the
 *    mock nor arm-smmu-v3 asking for more (vdevice_size unset), comes
 *    from kzalloc and so from the kmalloc-64 size class;
 *  - its object ID takes a slot of ictx->objects, an allocating xarray:
 *    IDs are dense, so a leaf node of 64 slots (576 bytes) serves 64 of
 *    them, 9 bytes each;
 *  - its virt_id indexes viommu->vdevs: an xarray node per 6 bits of the
 *    index at each level from the root down, shared by the entries under
 *    the same prefix.  Sparse 32-bit vSIDs share few: this counts the
 *    nodes the first n vSIDs of the worlds need.
 */
#include <errno.h>
#include <stdlib.h>

#include "bench.h"

/* include/linux/xarray.h: XA_CHUNK_SHIFT 6, sizeof(struct xa_node). */
#define XA_CHUNK_SHIFT 6u
#define XA_NODE_BYTES 576.0
#define XA_CHUNK_SIZE 64.0
/* kmalloc-64: sizeof(struct iommufd_vdevice) is 48. */
#define VDEVICE_SLAB_BYTES 64.0

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * The nodes of an xarray holding the sorted, distinct, non-zero indexes
 * v[0..n): the root's shift is the least multiple of 6 that leaves the
 * largest index one slot of the root, and the level of shift s has a node
 * for each distinct v >> (s + 6).
 */
static uint64_t xa_nodes(const uint32_t *v, uint32_t n)
{
	uint64_t nodes = 0;
	unsigned int shift, top = 0;
	uint32_t i;

	while (top + XA_CHUNK_SHIFT < 32 && (v[n - 1] >> (top + XA_CHUNK_SHIFT)))
		top += XA_CHUNK_SHIFT;
	for (shift = 0; shift <= top; shift += XA_CHUNK_SHIFT) {
		unsigned int s = shift + XA_CHUNK_SHIFT;

		/* 64-bit shifts: the root's s is 36 for 32-bit indexes. */
		for (i = 0; i < n; i++)
			nodes += i == 0 ||
				 (uint64_t)v[i] >> s != (uint64_t)v[i - 1] >> s;
	}
	return nodes;
}

int bench_kernel_vdevice_cost(uint32_t n, struct bench_kernel_vdevice *out)
{
	uint32_t *v, i;

	*out = (struct bench_kernel_vdevice){ 0 };
	if (!n)
		return -EINVAL;
	v = malloc((size_t)n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = bench_vsid_of(i);
	qsort(v, n, sizeof(*v), cmp_u32);
	out->vdevs_nodes = xa_nodes(v, n);
	free(v);
	out->object = VDEVICE_SLAB_BYTES;
	out->objects_xa = XA_NODE_BYTES / XA_CHUNK_SIZE;
	out->vdevs_xa = XA_NODE_BYTES * (double)out->vdevs_nodes / n;
	out->total = out->object + out->objects_xa + out->vdevs_xa;
	return 0;
}

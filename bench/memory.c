/* SPDX-License-Identifier: MIT */
/*
 * Memory per linked device and per vIOMMU (issue 15 point 4;
 * docs/bench.md section 11).
 *
 * Each row builds a world of its own under a counting allocator
 * (nestref_set_allocator, nestref.h): a context, one vIOMMU, `populated`
 * devices, then the user data linking each to its vSID, with the same
 * pSIDs and vSIDs as the timed worlds (workloads.c).  The counter adds
 * malloc_usable_size() of every block the library and the backend hold:
 * what malloc really granted them (rounding included), and nothing of the
 * bench's own arrays or of jansson.  mallinfo2() is read at the same
 * steps as malloc's own view (its chunk headers and the bench's arrays
 * included).  The timed runs do not pay for the counter: it is installed
 * only while the memory rows are built, when no other context is open.
 *
 *   per device  = (devices added) / populated
 *   per vDEVICE = (linked) / populated: the core's vDEVICE object, its ID
 *                 slot, its vSID table slot, and the backend's share (the
 *                 modelled SMMU's stream table entry and its index, on
 *                 smmuv3-sim).
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "bench.h"

#define MEMORY_VMID 1u
/* From here on the per-vDEVICE figure is followed as the tables grow. */
#define MEMORY_GROWTH_FROM 1024u

static const char *const memory_backends[] = { "mock", "smmuv3-sim" };
static const uint32_t memory_pops[] = { 1, 1024, 65536, 1048576 };
static const uint32_t memory_quick_pops[] = { 1, 64 };

/* What the library holds, counted by the allocator below. */
struct memory_counter {
	int64_t bytes;
	int64_t blocks;
};

static struct memory_counter counter;

static void *count_alloc(void *opaque, size_t size)
{
	void *p = malloc(size);

	(void)opaque;
	if (p) {
		counter.bytes += (int64_t)malloc_usable_size(p);
		counter.blocks++;
	}
	return p;
}

static void *count_resize(void *opaque, void *ptr, size_t size)
{
	int64_t old = (int64_t)malloc_usable_size(ptr);
	void *p = realloc(ptr, size);

	(void)opaque;
	if (p)
		counter.bytes += (int64_t)malloc_usable_size(p) - old;
	return p;
}

static void count_release(void *opaque, void *ptr)
{
	(void)opaque;
	counter.bytes -= (int64_t)malloc_usable_size(ptr);
	counter.blocks--;
	free(ptr);
}

static const struct nestref_allocator memory_allocator = {
	.alloc = count_alloc,
	.resize = count_resize,
	.release = count_release,
};

/* malloc's own count of what is in use, or -1 where there is none. */
static int64_t malloc_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2 mi = mallinfo2();

	return (int64_t)(mi.uordblks + mi.hblkhd);
#else
	return -1;
#endif
}

int bench_memory_plan(struct bench_memory_run *run,
		      const struct bench_options *opts)
{
	const uint32_t *pops = opts->quick ? memory_quick_pops : memory_pops;
	size_t n_pops = opts->quick ? sizeof(memory_quick_pops) /
					      sizeof(*memory_quick_pops) :
				      sizeof(memory_pops) / sizeof(*memory_pops);
	size_t b, p;

	run->rows = NULL;
	run->n = 0;
	/* The kernel suite's sizes are the kernel's; memory is the full run's. */
	if (opts->suite != BENCH_SUITE_FULL ||
	    !bench_only_names(opts->only, BENCH_MEMORY))
		return 0;
	run->rows = calloc(n_pops * 2, sizeof(*run->rows));
	if (!run->rows)
		return -ENOMEM;
	for (b = 0; b < 2; b++)
		for (p = 0; p < n_pops; p++)
			run->rows[run->n++] = (struct bench_memory){
				.backend = memory_backends[b],
				/* The rules that change no allocation. */
				.profile = NESTREF_PROFILE_LINUX_7_4,
				.populated = pops[p],
			};
	return 0;
}

void bench_memory_free(struct bench_memory_run *run)
{
	free(run->rows);
	run->rows = NULL;
	run->n = 0;
}

static void memory_err(struct bench_memory *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void memory_err(struct bench_memory *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
}

/* Follows the bytes per vDEVICE from g->from links on; *sum adds them up
 * for the mean. */
static void growth_add(struct bench_memory_growth *g, double *sum,
		       int64_t bytes, uint32_t linked)
{
	double per = (double)bytes / linked;

	if (linked < g->from)
		return;
	if (!g->measured || per < g->min)
		g->min = per;
	if (!g->measured || per > g->max)
		g->max = per;
	*sum += per;
	g->measured = true;
}

static int memory_link(struct nestref_ctx *ctx, uint32_t viommu_id,
		       const uint32_t *dev_ids, struct bench_memory *m,
		       int64_t base)
{
	unsigned char data[4];
	double sum = 0;
	uint32_t i;
	int rc;

	m->growth.from = MEMORY_GROWTH_FROM;
	for (i = 0; i < m->populated; i++) {
		nestref_le_put(data, sizeof(data), bench_vsid_of(i));
		rc = nestref_set_dev_user_data(ctx, viommu_id, dev_ids[i], data,
					       sizeof(data), NULL);
		if (rc) {
			memory_err(m, "%s: linking device %u (vSID 0x%x): %s",
				   m->backend, i, bench_vsid_of(i),
				   nestref_ctx_message(ctx));
			return rc;
		}
		growth_add(&m->growth, &sum, counter.bytes - base, i + 1);
	}
	if (m->growth.measured)
		m->growth.mean = sum / (m->populated - MEMORY_GROWTH_FROM + 1);
	return 0;
}

/* Builds m's world step by step and notes each step's bytes. */
static int memory_world(struct bench_memory *m, uint32_t *dev_ids)
{
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.profile = m->profile,
		.backend = m->backend,
	};
	const struct nestref_backend *be = nestref_backend_find(m->backend);
	struct nestref_ctx *ctx = NULL;
	int64_t mark, blocks, mall;
	uint32_t viommu_id, i;
	char msg[256];
	int rc;

	m->dev_priv_size = be ? be->dev_priv_size : 0;
	rc = nestref_ctx_new(&ctx, &opts, msg, sizeof(msg));
	if (rc) {
		memory_err(m, "%s: opening a context: %s", m->backend, msg);
		return rc;
	}
	m->context = counter.bytes;
	rc = nestref_viommu_alloc(ctx, MEMORY_VMID, &viommu_id);
	if (rc) {
		memory_err(m, "%s: vIOMMU: %s", m->backend,
			   nestref_ctx_message(ctx));
		goto out;
	}
	m->viommu = counter.bytes - m->context;
	mark = counter.bytes;
	blocks = counter.blocks;
	mall = malloc_in_use();
	for (i = 0; i < m->populated; i++) {
		rc = nestref_dev_add(ctx, bench_psid_of(i), &dev_ids[i]);
		if (rc) {
			memory_err(m, "%s: device %u: %s", m->backend, i,
				   nestref_ctx_message(ctx));
			goto out;
		}
	}
	m->devices = counter.bytes - mark;
	m->devices_blocks = counter.blocks - blocks;
	m->malloc_devices = malloc_in_use() - mall;
	mark = counter.bytes;
	blocks = counter.blocks;
	mall = malloc_in_use();
	rc = memory_link(ctx, viommu_id, dev_ids, m, mark);
	if (rc)
		goto out;
	m->linked = counter.bytes - mark;
	m->linked_blocks = counter.blocks - blocks;
	m->malloc_linked = malloc_in_use() - mall;
	m->malloc_measured = mall >= 0;
	m->per_device = (double)m->devices / m->populated;
	m->per_vdevice = (double)m->linked / m->populated;
out:
	nestref_ctx_free(ctx);
	return rc;
}

static int memory_row(struct bench_memory *m)
{
	uint32_t *dev_ids = calloc(m->populated, sizeof(*dev_ids));
	int rc;

	if (!dev_ids) {
		memory_err(m, "out of memory for %u devices", m->populated);
		return -ENOMEM;
	}
	counter = (struct memory_counter){ 0 };
	nestref_set_allocator(&memory_allocator);
	rc = memory_world(m, dev_ids);
	nestref_set_allocator(NULL);
	free(dev_ids);
	/* Everything the world held is given back with the context. */
	if (!rc && (counter.bytes || counter.blocks)) {
		memory_err(m, "%s: %lld bytes in %lld blocks still held after the context was freed",
			   m->backend, (long long)counter.bytes,
			   (long long)counter.blocks);
		rc = -EIO;
	}
	if (!rc)
		rc = bench_kernel_vdevice_cost(m->populated, &m->kernel);
	if (rc == -ENOMEM && !m->error[0])
		memory_err(m, "out of memory");
	return rc;
}

size_t bench_memory_measure(struct bench_memory_run *run,
			    struct bench_progress *prog)
{
	size_t i, failed = 0;
	char pop[16];

	for (i = 0; i < run->n; i++) {
		struct bench_memory *m = &run->rows[i];

		bench_count_format(m->populated, pop, sizeof(pop));
		bench_progress(prog, "memory %s with %s vSIDs", m->backend,
			       pop);
		m->ok = !memory_row(m);
		failed += !m->ok;
	}
	return failed;
}

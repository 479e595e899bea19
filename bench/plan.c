/* SPDX-License-Identifier: MIT */
/*
 * Which benchmarks a run makes (issue 5 point 2), in an order that builds
 * each world (backend, profile, populated vSIDs) once.
 *
 * Full run, for linux-7.2 and linux-7.4:
 *  - smmuv3-sim with 64k vSIDs: rewrite and sim, every mix, every batch
 *    size (1, 16, 63, 64, 256, 4096);
 *  - smmuv3-sim with 1, 1k and 1M vSIDs: rewrite and sim, every mix,
 *    batch 64;
 *  - at 1k, 64k and 1M vSIDs, the same batch-64 rows (and the mock's)
 *    with a stream naming one device, as the 1-vSID rows must: the
 *    scaling target compares those (targets.py);
 *  - smmuv3-sim with 1k, 64k and 1M vSIDs: rewrite and sim of cfgi-cd at
 *    batch 64 with every populated vSID in the working set;
 *  - the mock: every batch size at 64k, batch 64 at 1, 1k and 1M, and
 *    the whole population as working set at 1k, 64k and 1M;
 *  - churn on both backends at every population;
 *  - events (events.c) on smmuv3-sim and the mock with 64k vSIDs, 1, 16
 *    and 256 events per read;
 *  - last in the 64k world (the entries stay): sim of every mix at batch
 *    64 with 1k TLB entries of another tenant cached (workloads.c).
 * Instructions per operation (callgrind) for every mix of rewrite and sim,
 * and for the mock, at 64k vSIDs and batch 64, for churn at 1k, and for
 * one cached-TLB row (linux-7.2, unmap), and for events at 16 per read.
 *
 * --quick: 64 vSIDs, a working set of 16, batch 16, every kind, mix and
 * profile once; callgrind for one rewrite only.
 *
 * The kernel (--suite kernel, kernel.c): linux-7.2, the only profile the
 * iommufd backend runs, with 1 and 256 vSIDs and every batch size: kernel
 * and ioctl, then the mock and sim (cfgi-cd: one vSID lookup per command,
 * as a selftest entry has) on the same stream sizes, for the ratios.
 * --quick makes it one batch of 16 with 64 vSIDs.  The full run and
 * --quick add that block when the kernel is there, or when --only names
 * kernel or ioctl (which then says why they were not measured).
 *
 * The memory kind is not in the plan: memory.c builds its own worlds,
 * after every timed row, under its counting allocator.
 *
 * In mode=vfio (--backend-options, the real arm-smmu-v3 driver) the
 * block has one population, the devices (a vSID each), and for each of
 * the cfgi-cd and tlbi-nh-va mixes the kernel, ioctl and sim rows at
 * every batch size; no mock (selftest entries only).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const uint32_t batches[] = { 1, 16, 63, 64, 256, 4096 };
static const uint32_t pops[] = { 1, 1024, 65536, 1048576 };
static const uint32_t kernel_pops[] = { 1, 256 };
/* Events per read, the vEVENTQ's depth (events.c). */
static const uint32_t event_batches[] = { 1, 16, 256 };
#define EVENTS_CG_BATCH 16u
static const enum nestref_profile profiles[] = {
	NESTREF_PROFILE_LINUX_7_2, NESTREF_PROFILE_LINUX_7_4
};
static const enum bench_mix smmu_mixes[] = { MIX_CFGI_CD, MIX_TLBI_NH_VA,
					     MIX_UNMAP };
/* The kernel block's mixes in mode=vfio: a vSID lookup per command, and
 * none (the VMID forced). */
static const enum bench_mix vfio_mixes[] = { MIX_CFGI_CD, MIX_TLBI_NH_VA };

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define HEADLINE_POP 65536u
#define HEADLINE_BATCH 64u
#define CHURN_CG_POP 1024u
#define CACHED_TLB 1024u
/* The working set of the rows the scaling target compares at every size. */
#define WS_ONE 1u

struct plan_builder {
	struct bench_plan *plan;
	size_t cap;
	const struct bench_options *opts;
	int rc;
};

bool bench_only_names(const char *only, enum bench_kind kind)
{
	const char *p, *name = bench_kind_name(kind);
	size_t len = strlen(name);

	if (!only)
		return true;
	for (p = only; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, name, len))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

bool bench_only_valid(const char *only)
{
	const char *p = only;
	unsigned int k;
	size_t n;

	for (;;) {
		n = strcspn(p, ",");
		for (k = 0; k < BENCH_KIND_COUNT; k++)
			if (n == strlen(bench_kind_name((enum bench_kind)k)) &&
			    !strncmp(p, bench_kind_name((enum bench_kind)k), n))
				break;
		/* An empty name matches no kind: "", ",,", "sim,". */
		if (k == BENCH_KIND_COUNT)
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static void add_cached(struct plan_builder *b, enum bench_kind kind,
		       const char *backend, enum nestref_profile profile,
		       enum bench_mix mix, uint32_t batch, uint32_t pop,
		       uint32_t ws, uint32_t cached, bool callgrind)
{
	struct bench_plan *plan = b->plan;
	struct bench_spec *grown;

	if (b->rc || !bench_only_names(b->opts->only, kind))
		return;
	if (plan->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;

		grown = realloc(plan->specs, cap * sizeof(*grown));
		if (!grown) {
			b->rc = -ENOMEM;
			return;
		}
		plan->specs = grown;
		b->cap = cap;
	}
	plan->specs[plan->n++] = (struct bench_spec){
		.kind = kind,
		.backend = backend,
		.profile = profile,
		.mix = mix,
		.batch = batch,
		.populated = pop,
		.working_set = ws,
		.cached = cached,
		.callgrind = callgrind && b->opts->callgrind,
	};
}

static void add(struct plan_builder *b, enum bench_kind kind,
		const char *backend, enum nestref_profile profile,
		enum bench_mix mix, uint32_t batch, uint32_t pop, uint32_t ws,
		bool callgrind)
{
	add_cached(b, kind, backend, profile, mix, batch, pop, ws, 0,
		   callgrind);
}

static void plan_quick(struct plan_builder *b)
{
	const uint32_t pop = 64, ws = 16, batch = 16;
	size_t p, m;

	for (p = 0; p < N_OF(profiles); p++) {
		for (m = 0; m < N_OF(smmu_mixes); m++) {
			/* One callgrind pair keeps that path from rotting. */
			add(b, BENCH_REWRITE, "smmuv3-sim", profiles[p],
			    smmu_mixes[m], batch, pop, ws,
			    p == 1 && smmu_mixes[m] == MIX_CFGI_CD);
			add(b, BENCH_SIM, "smmuv3-sim", profiles[p],
			    smmu_mixes[m], batch, pop, ws, false);
		}
		add(b, BENCH_CHURN, "smmuv3-sim", profiles[p], MIX_NONE, 1, pop,
		    ws, false);
		add(b, BENCH_EVENTS, "smmuv3-sim", profiles[p],
		    MIX_FAULT, batch, pop, ws, false);
	}
	/* Last on its world: the cached entries stay. */
	add_cached(b, BENCH_SIM, "smmuv3-sim", NESTREF_PROFILE_LINUX_7_4,
		   MIX_UNMAP, batch, pop, ws, 16, false);
	for (p = 0; p < N_OF(profiles); p++) {
		add(b, BENCH_MOCK, "mock", profiles[p], MIX_SELFTEST, batch, pop,
		    ws, false);
		add(b, BENCH_EVENTS, "mock", profiles[p], MIX_SELFTEST, batch,
		    pop, ws, false);
		add(b, BENCH_CHURN, "mock", profiles[p], MIX_NONE, 1, pop, ws,
		    false);
	}
}

static void plan_smmu_world(struct plan_builder *b, enum nestref_profile prof,
			    uint32_t pop, uint32_t ws)
{
	static const enum bench_kind kinds[] = { BENCH_REWRITE, BENCH_SIM };
	size_t k, m, i;

	for (k = 0; k < N_OF(kinds); k++) {
		for (m = 0; m < N_OF(smmu_mixes); m++) {
			if (pop != HEADLINE_POP) {
				add(b, kinds[k], "smmuv3-sim", prof,
				    smmu_mixes[m], HEADLINE_BATCH, pop, ws,
				    false);
				continue;
			}
			for (i = 0; i < N_OF(batches); i++)
				add(b, kinds[k], "smmuv3-sim", prof,
				    smmu_mixes[m], batches[i], pop, ws,
				    batches[i] == HEADLINE_BATCH);
		}
		for (m = 0; m < N_OF(smmu_mixes) && pop > 1 && ws != WS_ONE; m++)
			add(b, kinds[k], "smmuv3-sim", prof, smmu_mixes[m],
			    HEADLINE_BATCH, pop, WS_ONE, false);
		if (pop > ws && pop > 1)
			add(b, kinds[k], "smmuv3-sim", prof, MIX_CFGI_CD,
			    HEADLINE_BATCH, pop, BENCH_WS_ALL, false);
	}
	add(b, BENCH_CHURN, "smmuv3-sim", prof, MIX_NONE, 1, pop, ws,
	    pop == CHURN_CG_POP);
	for (i = 0; pop == HEADLINE_POP && i < N_OF(event_batches); i++)
		add(b, BENCH_EVENTS, "smmuv3-sim", prof, MIX_FAULT,
		    event_batches[i], pop, ws,
		    event_batches[i] == EVENTS_CG_BATCH);
	if (pop == HEADLINE_POP)
		for (m = 0; m < N_OF(smmu_mixes); m++)
			add_cached(b, BENCH_SIM, "smmuv3-sim", prof,
				   smmu_mixes[m], HEADLINE_BATCH, pop, ws,
				   CACHED_TLB,
				   prof == NESTREF_PROFILE_LINUX_7_2 &&
					   smmu_mixes[m] == MIX_UNMAP);
}

static void plan_mock_world(struct plan_builder *b, enum nestref_profile prof,
			    uint32_t pop, uint32_t ws)
{
	size_t i;

	if (pop != HEADLINE_POP)
		add(b, BENCH_MOCK, "mock", prof, MIX_SELFTEST, HEADLINE_BATCH,
		    pop, ws, false);
	else
		for (i = 0; i < N_OF(batches); i++)
			add(b, BENCH_MOCK, "mock", prof, MIX_SELFTEST,
			    batches[i], pop, ws, batches[i] == HEADLINE_BATCH);
	if (pop > 1 && ws != WS_ONE)
		add(b, BENCH_MOCK, "mock", prof, MIX_SELFTEST, HEADLINE_BATCH,
		    pop, WS_ONE, false);
	if (pop > ws && pop > 1)
		add(b, BENCH_MOCK, "mock", prof, MIX_SELFTEST, HEADLINE_BATCH,
		    pop, BENCH_WS_ALL, false);
	for (i = 0; pop == HEADLINE_POP && i < N_OF(event_batches); i++)
		add(b, BENCH_EVENTS, "mock", prof, MIX_SELFTEST,
		    event_batches[i], pop, ws,
		    event_batches[i] == EVENTS_CG_BATCH);
	add(b, BENCH_CHURN, "mock", prof, MIX_NONE, 1, pop, ws,
	    pop == CHURN_CG_POP);
}

/*
 * One population of the kernel block: a world per backend.  The kernel's
 * mixes: selftest entries, or in mode=vfio the SMMUv3 commands of the
 * real driver (vfio_mixes); the sim rows run the kernel rows' mix.
 */
static void plan_kernel_world(struct plan_builder *b, uint32_t pop,
			      uint32_t ws, const uint32_t *sizes,
			      size_t n_sizes, bool vfio)
{
	static const enum bench_kind kinds[] = { BENCH_KERNEL, BENCH_IOCTL,
						 BENCH_MOCK, BENCH_SIM };
	static const enum bench_mix selftest[] = { MIX_SELFTEST };
	const enum bench_mix *mixes = vfio ? vfio_mixes : selftest;
	const size_t n_mixes = vfio ? N_OF(vfio_mixes) : 1;
	const enum nestref_profile prof = NESTREF_PROFILE_LINUX_7_2;
	size_t k, m, i;

	for (k = 0; k < N_OF(kinds); k++) {
		const char *backend = bench_kind_is_kernel(kinds[k]) ? "iommufd" :
				      kinds[k] == BENCH_MOCK	      ? "mock" :
									"smmuv3-sim";

		/* The mock takes selftest entries only. */
		if (vfio && kinds[k] == BENCH_MOCK)
			continue;
		for (m = 0; m < n_mixes; m++) {
			enum bench_mix mix = kinds[k] == BENCH_SIM ?
						     bench_sim_mix_of(mixes[m]) :
						     mixes[m];

			for (i = 0; i < n_sizes; i++)
				add(b, kinds[k], backend, prof, mix, sizes[i],
				    pop, ws, false);
		}
	}
}

static void plan_kernel(struct plan_builder *b)
{
	static const uint32_t quick_batch = 16;
	const uint32_t devices = bench_kernel_vfio_devices(b->opts);
	size_t i;

	if (devices) {
		/* mode=vfio: a vSID per device, and no more devices. */
		plan_kernel_world(b, devices, b->opts->working_set,
				  b->opts->quick ? &quick_batch : batches,
				  b->opts->quick ? 1 : N_OF(batches), true);
		return;
	}
	if (b->opts->quick) {
		plan_kernel_world(b, 64, 16, &quick_batch, 1, false);
		return;
	}
	for (i = 0; i < N_OF(kernel_pops); i++)
		plan_kernel_world(b, kernel_pops[i], b->opts->working_set,
				  batches, N_OF(batches), false);
}

/*
 * Whether the full run and --quick add the kernel block: the kernel
 * answers here, or --only names kernel or ioctl (whose rows then say why
 * they were not measured).
 */
static bool kernel_block_wanted(const struct bench_options *opts)
{
	bool named = opts->only && (bench_only_names(opts->only, BENCH_KERNEL) ||
				    bench_only_names(opts->only, BENCH_IOCTL));

	return named || (!opts->only && opts->kernel_available);
}

int bench_plan_build(struct bench_plan *plan, const struct bench_options *opts)
{
	struct plan_builder b = { .plan = plan, .opts = opts };
	size_t p, i;

	plan->specs = NULL;
	plan->n = 0;
	if (opts->only && !bench_only_valid(opts->only))
		return -EINVAL;
	if (opts->suite == BENCH_SUITE_KERNEL) {
		plan_kernel(&b);
	} else if (opts->quick) {
		plan_quick(&b);
		if (kernel_block_wanted(opts))
			plan_kernel(&b);
	} else {
		for (p = 0; p < N_OF(profiles); p++)
			for (i = 0; i < N_OF(pops); i++)
				plan_smmu_world(&b, profiles[p], pops[i],
						opts->working_set);
		for (p = 0; p < N_OF(profiles); p++)
			for (i = 0; i < N_OF(pops); i++)
				plan_mock_world(&b, profiles[p], pops[i],
						opts->working_set);
		if (kernel_block_wanted(opts))
			plan_kernel(&b);
	}
	if (b.rc)
		bench_plan_free(plan);
	return b.rc;
}

void bench_plan_free(struct bench_plan *plan)
{
	free(plan->specs);
	plan->specs = NULL;
	plan->n = 0;
}

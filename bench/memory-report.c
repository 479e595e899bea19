/* SPDX-License-Identifier: MIT */
/*
 * The memory rows (memory.c) in the terminal table: bytes per device and
 * per linked device (vDEVICE) beside the kernel's for the same vSIDs.
 */
#include <stdio.h>

#include "bench.h"

void bench_report_memory(FILE *out, const struct bench_memory_run *run)
{
	char pop[16];
	size_t i;

	if (!run->n)
		return;
	fprintf(out, "\nmemory (bytes; malloc_usable_size of the library's blocks, docs/bench.md 11)\n");
	fprintf(out, "%-10s %-10s %6s %8s %8s %10s %10s %10s %10s %8s\n",
		"backend", "profile", "vsids", "context", "viommu", "B/device",
		"B/vdevice", "grow max", "kernel", "ratio");
	for (i = 0; i < run->n; i++) {
		const struct bench_memory *m = &run->rows[i];

		bench_count_format(m->populated, pop, sizeof(pop));
		fprintf(out, "%-10s %-10s %6s ", m->backend,
			nestref_profile_name(m->profile), pop);
		if (!m->ok) {
			fprintf(out, "FAILED: %s\n", m->error);
			continue;
		}
		fprintf(out, "%8lld %8lld %10.1f %10.1f ",
			(long long)m->context, (long long)m->viommu,
			m->per_device, m->per_vdevice);
		if (m->growth.measured)
			fprintf(out, "%10.1f ", m->growth.max);
		else
			fprintf(out, "%10s ", "-");
		fprintf(out, "%10.1f %8.3f\n", m->kernel.total,
			m->per_vdevice / m->kernel.total);
	}
	fputs("\nB/device: a device without user data; B/vdevice: what linking\n"
	      "it to its vSID added; grow max: the most per vDEVICE from 1k\n"
	      "linked on, as the tables doubled; kernel: its bytes per vDEVICE\n"
	      "for the same vSIDs (kernel-facts 2.14); ratio: B/vdevice / kernel.\n",
	      out);
}

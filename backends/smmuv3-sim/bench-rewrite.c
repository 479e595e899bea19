/* SPDX-License-Identifier: MIT */
/*
 * The host driver's rewrite alone, for nestref-bench's `rewrite` rows
 * (docs/bench.md): a batch of guest commands through host_rewrite, with
 * no core, no batching and no modelled SMMU around it.  The bench reaches
 * it through the SMMUv3 extension (struct nestref_smmuv3_ops.rewrite,
 * version 2), so it needs none of this backend's headers; callgrind counts
 * the instructions inside host_rewrite (rewrite_symbol) apart from this
 * loop.
 *
 * Kept lean: callgrind counts this loop's own instructions in the bench's
 * whole-loop figure (docs/bench.md 3.5), so it takes two commands per
 * turn, which pays for the call that reaches it and its prologue: the
 * whole loop costs no more than when the bench called host_rewrite itself.
 */
#include "host.h"

size_t sim_rewrite_batch(struct nestref_viommu *viommu,
			 struct nestref_smmuv3_cmd *cmds, size_t n)
{
	const struct sim_ctx *sc =
		nestref_ctx_priv(nestref_viommu_ctx(viommu));
	const struct host_rewriter *rw = &sc->rw;
	size_t refused = 0;

	for (; n >= 2; n -= 2, cmds += 2) {
		if (host_rewrite(rw, viommu, cmds))
			refused++;
		if (host_rewrite(rw, viommu, cmds + 1))
			refused++;
	}
	if (n && host_rewrite(rw, viommu, cmds))
		refused++;
	return refused;
}

/* SPDX-License-Identifier: MIT */
/*
 * The host driver's rewrite alone, for nestref-bench's `rewrite` rows
 * (docs/bench.md): a batch of guest commands through host_rewrite, with
 * no core, no batching and no modelled SMMU around it.  The bench reaches
 * it through the SMMUv3 extension (struct nestref_smmuv3_ops.rewrite,
 * version 2), so it needs none of this backend's headers; callgrind counts
 * the instructions inside host_rewrite (rewrite_symbol), which holds the
 * loop over the batch: this function only steps over refused commands.
 */
#include "host.h"

size_t sim_rewrite_batch(struct nestref_viommu *viommu,
			 struct nestref_smmuv3_cmd *cmds, size_t n)
{
	const struct sim_ctx *sc =
		nestref_ctx_priv(nestref_viommu_ctx(viommu));
	const struct host_rule *why;
	size_t done, refused = 0;

	for (;;) {
		done = host_rewrite(&sc->rw, viommu, cmds, n, &why);
		if (done == n)
			return refused;
		/* cmds[done] was refused: the op's contract goes on. */
		refused++;
		cmds += done + 1;
		n -= done + 1;
	}
}

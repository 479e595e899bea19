/* SPDX-License-Identifier: MIT */
/* The features of a modelled SMMU: defaults, and a context's. */
#include <string.h>

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

void nestref_smmuv3_features_default(struct nestref_smmuv3_features *features)
{
	/* spec/vectors.md section 1, setup.smmu defaults */
	memset(features, 0, sizeof(*features));
	features->size = sizeof(*features);
	features->sidsize = 32;
	features->ssidsize = 20;
	features->asid16 = true;
	features->vmid16 = true;
	features->ril = true;
	features->ats = true;
}

void nestref_smmuv3_ctx_features(const struct nestref_ctx *ctx,
				 struct nestref_smmuv3_features *out)
{
	uint32_t size;
	const void *given = nestref_ctx_ext_opts(ctx, &size);

	/* Extensible: a shorter struct keeps the defaults it lacks. */
	nestref_smmuv3_features_default(out);
	if (given)
		memcpy(out, given, size < sizeof(*out) ? size : sizeof(*out));
	out->size = sizeof(*out);
}

/* SPDX-License-Identifier: MIT */
/*
 * The attach step (spec/vectors.md 3.8): a nested HWPT allocated on a
 * vIOMMU of the setup from driver data, and a device attached to it.
 * The data is a guest's vSTE as two 64-bit words (vste:, the SMMUv3
 * layout of kernel-facts 3.7) or exact bytes (bytes:, for the length
 * rules), of data_type 2 (IOMMU_HWPT_DATA_ARM_SMMUV3) unless type: says.
 */
#include "vector-load.h"

enum { AT_DEV, AT_DEV_ID, AT_VSTE, AT_BYTES, AT_VIOMMU, AT_TYPE, AT_N };

/* vste: [dw0, dw1] as the uAPI's two little-endian words (2.4). */
static void load_vste(struct vl *vl, yaml_node_t *node,
		      struct vec_step *step)
{
	uint64_t dw[2];

	if (!vl_dw_list(vl, node, "vste", dw, 2))
		return;
	step->data = vl_calloc(vl, NESTREF_SMMUV3_VSTE_SIZE, 1);
	if (!step->data)
		return;
	nestref_le_put(step->data, 8, dw[0]);
	nestref_le_put(step->data + 8, 8, dw[1]);
	step->n_data = NESTREF_SMMUV3_VSTE_SIZE;
}

void vl_attach(struct vl *vl, yaml_node_t *node, struct vec_step *step)
{
	static const char *const keys[] = { "dev", "dev_id", "vste", "bytes",
					    "viommu", "type", NULL };
	struct vl_kv kv[AT_N];

	step->type = NESTREF_HWPT_DATA_ARM_SMMUV3;
	if (!vl_map(vl, node, "attach", "attach", keys, kv))
		return;
	vl_devref(vl, node, &kv[AT_DEV], &kv[AT_DEV_ID], &step->dev);
	if (kv[AT_VIOMMU].val)
		vl_viommu(vl, kv[AT_VIOMMU].val, &step->viommu);
	if (kv[AT_TYPE].val)
		vl_u32(vl, kv[AT_TYPE].val, "type", &step->type);
	if (kv[AT_VSTE].val && kv[AT_BYTES].val)
		vl_error(vl, kv[AT_BYTES].key, "vste and bytes are exclusive");
	else if (kv[AT_VSTE].val)
		load_vste(vl, kv[AT_VSTE].val, step);
	else if (kv[AT_BYTES].val)
		vl_hexbytes(vl, kv[AT_BYTES].val, "bytes", &step->data,
			    &step->n_data);
	else
		vl_error(vl, node, "missing required key 'vste' (or 'bytes')");
	step->len = step->n_data;
}

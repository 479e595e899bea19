/* SPDX-License-Identifier: MIT */
/*
 * Steps of a test (spec/vectors.md section 3) and their expect (section
 * 4): one action key, its device reference and arguments, then what a
 * conforming implementation answers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "vector-load.h"

/*
 * With sid: or bytes:, len: pads the data with zeros up to len (3.1), so
 * it is bounded to keep a typo from allocating gigabytes.
 */
#define USER_DATA_PAD_MAX (1u << 20)

static const char *const action_names[] = { "set_dev_user_data",
					    "unset_dev_user_data",
					    "invalidate", "check_cache",
					    "destroy", "hw_info", "attach",
					    "alloc_veventq", "read_vevents",
					    "trigger_vevent", "fault",
					    "expect", NULL };

enum { A_SET, A_UNSET, A_INVALIDATE, A_CHECK, A_DESTROY, A_HW_INFO,
       A_ATTACH, A_ALLOC_VEVENTQ, A_READ_VEVENTS, A_TRIGGER_VEVENT, A_FAULT,
       A_COUNT = A_FAULT + 1, A_EXPECT = A_COUNT, A_N };

/* dev: NAME (a setup device) or dev_id: N (a raw object ID), not both */
bool vl_devref(struct vl *vl, const yaml_node_t *map, const struct vl_kv *dev,
	       const struct vl_kv *dev_id, struct vec_devref *ref)
{
	const char *name;

	if (dev->val && dev_id->val) {
		vl_error(vl, dev_id->key, "dev and dev_id are exclusive");
		return false;
	}
	if (dev_id->val) {
		ref->raw = true;
		return vl_u32(vl, dev_id->val, "dev_id", &ref->dev_id);
	}
	if (!dev->val) {
		vl_error(vl, map, "missing required key 'dev' (or 'dev_id')");
		return false;
	}
	if (!vl_str(vl, dev->val, "dev", VL_NON_EMPTY | VL_ONE_LINE, &name))
		return false;
	if (!vl_find_device(vl, name, &ref->dev_index)) {
		char buf[VL_EXCERPT + 8];

		vl_error(vl, dev->val,
			 "unknown device '%s' (not in setup.devices)",
			 vl_text(dev->val, buf));
		return false;
	}
	return true;
}

enum { SET_DEV, SET_DEV_ID, SET_SID, SET_BYTES, SET_LEN, SET_VIOMMU, SET_N };

static void load_set(struct vl *vl, yaml_node_t *node, struct vec_step *step)
{
	static const char *const keys[] = { "dev", "dev_id", "sid", "bytes",
					    "len", "viommu", NULL };
	struct vl_kv kv[SET_N];
	unsigned char *padded;
	uint32_t sid, len;
	uint64_t v;

	if (!vl_map(vl, node, "set_dev_user_data", "set_dev_user_data", keys,
		    kv))
		return;
	vl_devref(vl, node, &kv[SET_DEV], &kv[SET_DEV_ID], &step->dev);
	if (kv[SET_VIOMMU].val)
		vl_viommu(vl, kv[SET_VIOMMU].val, &step->viommu);

	if (kv[SET_SID].val && kv[SET_BYTES].val) {
		vl_error(vl, kv[SET_BYTES].key, "sid and bytes are exclusive");
	} else if (kv[SET_SID].val) {
		/* SMMUv3 user data {u32 sid} (section 2, rfc-v3): 4 bytes LE */
		if (vl_u32(vl, kv[SET_SID].val, "sid", &sid)) {
			step->data = vl_calloc(vl, 4, 1);
			if (step->data) {
				step->data[0] = (unsigned char)sid;
				step->data[1] = (unsigned char)(sid >> 8);
				step->data[2] = (unsigned char)(sid >> 16);
				step->data[3] = (unsigned char)(sid >> 24);
				step->n_data = 4;
			}
		}
	} else if (kv[SET_BYTES].val) {
		vl_hexbytes(vl, kv[SET_BYTES].val, "bytes", &step->data,
			    &step->n_data);
	} else {
		step->data_null = true;
	}
	step->len = step->n_data;

	if (!kv[SET_LEN].val)
		return;
	if (step->data_null) {
		if (vl_u32(vl, kv[SET_LEN].val, "len", &len))
			step->len = len;
		return;
	}
	if (!vl_uint(vl, kv[SET_LEN].val, "len", 0, USER_DATA_PAD_MAX, &v))
		return;
	step->len = (size_t)v;
	if (!step->data || step->len <= step->n_data ||
	    !vl_charge(vl, kv[SET_LEN].val, step->len - step->n_data, 1))
		return;
	padded = nestref_realloc(step->data, step->len);
	if (!padded) {
		vl->nomem = true;
		return;
	}
	memset(padded + step->n_data, 0, step->len - step->n_data);
	step->data = padded;
}

enum { INV_TYPE, INV_ENTRY_LEN, INV_ENTRY_NUM, INV_ENTRIES, INV_VIOMMU, INV_N };

bool vl_type(struct vl *vl, const yaml_node_t *node, uint32_t arm_smmuv3,
	     uint32_t selftest, uint32_t *type)
{
	if (vl_scalar_is(node, "arm-smmuv3")) {
		*type = arm_smmuv3;
		return true;
	}
	if (vl_scalar_is(node, "selftest")) {
		*type = selftest;
		return true;
	}
	if (vl_is_plain(node) && node->data.scalar.length &&
	    node->data.scalar.value[0] >= '0' &&
	    node->data.scalar.value[0] <= '9')
		return vl_u32(vl, node, "type", type);
	vl_expected(vl, node, "arm-smmuv3, selftest or an integer", "type");
	return false;
}

/*
 * The runner lays entry i at [i * entry_len, (i + 1) * entry_len) and
 * zero-pads a shorter one; a longer one would lose bytes, so non-zero
 * bytes beyond entry_len are refused rather than cut silently.
 */
static void check_layout(struct vl *vl, const yaml_node_t *node,
			 const struct vec_step *step)
{
	uint64_t cost = step->entry_len > VL_ENTRY_COST ? step->entry_len :
							  VL_ENTRY_COST;
	size_t i, j;

	/*
	 * A runner limit is a load error, never a failed test (vectors.md
	 * 1.5): the array and the backend's copy of it must fit the file's
	 * budget.
	 */
	if (step->n_entries > vl->array_max / cost) {
		vl_error(vl, node,
			 "the runner would build %zu entries of %u bytes, more than %zu bytes (%u times the file's size, at least %u KiB, %u bytes an entry at least): limit of the runner",
			 step->n_entries, (unsigned int)step->entry_len,
			 vl->array_max, VL_ARRAY_TIMES, VL_BUDGET_FLOOR >> 10,
			 VL_ENTRY_COST);
		return;
	}

	for (i = 0; i < step->n_entries; i++) {
		const struct vec_entry *e = &step->entries[i];

		for (j = step->entry_len; j < e->len; j++)
			if (e->bytes[j])
				break;
		if (j < e->len)
			vl_error_at(vl, e->mark,
				    "entry is %zu bytes and has non-zero bytes beyond entry_len %u; write it with bytes:",
				    e->len, (unsigned int)step->entry_len);
	}
}

static void load_invalidate(struct vl *vl, yaml_node_t *node,
			    struct vec_step *step)
{
	static const char *const keys[] = { "type", "entry_len", "entry_num",
					    "entries", "viommu", NULL };
	struct vl_kv kv[INV_N];
	bool type_ok = false, len_ok = false;

	if (!vl_map(vl, node, "invalidate", "invalidate", keys, kv))
		return;
	if (vl_require(vl, node, &kv[INV_TYPE], "type"))
		type_ok = vl_type(vl, kv[INV_TYPE].val,
				  NESTREF_INV_TYPE_ARM_SMMUV3,
				  NESTREF_INV_TYPE_SELFTEST, &step->type);
	if (kv[INV_VIOMMU].val)
		vl_viommu(vl, kv[INV_VIOMMU].val, &step->viommu);

	if (kv[INV_ENTRIES].val) {
		size_t n, i;

		step->has_entries = true;
		if (vl_seq(vl, kv[INV_ENTRIES].val, "entries", &n) && n) {
			step->entries = vl_calloc(vl, n,
						  sizeof(*step->entries));
			if (step->entries)
				step->n_entries = n;
		}
		for (i = 0; i < step->n_entries; i++)
			vl_entry(vl, vl_item(vl, kv[INV_ENTRIES].val, i),
				 &step->entries[i]);
	}

	/* 3.3: the type's natural size, else the first entry's */
	if (step->type == NESTREF_INV_TYPE_ARM_SMMUV3)
		step->entry_len = 16;
	else if (step->type == NESTREF_INV_TYPE_SELFTEST)
		step->entry_len = 12;
	else if (step->n_entries && step->entries)
		step->entry_len = (uint32_t)step->entries[0].len;
	if (kv[INV_ENTRY_LEN].val)
		len_ok = vl_u32(vl, kv[INV_ENTRY_LEN].val, "entry_len",
				&step->entry_len);
	else
		len_ok = type_ok;

	step->entry_num = (uint32_t)step->n_entries;
	if (kv[INV_ENTRY_NUM].val)
		vl_u32(vl, kv[INV_ENTRY_NUM].val, "entry_num",
		       &step->entry_num);
	if (len_ok)
		check_layout(vl, node, step);
}

enum { CC_DEV, CC_DEV_ID, CC_INDEX, CC_VALUE, CC_N };

static void load_check_cache(struct vl *vl, yaml_node_t *node,
			     struct vec_step *step)
{
	static const char *const keys[] = { "dev", "dev_id", "index", "value",
					    NULL };
	struct vl_kv kv[CC_N];

	if (!vl_map(vl, node, "check_cache", "check_cache", keys, kv))
		return;
	vl_devref(vl, node, &kv[CC_DEV], &kv[CC_DEV_ID], &step->dev);
	if (vl_require(vl, node, &kv[CC_INDEX], "index"))
		vl_u32(vl, kv[CC_INDEX].val, "index", &step->index);
	if (vl_require(vl, node, &kv[CC_VALUE], "value"))
		vl_u32(vl, kv[CC_VALUE].val, "value", &step->value);
}

static void load_unset(struct vl *vl, yaml_node_t *node,
		       struct vec_step *step)
{
	static const char *const keys[] = { "dev", "dev_id", NULL };
	struct vl_kv kv[2];

	if (!vl_map(vl, node, "unset_dev_user_data", "unset_dev_user_data",
		    keys, kv))
		return;
	vl_devref(vl, node, &kv[0], &kv[1], &step->dev);
}

/*
 * IOMMU_DESTROY of a device (dev: or dev_id:), of the vDEVICE that a
 * device's last successful set_dev_user_data made (vdevice_of:), of a
 * vEVENTQ (veventq:) or of a setup vIOMMU (viommu:), 3.6.
 */
enum { DS_DEV, DS_DEV_ID, DS_VDEVICE_OF, DS_VEVENTQ, DS_VIOMMU, DS_N };

static void load_destroy(struct vl *vl, yaml_node_t *node,
			 struct vec_step *step)
{
	static const char *const keys[] = { "dev", "dev_id", "vdevice_of",
					    "veventq", "viommu", NULL };
	struct vl_kv kv[DS_N];
	int k, first = -1;

	if (!vl_map(vl, node, "destroy", "destroy", keys, kv))
		return;
	for (k = 0; k < DS_N; k++) {
		if (!kv[k].val)
			continue;
		if (first < 0) {
			first = k;
			continue;
		}
		vl_error(vl, kv[k].key,
			 "destroy takes one of dev, dev_id, vdevice_of, veventq or viommu, got '%s' and '%s'",
			 keys[first], keys[k]);
		return;
	}
	if (first < 0) {
		vl_error(vl, node,
			 "missing required key: one of dev, dev_id, vdevice_of, veventq or viommu");
		return;
	}
	if (kv[DS_VEVENTQ].val) {
		step->destroy_veventq = true;
		vl_queue_name(vl, kv[DS_VEVENTQ].val, &step->queue);
	} else if (kv[DS_VIOMMU].val) {
		step->destroy_viommu = true;
		vl_viommu(vl, kv[DS_VIOMMU].val, &step->viommu);
	} else if (kv[DS_VDEVICE_OF].val) {
		step->destroy_vdevice = true;
		vl_devref(vl, node, &kv[DS_VDEVICE_OF], &kv[DS_DEV_ID],
			  &step->dev);
	} else {
		vl_devref(vl, node, &kv[DS_DEV], &kv[DS_DEV_ID], &step->dev);
	}
}

/* IOMMU_GET_HW_INFO of a device: its flags word. */
static void load_hw_info(struct vl *vl, yaml_node_t *node,
			 struct vec_step *step)
{
	static const char *const keys[] = { "dev", "dev_id", NULL };
	struct vl_kv kv[2];

	if (!vl_map(vl, node, "hw_info", "hw_info", keys, kv))
		return;
	vl_devref(vl, node, &kv[0], &kv[1], &step->dev);
}

/* ---------------------------------------------------------------- */
/* expect (section 4)                                               */

enum { EX_RESULT, EX_ERRNO, EX_ENTRY_NUM, EX_ISSUED, EX_CACHES, EX_FLAGS,
       EX_BYTES, EX_RECORDS, EX_N };

static void load_errno(struct vl *vl, const yaml_node_t *node, int *out)
{
	const char *name;
	int err;

	*out = 0;
	if (!vl_str(vl, node, "errno", VL_NON_EMPTY | VL_ONE_LINE, &name))
		return;
	if (nestref_errno_parse(name, &err) || err <= 0) {
		char buf[VL_EXCERPT + 8];

		vl_error(vl, node, "unknown errno '%s'", vl_text(node, buf));
		return;
	}
	*out = err;
}

static void load_errnos(struct vl *vl, yaml_node_t *node,
			struct vec_expect *ex)
{
	size_t n, i;

	if (node->type != YAML_SEQUENCE_NODE) {
		ex->errnos = vl_calloc(vl, 1, sizeof(*ex->errnos));
		if (!ex->errnos)
			return;
		ex->n_errnos = 1;
		load_errno(vl, node, &ex->errnos[0]);
		return;
	}
	if (!vl_seq(vl, node, "errno", &n))
		return;
	if (!n) {
		vl_error(vl, node, "expected at least one errno name");
		return;
	}
	ex->errnos = vl_calloc(vl, n, sizeof(*ex->errnos));
	if (!ex->errnos)
		return;
	ex->n_errnos = n;
	for (i = 0; i < n; i++)
		load_errno(vl, vl_item(vl, node, i), &ex->errnos[i]);
}

static void load_issued(struct vl *vl, yaml_node_t *node,
			struct vec_expect *ex)
{
	size_t n, i;

	ex->has_issued = true;
	if (!vl_seq(vl, node, "issued", &n) || !n)
		return;
	ex->issued = vl_calloc(vl, n, sizeof(*ex->issued));
	if (!ex->issued)
		return;
	ex->n_issued = n;
	for (i = 0; i < n; i++) {
		yaml_node_t *item = vl_item(vl, node, i);

		ex->issued[i].mark = vl_mark(item);
		vl_smmu_cmd(vl, item, &ex->issued[i].cmd);
	}
}

/*
 * bytes and records describe what a read_vevents step read (3.10), so
 * they need one that succeeds.
 */
static void load_expect_read(struct vl *vl, struct vec_step *step,
			     struct vl_kv *bytes, struct vl_kv *records)
{
	struct vec_expect *ex = &step->expect;
	struct vl_kv *kv[] = { bytes, records };
	size_t i;

	for (i = 0; i < NESTREF_ARRAY_SIZE(kv); i++) {
		if (!kv[i]->val)
			continue;
		if (step->kind != VEC_STEP_READ_VEVENTS) {
			vl_error(vl, kv[i]->key,
				 "'%s' is only allowed in the expect of a read_vevents step",
				 i ? "records" : "bytes");
			kv[i]->val = NULL;
		} else if (ex->result != VEC_RESULT_OK) {
			vl_error(vl, kv[i]->key,
				 "'%s' is what a read gave: only with result ok",
				 i ? "records" : "bytes");
			kv[i]->val = NULL;
		}
	}
	if (bytes->val)
		ex->has_bytes = vl_u32(vl, bytes->val, "bytes", &ex->bytes);
	if (records->val)
		vl_records(vl, records->val, ex);
}

static void load_expect(struct vl *vl, yaml_node_t *node,
			struct vec_step *step)
{
	static const char *const all_keys[] = { "result", "errno",
						"entry_num", "issued",
						"caches", "flags", "bytes",
						"records", NULL };
	struct vec_expect *ex = &step->expect;
	struct vl_kv kv[EX_N];
	bool result_ok = true;
	unsigned int k;

	ex->present = true;
	ex->mark = vl_mark(node);
	ex->result = VEC_RESULT_OK;
	if (!vl_map(vl, node, "expect", "expect", all_keys, kv))
		return;

	if (kv[EX_RESULT].val) {
		if (vl_scalar_is(kv[EX_RESULT].val, "ok")) {
			ex->result = VEC_RESULT_OK;
		} else if (vl_scalar_is(kv[EX_RESULT].val, "error")) {
			ex->result = VEC_RESULT_ERROR;
		} else if (vl_scalar_is(kv[EX_RESULT].val, "either")) {
			ex->result = VEC_RESULT_EITHER;
		} else {
			vl_expected(vl, kv[EX_RESULT].val,
				    "ok, error or either", "result");
			result_ok = false;
		}
	}
	if (kv[EX_ERRNO].val)
		load_errnos(vl, kv[EX_ERRNO].val, ex);
	if (result_ok && ex->result == VEC_RESULT_ERROR && !kv[EX_ERRNO].val)
		vl_error(vl, node,
			 "missing required key 'errno' (result is error)");
	if (result_ok && ex->result == VEC_RESULT_OK && kv[EX_ERRNO].val)
		vl_error(vl, kv[EX_ERRNO].key,
			 "errno is only allowed with result error or either");

	/* entry_num, issued and caches describe an invalidate call */
	for (k = EX_ENTRY_NUM; k < EX_FLAGS; k++) {
		if (kv[k].val && step->kind != VEC_STEP_INVALIDATE) {
			vl_error(vl, kv[k].key,
				 "'%s' is only allowed in the expect of an invalidate step",
				 all_keys[k]);
			kv[k].val = NULL;
		}
	}
	if (kv[EX_FLAGS].val && step->kind != VEC_STEP_HW_INFO) {
		vl_error(vl, kv[EX_FLAGS].key,
			 "'flags' is only allowed in the expect of a hw_info step");
		kv[EX_FLAGS].val = NULL;
	}
	if (kv[EX_FLAGS].val)
		ex->has_flags = vl_u32(vl, kv[EX_FLAGS].val, "flags",
				       &ex->flags);
	load_expect_read(vl, step, &kv[EX_BYTES], &kv[EX_RECORDS]);
	if (kv[EX_ENTRY_NUM].val) {
		ex->has_entry_num = vl_u32(vl, kv[EX_ENTRY_NUM].val,
					   "entry_num", &ex->entry_num);
	}
	if (kv[EX_ISSUED].val)
		load_issued(vl, kv[EX_ISSUED].val, ex);
	if (kv[EX_CACHES].val) {
		ex->has_caches = true;
		vl_caches(vl, kv[EX_CACHES].val, "expect.caches", &ex->caches,
			  &ex->n_caches, ex->cache_named);
	}
}

/* ---------------------------------------------------------------- */

/* A step that only a backend with cap can take (2.2). */
static void step_requires(struct vl *vl, const yaml_node_t *key, uint32_t cap,
			  const char *what)
{
	if (!(vl->file->requires & cap))
		vl_error(vl, key, "%s needs %s in the file's requires", what,
			 nestref_cap_name(cap));
}

void vl_step(struct vl *vl, yaml_node_t *node, struct vec_step *step)
{
	struct vl_kv kv[A_N];
	const char *actions[A_COUNT + 1];
	int action = -1, k;

	step->expect.result = VEC_RESULT_OK;
	if (!vl_map(vl, node, NULL, "a step", action_names, kv))
		return;

	for (k = 0; k < A_COUNT; k++) {
		actions[k] = action_names[k];
		if (!kv[k].val)
			continue;
		if (action < 0) {
			action = k;
			continue;
		}
		vl_error(vl, kv[k].key,
			 "more than one action in a step ('%s' and '%s')",
			 action_names[action], action_names[k]);
	}
	actions[A_COUNT] = NULL;
	if (action < 0) {
		char expected[256];

		vl_join(expected, sizeof(expected), actions);
		vl_error(vl, node,
			 "missing action in a step (expected one of: %s)",
			 expected);
		return;
	}

	step->mark = vl_mark(kv[action].key);
	switch (action) {
	case A_SET:
		step->kind = VEC_STEP_SET_DEV_USER_DATA;
		load_set(vl, kv[action].val, step);
		break;
	case A_UNSET:
		step->kind = VEC_STEP_UNSET_DEV_USER_DATA;
		load_unset(vl, kv[action].val, step);
		break;
	case A_INVALIDATE:
		step->kind = VEC_STEP_INVALIDATE;
		load_invalidate(vl, kv[action].val, step);
		break;
	case A_DESTROY:
		step->kind = VEC_STEP_DESTROY;
		load_destroy(vl, kv[action].val, step);
		break;
	case A_HW_INFO:
		step->kind = VEC_STEP_HW_INFO;
		load_hw_info(vl, kv[action].val, step);
		break;
	case A_ATTACH:
		step->kind = VEC_STEP_ATTACH;
		/* No backend lacking it could run the steps after (2.2). */
		step_requires(vl, kv[action].key, NESTREF_CAP_ATTACH_NESTED,
			      "an attach step");
		vl_attach(vl, kv[action].val, step);
		break;
	case A_ALLOC_VEVENTQ:
		step->kind = VEC_STEP_ALLOC_VEVENTQ;
		vl_alloc_veventq(vl, kv[action].val, step);
		break;
	case A_READ_VEVENTS:
		step->kind = VEC_STEP_READ_VEVENTS;
		vl_read_vevents(vl, kv[action].val, step);
		break;
	case A_TRIGGER_VEVENT:
		step->kind = VEC_STEP_TRIGGER_VEVENT;
		step_requires(vl, kv[action].key, NESTREF_CAP_TRIGGER_VEVENT,
			      "a trigger_vevent step");
		vl_trigger_vevent(vl, kv[action].val, step);
		break;
	case A_FAULT:
		step->kind = VEC_STEP_FAULT;
		step_requires(vl, kv[action].key, NESTREF_CAP_INJECT_EVENT,
			      "a fault step");
		vl_fault(vl, kv[action].val, step);
		break;
	default:
		step->kind = VEC_STEP_CHECK_CACHE;
		load_check_cache(vl, kv[action].val, step);
		break;
	}
	if (kv[A_EXPECT].val)
		load_expect(vl, kv[A_EXPECT].val, step);
}

void vl_step_free(struct vec_step *step)
{
	size_t i;

	nestref_free(step->data);
	for (i = 0; i < step->n_entries; i++)
		nestref_free(step->entries[i].bytes);
	nestref_free(step->entries);
	nestref_free(step->expect.errnos);
	nestref_free(step->expect.issued);
	nestref_free(step->expect.caches);
	vl_records_free(&step->expect);
	nestref_free(step->veventq.name);
	nestref_free(step->queue.name);
}

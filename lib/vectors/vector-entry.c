/* SPDX-License-Identifier: MIT */
/*
 * Entries of the vector format: the forms of an invalidate entry and of an
 * expect.issued command (spec/vectors.md 3.3), and cache entries
 * (setup.caches, expect.caches: 3.4).  Each is encoded here to what the
 * runner passes or compares, so the runner never re-validates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vector-load.h"

/* Natural sizes of the entry forms (3.3; kernel-facts 5.4). */
#define SMMUV3_CMD_SIZE 16u
#define SELFTEST_ENTRY_SIZE 12u

/* The keys that choose an entry's form; the three selftest keys are one. */
enum form {
	FORM_OP,
	FORM_RAW,
	FORM_BYTES,
	FORM_SELFTEST,
	FORM_COUNT
};

struct forms {
	const yaml_node_t *key[FORM_COUNT]; /* first key of each form */
	unsigned int count;                 /* forms present */
	bool has_field;                     /* an SMMUv3 field name */
	const yaml_node_t *first;           /* first form key in the file */
	const yaml_node_t *second;          /* a key of another form */
};

static const char *const selftest_keys[] = { "flags", "vdev_id", "cache_id",
					     NULL };

static void find_forms(struct vl *vl, const yaml_node_t *node,
		       struct forms *f)
{
	enum nestref_smmuv3_field field;
	yaml_node_pair_t *pair;
	yaml_node_t *k;
	char name[32];
	int form;

	memset(f, 0, sizeof(*f));
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		k = vl_node(vl, pair->key);
		if (k->type != YAML_SCALAR_NODE)
			continue;
		if (vl_scalar_is(k, "op"))
			form = FORM_OP;
		else if (vl_scalar_is(k, "raw"))
			form = FORM_RAW;
		else if (vl_scalar_is(k, "bytes"))
			form = FORM_BYTES;
		else if (vl_scalar_is(k, "flags") ||
			 vl_scalar_is(k, "vdev_id") ||
			 vl_scalar_is(k, "cache_id"))
			form = FORM_SELFTEST;
		else
			form = -1;
		if (form < 0) {
			if (k->data.scalar.length < sizeof(name)) {
				memcpy(name, k->data.scalar.value,
				       k->data.scalar.length + 1);
				if (!nestref_smmuv3_field_parse(name, &field))
					f->has_field = true;
			}
			continue;
		}
		if (f->key[form])
			continue;
		f->key[form] = k;
		f->count++;
		if (!f->first)
			f->first = k;
		else if (!f->second)
			f->second = k;
	}
}

static bool report_forms(struct vl *vl, const yaml_node_t *node,
			 const struct forms *f)
{
	char a[VL_EXCERPT + 8], b[VL_EXCERPT + 8];

	if (f->count <= 1)
		return true;
	vl_error(vl, node,
		 "an entry takes one form (op, raw, bytes, or flags/vdev_id/cache_id), got '%s' and '%s'",
		 vl_text(f->first, a), vl_text(f->second, b));
	return false;
}

/* The low bit of the address fields (kernel-facts 4.2). */
static unsigned int addr_low_bit(enum nestref_smmuv3_field field)
{
	return field == NESTREF_SMMUV3_F_MSIADDR ? 2 : 12;
}

/* {op: NAME | 0xNN, field: value, ...} */
static bool op_cmd(struct vl *vl, yaml_node_t *node,
		   struct nestref_smmuv3_cmd *cmd)
{
	const char *names[2 + NESTREF_SMMUV3_F_COUNT];
	struct vl_kv kv[1 + NESTREF_SMMUV3_F_COUNT];
	char buf[VL_EXCERPT + 8], opname[VL_EXCERPT + 8];
	const yaml_node_t *op;
	const char *name;
	unsigned int f;
	bool ok = true;
	uint64_t v;
	int ret;

	names[0] = "op";
	for (f = 0; f < NESTREF_SMMUV3_F_COUNT; f++) {
		name = nestref_smmuv3_field_name(f);
		names[1 + f] = name ? name : "?";
	}
	names[1 + NESTREF_SMMUV3_F_COUNT] = NULL;
	memset(cmd, 0, sizeof(*cmd));
	if (!vl_map(vl, node, NULL, "an SMMUv3 command", names, kv))
		return false;

	op = kv[0].val;
	if (vl_is_plain(op) && op->data.scalar.length &&
	    op->data.scalar.value[0] >= '0' &&
	    op->data.scalar.value[0] <= '9') {
		/* any opcode value: it goes to dw0[7:0] as written */
		if (!vl_uint(vl, op, "op", 0, 0xff, &v))
			return false;
		cmd->dw[0] = v;
		snprintf(opname, sizeof(opname), "0x%02x", (unsigned int)v);
	} else {
		if (!vl_str(vl, op, "op", VL_NON_EMPTY, &name))
			return false;
		if (nestref_smmuv3_cmd_init(cmd, name)) {
			vl_error(vl, op,
				 "unknown opcode '%s' (expected an Arm command name without CMD_, such as CFGI_CD, or 0xNN)",
				 vl_text(op, buf));
			return false;
		}
		vl_text(op, opname);
	}

	for (f = 0; f < NESTREF_SMMUV3_F_COUNT; f++) {
		if (!kv[1 + f].val)
			continue;
		if (!nestref_smmuv3_has_field(nestref_smmuv3_opcode(cmd), f)) {
			vl_error(vl, kv[1 + f].key,
				 "opcode %s has no field '%s'", opname,
				 names[1 + f]);
			ok = false;
			continue;
		}
		if (!vl_uint(vl, kv[1 + f].val, names[1 + f], 0, UINT64_MAX,
			     &v)) {
			ok = false;
			continue;
		}
		ret = nestref_smmuv3_set(cmd, f, v);
		if (!ret)
			continue;
		ok = false;
		if (ret == -ENOENT)
			vl_error(vl, kv[1 + f].key,
				 "opcode %s has no field '%s'", opname,
				 names[1 + f]);
		else if (ret == -ERANGE)
			vl_error(vl, kv[1 + f].val,
				 "value %s does not fit %s of %s",
				 vl_text(kv[1 + f].val, buf), names[1 + f],
				 opname);
		else if (f == NESTREF_SMMUV3_F_ADDR ||
			 f == NESTREF_SMMUV3_F_MSIADDR)
			vl_error(vl, kv[1 + f].val,
				 "%s %s has bits below bit %u set",
				 names[1 + f], vl_text(kv[1 + f].val, buf),
				 addr_low_bit(f));
		else
			vl_error(vl, kv[1 + f].val,
				 "value %s is not valid for %s of %s",
				 vl_text(kv[1 + f].val, buf), names[1 + f],
				 opname);
	}
	return ok;
}

bool vl_dw_list(struct vl *vl, yaml_node_t *list, const char *key,
		uint64_t *dw, size_t n)
{
	static const char *const names[] = { "dw0", "dw1", "dw2", "dw3" };
	static const char *const shapes[] = { "", "[dw0]", "[dw0, dw1]",
					       "[dw0, dw1, dw2]",
					       "[dw0, dw1, dw2, dw3]" };
	static const char *const counts[] = { "", "one", "two", "three",
					      "four" };
	bool ok = true;
	size_t got, i;

	if (list->type != YAML_SEQUENCE_NODE) {
		char what[64];

		snprintf(what, sizeof(what), "a list of %s integers %s",
			 counts[n], shapes[n]);
		vl_expected(vl, list, what, key);
		return false;
	}
	if (!vl_seq(vl, list, key, &got))
		return false;
	if (got != n) {
		vl_error(vl, list,
			 "expected a list of %s integers %s for '%s', got a list of %zu",
			 counts[n], shapes[n], key, got);
		return false;
	}
	for (i = 0; i < n; i++)
		if (!vl_uint(vl, vl_item(vl, list, i), names[i], 0,
			     UINT64_MAX, &dw[i]))
			ok = false;
	return ok;
}

/* {raw: [dw0, dw1]}: exact bits, for anything the fields cannot say */
static bool raw_cmd(struct vl *vl, yaml_node_t *node,
		    struct nestref_smmuv3_cmd *cmd)
{
	static const char *const keys[] = { "raw", NULL };
	struct vl_kv kv[1];

	memset(cmd, 0, sizeof(*cmd));
	if (!vl_map(vl, node, NULL, "a raw entry", keys, kv))
		return false;
	return vl_dw_list(vl, kv[0].val, "raw", cmd->dw, 2);
}

/* A mapping whose keys name exactly one entry form (vectors.md 3.3). */
static bool entry_forms(struct vl *vl, yaml_node_t *node, struct forms *f)
{
	if (node->type != YAML_MAPPING_NODE) {
		vl_expected(vl, node, "a mapping", NULL);
		return false;
	}
	find_forms(vl, node, f);
	return report_forms(vl, node, f);
}

bool vl_smmu_cmd(struct vl *vl, yaml_node_t *node,
		 struct nestref_smmuv3_cmd *cmd)
{
	struct forms f;

	memset(cmd, 0, sizeof(*cmd));
	if (!entry_forms(vl, node, &f))
		return false;
	if (f.key[FORM_OP])
		return op_cmd(vl, node, cmd);
	if (f.key[FORM_RAW])
		return raw_cmd(vl, node, cmd);
	if (f.has_field && !f.count) {
		vl_error(vl, node, "missing required key 'op'");
		return false;
	}
	vl_error(vl, node,
		 "expected an SMMUv3 command ({op: ...} or {raw: [dw0, dw1]})");
	return false;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* {flags, vdev_id, cache_id}: struct iommu_viommu_invalidate_selftest */
static bool selftest_entry(struct vl *vl, yaml_node_t *node,
			   struct vec_entry *e)
{
	struct vl_kv kv[3];
	uint32_t v[3] = { 0, 0, 0 };
	bool ok = true;
	unsigned int i;

	if (!vl_map(vl, node, NULL, "a selftest entry", selftest_keys, kv))
		return false;
	for (i = 0; i < 3; i++)
		if (kv[i].val && !vl_u32(vl, kv[i].val, selftest_keys[i], &v[i]))
			ok = false;
	e->bytes = vl_calloc(vl, SELFTEST_ENTRY_SIZE, 1);
	if (!e->bytes)
		return false;
	e->len = SELFTEST_ENTRY_SIZE;
	for (i = 0; i < 3; i++)
		put_le32(e->bytes + (size_t)4 * i, v[i]);
	return ok;
}

static bool bytes_entry(struct vl *vl, yaml_node_t *node, struct vec_entry *e)
{
	static const char *const keys[] = { "bytes", NULL };
	struct vl_kv kv[1];

	if (!vl_map(vl, node, NULL, "a bytes entry", keys, kv))
		return false;
	return vl_hexbytes(vl, kv[0].val, "bytes", &e->bytes, &e->len);
}

bool vl_entry(struct vl *vl, yaml_node_t *node, struct vec_entry *e)
{
	static const char *const all_keys[] = { "op",    "raw",     "bytes",
						"flags", "vdev_id", "cache_id",
						NULL };
	struct vl_kv kv[6];
	struct forms f;

	e->mark = vl_mark(node);
	if (!entry_forms(vl, node, &f))
		return false;
	if (f.key[FORM_OP] || f.key[FORM_RAW]) {
		struct nestref_smmuv3_cmd cmd;
		bool ok;

		e->form = VEC_ENTRY_SMMUV3;
		ok = f.key[FORM_OP] ? op_cmd(vl, node, &cmd) :
				      raw_cmd(vl, node, &cmd);
		e->bytes = vl_calloc(vl, SMMUV3_CMD_SIZE, 1);
		if (!e->bytes)
			return false;
		e->len = SMMUV3_CMD_SIZE;
		nestref_smmuv3_to_bytes(&cmd, e->bytes);
		return ok;
	}
	if (f.key[FORM_BYTES]) {
		e->form = VEC_ENTRY_BYTES;
		return bytes_entry(vl, node, e);
	}
	if (f.has_field) {
		vl_error(vl, node, "missing required key 'op'");
		return false;
	}
	/*
	 * No form key: {} is the all-zero selftest entry (its three keys
	 * default to 0); anything else has only unknown keys.
	 */
	if (f.key[FORM_SELFTEST] ||
	    node->data.mapping.pairs.top == node->data.mapping.pairs.start) {
		e->form = VEC_ENTRY_SELFTEST;
		return selftest_entry(vl, node, e);
	}
	vl_map(vl, node, NULL, "an entry", all_keys, kv);
	return false;
}

/* ---------------------------------------------------------------- */
/* Cache entries (3.4)                                              */

enum { TLB_VMID, TLB_ASID, TLB_VA, TLB_LEVEL, TLB_LEAF, TLB_GLOBAL, TLB_TG,
       TLB_N };

static bool tlb_entry(struct vl *vl, yaml_node_t *node,
		      struct nestref_smmuv3_cache_entry *ce)
{
	static const char *const keys[] = { "vmid", "asid",   "va", "level",
					    "leaf", "global", "tg", NULL };
	struct vl_kv kv[TLB_N];
	bool ok = true, leaf = true, global = false;
	uint64_t v;

	if (!vl_map(vl, node, NULL, "a tlb entry", keys, kv))
		return false;
	ok &= vl_require(vl, node, &kv[TLB_VMID], "vmid");
	ok &= vl_require(vl, node, &kv[TLB_VA], "va");
	ok &= vl_require(vl, node, &kv[TLB_LEVEL], "level");
	if (kv[TLB_VMID].val) {
		ok &= vl_uint(vl, kv[TLB_VMID].val, "vmid", 0, 0xffff, &v);
		ce->vmid = (uint32_t)v;
	}
	if (kv[TLB_VA].val)
		ok &= vl_uint(vl, kv[TLB_VA].val, "va", 0, UINT64_MAX, &ce->va);
	if (kv[TLB_LEVEL].val) {
		ok &= vl_uint(vl, kv[TLB_LEVEL].val, "level", 1, 3, &v);
		ce->level = (uint32_t)v;
	}
	if (kv[TLB_LEAF].val)
		ok &= vl_bool(vl, kv[TLB_LEAF].val, "leaf", &leaf);
	if (!leaf)
		ce->flags |= NESTREF_SMMUV3_CE_WALK;
	if (kv[TLB_GLOBAL].val)
		ok &= vl_bool(vl, kv[TLB_GLOBAL].val, "global", &global);
	if (global) {
		ce->flags |= NESTREF_SMMUV3_CE_GLOBAL;
		/* a global entry matches every ASID: it has none */
		if (kv[TLB_ASID].val) {
			vl_error(vl, kv[TLB_ASID].key,
				 "a global tlb entry has no asid");
			ok = false;
		}
	} else if (vl_require(vl, node, &kv[TLB_ASID], "asid")) {
		ok &= vl_uint(vl, kv[TLB_ASID].val, "asid", 0, 0xffff, &v);
		ce->asid = (uint32_t)v;
	} else {
		ok = false;
	}
	ce->tg = 4096;
	if (kv[TLB_TG].val &&
	    vl_uint(vl, kv[TLB_TG].val, "tg", 0, UINT64_MAX, &v)) {
		if (v != 4096 && v != 16384 && v != 65536) {
			vl_expected(vl, kv[TLB_TG].val,
				    "a granule size in bytes (4096, 16384 or 65536)",
				    "tg");
			ok = false;
		}
		ce->tg = (uint32_t)v;
	} else if (kv[TLB_TG].val) {
		ok = false;
	}
	return ok;
}

/* cfg and atc entries: sid, optional ssid, and for atc addr and span */
enum { DEV_SID, DEV_SSID, DEV_ADDR, DEV_SPAN, DEV_N };

static bool dev_entry(struct vl *vl, yaml_node_t *node,
		      struct nestref_smmuv3_cache_entry *ce, bool atc)
{
	static const char *const cfg_keys[] = { "sid", "ssid", NULL };
	static const char *const atc_keys[] = { "sid", "ssid", "addr", "span",
						NULL };
	struct vl_kv kv[DEV_N];
	bool ok = true;
	uint64_t v;

	if (!vl_map(vl, node, NULL, atc ? "an atc entry" : "a cfg entry",
		    atc ? atc_keys : cfg_keys, kv))
		return false;
	if (vl_require(vl, node, &kv[DEV_SID], "sid"))
		ok &= vl_u32(vl, kv[DEV_SID].val, "sid", &ce->sid);
	else
		ok = false;
	if (kv[DEV_SSID].val) {
		/* SubstreamIDs are 20 bits (IDR1.SSIDSIZE at most 20) */
		ok &= vl_uint(vl, kv[DEV_SSID].val, "ssid", 0, 0xfffff, &v);
		ce->ssid = (uint32_t)v;
		ce->flags |= NESTREF_SMMUV3_CE_SSID;
	}
	if (!atc)
		return ok;
	if (vl_require(vl, node, &kv[DEV_ADDR], "addr"))
		ok &= vl_uint(vl, kv[DEV_ADDR].val, "addr", 0, UINT64_MAX,
			      &ce->addr);
	else
		ok = false;
	if (vl_require(vl, node, &kv[DEV_SPAN], "span"))
		ok &= vl_uint(vl, kv[DEV_SPAN].val, "span", 0, UINT64_MAX,
			      &ce->span);
	else
		ok = false;
	return ok;
}

/*
 * A caches mapping {tlb: [...], cfg: [...], atc: [...]}: every entry of
 * the named kinds into one array (tlb, then cfg, then atc, each in the
 * order written); named[kind] tells which kinds were written.
 */
bool vl_caches(struct vl *vl, yaml_node_t *node, const char *what,
	       struct nestref_smmuv3_cache_entry **out, size_t *count,
	       bool named[NESTREF_SMMUV3_CACHE_KIND_COUNT])
{
	static const char *const keys[] = { "tlb", "cfg", "atc", NULL };
	struct nestref_smmuv3_cache_entry *ces;
	struct vl_kv kv[NESTREF_SMMUV3_CACHE_KIND_COUNT];
	size_t n[NESTREF_SMMUV3_CACHE_KIND_COUNT], total = 0, at = 0, i;
	bool ok = true;
	unsigned int k;
	yaml_node_t *item;

	*out = NULL;
	*count = 0;
	for (k = 0; k < NESTREF_SMMUV3_CACHE_KIND_COUNT; k++)
		named[k] = false;
	if (!vl_map(vl, node, "caches", what, keys, kv))
		return false;
	for (k = 0; k < NESTREF_SMMUV3_CACHE_KIND_COUNT; k++) {
		n[k] = 0;
		if (!kv[k].val)
			continue;
		named[k] = true;
		if (!vl_seq(vl, kv[k].val, keys[k], &n[k]))
			ok = false;
		total += n[k];
	}
	if (!total)
		return ok;
	ces = vl_calloc(vl, total, sizeof(*ces));
	if (!ces)
		return false;
	*out = ces;
	*count = total;
	for (k = 0; k < NESTREF_SMMUV3_CACHE_KIND_COUNT; k++) {
		for (i = 0; i < n[k]; i++, at++) {
			item = vl_item(vl, kv[k].val, i);
			ces[at].kind = k;
			if (k == NESTREF_SMMUV3_CACHE_TLB)
				ok &= tlb_entry(vl, item, &ces[at]);
			else
				ok &= dev_entry(vl, item, &ces[at],
						k == NESTREF_SMMUV3_CACHE_ATC);
		}
	}
	return ok;
}

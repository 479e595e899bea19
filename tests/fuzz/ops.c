/* SPDX-License-Identifier: MIT */
/*
 * The core API driven by a byte-coded sequence of calls (docs/fuzzing.md
 * section 3).  The input is a header, then one byte per call (its number
 * modulo OP_COUNT) followed by the bytes of its arguments; IDs are picked
 * mostly among the objects alive, sometimes among the dead or at random.
 *
 * A model of the objects the calls created is kept beside the context,
 * and after every call the context is checked against it from the inside
 * (lib/core/internal.h): every ID returned is new (never 0, never an ID
 * alive or tombstoned), the ID space holds exactly the live objects, each
 * vIOMMU's vSID table holds exactly the links of its vDEVICEs, at most
 * one per vSID, and for mock and smmuv3-sim each link is the user data
 * that was set (kernel-facts 2.9, 3.2).  The answers nestref.h promises
 * whatever the backend does are checked too: the argument errors in their
 * order, EBUSY for a vIOMMU or HWPT still held, an entry_num never above
 * the caller's, a negative errno with a sentence for every failure.
 * Freeing the context must give back every block the library took.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

#include "lib/core/internal.h"
#include "ops.h"

/* The most objects (and tombstones) a model keeps; calls past it wait. */
#define FUZZ_OBJS 48
/* The most calls one input makes: longer inputs repeat what they could
 * reach anyway, only slower. */
#define FUZZ_CALLS 200
/* The largest user buffer an input builds. */
#define FUZZ_BUF_MAX 4096

enum fobj_kind {
	FOBJ_ANY = 0,
	FOBJ_VIOMMU,
	FOBJ_DEV,
	FOBJ_VDEV,
	FOBJ_HWPT,
	FOBJ_TOMB, /* a vDEVICE ID kept reserved (vdevice-tombstone) */
};

struct fobj {
	enum fobj_kind kind;
	uint32_t id;
	uint32_t viommu;   /* vdev, hwpt: its vIOMMU */
	uint32_t dev;      /* vdev: its device */
	uint32_t hwpt;     /* dev: the HWPT it is attached to, 0 for none */
	uint32_t value;    /* vdev: the first 4 bytes of its user data */
	unsigned long seq; /* vdev: the order of the sets */
};

struct model {
	struct nestref_ctx *ctx;
	const struct fuzz_ops_target *target;
	struct fobj objs[FUZZ_OBJS];
	size_t n;
	unsigned long seq;
	/* a user buffer of the harness, exactly as long as the call may read,
	 * so that ASan sees a read past its end */
	uint8_t *buf;
};

/* ---------------------------------------------------------------- model */

static struct fobj *model_find(struct model *m, uint32_t id)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->objs[i].id == id)
			return &m->objs[i];
	return NULL;
}

static struct fobj *model_live(struct model *m, uint32_t id,
			       enum fobj_kind kind)
{
	struct fobj *o = model_find(m, id);

	if (!o || o->kind == FOBJ_TOMB || (kind && o->kind != kind))
		return NULL;
	return o;
}

static size_t model_count(const struct model *m, enum fobj_kind kind,
			  uint32_t viommu, uint32_t dev, uint32_t hwpt)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++) {
		const struct fobj *o = &m->objs[i];

		if (o->kind != kind || (viommu && o->viommu != viommu) ||
		    (dev && o->dev != dev) || (hwpt && o->hwpt != hwpt))
			continue;
		n++;
	}
	return n;
}

static bool model_full(const struct model *m)
{
	return m->n >= FUZZ_OBJS;
}

/* A new object: its ID must be one no object alive or tombstoned has. */
static struct fobj *model_add(struct model *m, enum fobj_kind kind,
			      uint32_t id)
{
	struct fobj *o;

	FUZZ_CHECK(id != 0 && id <= NR_ID_MAX, "new object ID %u", id);
	FUZZ_CHECK(!model_find(m, id), "ID %u handed out twice", id);
	FUZZ_CHECK(!model_full(m), "model full");
	o = &m->objs[m->n++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->id = id;
	return o;
}

static void model_remove(struct model *m, struct fobj *o)
{
	*o = m->objs[--m->n];
}

/* The newest vDEVICE of a device, NULL for none. */
static struct fobj *model_newest_vdev(struct model *m, uint32_t dev)
{
	struct fobj *best = NULL;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct fobj *o = &m->objs[i];

		if (o->kind == FOBJ_VDEV && o->dev == dev &&
		    (!best || o->seq > best->seq))
			best = o;
	}
	return best;
}

/*
 * An ID for a call: mostly an object of the kind asked for, sometimes
 * any object or tombstone (the wrong kind), a small number or anything.
 */
static uint32_t pick_id(struct model *m, struct fuzz_in *in,
			enum fobj_kind kind)
{
	uint8_t b = fuzz_u8(in);
	size_t i, k = 0, want;

	switch (b >> 5) {
	case 7:
		return fuzz_u32(in);
	case 6:
		return b & 0x1f;
	case 5:
		kind = FOBJ_ANY;
		break;
	default:
		break;
	}
	for (i = 0; i < m->n; i++)
		k += !kind || m->objs[i].kind == kind;
	if (!k)
		return b & 0x1f;
	want = b % k;
	for (i = 0; i < m->n; i++)
		if ((!kind || m->objs[i].kind == kind) && !want--)
			return m->objs[i].id;
	return 0;
}

/* A 32-bit value worth trying: a linked vSID, a small one, or any. */
static uint32_t pick_value(struct model *m, struct fuzz_in *in)
{
	uint8_t b = fuzz_u8(in);
	size_t i, k = 0, want;

	if (b < 0x80) {
		for (i = 0; i < m->n; i++)
			k += m->objs[i].kind == FOBJ_VDEV;
		want = k ? b % k : 0;
		for (i = 0; k && i < m->n; i++)
			if (m->objs[i].kind == FOBJ_VDEV && !want--)
				return m->objs[i].value;
	}
	if (b < 0xc0)
		return b & 0x3f;
	return fuzz_u32(in);
}

/* ------------------------------------------------------------ checking */

/* What every call answers: 0, or a negative errno with a sentence. */
static void check_rc(struct model *m, const char *call, int rc)
{
	const char *msg = fuzz_message(m->ctx);

	/* NESTREF_FUZZ_TRACE=1: each call on stderr, to read an input by */
	if (getenv("NESTREF_FUZZ_TRACE"))
		fprintf(stderr, "fuzz: %s: %d %s\n", call, rc, msg);

	FUZZ_CHECK(rc <= 0, "%s returned %d", call, rc);
	if (!rc)
		return;
	FUZZ_CHECK(nestref_errno_name(rc) != NULL,
		   "%s returned %d, not an errno nestref knows", call, rc);
	FUZZ_CHECK(msg[0] != '\0', "%s failed with %s and no message", call,
		   nestref_errno_name(rc));
}

/* An answer nestref.h promises, unless an allocation failed meanwhile. */
static void check_want(const char *call, int rc, int want,
		       unsigned long failures)
{
	if (rc == -ENOMEM && fuzz_alloc_failures() > failures)
		return;
	FUZZ_CHECK(rc == want, "%s returned %d (%s), want %d (%s)", call, rc,
		   nestref_errno_name(rc) ? nestref_errno_name(rc) : "0", want,
		   nestref_errno_name(want) ? nestref_errno_name(want) : "0");
}

/* Whether a successful set of this context's backend links its value. */
static bool links_value(const struct model *m)
{
	if (!m->target->builtin)
		return false;
	if (!strcmp(m->target->backend, "mock"))
		return !nestref_ctx_rule(m->ctx, NESTREF_RULE_RFC_USER_DATA);
	return true;
}

static void check_table(struct model *m, const struct fobj *o,
			const struct nestref_viommu *v)
{
	const struct nestref_vsid_table *t = &v->head.vsids;
	size_t i, j, n = 0, linked = 0;

	for (i = 0; i <= t->mask; i++) {
		const struct nestref_vsid_slot *s = &t->slots[i];
		const struct nestref_dev *d = s->u.value;
		const struct nr_vdev *vd;

		if (!d)
			continue;
		n++;
		for (j = 0; j < i; j++)
			FUZZ_CHECK(!t->slots[j].u.value ||
					   t->slots[j].key != s->key,
				   "vIOMMU %u links vSID 0x%llx twice", o->id,
				   (unsigned long long)s->key);
		FUZZ_CHECK(model_live(m, d->obj.id, FOBJ_DEV) && d->obj.type ==
								 NR_OBJ_DEVICE,
			   "vIOMMU %u: vSID 0x%llx names no live device",
			   o->id, (unsigned long long)s->key);
		for (vd = d->vdevs; vd; vd = vd->next)
			if (vd->viommu == v && vd->linked &&
			    vd->virt_id == s->key)
				break;
		FUZZ_CHECK(vd != NULL,
			   "vIOMMU %u: vSID 0x%llx -> device %u, which has no vDEVICE linking it",
			   o->id, (unsigned long long)s->key, d->obj.id);
		FUZZ_CHECK(nestref_viommu_find_dev(v, s->key) == d,
			   "vIOMMU %u: vSID 0x%llx is in the table, the lookup misses it",
			   o->id, (unsigned long long)s->key);
	}
	FUZZ_CHECK(n == t->count, "vIOMMU %u: %zu links, count says %zu",
		   o->id, n, t->count);
	for (i = 0; i < m->n; i++) {
		const struct fobj *vo = &m->objs[i];
		const struct nr_vdev *vd;

		if (vo->kind != FOBJ_VDEV || vo->viommu != o->id)
			continue;
		vd = nr_obj_vdev(nr_ids_get(&m->ctx->ids, vo->id));
		linked += vd && vd->linked;
	}
	FUZZ_CHECK(n == linked, "vIOMMU %u: %zu links for %zu linked vDEVICEs",
		   o->id, n, linked);
}

static void check_viommu(struct model *m, const struct fobj *o,
			 struct nestref_viommu *v)
{
	size_t vdevs = model_count(m, FOBJ_VDEV, o->id, 0, 0);
	size_t hwpts = model_count(m, FOBJ_HWPT, o->id, 0, 0);

	FUZZ_CHECK(v->users == vdevs, "vIOMMU %u: %zu users, %zu vDEVICEs",
		   o->id, v->users, vdevs);
	FUZZ_CHECK(v->hwpts == hwpts, "vIOMMU %u: %zu hwpts, want %zu", o->id,
		   v->hwpts, hwpts);
	FUZZ_CHECK(v->inv_base == 0, "vIOMMU %u: inv_base %u between calls",
		   o->id, v->inv_base);
	check_table(m, o, v);
}

static void check_dev(struct model *m, const struct fobj *o,
		      const struct nestref_dev *d)
{
	const struct nr_vdev *vd;
	unsigned long last = (unsigned long)-1;
	size_t n = 0;

	FUZZ_CHECK(d->n_streams >= 1 && d->n_streams <= NESTREF_DEV_STREAMS_MAX,
		   "device %u has %zu streams", o->id, d->n_streams);
	FUZZ_CHECK(d->cur == NULL, "device %u: a set in progress", o->id);
	if (o->hwpt)
		FUZZ_CHECK(d->hwpt && d->hwpt->obj.id == o->hwpt,
			   "device %u is not attached to HWPT %u", o->id,
			   o->hwpt);
	else
		FUZZ_CHECK(!d->hwpt, "device %u is attached to HWPT %u",
			   o->id, d->hwpt->obj.id);
	/* Its vDEVICEs, newest first. */
	for (vd = d->vdevs; vd; vd = vd->next) {
		const struct fobj *vo = model_live(m, vd->obj.id, FOBJ_VDEV);

		FUZZ_CHECK(vo && vo->dev == o->id,
			   "device %u holds vDEVICE %u, which is not its",
			   o->id, vd->obj.id);
		FUZZ_CHECK(vo->seq < last, "device %u: vDEVICEs out of order",
			   o->id);
		last = vo->seq;
		n++;
	}
	FUZZ_CHECK(n == model_count(m, FOBJ_VDEV, 0, o->id, 0),
		   "device %u holds %zu vDEVICEs", o->id, n);
	FUZZ_CHECK(nestref_dev_vdevice_count(d) == n,
		   "device %u: vdevice_count %zu, want %zu", o->id,
		   nestref_dev_vdevice_count(d), n);
}

static void check_vdev(struct model *m, const struct fobj *o,
		       const struct nr_vdev *vd)
{
	FUZZ_CHECK(vd->dev->obj.id == o->dev && vd->viommu->obj.id == o->viommu,
		   "vDEVICE %u moved", o->id);
	if (vd->linked)
		FUZZ_CHECK(nestref_viommu_find_dev(vd->viommu, vd->virt_id) ==
				   vd->dev,
			   "vDEVICE %u: linked vSID 0x%llx finds another device",
			   o->id, (unsigned long long)vd->virt_id);
	if (!m->target->builtin)
		return;
	FUZZ_CHECK(vd->linked == links_value(m),
		   "vDEVICE %u linked %d, want %d", o->id, vd->linked,
		   links_value(m));
	if (vd->linked)
		FUZZ_CHECK(vd->virt_id == o->value,
			   "vDEVICE %u links vSID 0x%llx, its user data says 0x%x",
			   o->id, (unsigned long long)vd->virt_id, o->value);
}

static void check_hwpt(struct model *m, const struct fobj *o,
		       const struct nestref_hwpt *h)
{
	size_t users = model_count(m, FOBJ_DEV, 0, 0, o->id);

	FUZZ_CHECK(h->viommu->obj.id == o->viommu, "HWPT %u moved", o->id);
	FUZZ_CHECK(h->users == users, "HWPT %u: %zu users, want %zu", o->id,
		   h->users, users);
}

/* The context against the model, from the inside. */
static void check_model(struct model *m)
{
	struct nestref_ctx *ctx = m->ctx;
	size_t i, live = 0;

	for (i = 0; i < m->n; i++) {
		const struct fobj *o = &m->objs[i];
		static const enum nr_obj_type types[] = {
			[FOBJ_VIOMMU] = NR_OBJ_VIOMMU,
			[FOBJ_DEV] = NR_OBJ_DEVICE,
			[FOBJ_VDEV] = NR_OBJ_VDEVICE,
			[FOBJ_HWPT] = NR_OBJ_HWPT,
		};
		struct nr_obj *obj;

		if (o->kind == FOBJ_TOMB) {
			FUZZ_CHECK(nr_ids_is_tombstone(&ctx->ids, o->id) &&
					   !nr_ids_get(&ctx->ids, o->id),
				   "ID %u is no tombstone", o->id);
			continue;
		}
		live++;
		obj = nr_ids_get(&ctx->ids, o->id);
		FUZZ_CHECK(obj && obj->id == o->id &&
				   obj->type == types[o->kind],
			   "object %u is missing or of another kind", o->id);
		switch (o->kind) {
		case FOBJ_VIOMMU:
			check_viommu(m, o, nr_obj_viommu(obj));
			break;
		case FOBJ_DEV:
			check_dev(m, o, nr_obj_dev(obj));
			break;
		case FOBJ_VDEV:
			check_vdev(m, o, nr_obj_vdev(obj));
			break;
		case FOBJ_HWPT:
			check_hwpt(m, o, nr_obj_hwpt(obj));
			break;
		default:
			break;
		}
	}
	FUZZ_CHECK(ctx->ids.count == live, "%zu IDs taken for %zu objects",
		   ctx->ids.count, live);
}

/* --------------------------------------------------------------- buffers */

/* A user buffer of n bytes from the input (zeros past its end). */
static const uint8_t *user_buf(struct model *m, struct fuzz_in *in, size_t n)
{
	const uint8_t *p;
	size_t got;

	free(m->buf);
	m->buf = malloc(n ? n : 1);
	FUZZ_CHECK(m->buf != NULL, "out of memory in the harness");
	got = fuzz_take(in, n, &p);
	memcpy(m->buf, p, got);
	memset(m->buf + got, 0, n - got);
	return m->buf;
}

/* ------------------------------------------------------------------ calls */

static void op_viommu_alloc(struct model *m, struct fuzz_in *in)
{
	uint8_t b = fuzz_u8(in);
	uint32_t s2 = b < 0x80 ? b : b < 0xc0 ? fuzz_u16(in) : fuzz_u32(in);
	uint32_t id = 0;
	int rc;

	rc = nestref_viommu_alloc(m->ctx, s2, &id);
	check_rc(m, "viommu_alloc", rc);
	if (!rc)
		model_add(m, FOBJ_VIOMMU, id);
}

static void op_dev_add(struct model *m, struct fuzz_in *in, bool streams)
{
	uint32_t psids[NESTREF_DEV_STREAMS_MAX + 2];
	unsigned long failures = fuzz_alloc_failures();
	size_t n = 1, i;
	uint32_t id = 0;
	int rc;

	if (streams)
		n = fuzz_u8(in) % (NESTREF_DEV_STREAMS_MAX + 2);
	for (i = 0; i < n; i++) {
		uint8_t b = fuzz_u8(in);

		psids[i] = b < 0x80 ? 0x1000u + b : fuzz_u32(in);
	}
	rc = streams ? nestref_dev_add_streams(m->ctx, psids, n, &id) :
		       nestref_dev_add(m->ctx, psids[0], &id);
	check_rc(m, "dev_add", rc);
	if (n == 0 || n > NESTREF_DEV_STREAMS_MAX)
		check_want("dev_add_streams", rc, -EINVAL, failures);
	if (!rc)
		model_add(m, FOBJ_DEV, id);
}

static void op_set(struct model *m, struct fuzz_in *in)
{
	unsigned long failures = fuzz_alloc_failures();
	uint32_t viommu = pick_id(m, in, FOBJ_VIOMMU);
	uint32_t dev = pick_id(m, in, FOBJ_DEV);
	uint8_t how = fuzz_u8(in);
	size_t len = how & 0x0f;
	uint8_t head[4] = { 0 };
	const uint8_t *data;
	uint32_t value, id = 0;
	struct fobj *o;
	int rc, want = 1;

	/* mostly a vSID worth trying, then the rest of the struct */
	value = pick_value(m, in);
	nestref_le_put(head, 4, value);
	data = user_buf(m, in, len);
	memcpy(m->buf, head, len < 4 ? len : 4);
	if (how & 0x80)
		data = NULL;
	/* What the core copies: the backend's struct, zero-extended. */
	value = data ? (uint32_t)nestref_le_get(data, len < 4 ? len : 4) : 0;

	rc = nestref_set_dev_user_data(m->ctx, viommu, dev, data, len, &id);
	check_rc(m, "set_dev_user_data", rc);
	/* nestref.h: the errors in the order they are checked. */
	if (!data || !len)
		want = -EINVAL;
	else if (!model_live(m, viommu, FOBJ_VIOMMU) ||
		 !model_live(m, dev, FOBJ_DEV))
		want = -ENOENT;
	else if (model_newest_vdev(m, dev) &&
		 nestref_ctx_rule(m->ctx, NESTREF_RULE_ONE_VDEVICE_PER_DEVICE))
		want = -EEXIST;
	if (want != 1)
		check_want("set_dev_user_data", rc, want, failures);
	if (rc)
		return;
	o = model_add(m, FOBJ_VDEV, id);
	o->viommu = viommu;
	o->dev = dev;
	o->value = value;
	o->seq = ++m->seq;
}

static void op_unset(struct model *m, struct fuzz_in *in)
{
	unsigned long failures = fuzz_alloc_failures();
	uint32_t dev = pick_id(m, in, FOBJ_DEV);
	struct fobj *v = model_live(m, dev, FOBJ_DEV) ?
				 model_newest_vdev(m, dev) :
				 NULL;
	int rc;

	rc = nestref_unset_dev_user_data(m->ctx, dev);
	check_rc(m, "unset_dev_user_data", rc);
	check_want("unset_dev_user_data", rc, v ? 0 : -ENOENT, failures);
	if (!rc && v)
		model_remove(m, v);
}

/* What IOMMU_DESTROY of a device does to the model. */
static void destroy_dev(struct model *m, struct fobj *d)
{
	bool tomb = nestref_ctx_rule(m->ctx, NESTREF_RULE_VDEVICE_TOMBSTONE);
	uint32_t id = d->id;
	struct fobj *v;

	while ((v = model_newest_vdev(m, id))) {
		if (tomb) {
			v->kind = FOBJ_TOMB;
			v->dev = v->viommu = 0;
		} else {
			model_remove(m, v);
		}
	}
	model_remove(m, model_find(m, id));
}

static void op_destroy(struct model *m, struct fuzz_in *in)
{
	unsigned long failures = fuzz_alloc_failures();
	uint32_t id = pick_id(m, in, FOBJ_ANY);
	struct fobj *o = model_find(m, id);
	int rc, want = 0;

	if (!o || o->kind == FOBJ_TOMB)
		want = -ENOENT;
	else if ((o->kind == FOBJ_VIOMMU &&
		  (model_count(m, FOBJ_VDEV, id, 0, 0) ||
		   model_count(m, FOBJ_HWPT, id, 0, 0))) ||
		 (o->kind == FOBJ_HWPT && model_count(m, FOBJ_DEV, 0, 0, id)))
		want = -EBUSY;
	rc = nestref_destroy(m->ctx, id);
	check_rc(m, "destroy", rc);
	check_want("destroy", rc, want, failures);
	if (rc)
		return;
	FUZZ_CHECK(o != NULL, "destroy of unknown ID %u succeeded", id);
	if (o->kind == FOBJ_DEV)
		destroy_dev(m, o);
	else
		model_remove(m, o);
}

/* The SMMUv3 opcodes with a name (include/nestref/smmuv3.h). */
static const uint8_t smmu_ops[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11,
	0x12, 0x13, 0x18, 0x1a, 0x20, 0x21, 0x22, 0x23, 0x28,
	0x2a, 0x30, 0x40, 0x41, 0x44, 0x45, 0x46,
};

/* A guest command: a named opcode whose fields come from the input. */
static void smmu_entry(struct model *m, struct fuzz_in *in, uint8_t *out)
{
	struct nestref_smmuv3_cmd cmd = { { 0, 0 } };
	unsigned int f;

	cmd.dw[0] = smmu_ops[fuzz_u8(in) % sizeof(smmu_ops)];
	for (f = 0; f < NESTREF_SMMUV3_F_COUNT; f++) {
		uint8_t b;
		uint64_t v;

		if (!nestref_smmuv3_has_field(nestref_smmuv3_opcode(&cmd),
					      (enum nestref_smmuv3_field)f))
			continue;
		if (f == NESTREF_SMMUV3_F_SID) {
			v = pick_value(m, in);
		} else {
			b = fuzz_u8(in);
			if (b < 0x60)
				continue;
			v = b < 0xc0 ? b & 0x1f : fuzz_u64(in) >> (b & 0x3f);
			if (f == NESTREF_SMMUV3_F_ADDR)
				v <<= 12;
			else if (f == NESTREF_SMMUV3_F_MSIADDR)
				v <<= 2;
		}
		/* a value that does not fit leaves the field 0 */
		nestref_smmuv3_set(&cmd, (enum nestref_smmuv3_field)f, v);
	}
	nestref_smmuv3_to_bytes(&cmd, out);
}

/* struct iommu_viommu_invalidate_selftest: flags, vdev_id, cache_id */
static void selftest_entry(struct model *m, struct fuzz_in *in, uint8_t *out)
{
	uint8_t b = fuzz_u8(in);

	nestref_le_put(out, 4, b < 0xc0 ? b & 1 : fuzz_u32(in));
	nestref_le_put(out + 4, 4, pick_value(m, in));
	nestref_le_put(out + 8, 4, fuzz_u8(in) % 5);
}

static void op_invalidate(struct model *m, struct fuzz_in *in)
{
	static const uint32_t types[] = {
		NESTREF_INV_TYPE_SELFTEST, NESTREF_INV_TYPE_ARM_SMMUV3,
		NESTREF_INV_TYPE_SELFTEST, NESTREF_INV_TYPE_ARM_SMMUV3,
		NESTREF_INV_TYPE_SELFTEST_INVALID, 0,
	};
	static const uint32_t lens[] = { 12, 16, 12, 16, 0, 8, 24, 4096 };
	unsigned long failures = fuzz_alloc_failures();
	uint32_t target = pick_id(m, in, FOBJ_VIOMMU);
	uint8_t sel = fuzz_u8(in), form = fuzz_u8(in);
	struct nestref_user_array a = { 0 };
	size_t size, off, got;
	uint32_t num;
	uint8_t *buf;
	int rc;

	a.type = sel % 8 < 6 ? types[sel % 8] : fuzz_u32(in);
	a.entry_len = (sel >> 3) % 10 < 8 ? lens[(sel >> 3) % 10] :
		      (sel >> 3) % 10 == 8 ? 4097 : fuzz_u16(in);
	switch (form >> 5) {
	case 0:
		a.entry_num = 0;
		break;
	case 5:
		a.entry_num = NESTREF_INV_ENTRY_NUM_MAX + (form & 1);
		break;
	case 6:
		a.entry_num = fuzz_u32(in);
		break;
	default:
		a.entry_num = 1 + (form & 0x0f);
		break;
	}
	/* The entries the input builds, in a buffer exactly that long. */
	size = (uint64_t)a.entry_num * a.entry_len > FUZZ_BUF_MAX ?
		       FUZZ_BUF_MAX :
		       (size_t)a.entry_num * a.entry_len;
	buf = calloc(1, size ? size : 1);
	FUZZ_CHECK(buf != NULL, "out of memory in the harness");
	for (off = 0; a.entry_len && off + a.entry_len <= size;
	     off += a.entry_len) {
		uint8_t entry[16] = { 0 };
		const uint8_t *raw;
		uint8_t how = fuzz_u8(in);

		if (how < 0x60) {
			smmu_entry(m, in, entry);
			memcpy(buf + off, entry,
			       a.entry_len < 16 ? a.entry_len : 16);
		} else if (how < 0xc0) {
			selftest_entry(m, in, entry);
			memcpy(buf + off, entry,
			       a.entry_len < 12 ? a.entry_len : 12);
		} else {
			got = fuzz_take(in, a.entry_len, &raw);
			memcpy(buf + off, raw, got);
		}
		/* a tail that is not zero: E2BIG */
		if (how == 0x5f && a.entry_len > 16)
			buf[off + a.entry_len - 1] = 1;
		if (!in->n)
			break;
	}
	a.data = form & 0x10 && sel & 1 ? NULL : buf;
	/* sometimes a buffer that ends early: a read past it is EFAULT */
	a.data_size = form & 0x10 && !(sel & 1) && size ?
			      size - 1 - fuzz_u8(in) % size :
			      size;
	num = a.entry_num;
	rc = nestref_invalidate(m->ctx, target, &a);
	check_rc(m, "invalidate", rc);
	FUZZ_CHECK(a.entry_num <= num, "invalidate: entry_num %u came back %u",
		   num, a.entry_num);
	if (num && (!a.data || !a.entry_len)) {
		check_want("invalidate", rc, -EINVAL, failures);
		FUZZ_CHECK(a.entry_num == 0, "entry_num %u after EINVAL",
			   a.entry_num);
	}
	/* The built-in drivers handle the whole array when they succeed. */
	if (!rc && m->target->builtin)
		FUZZ_CHECK(a.entry_num == num,
			   "invalidate succeeded on %u of %u entries",
			   a.entry_num, num);
	free(buf);
}

static void op_check_cache(struct model *m, struct fuzz_in *in)
{
	uint32_t dev = pick_id(m, in, FOBJ_DEV);
	uint8_t b = fuzz_u8(in);
	uint32_t value = b < 0x40 ? 0 : b < 0x80 ? 0xbaddadu : fuzz_u32(in);
	int rc;

	rc = nestref_check_cache(m->ctx, dev, b % 5, value);
	check_rc(m, "check_cache", rc);
}

static void op_hw_info(struct model *m, struct fuzz_in *in)
{
	uint32_t flags = 0;
	int rc;

	rc = nestref_hw_info(m->ctx, pick_id(m, in, FOBJ_DEV), &flags);
	check_rc(m, "hw_info", rc);
	if (!rc)
		FUZZ_CHECK(nestref_ctx_caps(m->ctx) &
				   NESTREF_CAP_OBSERVE_HW_INFO,
			   "hw_info answered without observe-hw-info");
}

static void op_hwpt_alloc(struct model *m, struct fuzz_in *in)
{
	unsigned long failures = fuzz_alloc_failures();
	uint32_t viommu = pick_id(m, in, FOBJ_VIOMMU);
	uint8_t sel = fuzz_u8(in);
	uint32_t type, id = 0;
	const uint8_t *data;
	size_t len;
	struct fobj *o;
	int rc, want = 1;

	type = sel % 4 < 2 ? NESTREF_HWPT_DATA_ARM_SMMUV3 :
	       sel % 4 == 2 ? NESTREF_HWPT_DATA_NONE :
			      fuzz_u32(in);
	len = (sel >> 2) % 4 ? NESTREF_SMMUV3_VSTE_SIZE :
	      (sel & 0x10)   ? 0 :
			       fuzz_u8(in) % 40;
	data = user_buf(m, in, len);
	if (len >= 8 && sel & 0x20) {
		/* a vSTE with V set and a CFG the host accepts, 3.7 */
		static const uint8_t cfg[] = { 0, 4, 5, 5 };

		m->buf[0] = (uint8_t)(1 | cfg[(sel >> 6) & 3] << 1 |
				      (m->buf[0] & 0x30));
	}
	if (sel & 0x80 && (sel & 0x40))
		data = NULL;
	rc = nestref_hwpt_alloc_nested(m->ctx, viommu, type, data, len, &id);
	check_rc(m, "hwpt_alloc_nested", rc);
	if (!(nestref_ctx_caps(m->ctx) & NESTREF_CAP_ATTACH_NESTED))
		want = -EOPNOTSUPP;
	else if ((type == NESTREF_HWPT_DATA_NONE) != (len == 0) ||
		 !model_live(m, viommu, FOBJ_VIOMMU))
		want = -EINVAL;
	if (want != 1)
		check_want("hwpt_alloc_nested", rc, want, failures);
	if (rc)
		return;
	o = model_add(m, FOBJ_HWPT, id);
	o->viommu = viommu;
}

static void op_attach(struct model *m, struct fuzz_in *in)
{
	unsigned long failures = fuzz_alloc_failures();
	uint32_t dev = pick_id(m, in, FOBJ_DEV);
	uint32_t hwpt = pick_id(m, in, FOBJ_HWPT);
	struct fobj *d = model_live(m, dev, FOBJ_DEV);
	struct fobj *h = model_live(m, hwpt, FOBJ_ANY);
	int rc, want = 1;

	rc = nestref_dev_attach(m->ctx, dev, hwpt);
	check_rc(m, "dev_attach", rc);
	if (!(nestref_ctx_caps(m->ctx) & NESTREF_CAP_ATTACH_NESTED))
		want = -EOPNOTSUPP;
	else if (!d || !h)
		want = -ENOENT;
	else if (h->kind != FOBJ_HWPT)
		want = -EINVAL;
	else if (d->hwpt == hwpt)
		want = 0;
	if (want != 1)
		check_want("dev_attach", rc, want, failures);
	if (rc)
		return;
	FUZZ_CHECK(d && h, "dev_attach of %u to %u succeeded", dev, hwpt);
	d->hwpt = hwpt;
}

/* Reads what an observation returned, so that ASan sees a bad array. */
static void read_cmds(const struct nestref_smmuv3_cmd *cmds, size_t n)
{
	char text[160];
	size_t i;

	FUZZ_CHECK(!n || cmds, "%zu commands at NULL", n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(nestref_smmuv3_format(&cmds[i], text,
						 sizeof(text)) > 0,
			   "command %zu formats to nothing", i);
}

/* What a context says of itself: its backend, rules of its profile. */
static void check_self(struct model *m)
{
	uint32_t rules = nestref_profile_rules(nestref_ctx_profile(m->ctx));
	const char *name = nestref_ctx_backend(m->ctx);
	unsigned int r;

	FUZZ_CHECK(name && !strcmp(name, m->target->backend),
		   "the context's backend is %s", name);
	for (r = 0; r < NESTREF_RULE_COUNT; r++)
		FUZZ_CHECK(!nestref_ctx_rule(m->ctx, (enum nestref_rule)r) ||
				   (rules & NESTREF_RULE_BIT(r)),
			   "rule %s in force outside its profile",
			   nestref_rule_name((enum nestref_rule)r));
}

static void read_event(const struct nestref_smmuv3_trace_event *ev, size_t i)
{
	FUZZ_CHECK(ev->kind < NESTREF_SMMUV3_TRACE_KIND_COUNT,
		   "trace event %zu of kind %u", i, ev->kind);
	read_cmds(&ev->in, 1);
	read_cmds(&ev->out, 1);
	FUZZ_CHECK(!ev->rule || strlen(ev->rule) < 4096,
		   "trace event %zu: rule", i);
	FUZZ_CHECK(!ev->section || strlen(ev->section) < 4096,
		   "trace event %zu: section", i);
	FUZZ_CHECK(!ev->function || strlen(ev->function) < 4096,
		   "trace event %zu: function", i);
}

static void op_observe(struct model *m, struct fuzz_in *in)
{
	const struct nestref_smmuv3_cache_entry *entries;
	const struct nestref_smmuv3_trace_event *events;
	const struct nestref_smmuv3_cmd *cmds;
	const struct nestref_counter *counters;
	size_t n, i;
	int rc;

	switch (fuzz_u8(in) % 7) {
	case 0:
		rc = nestref_smmuv3_issued(m->ctx, &cmds, &n);
		check_rc(m, "issued", rc);
		if (!rc)
			read_cmds(cmds, n);
		break;
	case 1:
		nestref_smmuv3_issued_clear(m->ctx);
		break;
	case 2:
		rc = nestref_smmuv3_caches_get(m->ctx, &entries, &n);
		check_rc(m, "caches_get", rc);
		for (i = 0; !rc && i < n; i++)
			FUZZ_CHECK(entries[i].kind <
					   NESTREF_SMMUV3_CACHE_KIND_COUNT,
				   "cache entry %zu of kind %u", i,
				   entries[i].kind);
		break;
	case 3:
		rc = nestref_smmuv3_trace(m->ctx, &events, &n);
		check_rc(m, "trace", rc);
		for (i = 0; !rc && i < n; i++)
			read_event(&events[i], i);
		break;
	case 4:
		nestref_smmuv3_trace_clear(m->ctx);
		break;
	case 5:
		rc = nestref_counters(m->ctx, &counters, &n);
		check_rc(m, "counters", rc);
		for (i = 0; !rc && i < n; i++)
			FUZZ_CHECK(memchr(counters[i].name, '\0',
					  sizeof(counters[i].name)),
				   "counter %zu: name not terminated", i);
		break;
	default:
		check_self(m);
		break;
	}
}

static void op_caches_fill(struct model *m, struct fuzz_in *in)
{
	struct nestref_smmuv3_cache_entry e[8];
	static const uint32_t tgs[] = { 4096, 16384, 65536, 0 };
	size_t n = fuzz_u8(in) % 9, i;
	int rc;

	memset(e, 0, sizeof(e));
	for (i = 0; i < n; i++) {
		uint8_t b = fuzz_u8(in);

		e[i].kind = b % 4 == 3 ? fuzz_u32(in) : b % 4;
		e[i].flags = (b >> 2) & 7;
		e[i].vmid = fuzz_u8(in);
		e[i].asid = fuzz_u8(in);
		e[i].va = (uint64_t)fuzz_u32(in) << 12;
		e[i].level = 1 + (b >> 5) % 3;
		e[i].tg = tgs[(b >> 5) & 3];
		e[i].sid = pick_value(m, in);
		e[i].ssid = fuzz_u8(in);
		e[i].addr = (uint64_t)fuzz_u16(in) << 12;
		e[i].span = (uint64_t)fuzz_u8(in) << 12;
	}
	rc = nestref_smmuv3_caches_fill(m->ctx, e, n);
	check_rc(m, "caches_fill", rc);
}

enum {
	OP_VIOMMU_ALLOC,
	OP_DEV_ADD,
	OP_DEV_ADD_STREAMS,
	OP_SET,
	OP_SET_AGAIN, /* set is the call with the most to check: twice */
	OP_UNSET,
	OP_DESTROY,
	OP_INVALIDATE,
	OP_INVALIDATE_AGAIN,
	OP_CHECK_CACHE,
	OP_HW_INFO,
	OP_HWPT_ALLOC,
	OP_ATTACH,
	OP_OBSERVE,
	OP_CACHES_FILL,
	OP_COUNT
};

static void run_op(struct model *m, struct fuzz_in *in, unsigned int op)
{
	/* A call that creates waits while the model is full. */
	if (model_full(m) &&
	    (op == OP_VIOMMU_ALLOC || op == OP_DEV_ADD ||
	     op == OP_DEV_ADD_STREAMS || op == OP_SET || op == OP_SET_AGAIN ||
	     op == OP_HWPT_ALLOC))
		op = OP_DESTROY;
	switch (op) {
	case OP_VIOMMU_ALLOC:
		op_viommu_alloc(m, in);
		break;
	case OP_DEV_ADD:
	case OP_DEV_ADD_STREAMS:
		op_dev_add(m, in, op == OP_DEV_ADD_STREAMS);
		break;
	case OP_SET:
	case OP_SET_AGAIN:
		op_set(m, in);
		break;
	case OP_UNSET:
		op_unset(m, in);
		break;
	case OP_DESTROY:
		op_destroy(m, in);
		break;
	case OP_INVALIDATE:
	case OP_INVALIDATE_AGAIN:
		op_invalidate(m, in);
		break;
	case OP_CHECK_CACHE:
		op_check_cache(m, in);
		break;
	case OP_HW_INFO:
		op_hw_info(m, in);
		break;
	case OP_HWPT_ALLOC:
		op_hwpt_alloc(m, in);
		break;
	case OP_ATTACH:
		op_attach(m, in);
		break;
	case OP_OBSERVE:
		op_observe(m, in);
		break;
	default:
		op_caches_fill(m, in);
		break;
	}
}

/* --------------------------------------------------------------- header */

/* The context's options from the header bytes (docs/fuzzing.md 3). */
static void read_header(struct fuzz_in *in, struct nestref_ctx_opts *opts,
			struct nestref_smmuv3_features *f, bool *fail,
			unsigned long *fail_at, bool *sticky)
{
	static const uint32_t pages[] = { 0, 4096, 16384, 65536 };
	uint8_t h = fuzz_u8(in);

	opts->profile = (enum nestref_profile)(h & 3);
	opts->page_size = pages[(h >> 2) & 3];
	if (h & 0x10) {
		/*
		 * Rules off, as the ablation study does; not the two that
		 * bound an array.  Without both, a driver allocates what
		 * entry_num asks, as the kernel would try to: a fuzzed
		 * entry_num of 2^32 asks 48 GiB of the mock.
		 */
		uint32_t keep =
			NESTREF_RULE_BIT(NESTREF_RULE_INVALIDATE_WHOLE_ARRAY) |
			NESTREF_RULE_BIT(NESTREF_RULE_INVALIDATE_BOUNDS);

		opts->rules_off = fuzz_u16(in) &
				  (NESTREF_RULE_BIT(NESTREF_RULE_COUNT) - 1) &
				  ~keep;
	}
	if (h & 0x20) {
		uint8_t b = fuzz_u8(in);

		nestref_smmuv3_features_default(f);
		f->asid16 = b & 1;
		f->vmid16 = b & 2;
		f->ril = b & 4;
		f->ats = b & 8;
		f->ds = b & 0x10;
		f->repeat_tlbi_cfgi = b & 0x20;
		f->gerror_irq_blocked = b & 0x40;
		f->sidsize = fuzz_u8(in) % 34; /* 33: out of range */
		f->ssidsize = fuzz_u8(in) % 22;
		/* a shorter struct takes the defaults for what it lacks */
		if (b & 0x80)
			f->size = (uint32_t)(4 + 4 * (fuzz_u8(in) % 3));
		opts->ext_opts = f;
	}
	*fail = h & 0x40;
	if (*fail) {
		*fail_at = 1 + (unsigned long)fuzz_u16(in);
		*sticky = h & 0x80;
	}
}

void fuzz_ops_run(struct fuzz_in *in, const struct fuzz_ops_target *target)
{
	struct nestref_smmuv3_features features;
	struct nestref_ctx_opts opts = {
		.size = sizeof(opts),
		.backend = target->backend,
		.backend_options = target->options,
	};
	struct model m = { .target = target };
	unsigned long fail_at = 0;
	bool fail = false, sticky = false;
	char msg[256];
	unsigned int calls = 0;
	int rc;

	read_header(in, &opts, &features, &fail, &fail_at, &sticky);
	fuzz_alloc_start(fail ? fail_at : 0, sticky);
	msg[0] = '\0';
	rc = nestref_ctx_new(&m.ctx, &opts, msg, sizeof(msg));
	if (rc) {
		FUZZ_CHECK(rc < 0 && nestref_errno_name(rc),
			   "ctx_new returned %d", rc);
		FUZZ_CHECK(!m.ctx, "ctx_new failed and gave a context");
		FUZZ_CHECK(strnlen(msg, sizeof(msg)) < sizeof(msg) && msg[0],
			   "ctx_new failed with %s and no message",
			   nestref_errno_name(rc));
		goto out;
	}
	FUZZ_CHECK(m.ctx != NULL, "ctx_new gave no context");
	while (in->n && calls++ < FUZZ_CALLS) {
		run_op(&m, in, fuzz_u8(in) % OP_COUNT);
		check_model(&m);
	}
	nestref_ctx_free(m.ctx);
out:
	FUZZ_CHECK(fuzz_alloc_live() == 0,
		   "%ld blocks still held after the context was freed",
		   fuzz_alloc_live());
	fuzz_alloc_stop();
	free(m.buf);
}

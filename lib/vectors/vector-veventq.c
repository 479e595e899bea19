/* SPDX-License-Identifier: MIT */
/*
 * vEVENTQs in the vector format: setup.veventqs (spec/vectors.md 1.2),
 * the alloc_veventq, read_vevents and trigger_vevent steps (3.9-3.11) and
 * the queue names that destroy and read_vevents use (3.6, 3.10).
 *
 * A queue is named where it is allocated and used by later steps.  The
 * names resolve once the whole file is read (vl_queues()), so that a
 * file of many queues costs a sort, not a search per step: a name is
 * unique in the file, and a step may use a queue of setup.veventqs or of
 * an alloc_veventq step before it in the same test (each test runs in a
 * fresh context, where no other queue exists).
 */
#include <errno.h>
#include <string.h>

#include <nestref/backend.h>

#include "vector-load.h"

/* read(2)'s count: a typo must not allocate gigabytes (3.10). */
#define READ_COUNT_MAX (1u << 20)
#define READ_COUNT_DEFAULT 4096u

/* type: selftest, arm-smmuv3 or a raw integer (3.9). */
static bool queue_type(struct vl *vl, const yaml_node_t *node, uint32_t *type)
{
	return vl_type(vl, node, NESTREF_VEVENTQ_TYPE_ARM_SMMUV3,
		       NESTREF_VEVENTQ_TYPE_SELFTEST, type);
}

/* name: [a-z0-9_-]+, kept in q->name (3.9). */
static void queue_name(struct vl *vl, const yaml_node_t *node,
		       struct vec_veventq *q)
{
	const char *s;

	if (!vl_str(vl, node, "name", VL_ONE_LINE, &s))
		return;
	if (!vl_name_ok(s, "_-")) {
		vl_expected(vl, node, "a name of [a-z0-9_-]+", "name");
		return;
	}
	q->name = vl_strdup(vl, s);
	q->mark = vl_mark(node);
}

enum { SQ_NAME, SQ_TYPE, SQ_DEPTH, SQ_VIOMMU, SQ_SEQUENCE, SQ_N };

/*
 * One queue of setup.veventqs.  Each must be allocated, so what the
 * kernel refuses whatever the rest (type 0, a depth outside 1 to 2^19,
 * kernel-facts 2.12) is a load error here rather than a failed setup.
 */
static void setup_veventq(struct vl *vl, yaml_node_t *node,
			  struct vec_veventq *q)
{
	static const char *const keys[] = { "name", "type", "depth", "viommu",
					    "sequence", NULL };
	struct vl_kv kv[SQ_N];
	uint64_t v;

	if (!vl_map(vl, node, NULL, "a vEVENTQ", keys, kv))
		return;
	if (vl_require(vl, node, &kv[SQ_NAME], "name"))
		queue_name(vl, kv[SQ_NAME].val, q);
	if (vl_require(vl, node, &kv[SQ_TYPE], "type") &&
	    queue_type(vl, kv[SQ_TYPE].val, &q->type) &&
	    q->type == NESTREF_VEVENTQ_TYPE_DEFAULT)
		vl_error(vl, kv[SQ_TYPE].val,
			 "type 0 is reserved (EOPNOTSUPP): a setup queue must be allocated");
	if (vl_require(vl, node, &kv[SQ_DEPTH], "depth") &&
	    vl_uint(vl, kv[SQ_DEPTH].val, "depth", 1,
		    NESTREF_VEVENTQ_DEPTH_MAX, &v))
		q->depth = (uint32_t)v;
	if (kv[SQ_VIOMMU].val)
		vl_viommu(vl, kv[SQ_VIOMMU].val, &q->viommu);
	if (!kv[SQ_SEQUENCE].val)
		return;
	/* A simulation aid no kernel has: only for backends that offer it. */
	if (!(vl->file->requires & NESTREF_CAP_VEVENTQ_SEQUENCE))
		vl_error(vl, kv[SQ_SEQUENCE].key,
			 "sequence needs veventq-sequence in the file's requires");
	if (vl_uint(vl, kv[SQ_SEQUENCE].val, "sequence", 0,
		    NESTREF_VEVENT_SEQUENCE_MAX, &v)) {
		q->has_sequence = true;
		q->sequence = (uint32_t)v;
	}
}

void vl_setup_veventqs(struct vl *vl, yaml_node_t *node)
{
	struct vec_file *file = vl->file;
	size_t n, i;

	if (!vl_seq(vl, node, "veventqs", &n) || !n)
		return;
	file->veventqs = vl_calloc(vl, n, sizeof(*file->veventqs));
	if (!file->veventqs)
		return;
	file->n_veventqs = n;
	for (i = 0; i < n; i++)
		setup_veventq(vl, vl_item(vl, node, i), &file->veventqs[i]);
}

enum { AQ_NAME, AQ_TYPE, AQ_DEPTH, AQ_FLAGS, AQ_VIOMMU, AQ_VIOMMU_ID, AQ_N };

/* IOMMU_VEVENTQ_ALLOC with any values: the kernel checks them (3.9). */
void vl_alloc_veventq(struct vl *vl, yaml_node_t *node, struct vec_step *step)
{
	static const char *const keys[] = { "name", "type", "depth", "flags",
					    "viommu", "viommu_id", NULL };
	struct vec_veventq *q = &step->veventq;
	struct vl_kv kv[AQ_N];

	if (!vl_map(vl, node, "alloc_veventq", "alloc_veventq", keys, kv))
		return;
	if (vl_require(vl, node, &kv[AQ_NAME], "name"))
		queue_name(vl, kv[AQ_NAME].val, q);
	if (vl_require(vl, node, &kv[AQ_TYPE], "type"))
		queue_type(vl, kv[AQ_TYPE].val, &q->type);
	if (vl_require(vl, node, &kv[AQ_DEPTH], "depth"))
		vl_u32(vl, kv[AQ_DEPTH].val, "depth", &q->depth);
	if (kv[AQ_FLAGS].val)
		vl_u32(vl, kv[AQ_FLAGS].val, "flags", &q->flags);
	if (kv[AQ_VIOMMU].val && kv[AQ_VIOMMU_ID].val) {
		vl_error(vl, kv[AQ_VIOMMU_ID].key,
			 "viommu and viommu_id are exclusive");
	} else if (kv[AQ_VIOMMU_ID].val) {
		q->raw_viommu = true;
		vl_u32(vl, kv[AQ_VIOMMU_ID].val, "viommu_id", &q->viommu);
	} else if (kv[AQ_VIOMMU].val) {
		vl_viommu(vl, kv[AQ_VIOMMU].val, &q->viommu);
	}
}

bool vl_queue_name(struct vl *vl, const yaml_node_t *node,
		   struct vec_queueref *ref)
{
	const char *s;

	if (!vl_str(vl, node, "veventq", VL_NON_EMPTY | VL_ONE_LINE, &s))
		return false;
	ref->mark = vl_mark(node);
	ref->name = vl_strdup(vl, s);
	return ref->name != NULL;
}

enum { RD_VEVENTQ, RD_VEVENTQ_ID, RD_COUNT, RD_WRITABLE, RD_N };

void vl_read_vevents(struct vl *vl, yaml_node_t *node, struct vec_step *step)
{
	static const char *const keys[] = { "veventq", "veventq_id", "count",
					    "writable", NULL };
	struct vl_kv kv[RD_N];
	uint64_t v;

	step->count = READ_COUNT_DEFAULT;
	step->writable = step->count;
	if (!vl_map(vl, node, "read_vevents", "read_vevents", keys, kv))
		return;
	if (kv[RD_VEVENTQ].val && kv[RD_VEVENTQ_ID].val) {
		vl_error(vl, kv[RD_VEVENTQ_ID].key,
			 "veventq and veventq_id are exclusive");
	} else if (kv[RD_VEVENTQ_ID].val) {
		step->queue.raw = true;
		step->queue.mark = vl_mark(kv[RD_VEVENTQ_ID].val);
		vl_u32(vl, kv[RD_VEVENTQ_ID].val, "veventq_id",
		       &step->queue.id);
	} else if (kv[RD_VEVENTQ].val) {
		vl_queue_name(vl, kv[RD_VEVENTQ].val, &step->queue);
	} else {
		vl_error(vl, node,
			 "missing required key 'veventq' (or 'veventq_id')");
	}
	if (kv[RD_COUNT].val &&
	    vl_uint(vl, kv[RD_COUNT].val, "count", 0, READ_COUNT_MAX, &v))
		step->count = step->writable = (uint32_t)v;
	if (!kv[RD_WRITABLE].val ||
	    !vl_uint(vl, kv[RD_WRITABLE].val, "writable", 0, READ_COUNT_MAX,
		     &v))
		return;
	/* Only the first count bytes are written, mapped or not (3.10). */
	if (v > step->count) {
		vl_error(vl, kv[RD_WRITABLE].val,
			 "writable %u is more than count %u",
			 (unsigned int)v, (unsigned int)step->count);
		return;
	}
	step->writable = (uint32_t)v;
}

void vl_trigger_vevent(struct vl *vl, yaml_node_t *node, struct vec_step *step)
{
	static const char *const keys[] = { "dev", "dev_id", NULL };
	struct vl_kv kv[2];

	if (!vl_map(vl, node, "trigger_vevent", "trigger_vevent", keys, kv))
		return;
	vl_devref(vl, node, &kv[0], &kv[1], &step->dev);
}

/* ---------------------------------------------------------------- */
/* Names, once the file is read                                     */

/* The queue a step allocates, or NULL. */
static struct vec_veventq *step_queue_def(struct vec_step *step)
{
	return step->kind == VEC_STEP_ALLOC_VEVENTQ ? &step->veventq : NULL;
}

/* The named queue a step uses, or NULL. */
static struct vec_queueref *step_queue_ref(struct vec_step *step)
{
	if ((step->kind == VEC_STEP_READ_VEVENTS ||
	     (step->kind == VEC_STEP_DESTROY && step->destroy_veventq)) &&
	    !step->queue.raw && step->queue.name)
		return &step->queue;
	return NULL;
}

/* The queues' names, sorted once all are numbered. */
struct queue_names {
	struct vl_name *v;
	size_t n;
};

/* Numbers a queue: its slot in vec_file.queues and its name to sort. */
static void queue_number(struct vl *vl, struct queue_names *names,
			 struct vec_veventq *q)
{
	struct vec_file *file = vl->file;

	/* Only reached with the arrays of vl_queues allocated (n > 0). */
	if (!file->queues || !names->v)
		return;
	q->queue = file->n_queues;
	file->queues[file->n_queues++] = q;
	if (!q->name)
		return;
	names->v[names->n].name = q->name;
	names->v[names->n].index = q->queue;
	names->v[names->n].mark = q->mark;
	names->n++;
}

/*
 * Resolves ref, used by a step of a test whose queues are numbered from
 * first, before the queue numbered next: a queue of setup.veventqs or of
 * an earlier step of the same test.
 */
static void queue_resolve(struct vl *vl, const struct queue_names *names,
			  struct vec_queueref *ref, size_t first, size_t next)
{
	const struct vl_name *found;
	const size_t setup = vl->file->n_veventqs;

	found = vl_find_name(names->v, names->n, ref->name);
	/* A repeated name is an error already: its first queue is meant. */
	while (found && found > names->v && !strcmp(found[-1].name, ref->name))
		found--;
	if (found && (found->index < setup ||
		      (found->index >= first && found->index < next))) {
		ref->queue = found->index;
		return;
	}
	if (found)
		vl_error_at(vl, ref->mark,
			    "vEVENTQ '%s' (line %u) is not in this test before this step: a step uses setup.veventqs or an earlier alloc_veventq of its test",
			    ref->name, found->mark.line);
	else
		vl_error_at(vl, ref->mark,
			    "unknown vEVENTQ '%s' (not in setup.veventqs or an alloc_veventq step)",
			    ref->name);
	ref->queue = SIZE_MAX;
}

/* The records a read expects, against its queue's type (3.10). */
static void queue_records(struct vl *vl, const struct vec_step *step)
{
	const struct vec_file *file = vl->file;
	const struct vec_queueref *ref = &step->queue;

	if (step->kind != VEC_STEP_READ_VEVENTS || !step->expect.has_records)
		return;
	if (!ref->raw && ref->queue < file->n_queues)
		vl_records_check(vl, &step->expect, true,
				 file->queues[ref->queue]->type);
	else if (ref->raw)
		vl_records_check(vl, &step->expect, false, 0);
}

void vl_queues(struct vl *vl)
{
	struct vec_file *file = vl->file;
	struct queue_names names = { NULL, 0 };
	size_t n = file->n_veventqs, t, i, first;

	for (t = 0; t < file->n_tests; t++)
		for (i = 0; i < file->tests[t].n_steps; i++)
			n += step_queue_def(&file->tests[t].steps[i]) != NULL;
	if (n) {
		file->queues = vl_calloc(vl, n, sizeof(*file->queues));
		names.v = vl_calloc(vl, n, sizeof(*names.v));
		if (!file->queues || !names.v)
			goto out;
	}
	for (i = 0; i < file->n_veventqs; i++)
		queue_number(vl, &names, &file->veventqs[i]);
	for (t = 0; t < file->n_tests; t++)
		for (i = 0; i < file->tests[t].n_steps; i++)
			if (step_queue_def(&file->tests[t].steps[i]))
				queue_number(vl, &names,
					     &file->tests[t].steps[i].veventq);
	vl_sort_names(vl, names.v, names.n, "vEVENTQ");

	/* The tests' queues again, in the same order, for the scopes. */
	first = file->n_veventqs;
	for (t = 0; t < file->n_tests; t++) {
		size_t next = first;

		for (i = 0; i < file->tests[t].n_steps; i++) {
			struct vec_step *step = &file->tests[t].steps[i];
			struct vec_queueref *ref = step_queue_ref(step);

			if (ref)
				queue_resolve(vl, &names, ref, first, next);
			next += step_queue_def(step) != NULL;
			queue_records(vl, step);
		}
		first = next;
	}
out:
	nestref_free(names.v);
}

/* SPDX-License-Identifier: MIT */
/*
 * Events in the vector format: an SMMUv3 event record written by its
 * fields (`event: NAME` and `sid`, `addr` ...) or as four raw words, as
 * the fault step gives it to the modelled SMMU (spec/vectors.md 3.12) and
 * as expect.records reads it back (3.10); and the other record forms of
 * a read: the LOST_EVENTS header, a selftest event, exact bytes.  Each
 * record is encoded here to the bytes read(2) gives, so the runner
 * compares bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nestref/backend.h>
#include <nestref/vectors.h>

#include "vector-load.h"

#define EVT_FIELDS NESTREF_SMMUV3_EVT_FIELD_COUNT

/*
 * The keys of a mapping that holds an event record: those of its own
 * first (own[] ends with NULL), then the record's fields in the order of
 * enum nestref_smmuv3_event_field ("event", "ssv" ... "ipa"), then NULL.
 * Returns the number of own keys: the fields' kv start there.
 */
static size_t event_keys(const char *const own[],
			 const char *names[], size_t size)
{
	size_t n = 0, f;

	while (own[n] && n + EVT_FIELDS + 1 < size) {
		names[n] = own[n];
		n++;
	}
	for (f = 0; f < EVT_FIELDS; f++) {
		const char *name = nestref_smmuv3_event_field_name(f);

		names[n + f] = name ? name : "?";
	}
	names[n + EVT_FIELDS] = NULL;
	return n;
}

/* The first field key written, or NULL. */
static const yaml_node_t *first_field(const struct vl_kv fields[])
{
	size_t f;

	for (f = 0; f < EVT_FIELDS; f++)
		if (fields[f].key)
			return fields[f].key;
	return NULL;
}

/* event: NAME (Linux's, kernel-facts 3.11) or an id of 8 bits. */
static bool event_id(struct vl *vl, const yaml_node_t *node, uint64_t *id)
{
	char buf[VL_EXCERPT + 8];
	const char *name;
	uint8_t named;

	if (vl_is_plain(node) && node->data.scalar.length &&
	    node->data.scalar.value[0] >= '0' &&
	    node->data.scalar.value[0] <= '9')
		return vl_uint(vl, node, "event", 0, 0xff, id);
	if (!vl_str(vl, node, "event", VL_NON_EMPTY, &name))
		return false;
	if (nestref_smmuv3_event_parse(name, &named)) {
		vl_error(vl, node,
			 "unknown event '%s' (expected a Linux name such as F_TRANSLATION, or 0xNN)",
			 vl_text(node, buf));
		return false;
	}
	*id = named;
	return true;
}

/* One field's value into evt; its errors name the field. */
static bool event_field(struct vl *vl, const struct vl_kv *kv,
			enum nestref_smmuv3_event_field f,
			struct nestref_smmuv3_event *evt)
{
	const char *name = nestref_smmuv3_event_field_name(f);
	char buf[VL_EXCERPT + 8];
	uint64_t v;
	int ret;

	if (f == NESTREF_SMMUV3_EVT_ID) {
		if (!event_id(vl, kv->val, &v))
			return false;
	} else if (!vl_uint(vl, kv->val, name, 0, UINT64_MAX, &v)) {
		return false;
	}
	ret = nestref_smmuv3_event_set(evt, f, v);
	if (ret == -ERANGE)
		vl_error(vl, kv->val,
			 "value %s does not fit %s of an event record",
			 vl_text(kv->val, buf), name);
	else if (ret)
		vl_error(vl, kv->val, "%s %s has bits below bit 12 set", name,
			 vl_text(kv->val, buf));
	return ret == 0;
}

/*
 * {event: ..., FIELD: value ...} into evt: the fields not written are 0
 * (3.10), and event is required.
 */
static bool event_fields(struct vl *vl, const yaml_node_t *map,
			 const struct vl_kv fields[],
			 struct nestref_smmuv3_event *evt)
{
	bool ok = true;
	size_t f;

	memset(evt, 0, sizeof(*evt));
	if (!vl_require(vl, map, &fields[NESTREF_SMMUV3_EVT_ID], "event"))
		ok = false;
	for (f = 0; f < EVT_FIELDS; f++)
		if (fields[f].val &&
		    !event_field(vl, &fields[f],
				 (enum nestref_smmuv3_event_field)f, evt))
			ok = false;
	return ok;
}

/* raw: [dw0, dw1, dw2, dw3], the record's four words (3.10). */
static bool event_raw(struct vl *vl, yaml_node_t *list,
		      struct nestref_smmuv3_event *evt)
{
	return vl_dw_list(vl, list, "raw", evt->dw, 4);
}

/* ---------------------------------------------------------------- */
/* fault (3.12)                                                     */

enum { FT_DEV, FT_RAW, FT_OWN };

void vl_fault(struct vl *vl, yaml_node_t *node, struct vec_step *step)
{
	static const char *const own[] = { "dev", "raw", NULL };
	const char *names[FT_OWN + EVT_FIELDS + 1];
	struct vl_kv kv[FT_OWN + EVT_FIELDS];
	const struct vl_kv *fields = &kv[FT_OWN];
	const yaml_node_t *field;
	bool ok;

	event_keys(own, names, NESTREF_ARRAY_SIZE(names));
	if (!vl_map(vl, node, "fault", "fault", names, kv))
		return;
	field = first_field(fields);
	if (kv[FT_RAW].val && field) {
		vl_error(vl, field, "raw and the fields of a record are exclusive");
		return;
	}
	if (kv[FT_RAW].val)
		ok = event_raw(vl, kv[FT_RAW].val, &step->event);
	else if (field)
		ok = event_fields(vl, node, fields, &step->event);
	else {
		vl_error(vl, node, "missing required key 'event' (or 'raw')");
		return;
	}
	if (!kv[FT_DEV].val)
		return;
	/* dev says the StreamID: its first pSID, in place of raw's. */
	if (fields[NESTREF_SMMUV3_EVT_SID].key) {
		vl_error(vl, fields[NESTREF_SMMUV3_EVT_SID].key,
			 "sid and dev are exclusive: dev's StreamID is its first pSID");
		return;
	}
	step->has_dev = vl_devref(vl, node, &kv[FT_DEV], &(struct vl_kv){ 0 },
				  &step->dev);
	if (step->has_dev && ok)
		nestref_smmuv3_event_set(
			&step->event, NESTREF_SMMUV3_EVT_SID,
			vl->file->devices[step->dev.dev_index].psid);
}

/* ---------------------------------------------------------------- */
/* expect.records (3.10)                                            */

enum { RC_SEQUENCE, RC_LOST, RC_VIRT_ID, RC_BYTES, RC_RAW, RC_OWN };

/* The keys that choose a record's form, with the fields as one. */
enum { FORM_LOST, FORM_VIRT_ID, FORM_BYTES, FORM_RAW, FORM_EVENT, FORM_N };

/* The record's data: len bytes, copied (not NULL for 0). */
static bool record_data(struct vl *vl, struct vec_record *r,
			const unsigned char *data, size_t len)
{
	r->data = vl_calloc(vl, len ? len : 1, 1);
	if (!r->data)
		return false;
	memcpy(r->data, data, len);
	r->len = len;
	return true;
}

/* The form's data into r. */
static void record_form(struct vl *vl, yaml_node_t *node, int form,
			const struct vl_kv kv[], struct vec_record *r)
{
	unsigned char bytes[NESTREF_SMMUV3_EVENT_SIZE];
	struct nestref_smmuv3_event evt;
	uint32_t virt_id;
	bool lost;

	switch (form) {
	case FORM_LOST:
		if (!vl_bool(vl, kv[RC_LOST].val, "lost", &lost))
			return;
		if (lost)
			r->form = VEC_RECORD_LOST;
		else
			vl_error(vl, kv[RC_LOST].val,
				 "lost: false is no record: write lost: true or another form");
		return;
	case FORM_VIRT_ID:
		/* struct iommu_viommu_event_selftest {u32 virt_id} */
		r->form = VEC_RECORD_SELFTEST;
		if (!vl_u32(vl, kv[RC_VIRT_ID].val, "virt_id", &virt_id))
			return;
		nestref_le_put(bytes, NESTREF_VEVENT_SELFTEST_SIZE, virt_id);
		record_data(vl, r, bytes, NESTREF_VEVENT_SELFTEST_SIZE);
		return;
	case FORM_BYTES:
		r->form = VEC_RECORD_BYTES;
		vl_hexbytes(vl, kv[RC_BYTES].val, "bytes", &r->data, &r->len);
		return;
	case FORM_RAW:
	case FORM_EVENT:
		r->form = VEC_RECORD_SMMUV3;
		if (form == FORM_RAW ? !event_raw(vl, kv[RC_RAW].val, &evt) :
		    !event_fields(vl, node, &kv[RC_OWN], &evt))
			return;
		nestref_smmuv3_event_to_bytes(&evt, bytes);
		record_data(vl, r, bytes, sizeof(bytes));
		return;
	}
}

static void load_record(struct vl *vl, yaml_node_t *node, struct vec_record *r)
{
	static const char *const own[] = { "sequence", "lost", "virt_id",
					   "bytes", "raw", NULL };
	const char *names[RC_OWN + EVT_FIELDS + 1];
	struct vl_kv kv[RC_OWN + EVT_FIELDS];
	const yaml_node_t *keys[FORM_N];
	char a[VL_EXCERPT + 8], b[VL_EXCERPT + 8];
	uint64_t v;
	int form = -1, f;

	r->mark = vl_mark(node);
	event_keys(own, names, NESTREF_ARRAY_SIZE(names));
	if (!vl_map(vl, node, NULL, "a record", names, kv))
		return;
	if (vl_require(vl, node, &kv[RC_SEQUENCE], "sequence") &&
	    vl_uint(vl, kv[RC_SEQUENCE].val, "sequence", 0,
		    NESTREF_VEVENT_SEQUENCE_MAX, &v))
		r->sequence = (uint32_t)v;

	keys[FORM_LOST] = kv[RC_LOST].key;
	keys[FORM_VIRT_ID] = kv[RC_VIRT_ID].key;
	keys[FORM_BYTES] = kv[RC_BYTES].key;
	keys[FORM_RAW] = kv[RC_RAW].key;
	keys[FORM_EVENT] = first_field(&kv[RC_OWN]);
	for (f = 0; f < FORM_N; f++) {
		if (!keys[f])
			continue;
		if (form < 0) {
			form = f;
			continue;
		}
		vl_error(vl, keys[f],
			 "a record takes one form (lost, virt_id, event and its fields, raw or bytes), got '%s' and '%s'",
			 vl_text(keys[form], a), vl_text(keys[f], b));
		return;
	}
	if (form < 0) {
		vl_error(vl, node,
			 "missing the record's form: one of lost, virt_id, event, raw or bytes");
		return;
	}
	record_form(vl, node, form, kv, r);
}

void vl_records(struct vl *vl, yaml_node_t *node, struct vec_expect *ex)
{
	size_t n, i;

	ex->has_records = true;
	if (!vl_seq(vl, node, "records", &n) || !n)
		return;
	ex->records = vl_calloc(vl, n, sizeof(*ex->records));
	if (!ex->records)
		return;
	ex->n_records = n;
	for (i = 0; i < n; i++)
		load_record(vl, vl_item(vl, node, i), &ex->records[i]);
	/* kernel-facts 2.12: the header is only ever seen at the tail. */
	for (i = 0; i + 1 < n; i++)
		if (ex->records[i].form == VEC_RECORD_LOST)
			vl_error_at(vl, ex->records[i].mark,
				    "a LOST_EVENTS header is the last record read: nothing follows it");
}

const char *nestref_vec_veventq_type_text(uint32_t type, char buf[16])
{
	if (type == NESTREF_VEVENTQ_TYPE_SELFTEST)
		return "selftest";
	if (type == NESTREF_VEVENTQ_TYPE_ARM_SMMUV3)
		return "arm-smmuv3";
	snprintf(buf, 16, "0x%x", (unsigned int)type);
	return buf;
}

/*
 * The runner splits what was read by the queue's type: a record of
 * another type's form, or of bytes of another length, could never match
 * (3.10).  Where the type is unknown (a raw queue ID) or has no size the
 * runner knows, it compares the records' bytes laid end to end, so only
 * lost and bytes records say what is expected.
 */
void vl_records_check(struct vl *vl, const struct vec_expect *ex, bool known,
		      uint32_t type)
{
	size_t size = 0, i;
	char buf[16];

	if (known && type == NESTREF_VEVENTQ_TYPE_SELFTEST)
		size = NESTREF_VEVENT_SELFTEST_SIZE;
	else if (known && type == NESTREF_VEVENTQ_TYPE_ARM_SMMUV3)
		size = NESTREF_SMMUV3_EVENT_SIZE;
	for (i = 0; i < ex->n_records; i++) {
		const struct vec_record *r = &ex->records[i];

		if (r->form == VEC_RECORD_LOST || r->form == VEC_RECORD_NONE)
			continue;
		if (!known && r->form != VEC_RECORD_BYTES)
			vl_error_at(vl, r->mark,
				    "a queue named by veventq_id has records of lost or bytes only: the runner does not know its type");
		else if (!size && r->form != VEC_RECORD_BYTES)
			vl_error_at(vl, r->mark,
				    "a queue of type %s has records of lost or bytes only: the runner does not know the size of its events",
				    nestref_vec_veventq_type_text(type, buf));
		else if (size && r->form == VEC_RECORD_BYTES && r->data &&
			 r->len != size)
			vl_error_at(vl, r->mark,
				    "a record of queue type %s has %zu bytes of data, not %zu",
				    nestref_vec_veventq_type_text(type, buf), r->len, size);
		else if (size && r->form != VEC_RECORD_BYTES &&
			 (r->form == VEC_RECORD_SMMUV3) !=
				 (size == NESTREF_SMMUV3_EVENT_SIZE))
			vl_error_at(vl, r->mark,
				    "a%s record does not fit a queue of type %s",
				    r->form == VEC_RECORD_SMMUV3 ? "n SMMUv3" :
								   " selftest",
				    nestref_vec_veventq_type_text(type, buf));
	}
}

void vl_records_free(struct vec_expect *ex)
{
	size_t i;

	for (i = 0; i < ex->n_records; i++)
		nestref_free(ex->records[i].data);
	nestref_free(ex->records);
}

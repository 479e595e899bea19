/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 event codec: names, field access and a readable form for the
 * 32-byte records of the SMMU's event queue (kernel-facts 3.11), the
 * records a vEVENTQ of type arm-smmuv3 carries to the guest.
 *
 * Unlike a command, whose opcode decides where its fields are, an event
 * record has one layout for every event id: the fields Linux's EVTQ_*
 * masks read.  fields[] below is that layout, in the order of enum
 * nestref_smmuv3_event_field; the vectors' names of 3.10 come from it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <nestref/smmuv3.h>

#include "lib/smmuv3/bits.h"

static const struct {
	const char *name;
	uint8_t word;		/* 0: dw0 ... 3: dw3 */
	struct nr_bits bits;
} fields[NESTREF_SMMUV3_EVT_FIELD_COUNT] = {
	/*
	 * The id's name is the vectors' key for it (vectors.md 3.10
	 * `event: NAME or 0xNN`), so that every key of a record is a field.
	 */
	[NESTREF_SMMUV3_EVT_ID] = { "event", 0, { 0, 8, false } },
	[NESTREF_SMMUV3_EVT_SSV] = { "ssv", 0, { 11, 1, false } },
	[NESTREF_SMMUV3_EVT_SSID] = { "ssid", 0, { 12, 20, false } },
	[NESTREF_SMMUV3_EVT_SID] = { "sid", 0, { 32, 32, false } },
	[NESTREF_SMMUV3_EVT_STAG] = { "stag", 1, { 0, 16, false } },
	[NESTREF_SMMUV3_EVT_STALL] = { "stall", 1, { 31, 1, false } },
	[NESTREF_SMMUV3_EVT_PNU] = { "pnu", 1, { 33, 1, false } },
	[NESTREF_SMMUV3_EVT_IND] = { "ind", 1, { 34, 1, false } },
	[NESTREF_SMMUV3_EVT_RNW] = { "rnw", 1, { 35, 1, false } },
	[NESTREF_SMMUV3_EVT_S2] = { "s2", 1, { 39, 1, false } },
	[NESTREF_SMMUV3_EVT_CLASS] = { "class", 1, { 40, 2, false } },
	[NESTREF_SMMUV3_EVT_ADDR] = { "addr", 2, { 0, 64, false } },
	/* IPA[51:12] in place: a byte address with bits 11:0 zero. */
	[NESTREF_SMMUV3_EVT_IPA] = { "ipa", 3, { 12, 40, true } },
};

/*
 * The ids Linux names, and whether arm_smmu_handle_event forwards them.
 * The name comes first for nr_name_find().
 */
static const struct {
	const char *name;
	uint8_t id;
	bool forwarded;
} events[] = {
	{ "C_BAD_STREAMID", NESTREF_SMMUV3_EVT_C_BAD_STREAMID, false },
	{ "F_STE_FETCH", NESTREF_SMMUV3_EVT_F_STE_FETCH, false },
	{ "C_BAD_STE", NESTREF_SMMUV3_EVT_C_BAD_STE, true },
	{ "F_STREAM_DISABLED", NESTREF_SMMUV3_EVT_F_STREAM_DISABLED, true },
	{ "C_BAD_SUBSTREAMID", NESTREF_SMMUV3_EVT_C_BAD_SUBSTREAMID, true },
	{ "F_CD_FETCH", NESTREF_SMMUV3_EVT_F_CD_FETCH, false },
	{ "C_BAD_CD", NESTREF_SMMUV3_EVT_C_BAD_CD, true },
	{ "F_TRANSLATION", NESTREF_SMMUV3_EVT_F_TRANSLATION, true },
	{ "F_ADDR_SIZE", NESTREF_SMMUV3_EVT_F_ADDR_SIZE, true },
	{ "F_ACCESS", NESTREF_SMMUV3_EVT_F_ACCESS, true },
	{ "F_PERMISSION", NESTREF_SMMUV3_EVT_F_PERMISSION, true },
	{ "F_VMS_FETCH", NESTREF_SMMUV3_EVT_F_VMS_FETCH, false },
};

static bool valid_field(enum nestref_smmuv3_event_field field)
{
	return (unsigned int)field < NESTREF_SMMUV3_EVT_FIELD_COUNT;
}

/* The entry of events[] for id; -1 for an id Linux does not name. */
static int event_index(uint8_t id)
{
	size_t i;

	for (i = 0; i < NESTREF_ARRAY_SIZE(events); i++)
		if (events[i].id == id)
			return (int)i;
	return -1;
}

const char *nestref_smmuv3_event_name(uint8_t id)
{
	int i = event_index(id);

	return i < 0 ? NULL : events[i].name;
}

int nestref_smmuv3_event_parse(const char *name, uint8_t *id)
{
	int i = nr_name_find(name, events, NESTREF_ARRAY_SIZE(events),
			     sizeof(events[0]));

	if (i < 0)
		return -EINVAL;
	*id = events[i].id;
	return 0;
}

/* kernel-facts 3.11 step 1: any other id is not handled. */
bool nestref_smmuv3_event_forwarded(uint8_t id)
{
	int i = event_index(id);

	return i >= 0 && events[i].forwarded;
}

const char *
nestref_smmuv3_event_field_name(enum nestref_smmuv3_event_field field)
{
	return valid_field(field) ? fields[field].name : NULL;
}

int nestref_smmuv3_event_field_parse(const char *name,
				     enum nestref_smmuv3_event_field *out)
{
	int i = nr_name_find(name, fields, NESTREF_ARRAY_SIZE(fields),
			     sizeof(fields[0]));

	if (i < 0)
		return -EINVAL;
	*out = (enum nestref_smmuv3_event_field)i;
	return 0;
}

int nestref_smmuv3_event_set(struct nestref_smmuv3_event *evt,
			     enum nestref_smmuv3_event_field field,
			     uint64_t value)
{
	if (!valid_field(field))
		return -EINVAL;
	return nr_bits_write(&evt->dw[fields[field].word], fields[field].bits,
			     value);
}

uint64_t nestref_smmuv3_event_get(const struct nestref_smmuv3_event *evt,
				  enum nestref_smmuv3_event_field field)
{
	if (!valid_field(field))
		return 0;
	return nr_bits_read(evt->dw[fields[field].word], fields[field].bits);
}

/*
 * Values as the command codec prints them (bits.h): flags in decimal,
 * wider fields in hex.  The bits no field covers follow as " rest=" with
 * each word that has any, "dw1:0x0000000000001000", 16 hex digits as in
 * the command's rest, so that two records differing only there still
 * print differently.
 */
int nestref_smmuv3_event_format(const struct nestref_smmuv3_event *evt,
				char *buf, size_t len)
{
	struct nr_out out = { .buf = buf, .size = len, .len = 0 };
	uint8_t id = (uint8_t)nestref_smmuv3_event_get(evt,
						       NESTREF_SMMUV3_EVT_ID);
	const char *name = nestref_smmuv3_event_name(id);
	uint64_t rest[4];
	const char *sep = " rest=";
	size_t i;

	memcpy(rest, evt->dw, sizeof(rest));
	if (name)
		nr_out_printf(&out, "%s", name);
	else
		nr_out_printf(&out, "id=0x%02x", id);
	for (i = 0; i < NESTREF_ARRAY_SIZE(fields); i++) {
		uint64_t value = nestref_smmuv3_event_get(
			evt, (enum nestref_smmuv3_event_field)i);

		rest[fields[i].word] &= ~nr_bits_mask(fields[i].bits);
		if (i != NESTREF_SMMUV3_EVT_ID && value)
			nr_out_field(&out, fields[i].name, fields[i].bits,
				     value);
	}
	for (i = 0; i < NESTREF_ARRAY_SIZE(rest); i++) {
		if (!rest[i])
			continue;
		nr_out_printf(&out, "%sdw%zu:0x%016" PRIx64, sep, i, rest[i]);
		sep = ",";
	}
	return (int)out.len;
}

/* Little-endian on the wire (the uAPI layout), whatever the host's order. */
void nestref_smmuv3_event_from_bytes(struct nestref_smmuv3_event *evt,
				     const unsigned char bytes[32])
{
	size_t i;

	for (i = 0; i < NESTREF_ARRAY_SIZE(evt->dw); i++)
		evt->dw[i] = nestref_le_get(bytes + 8 * i, 8);
}

void nestref_smmuv3_event_to_bytes(const struct nestref_smmuv3_event *evt,
				   unsigned char bytes[32])
{
	size_t i;

	for (i = 0; i < NESTREF_ARRAY_SIZE(evt->dw); i++)
		nestref_le_put(bytes + 8 * i, 8, evt->dw[i]);
}

/* SPDX-License-Identifier: MIT */
/*
 * The records of a read (spec/vectors.md 3.10; kernel-facts 2.12): an
 * 8-byte header {u32 flags, u32 sequence}, little-endian, then the
 * event's data, whose size the queue's type fixes: 4 bytes {u32 virt_id}
 * for selftest, 32 for an SMMUv3 record.  A LOST_EVENTS header (flags
 * bit 0) has no data and ends what was read.
 */
#include <inttypes.h>
#include <string.h>

#include <nestref/backend.h>

#include "runner-events.h"
#include "runner-report.h"

/* The bytes of a record's data a line shows; the rest is counted. */
#define HEX_SHOWN 48u

/* A line: "sequence 0: " and a record, or what is wrong. */
#define LINE_SIZE 512

bool events_match(const struct vec_step *step, const unsigned char *buf,
		  size_t n)
{
	const struct vec_expect *ex = &step->expect;
	size_t off = 0, i;

	for (i = 0; i < ex->n_records; i++) {
		const struct vec_record *r = &ex->records[i];
		uint32_t flags = r->form == VEC_RECORD_LOST ?
					 NESTREF_VEVENT_FLAG_LOST_EVENTS : 0;

		if (n - off < NESTREF_VEVENT_HEADER_SIZE + r->len ||
		    nestref_le32(buf + off) != flags ||
		    nestref_le32(buf + off + 4) != r->sequence)
			return false;
		off += NESTREF_VEVENT_HEADER_SIZE;
		if (r->len && memcmp(buf + off, r->data, r->len) != 0)
			return false;
		off += r->len;
	}
	return off == n;
}

/*
 * The size of the data of each event of the step's queue, or 0 when the
 * runner does not know it: a raw queue ID, or a type it has no size for.
 */
static size_t events_size(const struct vec_file *file,
			  const struct vec_step *step)
{
	uint32_t type;

	if (step->queue.raw || step->queue.queue >= file->n_queues)
		return 0;
	type = file->queues[step->queue.queue]->type;
	if (type == NESTREF_VEVENTQ_TYPE_SELFTEST)
		return NESTREF_VEVENT_SELFTEST_SIZE;
	if (type == NESTREF_VEVENTQ_TYPE_ARM_SMMUV3)
		return NESTREF_SMMUV3_EVENT_SIZE;
	return 0;
}

/* "01 02 03" of at most HEX_SHOWN bytes, then how many there were. */
static void add_hex(char *line, size_t *used, const unsigned char *data,
		    size_t len)
{
	size_t i;

	if (!len)
		report_add(line, LINE_SIZE, used, "(none)");
	for (i = 0; i < len && i < HEX_SHOWN; i++)
		report_add(line, LINE_SIZE, used, "%s%02x", i ? " " : "",
			   data[i]);
	if (len > HEX_SHOWN)
		report_add(line, LINE_SIZE, used, " ... (%zu bytes)", len);
}

/*
 * A record's data as the queue's type reads it: a virt_id, an SMMUv3
 * record by its fields and words, or bytes where the size is not the
 * type's.
 */
static void add_data(char *line, size_t *used, size_t size,
		     const unsigned char *data, size_t len)
{
	struct nestref_smmuv3_event evt;
	char text[LINE_SIZE];

	if (size == NESTREF_VEVENT_SELFTEST_SIZE && len == size) {
		report_add(line, LINE_SIZE, used, "virt_id 0x%" PRIx32,
			   nestref_le32(data));
	} else if (size == NESTREF_SMMUV3_EVENT_SIZE && len == size) {
		nestref_smmuv3_event_from_bytes(&evt, data);
		nestref_smmuv3_event_format(&evt, text, sizeof(text));
		report_add(line, LINE_SIZE, used,
			   "%s (0x%016" PRIx64 " 0x%016" PRIx64
			   " 0x%016" PRIx64 " 0x%016" PRIx64 ")",
			   text, evt.dw[0], evt.dw[1], evt.dw[2], evt.dw[3]);
	} else {
		report_add(line, LINE_SIZE, used, "bytes ");
		add_hex(line, used, data, len);
	}
}

/* One record's line: "sequence N: LOST_EVENTS" or its data. */
static void say_record(events_say_fn *say, void *arg, size_t size,
		       bool lost, uint32_t sequence, const unsigned char *data,
		       size_t len)
{
	char line[LINE_SIZE];
	size_t used = 0;

	line[0] = '\0';
	report_add(line, sizeof(line), &used, "sequence %" PRIu32 ": ",
		   sequence);
	if (lost)
		report_add(line, sizeof(line), &used, "LOST_EVENTS");
	else
		add_data(line, &used, size, data, len);
	say(line, arg);
}

void events_say_expected(const struct vec_file *file,
			 const struct vec_step *step, events_say_fn *say,
			 void *arg)
{
	size_t size = events_size(file, step), i;

	for (i = 0; i < step->expect.n_records; i++) {
		const struct vec_record *r = &step->expect.records[i];

		say_record(say, arg, size, r->form == VEC_RECORD_LOST,
			   r->sequence, r->data, r->len);
	}
}

/* The bytes from off on that are not a whole record, and why. */
static void say_rest(events_say_fn *say, void *arg, const char *why,
		     const unsigned char *buf, size_t off, size_t n)
{
	char line[LINE_SIZE];
	size_t used = 0;

	line[0] = '\0';
	report_add(line, sizeof(line), &used, "at byte %zu, %s: ", off, why);
	add_hex(line, &used, buf + off, n - off);
	say(line, arg);
}

void events_say_got(const struct vec_file *file, const struct vec_step *step,
		    const unsigned char *buf, size_t n, events_say_fn *say,
		    void *arg)
{
	size_t size = events_size(file, step), off = 0;

	if (!size) {
		if (n)
			say_rest(say, arg,
				 "records of a size the runner does not know",
				 buf, 0, n);
		return;
	}
	while (off < n) {
		uint32_t flags, sequence;

		if (n - off < NESTREF_VEVENT_HEADER_SIZE) {
			say_rest(say, arg, "a header cut short", buf, off, n);
			return;
		}
		flags = nestref_le32(buf + off);
		sequence = nestref_le32(buf + off + 4);
		if (flags & ~NESTREF_VEVENT_FLAG_LOST_EVENTS) {
			say_rest(say, arg, "a flag other than LOST_EVENTS", buf,
				 off, n);
			return;
		}
		if (flags) {
			say_record(say, arg, size, true, sequence, NULL, 0);
			off += NESTREF_VEVENT_HEADER_SIZE;
			if (off < n)
				say_rest(say, arg,
					 "bytes after the LOST_EVENTS header",
					 buf, off, n);
			return;
		}
		if (n - off < NESTREF_VEVENT_HEADER_SIZE + size) {
			say_rest(say, arg, "a record cut short", buf, off, n);
			return;
		}
		say_record(say, arg, size, false, sequence,
			   buf + off + NESTREF_VEVENT_HEADER_SIZE, size);
		off += NESTREF_VEVENT_HEADER_SIZE + size;
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * The `events` benchmark: device events on their way back, from the
 * pSID the SMMU names to the vSID the guest reads (kernel-facts 2.12,
 * 3.11, 5.10; docs/bench.md section 10).
 *
 * The world's devices of the working set are attached to one nested HWPT
 * on the world's vIOMMU, each then remembering its vSID (the vmaster of
 * SMMUv3, the mock's virt_id), and a vEVENTQ of depth `batch` is
 * allocated.  An iteration raises `batch` events, one per device of the
 * shuffled stream, and reads them back with one read of exactly their
 * size:
 *  - smmuv3-sim, mix f-translation: the modelled SMMU writes an
 *    F_TRANSLATION record with the device's pSID and a pseudo-random
 *    address; the host's event handler finds the device, replaces the
 *    StreamID with its vSID and reports it (nestref_smmuv3_raise_event);
 *  - mock, mix selftest: IOMMU_TEST_OP_TRIGGER_VEVENT of the device
 *    (nestref_trigger_vevent), the selftest's {virt_id} record.
 * One event is one operation: the figure is events per second through
 * the rewrite, the queue and the read.  Before measuring, one pass of the
 * stream is read back and every record checked: the vSID of the device
 * that raised it, sequence numbers without a gap, no LOST_EVENTS.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/nestref.h>
#include <nestref/smmuv3.h>

#include "bench.h"

/* A translate (CFG 5) vSTE with a CD table pointer: a vmaster needs one
 * (kernel-facts 3.7, 3.11). */
static const uint64_t vste_translate[2] = { UINT64_C(0x8000000b), 0 };
/* struct iommu_hwpt_selftest with iotlb 0 (kernel-facts 5.10). */
static const unsigned char hwpt_selftest[4] = { 0 };
#define HWPT_DATA_SELFTEST 0xdeadu

struct bench_events {
	struct nestref_ctx *ctx;
	bool sim;                         /* else the mock's trigger */
	uint32_t batch;
	size_t len;                       /* events in one pass */
	size_t pos;
	const uint32_t *dev_ids;          /* the world's, by device index */
	uint32_t *who;                    /* device index per event: len + batch */
	struct nestref_smmuv3_event *evt; /* sim: the SMMU's records */
	uint32_t hwpt_id;
	uint32_t veventq_id;
	size_t record;                    /* bytes of one record, header included */
	unsigned char *buf;               /* one read: batch records */
	uint32_t next_seq;
};

static void events_err(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void events_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

static uint64_t events_rng(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* The nested HWPT every device of the stream is attached to. */
static int events_attach(struct bench_events *ev, uint32_t viommu_id,
			 uint32_t n, char *err, size_t err_len)
{
	unsigned char vste[NESTREF_SMMUV3_VSTE_SIZE];
	uint32_t k;
	int rc;

	if (ev->sim) {
		nestref_le_put(vste, 8, vste_translate[0]);
		nestref_le_put(vste + 8, 8, vste_translate[1]);
		rc = nestref_hwpt_alloc_nested(ev->ctx, viommu_id,
					       NESTREF_HWPT_DATA_ARM_SMMUV3,
					       vste, sizeof(vste),
					       &ev->hwpt_id);
	} else {
		rc = nestref_hwpt_alloc_nested(ev->ctx, viommu_id,
					       HWPT_DATA_SELFTEST,
					       hwpt_selftest,
					       sizeof(hwpt_selftest),
					       &ev->hwpt_id);
	}
	if (rc) {
		events_err(err, err_len, "nested HWPT: %s",
			   nestref_ctx_message(ev->ctx));
		return rc;
	}
	/* Devices repeat in the stream; attaching one again changes nothing. */
	for (k = 0; k < n; k++) {
		rc = nestref_dev_attach(ev->ctx, ev->dev_ids[ev->who[k]],
					ev->hwpt_id);
		if (rc) {
			events_err(err, err_len, "attaching device %u: %s",
				   ev->who[k], nestref_ctx_message(ev->ctx));
			return rc;
		}
	}
	return 0;
}

/* Raises the events [pos, pos + batch) of the stream. */
static int events_raise(struct bench_events *ev, char *err, size_t err_len)
{
	uint32_t k;
	int rc;

	for (k = 0; k < ev->batch; k++) {
		size_t at = ev->pos + k;

		rc = ev->sim ? nestref_smmuv3_raise_event(ev->ctx, &ev->evt[at]) :
			       nestref_trigger_vevent(ev->ctx,
						      ev->dev_ids[ev->who[at]]);
		if (rc) {
			events_err(err, err_len, "event %zu: %s", at,
				   nestref_ctx_message(ev->ctx));
			return rc;
		}
	}
	return 0;
}

/* One read of the batch's records; exactly batch of them must come. */
static int events_read(struct bench_events *ev, char *err, size_t err_len)
{
	struct nestref_event_buffer b = {
		.data = ev->buf,
		.count = ev->record * ev->batch,
		.data_size = ev->record * ev->batch,
	};
	int rc = nestref_veventq_read(ev->ctx, ev->veventq_id, &b);

	if (!rc && b.done != b.count)
		rc = -EIO;
	if (rc)
		events_err(err, err_len, "read %zu of %zu bytes: %s", b.done,
			   b.count,
			   rc == -EIO ? "events were lost or dropped" :
					nestref_ctx_message(ev->ctx));
	return rc;
}

static void events_advance(struct bench_events *ev)
{
	ev->pos += ev->batch;
	if (ev->pos >= ev->len)
		ev->pos -= ev->len;
}

int bench_events_run(struct bench_events *ev, uint64_t iters, char *err,
		     size_t err_len)
{
	uint64_t i;
	int rc;

	for (i = 0; i < iters; i++) {
		rc = events_raise(ev, err, err_len);
		if (!rc)
			rc = events_read(ev, err, err_len);
		if (rc)
			return rc;
		events_advance(ev);
	}
	return 0;
}

/* Every record of one batch: its sequence number and its vSID. */
static int events_check_batch(struct bench_events *ev, size_t first,
			      char *err, size_t err_len)
{
	struct nestref_smmuv3_event got;
	uint32_t k, flags, seq, vsid, want;

	for (k = 0; k < ev->batch; k++) {
		const unsigned char *r = ev->buf + (size_t)k * ev->record;

		flags = nestref_le32(r);
		seq = nestref_le32(r + 4);
		want = bench_vsid_of(ev->who[first + k]);
		if (ev->sim) {
			nestref_smmuv3_event_from_bytes(&got, r + 8);
			vsid = (uint32_t)nestref_smmuv3_event_get(
				&got, NESTREF_SMMUV3_EVT_SID);
		} else {
			vsid = nestref_le32(r + 8);
		}
		if (flags || seq != ev->next_seq || vsid != want) {
			events_err(err, err_len,
				   "event %zu read as flags 0x%x sequence %u vSID 0x%x, not 0 %u 0x%x",
				   first + k, flags, seq, vsid, ev->next_seq,
				   want);
			return -EIO;
		}
		ev->next_seq = (ev->next_seq + 1) & NESTREF_VEVENT_SEQUENCE_MAX;
	}
	return 0;
}

/* One pass of the stream, each record checked, then back to its start. */
static int events_check(struct bench_events *ev, char *err, size_t err_len)
{
	size_t passes = (ev->len + ev->batch - 1) / ev->batch, p;
	int rc = 0;

	for (p = 0; p < passes && !rc; p++) {
		size_t first = ev->pos;

		rc = events_raise(ev, err, err_len);
		if (!rc)
			rc = events_read(ev, err, err_len);
		if (!rc)
			rc = events_check_batch(ev, first, err, err_len);
		events_advance(ev);
	}
	ev->pos = 0;
	return rc;
}

static int events_records(struct bench_events *ev, size_t total, char *err,
			  size_t err_len)
{
	uint64_t rng = UINT64_C(0x7761792d6261636b); /* fixed: "way-back" */
	struct nestref_smmuv3_event *e;
	size_t i;
	int rc = 0;

	ev->evt = calloc(total, sizeof(*ev->evt));
	if (!ev->evt) {
		events_err(err, err_len, "out of memory for %zu records", total);
		return -ENOMEM;
	}
	for (i = 0; i < total && !rc; i++) {
		e = &ev->evt[i];
		rc = nestref_smmuv3_event_set(e, NESTREF_SMMUV3_EVT_ID,
					      NESTREF_SMMUV3_EVT_F_TRANSLATION);
		if (!rc)
			rc = nestref_smmuv3_event_set(
				e, NESTREF_SMMUV3_EVT_SID,
				bench_psid_of(ev->who[i]));
		if (!rc)
			rc = nestref_smmuv3_event_set(
				e, NESTREF_SMMUV3_EVT_ADDR,
				events_rng(&rng) & ~UINT64_C(0xfff));
		if (!rc)
			rc = nestref_smmuv3_event_set(e, NESTREF_SMMUV3_EVT_RNW,
						      1);
	}
	if (rc)
		events_err(err, err_len, "building record %zu: %s", i,
			   nestref_strerror(rc));
	return rc;
}

void bench_events_free(struct bench_events *ev)
{
	if (!ev)
		return;
	/* The queue goes; the attachments stay with the world. */
	if (ev->veventq_id)
		nestref_destroy(ev->ctx, ev->veventq_id);
	free(ev->buf);
	free(ev->evt);
	free(ev->who);
	free(ev);
}

int bench_events_new(struct bench_events **out, struct nestref_ctx *ctx,
		     uint32_t viommu_id, const struct bench_spec *spec,
		     const uint32_t *dev_ids, const uint32_t *who, size_t len,
		     char *err, size_t err_len)
{
	struct bench_events *ev;
	size_t total = len + spec->batch;
	uint32_t type;
	int rc = -ENOMEM;

	*out = NULL;
	ev = calloc(1, sizeof(*ev));
	if (!ev) {
		events_err(err, err_len, "out of memory");
		return -ENOMEM;
	}
	ev->ctx = ctx;
	ev->sim = spec->mix == MIX_F_TRANSLATION;
	ev->batch = spec->batch;
	ev->len = len;
	ev->dev_ids = dev_ids;
	ev->record = NESTREF_VEVENT_HEADER_SIZE +
		     (ev->sim ? NESTREF_SMMUV3_EVENT_SIZE :
				NESTREF_VEVENT_SELFTEST_SIZE);
	ev->who = malloc(total * sizeof(*ev->who));
	ev->buf = malloc(ev->record * spec->batch);
	if (!ev->who || !ev->buf) {
		events_err(err, err_len, "out of memory for %zu events", total);
		goto fail;
	}
	memcpy(ev->who, who, total * sizeof(*ev->who));
	if (ev->sim) {
		rc = events_records(ev, total, err, err_len);
		if (rc)
			goto fail;
	}
	rc = events_attach(ev, viommu_id, (uint32_t)len, err, err_len);
	if (rc)
		goto fail;
	type = ev->sim ? NESTREF_VEVENTQ_TYPE_ARM_SMMUV3 :
			 NESTREF_VEVENTQ_TYPE_SELFTEST;
	rc = nestref_veventq_alloc(ctx, viommu_id, type, spec->batch, 0,
				   &ev->veventq_id);
	if (rc) {
		events_err(err, err_len, "vEVENTQ: %s", nestref_ctx_message(ctx));
		goto fail;
	}
	rc = events_check(ev, err, err_len);
	if (rc)
		goto fail;
	*out = ev;
	return 0;
fail:
	bench_events_free(ev);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The way back: the host driver's event thread (kernel-facts 3.11).  The
 * modelled SMMU writes a record naming the device by its physical
 * StreamID; the host drains the queue, as arm_smmu_evtq_thread does, right
 * after each record (nestref has no interrupts: raise_event stands for
 * the SMMU's write and the thread's wake-up together), and decides each
 * record's fate in arm_smmu_handle_event's order:
 *
 *   1. an event id outside the eight forwardable ones: EOPNOTSUPP, dropped;
 *   2. no device owns the StreamID (any of a device's StreamIDs finds it,
 *      host-streams.c): EINVAL, dropped;
 *   3. STALL set: a page request for the host's own fault path (IOPF),
 *      never a vEVENT.  The sim has no fault handler, so the report fails
 *      as iommu_report_device_fault does without one (EINVAL): dropped;
 *   4. a vmaster (host-vste.c) and S2 clear: arm_vmaster_report_event puts
 *      the vmaster's vSID in dw0's StreamID field, keeps every other bit,
 *      and reports the 32 bytes on the vmaster's vIOMMU as type
 *      arm-smmuv3.  The queue is the core's (kernel-facts 2.12): without
 *      one the report is EOPNOTSUPP and the event is dropped; a full one
 *      loses it behind the LOST_EVENTS header and still says 0, so the
 *      host counts it as forwarded, as Linux logs nothing then;
 *   5. otherwise (no vmaster, or a stage-2 fault): EOPNOTSUPP, dropped.
 *
 * Each fate is a trace event (EVENT when the SMMU wrote the record, then
 * FORWARD with the guest's record or DROP with the errno and the rule) and
 * a counter: host.events.forwarded, host.events.dropped.<rule id>.  Where
 * Linux logs a dropped event, the trace stands for the log.
 */
#include <errno.h>

#include "host.h"

static const char fn_handle[] = "arm_smmu_handle_event";
static const char fn_report[] = "arm_vmaster_report_event";

static const struct host_rule evt_not_forwarded = {
	"not-forwarded",
	"not one of the eight events a guest is told of (C_BAD_STE, F_STREAM_DISABLED, C_BAD_SUBSTREAMID, C_BAD_CD, F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION): logged by the host, dropped",
	"kernel-facts 3.11 step 1",
	fn_handle,
};

static const struct host_rule evt_unknown_sid = {
	"unknown-sid",
	"no device has this StreamID: logged by the host, dropped",
	"kernel-facts 3.11 step 2",
	fn_handle,
};

static const struct host_rule evt_stall = {
	"stall",
	"STALL set: a page request for the host's fault path, never a vEVENT; with no fault handler the host terminates it",
	"kernel-facts 3.11 step 3",
	fn_handle,
};

static const struct host_rule evt_no_veventq = {
	"no-veventq",
	"the vmaster's vIOMMU has no arm-smmuv3 vEVENTQ: the report fails, the event is dropped",
	"kernel-facts 3.11 step 4, 2.12",
	fn_report,
};

static const struct host_rule evt_report_failed = {
	"report-failed",
	"the vEVENTQ could not take the record (it holds a LOST_EVENTS header for it): dropped",
	"kernel-facts 3.11 step 4, 2.12",
	fn_report,
};

static const struct host_rule evt_no_vmaster = {
	"no-vmaster",
	"the device has no vmaster (not attached to a nested HWPT with its vDEVICE there): logged by the host, dropped",
	"kernel-facts 3.11 step 5",
	fn_handle,
};

static const struct host_rule evt_s2 = {
	"s2",
	"S2 set: a stage-2 fault is the host's business, not the guest's: logged by the host, dropped",
	"kernel-facts 3.11 step 5",
	fn_handle,
};

static const struct host_rule evt_forward = {
	"forwarded",
	"the vmaster's vSID replaces the StreamID in dw0[63:32], every other bit kept; reported on its vIOMMU as arm-smmuv3",
	"kernel-facts 3.11 step 4",
	fn_report,
};

static const struct host_rule evt_written = {
	"written",
	"the SMMU wrote the record, with the device's physical StreamID, at its event queue's PROD",
	"kernel-facts 3.11, smmu-evtq.c",
	NULL,
};

static const struct host_rule evt_smmu_lost = {
	"smmu-queue-full",
	"the SMMU's event queue is full: the record is lost and PROD.OVFLG toggles unless an overflow is pending",
	"IHI 0070 7.4, smmu-evtq.c",
	NULL,
};

static const struct host_rule evt_overflow = {
	"evtq-overflow",
	"the event queue overflowed since the last drain: records were lost, the host logs it and acknowledges (CONS.OVACKFLG = PROD.OVFLG)",
	"IHI 0070 7.4",
	"arm_smmu_evtq_thread",
};

static void evt_trace(struct nestref_ctx *ctx, uint32_t kind, uint32_t slot,
		      int err, const struct nestref_smmuv3_event *evt,
		      const struct nestref_smmuv3_event *out,
		      const struct host_rule *why)
{
	struct nestref_smmuv3_trace_event ev = {
		.kind = kind,
		.index = slot,
		.err = err,
		.rule = why->rule,
		.section = why->section,
		.function = why->function,
	};

	if (evt)
		ev.evt = *evt;
	if (out)
		ev.evt_out = *out;
	host_trace(ctx, &ev);
}

/* A dropped event: err is arm_smmu_handle_event's answer for it. */
static int evt_drop(struct nestref_ctx *ctx,
		    const struct nestref_smmuv3_event *evt,
		    const struct host_rule *why, int err)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);

	host_tally_add(&sc->drops, why->id);
	evt_trace(ctx, NESTREF_SMMUV3_TRACE_DROP, 0, err, evt, NULL, why);
	return err;
}

/* arm_vmaster_report_event: step 4 (kernel-facts 3.11). */
static int evt_report_vmaster(struct nestref_ctx *ctx,
			      const struct sim_dev *sd,
			      const struct nestref_smmuv3_event *evt)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct nestref_smmuv3_event out = *evt;
	unsigned char bytes[NESTREF_SMMUV3_EVENT_SIZE];
	int rc;

	/*
	 * The field is 32 bits wide and so is the sim's vSID (its user data
	 * is a u32): the set cannot fail.
	 */
	nestref_smmuv3_event_set(&out, NESTREF_SMMUV3_EVT_SID,
				 (uint32_t)sd->vsid);
	nestref_smmuv3_event_to_bytes(&out, bytes);
	rc = nestref_viommu_report_event(sd->vmaster,
					 NESTREF_VEVENTQ_TYPE_ARM_SMMUV3, bytes,
					 sizeof(bytes));
	if (rc == -EOPNOTSUPP)
		return evt_drop(ctx, evt, &evt_no_veventq, rc);
	if (rc)
		return evt_drop(ctx, evt, &evt_report_failed, rc);
	sc->events_forwarded++;
	evt_trace(ctx, NESTREF_SMMUV3_TRACE_FORWARD, 0, 0, evt, &out,
		  &evt_forward);
	return 0;
}

/* arm_smmu_handle_event: steps 1 to 5 of kernel-facts 3.11, in order. */
static int evt_handle(struct nestref_ctx *ctx,
		      const struct nestref_smmuv3_event *evt)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct nestref_dev *dev;
	const struct sim_dev *sd;
	uint8_t id = (uint8_t)nestref_smmuv3_event_get(evt,
						       NESTREF_SMMUV3_EVT_ID);

	if (!nestref_smmuv3_event_forwarded(id))
		return evt_drop(ctx, evt, &evt_not_forwarded, -EOPNOTSUPP);
	dev = host_find_master(
		sc, (uint32_t)nestref_smmuv3_event_get(evt,
						       NESTREF_SMMUV3_EVT_SID));
	if (!dev)
		return evt_drop(ctx, evt, &evt_unknown_sid, -EINVAL);
	if (nestref_smmuv3_event_get(evt, NESTREF_SMMUV3_EVT_STALL))
		return evt_drop(ctx, evt, &evt_stall, -EINVAL);
	sd = nestref_dev_priv(dev);
	if (!sd->vmaster)
		return evt_drop(ctx, evt, &evt_no_vmaster, -EOPNOTSUPP);
	if (nestref_smmuv3_event_get(evt, NESTREF_SMMUV3_EVT_S2))
		return evt_drop(ctx, evt, &evt_s2, -EOPNOTSUPP);
	return evt_report_vmaster(ctx, sd, evt);
}

/*
 * arm_smmu_evtq_thread: every record, oldest first, then the overflow
 * flag, seen once and acknowledged.  Returns -ENOMEM when the record of
 * an event could not be allocated for the guest: the kernel counts that
 * as a lost event (kernel-facts 2.12), and so does the queue here, but
 * memory the simulation lacks is the caller's to know too.
 */
static int evt_thread(struct nestref_ctx *ctx)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	struct nestref_smmuv3_event evt;
	int rc = 0;

	while (smmu_evtq_remove(sc->smmu, &evt))
		if (evt_handle(ctx, &evt) == -ENOMEM)
			rc = -ENOMEM;
	if (smmu_evtq_overflow(sc->smmu)) {
		sc->evtq_overflows++;
		evt_trace(ctx, NESTREF_SMMUV3_TRACE_NOTE, 0, 0, NULL, NULL,
			  &evt_overflow);
	}
	smmu_evtq_overflow_ack(sc->smmu);
	return rc;
}

int host_raise_event(struct nestref_ctx *ctx,
		     const struct nestref_smmuv3_event *evt)
{
	struct sim_ctx *sc = nestref_ctx_priv(ctx);
	uint32_t slot = 0;

	if (smmu_evtq_record(sc->smmu, evt, &slot))
		evt_trace(ctx, NESTREF_SMMUV3_TRACE_DROP, 0, -ENOSPC, evt,
			  NULL, &evt_smmu_lost);
	else
		evt_trace(ctx, NESTREF_SMMUV3_TRACE_EVENT, slot, 0, evt, NULL,
			  &evt_written);
	return evt_thread(ctx);
}

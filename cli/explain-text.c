/* SPDX-License-Identifier: MIT */
/*
 * The plain-text view of `nestref explain` (explain.h): after each step,
 * every guest command before and after the host's rewrite, the rule that
 * fired (with its specification section and the Linux function that does
 * the same), what the modelled SMMU did with each command, each event
 * record on its way back to the guest, and the answer against the
 * expectation.  Strings from a vector or a backend may hold anything, so
 * they are escaped (spec/report.md 6).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"

static void explain_cmd(FILE *out, const char *label,
			const struct nestref_smmuv3_cmd *cmd)
{
	char text[256];

	nestref_smmuv3_format(cmd, text, sizeof(text));
	/* The raw words line up unless the decoded text is very long. */
	fprintf(out, "      %-6s %-52s 0x%016" PRIx64 " 0x%016" PRIx64 "\n",
		label, text, cmd->dw[0], cmd->dw[1]);
}

static void explain_why(FILE *out, const struct nestref_smmuv3_trace_event *ev)
{
	char text[512];

	explain_rule_text(text, sizeof(text), ev);
	nestref_vec_escape_line(out, "      %-6s %s", "rule", text);
}

static void explain_exec(FILE *out, const struct nestref_smmuv3_trace_event *ev)
{
	char text[256];
	unsigned int k, any = 0;

	nestref_smmuv3_format(&ev->out, text, sizeof(text));
	fprintf(out, "    smmu   slot %-3u %s", ev->index, text);
	if (ev->cerror) {
		fprintf(out, "  -> %s%s%s\n",
			explain_cerror_name(ev->cerror),
			ev->rule ? ": " : "", ev->rule ? ev->rule : "");
		return;
	}
	for (k = 0; k < NESTREF_SMMUV3_CACHE_KIND_COUNT; k++) {
		if (!ev->removed[k])
			continue;
		fprintf(out, "%s%s -%u", any ? ", " : "  -> removed ",
			explain_cache_name(k, false),
			ev->removed[k]);
		any = 1;
	}
	fputc('\n', out);
}

/*
 * A note that carries two words: an attach step's vSTE (smmuv3-sim,
 * kernel-facts 3.7), as the guest gave it and, when the host changed it,
 * as the host keeps it.
 */
static void explain_words(FILE *out, const struct nestref_smmuv3_trace_event *ev)
{
	const uint64_t *in = ev->in.dw, *kept = ev->out.dw;

	if (!(in[0] | in[1] | kept[0] | kept[1]))
		return;
	fprintf(out, "      %-6s 0x%016" PRIx64 " 0x%016" PRIx64 "\n", "given",
		in[0], in[1]);
	if (!ev->err && (kept[0] != in[0] || kept[1] != in[1]))
		fprintf(out, "      %-6s 0x%016" PRIx64 " 0x%016" PRIx64 "\n",
			"kept", kept[0], kept[1]);
}

static void explain_evt(FILE *out, const char *label,
			const struct nestref_smmuv3_event *evt)
{
	char text[256];

	nestref_smmuv3_event_format(evt, text, sizeof(text));
	nestref_vec_escape_line(out, "      %-6s %s", label, text);
	fprintf(out, "      %-6s 0x%016" PRIx64 " 0x%016" PRIx64
		" 0x%016" PRIx64 " 0x%016" PRIx64 "\n", "",
		evt->dw[0], evt->dw[1], evt->dw[2], evt->dw[3]);
}

/*
 * The way back (kernel-facts 3.11): the SMMU's record, then what the host
 * made of it, the guest's record or the reason it was dropped.  A drop
 * repeats the record only when the event before did not show it (a
 * record the SMMU lost to its full queue has no EVENT).
 */
static void explain_event(FILE *out, const struct nestref_smmuv3_trace_event *ev,
			  const struct nestref_smmuv3_trace_event *prev)
{
	bool shown = prev && prev->kind == NESTREF_SMMUV3_TRACE_EVENT &&
		     !memcmp(&prev->evt, &ev->evt, sizeof(ev->evt));

	switch (ev->kind) {
	case NESTREF_SMMUV3_TRACE_EVENT:
		fprintf(out, "    event  the SMMU writes a record at slot %u\n",
			ev->index);
		explain_evt(out, "smmu", &ev->evt);
		break;
	case NESTREF_SMMUV3_TRACE_FORWARD:
		fputs("    forward  to the guest's vEVENTQ\n", out);
		explain_evt(out, "guest", &ev->evt_out);
		explain_why(out, ev);
		break;
	default:
		fprintf(out, "    drop   %s\n",
			explain_errno_name(ev->err));
		if (!shown)
			explain_evt(out, "record", &ev->evt);
		explain_why(out, ev);
		break;
	}
}

static void explain_events(FILE *out, struct nestref_ctx *ctx)
{
	const struct nestref_smmuv3_trace_event *ev;
	size_t n, i;

	if (nestref_smmuv3_trace(ctx, &ev, &n)) {
		nestref_vec_escape_line(out, "    (no trace: %s)",
					nestref_ctx_message(ctx));
		return;
	}
	for (i = 0; i < n; i++, ev++) {
		switch (ev->kind) {
		case NESTREF_SMMUV3_TRACE_REWRITE:
			fprintf(out, "    entry %u\n", ev->index);
			explain_cmd(out, "guest", &ev->in);
			explain_cmd(out, "host", &ev->out);
			explain_why(out, ev);
			break;
		case NESTREF_SMMUV3_TRACE_REJECT:
			fprintf(out, "    entry %u refused: %s\n", ev->index,
				explain_errno_name(ev->err));
			explain_cmd(out, "guest", &ev->in);
			explain_why(out, ev);
			break;
		case NESTREF_SMMUV3_TRACE_ISSUE:
			fprintf(out,
				"    issue  %u commands to the SMMU's queue (the last one the host's CMD_SYNC)\n",
				ev->count);
			break;
		case NESTREF_SMMUV3_TRACE_EXEC:
			explain_exec(out, ev);
			break;
		case NESTREF_SMMUV3_TRACE_EVENT:
		case NESTREF_SMMUV3_TRACE_FORWARD:
		case NESTREF_SMMUV3_TRACE_DROP:
			explain_event(out, ev, i ? ev - 1 : NULL);
			break;
		default:
			fprintf(out, "    note   %s", ev->rule ? ev->rule : "");
			if (ev->err)
				fprintf(out, ": %s", explain_errno_name(ev->err));
			if (ev->function)
				fprintf(out, " [linux: %s]", ev->function);
			fputc('\n', out);
			explain_words(out, ev);
			break;
		}
	}
}

/* What the backend counted over the whole test, when it counts. */
static void explain_counters(FILE *out, struct nestref_ctx *ctx)
{
	const struct nestref_counter *c;
	size_t n, i;

	if (nestref_counters(ctx, &c, &n) || !n)
		return;
	fputs("  counted:", out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s %s=%" PRIu64, i % 4 ? "" : "\n   ", c[i].name,
			c[i].value);
	fputc('\n', out);
}

static void explain_answer(FILE *out, const struct nestref_vec_answer *ans)
{
	char text[160];

	explain_answer_text(text, sizeof(text), ans);
	fprintf(out, "    answer %s  (%s)\n", text,
		explain_check_text(ans->check));
	if (ans->rc && ans->message[0])
		nestref_vec_escape_line(out, "    why    %s", ans->message);
}

/* The setup's vEVENTQs, one line each (spec/vectors.md 1.2). */
static void explain_setup_queues(FILE *out, const struct nestref_vec_file *file)
{
	struct nestref_vec_veventq q;
	char type[16];
	size_t i;

	for (i = 0; nestref_vec_file_veventq(file, i, &q) == 0; i++) {
		nestref_vec_escape_line(out,
					"  vEVENTQ %s: type %s, depth %u, on vIOMMU %zu",
					q.name,
					nestref_vec_veventq_type_text(q.type, type),
					q.depth, q.viommu);
		if (q.has_sequence)
			fprintf(out, "    next sequence number 0x%x (preset: a simulation aid, vectors.md 1.2)\n",
				q.sequence);
	}
}

static void explain_setup(FILE *out, const struct nestref_vec_file *file,
			  const struct nestref_ctx *ctx)
{
	const uint32_t *psids;
	const char *sep;
	uint32_t vsid;
	size_t i, j, n;
	int r;

	fprintf(out, "  profile: %s (kernels: %s; checked: %s)\n",
		nestref_profile_name(nestref_ctx_profile(ctx)),
		nestref_profile_kernels(nestref_ctx_profile(ctx)),
		nestref_profile_checked(nestref_ctx_profile(ctx)));
	fputs("  rules:", out);
	for (r = 0, sep = " "; r < NESTREF_RULE_COUNT; r++) {
		if (!nestref_ctx_rule(ctx, (enum nestref_rule)r))
			continue;
		fprintf(out, "%s%s", sep, nestref_rule_name((enum nestref_rule)r));
		sep = ", ";
	}
	fputs(*sep == ',' ? "\n" : " none\n", out);
	fprintf(out, "  setup: vIOMMU with VMID %u",
		nestref_vec_file_vmid(file));
	if (nestref_vec_file_page_size(file))
		fprintf(out, ", PAGE_SIZE %u",
			nestref_vec_file_page_size(file));
	for (i = 0; i < nestref_vec_file_devices(file); i++) {
		n = nestref_vec_device_psids(file, i, &psids);
		fprintf(out, "; %s pSID 0x%x", nestref_vec_device_name(file, i),
			n ? psids[0] : 0);
		for (j = 1; j < n; j++)
			fprintf(out, ",0x%x", psids[j]);
		if (nestref_vec_device_vsid(file, i, &vsid) == 0)
			fprintf(out, " vSID 0x%x", vsid);
	}
	fputc('\n', out);
	explain_setup_queues(out, file);
}

/* ---------------------------------------------------------------- */
/* What each kind of step did, between the step and its answer       */

/* invalidate: each guest command, the host's rewrite, the SMMU. */
static void explain_invalidate(FILE *out, struct nestref_vec_session *s)
{
	explain_events(out, nestref_vec_session_ctx(s));
}

/* attach: the vSTE the host checked and installed. */
static void explain_attach(FILE *out, struct nestref_vec_session *s)
{
	explain_events(out, nestref_vec_session_ctx(s));
}

/* fault: the SMMU's record, then what the host made of it. */
static void explain_fault(FILE *out, struct nestref_vec_session *s)
{
	explain_events(out, nestref_vec_session_ctx(s));
}

static void explain_record(const char *text, void *arg)
{
	nestref_vec_escape_line(arg, "    record %s", text);
}

/* read_vevents: each record read, as the reports show it. */
static void explain_read_vevents(FILE *out, struct nestref_vec_session *s)
{
	nestref_vec_session_records(s, explain_record, out);
}

/* alloc_veventq and trigger_vevent: their answer says it all. */
static void explain_alloc_veventq(FILE *out, struct nestref_vec_session *s)
{
	(void)out;
	(void)s;
}

static void explain_trigger_vevent(FILE *out, struct nestref_vec_session *s)
{
	(void)out;
	(void)s;
}

static const struct {
	const char *action;
	void (*explain)(FILE *out, struct nestref_vec_session *s);
} step_kinds[] = {
	{ "invalidate", explain_invalidate },
	{ "attach", explain_attach },
	{ "fault", explain_fault },
	{ "read_vevents", explain_read_vevents },
	{ "alloc_veventq", explain_alloc_veventq },
	{ "trigger_vevent", explain_trigger_vevent },
};

/* The steps not listed answer and leave nothing else to show. */
static void explain_step(FILE *out, const char *action,
			 struct nestref_vec_session *s)
{
	size_t i;

	for (i = 0; i < sizeof(step_kinds) / sizeof(step_kinds[0]); i++)
		if (!strcmp(action, step_kinds[i].action))
			step_kinds[i].explain(out, s);
}


void explain_text_heading(FILE *out, const struct nestref_vec_file *file,
			  size_t test)
{
	const char *comment = nestref_vec_test_comment(file, test);

	nestref_vec_escape_line(out, "%s/%ld  %s", nestref_vec_file_id(file),
				nestref_vec_test_tc(file, test),
				comment ? comment : "");
}

static void text_skipped(void *arg, const char *why)
{
	nestref_vec_escape_line(arg, "  skipped: %s", why);
	fputc('\n', arg);
}

static void text_open_failed(void *arg, const char *why)
{
	nestref_vec_escape_line(arg, "  %s", why);
	fputc('\n', arg);
}

static void text_setup(void *arg, const struct nestref_vec_file *file,
		       struct nestref_ctx *ctx)
{
	explain_setup(arg, file, ctx);
}

static void text_step(void *arg, const struct nestref_vec_file *file,
		      size_t test, size_t i, struct nestref_vec_session *s,
		      int rc, const struct nestref_vec_answer *ans)
{
	unsigned int line, column;
	const char *action = nestref_vec_step_action(file, test, i, &line,
						     &column);
	FILE *out = arg;

	nestref_vec_escape_line(out, "  step %zu  %s  (%s:%u:%u)", i + 1,
				action, nestref_vec_file_path(file), line,
				column);
	if (rc) {
		fprintf(out, "    could not run: %s\n", nestref_strerror(rc));
		return;
	}
	explain_step(out, action, s);
	explain_answer(out, ans);
}

static void text_end(void *arg, struct nestref_ctx *ctx)
{
	explain_counters(arg, ctx);
	fputc('\n', arg);
}

const struct explain_view explain_text_view = {
	.skipped = text_skipped,
	.open_failed = text_open_failed,
	.setup = text_setup,
	.step = text_step,
	.end = text_end,
};

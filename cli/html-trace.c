/* SPDX-License-Identifier: MIT */
/*
 * One test drawn for the HTML report (spec/report.md 7.2): a view of the
 * explain walk (explain.h) that lays out, in three lanes, the guest's
 * commands, what the host made of them (the core's answer, the driver's
 * rewrite with each changed field marked: the vSID that became a pSID
 * in a CFGI or ATC_INV, the VMID a TLBI gets), and what the SMMU did:
 * each batch written to its queue with the host's CMD_SYNC last, each
 * command run and the entries it removed from which cache, each event
 * record on its way back.  The same walk's text view follows in a
 * <details>, so the page says all that `nestref explain` says.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "html.h"

/* The lanes, left to right; widths in pixels of the SVG's user space. */
enum lane { LANE_GUEST, LANE_HOST, LANE_SMMU, LANE_COUNT };

static const struct {
	int x, w;
	const char *title;
} lanes[LANE_COUNT] = {
	[LANE_GUEST] = { 8, 352, "guest (vSIDs, its vIOMMU)" },
	[LANE_HOST] = { 400, 352, "host: nestref core, then the driver" },
	[LANE_SMMU] = { 792, 352, "SMMU: command queue, caches" },
};

#define SVG_W 1152
#define FONT_PX 12
#define CHAR_DPX 72 /* tenths of a pixel: monospace fonts advance 0.6 em */
#define LINE_PX 15
#define PAD_PX 6
#define GAP_PX 8
#define TOP_PX 26   /* the lane titles */
#define TOKEN_MAX 256

/* A word of a box; a box wraps its words to the lane's width. */
struct token {
	char text[TOKEN_MAX];
	const char *cls;   /* NULL, or the class that marks it */
	char field[64];    /* a changed field: its name ("" if none) */
	char from[TOKEN_MAX]; /* and its value before the change */
	bool br;           /* starts a new line */
};

struct box {
	struct token *t;
	size_t n, cap;
	bool nomem;
};

struct trace {
	FILE *svg; /* the diagram's body, laid out top to bottom */
	char *svg_buf;
	size_t svg_len;
	FILE *text; /* explain's text of the same walk */
	char *text_buf;
	size_t text_len;
	int y;      /* where the next row starts */
	bool untraced; /* the backend does not trace its SMMU */
	int rows;
};

/* ---------------------------------------------------------------- */
/* Boxes                                                              */

static struct token *box_add(struct box *b, const char *cls, bool br,
			     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct token *box_add(struct box *b, const char *cls, bool br,
			     const char *fmt, ...)
{
	struct token *t;
	va_list ap;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct token *grown = realloc(b->t, cap * sizeof(*grown));

		if (!grown) {
			b->nomem = true;
			return NULL;
		}
		b->t = grown;
		b->cap = cap;
	}
	t = &b->t[b->n++];
	memset(t, 0, sizeof(*t));
	t->cls = cls;
	t->br = br;
	va_start(ap, fmt);
	vsnprintf(t->text, sizeof(t->text), fmt, ap);
	va_end(ap);
	return t;
}

/* A sentence as words, the first on a new line when br. */
static void box_words(struct box *b, const char *cls, bool br,
		      const char *text)
{
	char word[TOKEN_MAX];
	size_t len;

	while (text && *text) {
		text += strspn(text, " ");
		len = strcspn(text, " ");
		if (!len)
			break;
		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, text, len);
		word[len] = '\0';
		box_add(b, cls, br, "%s", word);
		br = false;
		text += len;
	}
}

/* The width of n characters. */
static int px(size_t n)
{
	return (int)(n * CHAR_DPX / 10);
}

/* How many characters of a lane fit on a line. */
static size_t lane_chars(enum lane l)
{
	return (size_t)(lanes[l].w - 2 * PAD_PX) * 10 / CHAR_DPX;
}

/*
 * The line and column of each token once wrapped; returns the number of
 * lines.  A token longer than a line starts a line and goes on over as
 * many as it needs.
 */
static int box_layout(const struct box *b, enum lane l, int *line, size_t *col)
{
	size_t width = lane_chars(l), at = 0, len, i;
	int lines = 0;

	for (i = 0; i < b->n; i++) {
		len = strlen(b->t[i].text);
		if (!lines || b->t[i].br || (at && at + 1 + len > width)) {
			lines++;
			at = 0;
		} else if (at) {
			at++;
		}
		line[i] = lines - 1;
		col[i] = at;
		at += len;
		if (len > width) {
			lines += (int)((len - 1) / width);
			at = (len % width) ? (len % width) : width;
		}
	}
	return lines;
}

/* A token's text from column col of its first line, cut into lines. */
static void token_draw(FILE *o, const struct token *t, int x, int y,
		       size_t col, size_t width)
{
	size_t len = strlen(t->text), at = 0, part;

	while (at < len) {
		part = len - at < width - col ? len - at : width - col;
		if (t->field[0])
			fprintf(o, "<rect class=\"hl\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
				x - 1, y - FONT_PX + 1,
				px(part) + 2, LINE_PX - 1);
		fprintf(o, "<text x=\"%d\" y=\"%d\"", x, y);
		if (t->cls)
			fprintf(o, " class=\"%s\"", t->cls);
		if (t->field[0]) {
			fputs(" data-field=\"", o);
			html_text(o, t->field);
			fputs("\" data-from=\"", o);
			html_text(o, t->from);
			fputc('"', o);
		}
		fputc('>', o);
		html_entities(o, t->text + at, part);
		fputs("</text>", o);
		at += part;
		/* The rest from the start of the next line. */
		x -= px(col);
		col = 0;
		y += LINE_PX;
	}
}

/*
 * How many tokens from i on make one run that is drawn as one text: the
 * same line, the same class, no marked field.  For a run of more than
 * one, merged gets their words with the spaces between.
 */
static size_t box_run(const struct box *b, size_t i, const int *line,
		      size_t width, struct token *merged)
{
	size_t n = 1, used, k;

	while (i + n < b->n && line[i + n] == line[i] &&
	       !b->t[i].field[0] && !b->t[i + n].field[0] &&
	       b->t[i + n].cls == b->t[i].cls &&
	       strlen(b->t[i].text) <= width)
		n++;
	if (n == 1)
		return 1;
	memset(merged, 0, sizeof(*merged));
	merged->cls = b->t[i].cls;
	used = (size_t)snprintf(merged->text, sizeof(merged->text), "%s",
				b->t[i].text);
	for (k = 1; k < n && used < sizeof(merged->text); k++)
		used += (size_t)snprintf(merged->text + used,
					 sizeof(merged->text) - used, " %s",
					 b->t[i + k].text);
	return n;
}

/* Draws the box in lane l from the current row's top; returns its height. */
static int box_draw(struct trace *tr, struct box *b, enum lane l,
		    const char *cls)
{
	size_t width = lane_chars(l), i, run, *col;
	struct token merged;
	int *line, lines, h, x, y;
	FILE *o = tr->svg;

	if (b->nomem || !b->n)
		return 0;
	line = calloc(b->n, sizeof(*line));
	col = calloc(b->n, sizeof(*col));
	if (!line || !col) {
		free(line);
		free(col);
		return 0;
	}
	lines = box_layout(b, l, line, col);
	h = lines * LINE_PX + 2 * PAD_PX;
	fprintf(o, "<g class=\"box %s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>",
		cls, lanes[l].x, tr->y, lanes[l].w, h);
	for (i = 0; i < b->n; i += run) {
		x = lanes[l].x + PAD_PX + px(col[i]);
		y = tr->y + PAD_PX + line[i] * LINE_PX + FONT_PX;
		run = box_run(b, i, line, width, &merged);
		if (run > 1) {
			token_draw(o, &merged, x, y, col[i], width);
		} else {
			token_draw(o, &b->t[i], x, y, col[i], width);
		}
	}
	fputs("</g>\n", o);
	free(line);
	free(col);
	b->n = 0;
	return h;
}

/* An arrow between two lanes at height y, pointing from `from` to `to`. */
static void arrow(struct trace *tr, enum lane from, enum lane to, int y,
		  const char *cls)
{
	int x1 = from < to ? lanes[from].x + lanes[from].w : lanes[from].x;
	int x2 = from < to ? lanes[to].x : lanes[to].x + lanes[to].w;

	fprintf(tr->svg,
		"<line class=\"arrow %s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#nr-arrow)\"/>\n",
		cls, x1, y, x2 + (from < to ? -2 : 2), y);
}

/* Ends a row whose boxes were drawn from tr->y, h pixels high. */
static void row_end(struct trace *tr, int h, int gap)
{
	tr->y += h + gap;
	tr->rows++;
}

/* A band across the three lanes: a step, the setup. */
static void band(struct trace *tr, const char *cls, const char *text)
{
	fprintf(tr->svg,
		"<g class=\"band %s\"><rect x=\"0\" y=\"%d\" width=\"%d\" height=\"20\"/><text x=\"8\" y=\"%d\">",
		cls, tr->y, SVG_W, tr->y + 14);
	html_text(tr->svg, text);
	fputs("</text></g>\n", tr->svg);
	row_end(tr, 20, GAP_PX);
}

/* ---------------------------------------------------------------- */
/* Commands and records, field by field                              */

/*
 * In a formatted command or record ("CFGI_CD sid=0x1234 ssid=0x3"), the
 * value of key, or with key NULL its name (the first word); "" when the
 * text has no such field.  A field left out of the text is 0
 * (nestref_smmuv3_format() leaves out the fields that are).
 */
static void word_value(const char *text, const char *key, char *out,
		       size_t len)
{
	size_t klen = key ? strlen(key) : 0;
	const char *p = text;

	out[0] = '\0';
	if (!key) {
		snprintf(out, len, "%.*s", (int)strcspn(text, " "), text);
		return;
	}
	for (; (p = strstr(p, key)); p += klen) {
		if ((p == text || p[-1] == ' ') && p[klen] == '=') {
			snprintf(out, len, "%.*s",
				 (int)strcspn(p + klen + 1, " "), p + klen + 1);
			return;
		}
	}
}

/* Marks token t as a field the host changed, from the value was. */
static void token_changed(struct token *t, const char *field, const char *was)
{
	t->cls = "cmd chg";
	snprintf(t->field, sizeof(t->field), "%s", field);
	snprintf(t->from, sizeof(t->from), "%s", was[0] ? was : "0");
}

/*
 * The words of a formatted command or record, as tokens.  With before
 * (the same thing as the guest had it), each word whose value differs
 * is marked (the name as "opcode"), and each field before had that the
 * text lacks is added as "name=0": what the host changed.
 */
static void box_fields(struct box *b, const char *text, const char *before)
{
	char word[TOKEN_MAX], key[sizeof(((struct token *)0)->field)];
	char had[TOKEN_MAX], now[TOKEN_MAX];
	const char *eq, *p;
	struct token *t;
	size_t len;
	bool first = true;

	for (p = text; *(p += strspn(p, " ")); p += len) {
		len = strcspn(p, " ");
		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		t = box_add(b, "cmd", first, "%s", word);
		eq = strchr(word, '=');
		if (t && before &&
		    (first || (eq && (size_t)(eq - word) < sizeof(key)))) {
			snprintf(key, sizeof(key), "%.*s",
				 first ? 6 : (int)(eq - word),
				 first ? "opcode" : word);
			word_value(before, first ? NULL : key, had, sizeof(had));
			if (strcmp(had, first ? word : eq + 1) != 0)
				token_changed(t, key, had);
		}
		first = false;
	}
	/* The fields the host cleared: in before, not in text. */
	for (p = before; p && *(p += strspn(p, " ")); p += len) {
		len = strcspn(p, " ");
		eq = memchr(p, '=', len);
		if (!eq || (size_t)(eq - p) >= sizeof(key))
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
		word_value(text, key, now, sizeof(now));
		word_value(before, key, had, sizeof(had));
		if (!now[0] && (t = box_add(b, "cmd", false, "%s=0", key)))
			token_changed(t, key, had);
	}
}

/* The changed fields again, as a sentence a newcomer reads. */
static void box_changes(struct box *b, const char *what)
{
	struct token t;
	size_t i, n = b->n;
	bool any = false;

	for (i = 0; i < n; i++) {
		if (!b->t[i].field[0])
			continue;
		/* A copy: box_add() may move b->t while it formats. */
		t = b->t[i];
		if (!any)
			box_add(b, "note", true, "%s:", what);
		any = true;
		box_add(b, "note chg-note", false, "%s %s -> %s", t.field,
			t.from,
			strchr(t.text, '=') ? strchr(t.text, '=') + 1 : t.text);
	}
}

/* A command or a record: its words, then its raw words two by two. */
static void box_record(struct box *b, const char *text, const char *before,
		       const uint64_t *dw, size_t n)
{
	size_t i;

	box_fields(b, text, before);
	for (i = 0; i + 1 < n; i += 2)
		box_add(b, "raw", true, "0x%016" PRIx64 " 0x%016" PRIx64,
			dw[i], dw[i + 1]);
}

static void box_cmd(struct box *b, const struct nestref_smmuv3_cmd *cmd,
		    const struct nestref_smmuv3_cmd *before)
{
	char text[256], was[256];

	nestref_smmuv3_format(cmd, text, sizeof(text));
	if (before)
		nestref_smmuv3_format(before, was, sizeof(was));
	box_record(b, text, before ? was : NULL, cmd->dw, 2);
}

static void box_evt(struct box *b, const struct nestref_smmuv3_event *evt,
		    const struct nestref_smmuv3_event *before)
{
	char text[256], was[256];

	nestref_smmuv3_event_format(evt, text, sizeof(text));
	if (before)
		nestref_smmuv3_event_format(before, was, sizeof(was));
	box_record(b, text, before ? was : NULL, evt->dw, 4);
}

/* "rule: ... [section; linux: function]" */
static void box_rule(struct box *b, const struct nestref_smmuv3_trace_event *ev)
{
	char text[512];

	if (!ev->rule && !ev->section && !ev->function)
		return;
	box_add(b, "rule", true, "rule:");
	explain_rule_text(text, sizeof(text), ev);
	box_words(b, "rule", false, text);
}

/* ---------------------------------------------------------------- */
/* What each trace event draws                                        */

/* Two boxes side by side, an arrow between them; one row. */
static void pair(struct trace *tr, struct box *left, enum lane l_lane,
		 const char *l_cls, struct box *right, enum lane r_lane,
		 const char *r_cls, bool rightwards)
{
	int top = tr->y, h1, h2;

	h1 = box_draw(tr, left, l_lane, l_cls);
	h2 = box_draw(tr, right, r_lane, r_cls);
	arrow(tr, rightwards ? l_lane : r_lane, rightwards ? r_lane : l_lane,
	      top + 12, rightwards ? "down" : "up");
	row_end(tr, h1 > h2 ? h1 : h2, GAP_PX);
}

static void draw_rewrite(struct trace *tr, const struct nestref_smmuv3_trace_event *ev,
			 struct box *g, struct box *h)
{
	box_add(g, "label", true, "entry %u", ev->index);
	box_cmd(g, &ev->in, NULL);
	box_add(h, "label", true, "rewritten for the SMMU");
	box_cmd(h, &ev->out, &ev->in);
	box_changes(h, "changed");
	box_rule(h, ev);
	pair(tr, g, LANE_GUEST, "guest", h, LANE_HOST, "host", true);
}

static void draw_reject(struct trace *tr, const struct nestref_smmuv3_trace_event *ev,
			struct box *g, struct box *h)
{
	box_add(g, "label", true, "entry %u", ev->index);
	box_cmd(g, &ev->in, NULL);
	box_add(h, "label bad", true, "refused: %s", explain_errno_name(ev->err));
	box_rule(h, ev);
	pair(tr, g, LANE_GUEST, "guest", h, LANE_HOST, "host bad", true);
}

static void draw_issue(struct trace *tr, const struct nestref_smmuv3_trace_event *ev,
		       struct box *s)
{
	int top = tr->y, hgt;

	box_add(s, "label", true, "batch: %u commands to the queue", ev->count);
	box_words(s, "note", true, "the last is the host's CMD_SYNC, which waits for the others");
	hgt = box_draw(tr, s, LANE_SMMU, "smmu batch");
	arrow(tr, LANE_HOST, LANE_SMMU, top + 12, "down");
	row_end(tr, hgt, 2);
}

static void draw_exec(struct trace *tr, const struct nestref_smmuv3_trace_event *ev,
		      struct box *s)
{
	bool sync = nestref_smmuv3_opcode(&ev->out) == NESTREF_SMMUV3_SYNC;
	unsigned int k;

	box_add(s, "label", true, "slot %u", ev->index);
	box_cmd(s, &ev->out, NULL);
	if (ev->cerror) {
		box_add(s, "bad", true, "%s", explain_cerror_name(ev->cerror));
		if (ev->rule)
			box_words(s, "bad", true, ev->rule);
	}
	for (k = 0; k < NESTREF_SMMUV3_CACHE_KIND_COUNT && !ev->cerror; k++)
		if (ev->removed[k])
			box_add(s, "removed", true, "removed %u from the %s",
				ev->removed[k], explain_cache_name(k, true));
	row_end(tr, box_draw(tr, s, LANE_SMMU,
			     ev->cerror ? "smmu bad" : sync ? "smmu sync" :
							       "smmu"),
		2);
}

static void draw_note(struct trace *tr, const struct nestref_smmuv3_trace_event *ev,
		      struct box *h)
{
	const uint64_t *in = ev->in.dw, *kept = ev->out.dw;

	box_words(h, "note", true, ev->rule ? ev->rule : "note");
	if (ev->err)
		box_add(h, "bad", false, ": %s", explain_errno_name(ev->err));
	if (ev->function)
		box_add(h, "rule", true, "linux: %s", ev->function);
	/* An attach step's vSTE: as given and, if changed, as kept. */
	if (in[0] | in[1] | kept[0] | kept[1])
		box_add(h, "raw", true, "given 0x%016" PRIx64 " 0x%016" PRIx64,
			in[0], in[1]);
	if (!ev->err && (kept[0] != in[0] || kept[1] != in[1]))
		box_add(h, "raw chg", true, "kept  0x%016" PRIx64 " 0x%016" PRIx64,
			kept[0], kept[1]);
	row_end(tr, box_draw(tr, h, LANE_HOST, ev->err ? "host bad" : "host"),
		GAP_PX);
}

/* The way back (kernel-facts 3.11): SMMU record, then the host's verdict. */
static void draw_event(struct trace *tr, const struct nestref_smmuv3_trace_event *ev,
		       struct box *g, struct box *h, struct box *s)
{
	int top = tr->y, hgt;

	switch (ev->kind) {
	case NESTREF_SMMUV3_TRACE_EVENT:
		box_add(s, "label", true, "event record, slot %u", ev->index);
		box_evt(s, &ev->evt, NULL);
		hgt = box_draw(tr, s, LANE_SMMU, "smmu");
		arrow(tr, LANE_SMMU, LANE_HOST, top + 12, "up");
		row_end(tr, hgt, GAP_PX);
		break;
	case NESTREF_SMMUV3_TRACE_FORWARD:
		box_add(h, "label", true, "forwarded");
		box_rule(h, ev);
		box_add(g, "label", true, "record in the vEVENTQ");
		box_evt(g, &ev->evt_out, &ev->evt);
		box_changes(g, "changed");
		pair(tr, g, LANE_GUEST, "guest", h, LANE_HOST, "host", false);
		break;
	default:
		box_add(h, "label bad", true, "dropped: %s", explain_errno_name(ev->err));
		box_rule(h, ev);
		row_end(tr, box_draw(tr, h, LANE_HOST, "host bad"), GAP_PX);
		break;
	}
}

static void draw_events(struct trace *tr, struct nestref_ctx *ctx)
{
	const struct nestref_smmuv3_trace_event *ev;
	struct box g = { 0 }, h = { 0 }, s = { 0 };
	size_t n, i;

	if (nestref_smmuv3_trace(ctx, &ev, &n)) {
		tr->untraced = true;
		return;
	}
	for (i = 0; i < n; i++, ev++) {
		switch (ev->kind) {
		case NESTREF_SMMUV3_TRACE_REWRITE:
			draw_rewrite(tr, ev, &g, &h);
			break;
		case NESTREF_SMMUV3_TRACE_REJECT:
			draw_reject(tr, ev, &g, &h);
			break;
		case NESTREF_SMMUV3_TRACE_ISSUE:
			draw_issue(tr, ev, &s);
			break;
		case NESTREF_SMMUV3_TRACE_EXEC:
			draw_exec(tr, ev, &s);
			break;
		case NESTREF_SMMUV3_TRACE_EVENT:
		case NESTREF_SMMUV3_TRACE_FORWARD:
		case NESTREF_SMMUV3_TRACE_DROP:
			draw_event(tr, ev, &g, &h, &s);
			break;
		default:
			draw_note(tr, ev, &h);
			break;
		}
	}
	free(g.t);
	free(h.t);
	free(s.t);
}

/* ---------------------------------------------------------------- */
/* The view                                                           */

static void trace_skipped(void *arg, const char *why)
{
	struct trace *tr = arg;
	char line[600];

	snprintf(line, sizeof(line), "skipped: %s", why);
	band(tr, "skip", line);
	explain_text_view.skipped(tr->text, why);
}

static void trace_open_failed(void *arg, const char *why)
{
	struct trace *tr = arg;

	band(tr, "bad", why);
	explain_text_view.open_failed(tr->text, why);
}

/* The devices as the guest and the host know them: vSID -> pSID. */
static void trace_setup(void *arg, const struct nestref_vec_file *file,
			struct nestref_ctx *ctx)
{
	struct trace *tr = arg;
	struct box g = { 0 }, h = { 0 };
	const uint32_t *psids;
	uint32_t vsid;
	size_t i, j, n;
	int h1, h2;

	box_add(&g, "label", true, "devices, by vSID");
	box_add(&h, "label", true, "vIOMMU: VMID %u, profile %s",
		nestref_vec_file_vmid(file),
		nestref_profile_name(nestref_ctx_profile(ctx)));
	for (i = 0; i < nestref_vec_file_devices(file); i++) {
		const char *name = nestref_vec_device_name(file, i);
		bool has_vsid = !nestref_vec_device_vsid(file, i, &vsid);

		n = nestref_vec_device_psids(file, i, &psids);
		if (has_vsid)
			box_add(&g, "cmd", true, "%s vSID 0x%x", name, vsid);
		else
			box_add(&g, "cmd", true, "%s (no vSID)", name);
		/* The link the host keeps: vSID to the first pSID. */
		for (j = 0; j < n; j++)
			if (has_vsid && !j)
				box_add(&h, "cmd", true,
					"%s pSID 0x%x <- vSID 0x%x", name,
					psids[j], vsid);
			else
				box_add(&h, "cmd", true, "%s pSID 0x%x", name,
					psids[j]);
	}
	h1 = box_draw(tr, &g, LANE_GUEST, "guest setup");
	h2 = box_draw(tr, &h, LANE_HOST, "host setup");
	row_end(tr, h1 > h2 ? h1 : h2, GAP_PX);
	free(g.t);
	free(h.t);
	explain_text_view.setup(tr->text, file, ctx);
}

static void trace_record(const char *text, void *arg)
{
	box_words(arg, "cmd", true, text);
}

/* The answer, in the host's lane: the core's and the backend's verdict. */
static void trace_answer(struct trace *tr, int rc,
			 const struct nestref_vec_answer *ans)
{
	struct box h = { 0 };
	const char *cls;
	char text[160];

	if (rc) {
		box_add(&h, "label bad", true, "could not run: %s",
			nestref_strerror(rc));
		cls = "host bad";
	} else {
		explain_answer_text(text, sizeof(text), ans);
		box_add(&h, "label", true, "answer: %s", text);
		cls = ans->check == NESTREF_VEC_CHECK_FAIL ? "answer bad" :
		      ans->check == NESTREF_VEC_CHECK_PASS ? "answer ok" :
							     "answer";
		box_add(&h, ans->check == NESTREF_VEC_CHECK_FAIL ? "bad" : "note",
			true, "%s", explain_check_text(ans->check));
		if (ans->rc && ans->message[0]) {
			char *esc = html_escape_dup(ans->message);

			box_words(&h, "rule", true, esc ? esc : "(out of memory)");
			free(esc);
		}
	}
	row_end(tr, box_draw(tr, &h, LANE_HOST, cls), GAP_PX + 4);
	free(h.t);
}

static void trace_step(void *arg, const struct nestref_vec_file *file,
		       size_t test, size_t i, struct nestref_vec_session *s,
		       int rc, const struct nestref_vec_answer *ans)
{
	struct trace *tr = arg;
	unsigned int line, column;
	const char *action = nestref_vec_step_action(file, test, i, &line,
						     &column);
	char head[512];
	struct box g = { 0 };

	snprintf(head, sizeof(head), "step %zu  %s  (%s:%u:%u)", i + 1, action,
		 nestref_vec_file_path(file), line, column);
	band(tr, "step", head);
	if (!rc) {
		draw_events(tr, nestref_vec_session_ctx(s));
		nestref_vec_session_records(s, trace_record, &g);
		if (g.n)
			row_end(tr, box_draw(tr, &g, LANE_GUEST, "guest"),
				GAP_PX);
		free(g.t);
	}
	trace_answer(tr, rc, ans);
	explain_text_view.step(tr->text, file, test, i, s, rc, ans);
}

static void trace_end(void *arg, struct nestref_ctx *ctx)
{
	struct trace *tr = arg;

	explain_text_view.end(tr->text, ctx);
}

static const struct explain_view trace_view = {
	.skipped = trace_skipped,
	.open_failed = trace_open_failed,
	.setup = trace_setup,
	.step = trace_step,
	.end = trace_end,
};

/* The lanes behind the rows, their titles, then the rows. */
static void trace_svg(FILE *out, const struct trace *tr, const char *name)
{
	int height = tr->y + 4, l;

	fprintf(out,
		"<svg class=\"trace\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
		SVG_W, height, SVG_W, height);
	html_text(out, name);
	fputs(": what each command went through\">\n", out);
	for (l = 0; l < LANE_COUNT; l++)
		fprintf(out,
			"<rect class=\"lane\" x=\"%d\" y=\"0\" width=\"%d\" height=\"%d\"/><text class=\"lane-title\" x=\"%d\" y=\"17\">%s</text>\n",
			lanes[l].x - 4, lanes[l].w + 8, height,
			lanes[l].x + 2, lanes[l].title);
	fwrite(tr->svg_buf, 1, tr->svg_len, out);
	fputs("</svg>\n", out);
}

void html_trace(FILE *out, const struct nestref_vec_file *file, size_t test,
		const struct nestref_ctx_opts *base)
{
	struct trace tr = { .y = TOP_PX + 4 };
	char name[300];

	snprintf(name, sizeof(name), "%s/%ld", nestref_vec_file_id(file),
		 nestref_vec_test_tc(file, test));
	tr.svg = open_memstream(&tr.svg_buf, &tr.svg_len);
	tr.text = open_memstream(&tr.text_buf, &tr.text_len);
	if (!tr.svg || !tr.text) {
		fputs("<p class=\"bad\">(no trace: out of memory)</p>\n", out);
		goto out;
	}
	explain_text_heading(tr.text, file, test);
	explain_walk(file, test, base, &trace_view, &tr);
	if (fflush(tr.svg) || fflush(tr.text)) {
		fputs("<p class=\"bad\">(no trace: out of memory)</p>\n", out);
		goto out;
	}
	if (tr.untraced)
		fputs("<p class=\"note\">This backend does not trace its SMMU: each step shows the answer only.</p>\n",
		      out);
	trace_svg(out, &tr, name);
	fputs("<details class=\"text\"><summary>as text (nestref explain)</summary><pre>",
	      out);
	html_entities(out, tr.text_buf, tr.text_len);
	fputs("</pre></details>\n", out);
out:
	if (tr.text)
		fclose(tr.text);
	if (tr.svg)
		fclose(tr.svg);
	free(tr.text_buf);
	free(tr.svg_buf);
}

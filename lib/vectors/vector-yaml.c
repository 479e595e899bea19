/* SPDX-License-Identifier: MIT */
/*
 * Reading libyaml document nodes against the scalar rules of the vector
 * format: mappings with a fixed key set, lists, integers, booleans,
 * strings and hex byte strings (spec/vectors.md section 1).
 *
 * libyaml's document API resolves no types: every scalar is text.  The
 * format's rules are applied here: an integer is a plain (unquoted)
 * scalar in decimal or 0x hex, a boolean is plain true or false.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "vector-load.h"

struct vec_mark vl_mark(const yaml_node_t *node)
{
	struct vec_mark mark = { 1, 1 };

	/* libyaml's marks are 0-based; messages are 1-based */
	if (node) {
		mark.line = (unsigned int)node->start_mark.line + 1;
		mark.column = (unsigned int)node->start_mark.column + 1;
	}
	return mark;
}

static void vl_vreport(struct vl *vl, struct vec_mark mark, bool limit,
		       const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void vl_limit(struct vl *vl, const yaml_node_t *node, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

static void vl_vreport(struct vl *vl, struct vec_mark mark, bool limit,
		       const char *fmt, va_list ap)
{
	if (vl->stop)
		return;
	/*
	 * Past the cap, counted only (docs/spec/vectors.md 1.5); but the
	 * limit that stops the walk is always said, or a file of many errors
	 * would hide why the load stopped.
	 */
	if (++vl->errors > VL_ERRORS_MAX && !limit)
		return;
	if (vec_diag_vadd(vl->diag, vl->path, mark, fmt, ap))
		vl->nomem = true;
}

void vl_error_at(struct vl *vl, struct vec_mark mark, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vl_vreport(vl, mark, false, fmt, ap);
	va_end(ap);
}

void vl_error(struct vl *vl, const yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vl_vreport(vl, vl_mark(node), false, fmt, ap);
	va_end(ap);
}

/* A limit of the loader: said whatever the cap, then the walk stops. */
static void vl_limit(struct vl *vl, const yaml_node_t *node, const char *fmt,
		     ...)
{
	va_list ap;

	va_start(ap, fmt);
	vl_vreport(vl, vl_mark(node), true, fmt, ap);
	va_end(ap);
	vl->stop = true;
}

/*
 * Charges n * size bytes against the file's budget (vector-load.h); false,
 * with the error reported once and the walk stopped, past it.
 */
bool vl_charge(struct vl *vl, const yaml_node_t *node, size_t n, size_t size)
{
	if (vl->stop)
		return false;
	if (size && n <= (vl->budget - vl->charged) / size) {
		vl->charged += n * size;
		return true;
	}
	vl_limit(vl, node,
		 "loading the file needs more than %zu bytes (%u times its size, at least %u KiB): limit of the loader",
		 vl->budget, VL_LOAD_TIMES, VL_BUDGET_FLOOR >> 10);
	return false;
}

void *vl_calloc(struct vl *vl, size_t n, size_t size)
{
	void *p;

	if (!n || !size || !vl_charge(vl, vl->at, n, size))
		return NULL;
	p = nestref_calloc(n, size);
	if (!p)
		vl->nomem = true;
	return p;
}

char *vl_strdup(struct vl *vl, const char *s)
{
	size_t len = strlen(s);
	char *p;

	if (!vl_charge(vl, vl->at, len + 1, 1))
		return NULL;
	p = nestref_malloc(len + 1);
	if (!p) {
		vl->nomem = true;
		return NULL;
	}
	memcpy(p, s, len + 1);
	return p;
}

yaml_node_t *vl_node(struct vl *vl, int index)
{
	return yaml_document_get_node(vl->doc, index);
}

yaml_node_t *vl_item(struct vl *vl, const yaml_node_t *seq, size_t i)
{
	return vl_node(vl, seq->data.sequence.items.start[i]);
}

/*
 * A scalar's text for a message: at most VL_EXCERPT bytes cut on a UTF-8
 * boundary, "..." when cut, control characters shown as '?' so that a
 * message stays on one line.
 */
const char *vl_text(const yaml_node_t *node, char buf[VL_EXCERPT + 8])
{
	const unsigned char *s;
	size_t len, n, i;

	buf[0] = '\0';
	if (!node || node->type != YAML_SCALAR_NODE)
		return buf;
	s = node->data.scalar.value;
	len = node->data.scalar.length;
	n = len;
	if (n > VL_EXCERPT) {
		n = VL_EXCERPT;
		while (n && (s[n] & 0xc0) == 0x80)
			n--;
	}
	/* Bytes as they are (UTF-8 stays readable); controls become '?'. */
	memcpy(buf, s, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	buf[n] = '\0';
	if (n < len)
		memcpy(buf + n, "...", sizeof("..."));
	return buf;
}

bool vl_is_plain(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE &&
	       node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* What a node is, for "expected X, got Y" messages. */
const char *vl_describe(const yaml_node_t *node, char buf[VL_EXCERPT + 8])
{
	char text[VL_EXCERPT + 8];

	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_SCALAR_NODE:
		if (!vl_is_plain(node))
			return "a quoted string";
		if (!node->data.scalar.length)
			return "an empty value";
		snprintf(buf, VL_EXCERPT + 8, "'%s'", vl_text(node, text));
		return buf;
	default:
		return "nothing";
	}
}

/* "expected <what>[ for '<key>'], got <what node is>" */
void vl_expected(struct vl *vl, const yaml_node_t *node, const char *what,
		 const char *key)
{
	char buf[VL_EXCERPT + 8];

	if (key)
		vl_error(vl, node, "expected %s for '%s', got %s", what, key,
			 vl_describe(node, buf));
	else
		vl_error(vl, node, "expected %s, got %s", what,
			 vl_describe(node, buf));
}

/* "a, b, c" into buf, cut (never overflowing) if buf is too short. */
void vl_join(char *buf, size_t len, const char *const names[])
{
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; names[i] && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
			     names[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

bool vl_scalar_is(const yaml_node_t *node, const char *s)
{
	size_t len = strlen(s);

	return node->type == YAML_SCALAR_NODE &&
	       node->data.scalar.length == len &&
	       !memcmp(node->data.scalar.value, s, len);
}

/* Counts a walk into a collection against the alias budget. */
static bool vl_visit(struct vl *vl, const yaml_node_t *node)
{
	if (vl->stop)
		return false;
	vl->at = node;
	if (++vl->visits <= vl->max_visits)
		return true;
	vl_limit(vl, node,
		 "aliases expand the file by more than %u mappings and lists",
		 VL_ALIAS_BUDGET);
	return false;
}

/*
 * Checks that node is a mapping whose keys are all among names[] (NULL
 * terminated) and each at most once, and fills kv[i] for names[i] (both
 * NULL when absent).  key names the node in "expected a mapping" (NULL for
 * a list item or the document); what names it in "unknown key".  Returns
 * false when node is not a mapping; unknown and duplicate keys are
 * reported and skipped.
 */
bool vl_map(struct vl *vl, yaml_node_t *node, const char *key,
	    const char *what, const char *const names[], struct vl_kv kv[])
{
	yaml_node_pair_t *pair;
	yaml_node_t *k;
	size_t i;

	for (i = 0; names[i]; i++)
		kv[i].key = kv[i].val = NULL;
	if (node->type != YAML_MAPPING_NODE) {
		vl_expected(vl, node, "a mapping", key);
		return false;
	}
	if (!vl_visit(vl, node))
		return false;

	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		k = vl_node(vl, pair->key);
		if (k->type != YAML_SCALAR_NODE) {
			vl_expected(vl, k, "a key name", NULL);
			continue;
		}
		for (i = 0; names[i]; i++)
			if (vl_scalar_is(k, names[i]))
				break;
		if (!names[i]) {
			char expected[1024], text[VL_EXCERPT + 8];

			vl_join(expected, sizeof(expected), names);
			vl_error(vl, k,
				 "unknown key '%s' in %s (expected one of: %s)",
				 vl_text(k, text), what, expected);
			continue;
		}
		if (kv[i].key) {
			vl_error(vl, k, "duplicate key '%s' (first at line %u)",
				 names[i], vl_mark(kv[i].key).line);
			continue;
		}
		kv[i].key = k;
		kv[i].val = vl_node(vl, pair->value);
	}
	return true;
}

bool vl_require(struct vl *vl, const yaml_node_t *map, const struct vl_kv *kv,
		const char *name)
{
	if (kv->val)
		return true;
	vl_error(vl, map, "missing required key '%s'", name);
	return false;
}

bool vl_seq(struct vl *vl, yaml_node_t *node, const char *key, size_t *count)
{
	*count = 0;
	if (node->type != YAML_SEQUENCE_NODE) {
		vl_expected(vl, node, "a list", key);
		return false;
	}
	if (!vl_visit(vl, node))
		return false;
	*count = (size_t)(node->data.sequence.items.top -
			  node->data.sequence.items.start);
	return true;
}

/* A mapping with free-form keys (notes): its number of pairs. */
bool vl_pairs(struct vl *vl, yaml_node_t *node, const char *key,
	      size_t *count)
{
	*count = 0;
	if (node->type != YAML_MAPPING_NODE) {
		vl_expected(vl, node, "a mapping", key);
		return false;
	}
	if (!vl_visit(vl, node))
		return false;
	*count = (size_t)(node->data.mapping.pairs.top -
			  node->data.mapping.pairs.start);
	return true;
}

static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * "0", a decimal without leading zeros (YAML 1.1 reads 010 as octal: the
 * format refuses it rather than guess), or 0x and hex digits.  Returns
 * false for anything else; *overflow when the value exceeds 64 bits.
 */
bool vl_parse_uint(const unsigned char *s, size_t len, uint64_t *out,
		   bool *overflow)
{
	uint64_t v = 0;
	unsigned int base = 10;
	size_t i = 0;

	*overflow = false;
	if (!len)
		return false;
	if (len > 2 && s[0] == '0' && s[1] == 'x') {
		base = 16;
		i = 2;
	} else if (s[0] == '0' && len > 1) {
		return false;
	}
	for (; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0 || (unsigned int)d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			*overflow = true;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

/* "(16 bits)" for 0 to 2^16 - 1, else "(1 to 3)". */
static void range_text(char *buf, size_t len, uint64_t min, uint64_t max)
{
	unsigned int bits = 0;

	while (bits < 64 && (max >> bits))
		bits++;
	if (!min && bits && (bits == 64 || max == (UINT64_C(1) << bits) - 1))
		snprintf(buf, len, "%u bit%s", bits, bits == 1 ? "" : "s");
	else
		snprintf(buf, len, "%llu to %llu", (unsigned long long)min,
			 (unsigned long long)max);
}

bool vl_uint(struct vl *vl, const yaml_node_t *node, const char *name,
	     uint64_t min, uint64_t max, uint64_t *out)
{
	bool overflow;
	uint64_t v;

	if (!vl_is_plain(node) ||
	    !vl_parse_uint(node->data.scalar.value, node->data.scalar.length,
			   &v, &overflow)) {
		vl_expected(vl, node, "an integer (decimal or 0x hex)", name);
		return false;
	}
	if (overflow || v < min || v > max) {
		char buf[VL_EXCERPT + 8], range[64];

		range_text(range, sizeof(range), min, max);
		vl_error(vl, node, "value %s does not fit %s (%s)",
			 vl_text(node, buf), name, range);
		return false;
	}
	*out = v;
	return true;
}

bool vl_u32(struct vl *vl, const yaml_node_t *node, const char *name,
	    uint32_t *out)
{
	uint64_t v;

	if (!vl_uint(vl, node, name, 0, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool vl_bool(struct vl *vl, const yaml_node_t *node, const char *name,
	     bool *out)
{
	/* only the two spellings: YAML 1.1's yes/on/y are too easy to misread */
	if (vl_is_plain(node) && vl_scalar_is(node, "true")) {
		*out = true;
		return true;
	}
	if (vl_is_plain(node) && vl_scalar_is(node, "false")) {
		*out = false;
		return true;
	}
	vl_expected(vl, node, "true or false", name);
	return false;
}

bool vl_str(struct vl *vl, const yaml_node_t *node, const char *name,
	    unsigned int flags, const char **out)
{
	const char *s;
	size_t len;

	if (node->type != YAML_SCALAR_NODE) {
		vl_expected(vl, node, "a string", name);
		return false;
	}
	s = (const char *)node->data.scalar.value;
	len = node->data.scalar.length;
	/* a "\0" escape would silently cut the C string the model holds */
	if (memchr(s, '\0', len)) {
		vl_error(vl, node,
			 "expected a string without NUL characters for '%s'",
			 name);
		return false;
	}
	if ((flags & VL_NON_EMPTY) && !len) {
		vl_error(vl, node, "expected a non-empty string for '%s'",
			 name);
		return false;
	}
	if ((flags & VL_ONE_LINE) && strpbrk(s, "\r\n")) {
		vl_error(vl, node, "expected a one-line string for '%s'", name);
		return false;
	}
	*out = s;
	return true;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * "98 00 00 00": two-digit hex bytes separated by white space (3.1, 3.3).
 * "" is zero bytes.  *out is never NULL on success, so that the runner
 * can tell zero bytes from no data.
 */
bool vl_hexbytes(struct vl *vl, const yaml_node_t *node, const char *name,
		 unsigned char **out, size_t *len)
{
	const unsigned char *s;
	unsigned char *bytes;
	size_t n, i, start, count = 0;

	*out = NULL;
	*len = 0;
	if (node->type != YAML_SCALAR_NODE) {
		vl_expected(vl, node, "hex bytes (\"98 00 00 00\")", name);
		return false;
	}
	s = node->data.scalar.value;
	n = node->data.scalar.length;
	/* at most n / 2 + 1 bytes; checked while converting */
	if (!vl_charge(vl, node, n / 2 + 1, 1))
		return false;
	bytes = nestref_malloc(n / 2 + 1);
	if (!bytes) {
		vl->nomem = true;
		return false;
	}
	for (i = 0; i < n;) {
		if (is_space(s[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < n && !is_space(s[i]))
			i++;
		if (i - start != 2 || hex_digit(s[start]) < 0 ||
		    hex_digit(s[start + 1]) < 0) {
			char buf[VL_EXCERPT + 8];
			yaml_node_t token = *node;

			token.data.scalar.value = (yaml_char_t *)s + start;
			token.data.scalar.length = i - start;
			vl_error(vl, node,
				 "expected two-digit hex bytes separated by spaces for '%s', got '%s'",
				 name, vl_text(&token, buf));
			nestref_free(bytes);
			return false;
		}
		bytes[count++] = (unsigned char)(hex_digit(s[start]) << 4 |
						 hex_digit(s[start + 1]));
	}
	*out = bytes;
	*len = count;
	return true;
}

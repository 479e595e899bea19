/* SPDX-License-Identifier: MIT */
/*
 * The one escaping of the library and the command (spec/report.md 6): a
 * string from a vector, a path, a backend or a report is shown with every
 * character a terminal, a TAP consumer or a YAML reader would act on
 * written as a visible escape, so that no input can forge a TAP line,
 * end a YAML block or drive the terminal.  The escapes are YAML's
 * double-quoted ones, so that the text inside a YAML double-quoted scalar
 * reads back as the original string (6.2).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <nestref/backend.h>
#include <nestref/vectors.h>

#include "escape.h"

/* The longest escape or character one unit can be: "\u2028". */
#define ESC_UNIT_MAX 8

void esc_decode(const char *s, struct esc_char *c)
{
	/* The smallest code point of a 2, 3 and 4-byte sequence: a smaller
	 * one is an overlong form, which UTF-8 forbids. */
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i;
	uint32_t cp;

	c->len = 1;
	c->cp = u[0];
	c->invalid = false;
	if (u[0] < 0x80)
		return;
	if ((u[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = u[0] & 0x1f;
	} else if ((u[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = u[0] & 0x0f;
	} else if ((u[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = u[0] & 0x07;
	} else {
		c->invalid = true; /* a continuation byte, or 0xf8 to 0xff */
		return;
	}
	/* The NUL that ends s is no continuation byte: never read past it. */
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			c->invalid = true;
			return;
		}
		cp = cp << 6 | (u[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		c->invalid = true; /* overlong, past Unicode, a surrogate */
		return;
	}
	c->len = n;
	c->cp = cp;
}

bool esc_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f ||
	       (cp >= 0x80 && cp <= 0x9f) ||     /* C1: 0x9b is CSI */
	       cp == 0x200e || cp == 0x200f ||   /* LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) || /* LS, PS; LRE to RLO */
	       (cp >= 0x2066 && cp <= 0x2069);   /* LRI to PDI */
}

/*
 * The unit that shows the character s starts with (report.md 6.1), into
 * out (ESC_UNIT_MAX bytes, not NUL-terminated): returns its length and
 * the bytes of s it stands for in *used.
 */
static size_t esc_unit(const char *s, uint32_t flags, char *out, size_t *used)
{
	static const char shorts[] = {
		['\a'] = 'a', ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n',
		['\v'] = 'v', ['\f'] = 'f', ['\r'] = 'r', [0x1b] = 'e',
	};
	struct esc_char c;

	esc_decode(s, &c);
	*used = c.len;
	if (c.invalid || (c.cp < 0x80 && esc_is_control(c.cp))) {
		if (c.cp < sizeof(shorts) && shorts[c.cp]) {
			out[0] = '\\';
			out[1] = shorts[c.cp];
			return 2;
		}
		/* \xNN: a byte, the code point of the same number below 0x80 */
		return (size_t)snprintf(out, ESC_UNIT_MAX, "\\x%02x",
					(unsigned int)c.cp);
	}
	if (esc_is_control(c.cp))
		return (size_t)snprintf(out, ESC_UNIT_MAX, "\\u%04x",
					(unsigned int)c.cp);
	if (c.cp == '\\' || (c.cp == '#' && (flags & NESTREF_VEC_ESCAPE_TAP)) ||
	    (c.cp == '"' && (flags & NESTREF_VEC_ESCAPE_QUOTED))) {
		out[0] = '\\';
		out[1] = (char)c.cp;
		return 2;
	}
	memcpy(out, s, c.len);
	return c.len;
}

size_t nestref_vec_escape(char *buf, size_t len, const char *s,
			  uint32_t flags)
{
	char unit[ESC_UNIT_MAX];
	size_t total = 0, kept = 0, n, used;
	bool cut = false;

	for (; s && *s; s += used) {
		n = esc_unit(s, flags, unit, &used);
		/* Cut between units, never inside an escape or a character. */
		if (!cut && buf && kept + n < len) {
			memcpy(buf + kept, unit, n);
			kept += n;
		} else {
			cut = true;
		}
		total += n;
	}
	if (buf && len)
		buf[kept] = '\0';
	return total;
}

/* How many bytes at s are printable ASCII that flags leave as they are. */
static size_t esc_plain_run(const char *s, uint32_t flags)
{
	size_t n;

	for (n = 0;; n++) {
		unsigned char c = (unsigned char)s[n];

		if (c < 0x20 || c >= 0x7f || c == '\\' ||
		    (c == '#' && (flags & NESTREF_VEC_ESCAPE_TAP)) ||
		    (c == '"' && (flags & NESTREF_VEC_ESCAPE_QUOTED)))
			return n;
	}
}

int nestref_vec_escape_fputs(FILE *out, const char *s, uint32_t flags)
{
	char unit[ESC_UNIT_MAX];
	size_t n, used;

	for (; s && *s; s += used) {
		/* Runs of plain text at once: a comment is mostly that. */
		used = esc_plain_run(s, flags);
		if (used) {
			if (fwrite(s, 1, used, out) != used)
				return -EIO;
			continue;
		}
		n = esc_unit(s, flags, unit, &used);
		if (fwrite(unit, 1, n, out) != n)
			return -EIO;
	}
	return 0;
}

int nestref_vec_escape_line(FILE *out, const char *fmt, ...)
{
	char small[512], *big = NULL;
	const char *text = small;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= sizeof(small)) {
		big = nestref_malloc((size_t)n + 1);
		if (big) {
			va_start(ap, fmt);
			vsnprintf(big, (size_t)n + 1, fmt, ap);
			va_end(ap);
			text = big;
		}
	}
	rc = nestref_vec_escape_fputs(out, text, 0);
	/* Without memory for a long line, its start is still said, and why
	 * the rest is not. */
	if ((size_t)n >= sizeof(small) && !big) {
		fputs("... (out of memory for the rest)", out);
		rc = rc ? rc : -ENOMEM;
	}
	if (fputc('\n', out) == EOF)
		rc = -EIO;
	nestref_free(big);
	return rc;
}

const char *esc_value(const char *s, char **copy)
{
	struct esc_char c;
	const char *p;
	size_t len;

	*copy = NULL;
	for (p = s; *p; p += c.len) {
		esc_decode(p, &c);
		if (c.invalid)
			break;
	}
	if (!*p)
		return s;
	len = nestref_vec_escape(NULL, 0, s, 0) + 1;
	*copy = nestref_malloc(len);
	if (!*copy)
		return NULL;
	nestref_vec_escape(*copy, len, s, 0);
	return *copy;
}

int esc_json_write(FILE *out, const char *json)
{
	struct esc_char c;
	const char *run = json, *p;

	for (p = json; *p; p += c.len) {
		if ((unsigned char)*p < 0x7f) {
			c.len = 1; /* ASCII but DEL: nothing to do */
			continue;
		}
		esc_decode(p, &c);
		/* jansson wrote C0 in strings as \u00XX already, and what is
		 * left of C0 is white space between values.  The others occur
		 * only in strings, where \uXXXX is the same character. */
		if (c.invalid || c.cp < 0x20 || !esc_is_control(c.cp))
			continue;
		if (fwrite(run, 1, (size_t)(p - run), out) != (size_t)(p - run) ||
		    fprintf(out, "\\u%04x", (unsigned int)c.cp) < 0)
			return -EIO;
		run = p + c.len;
	}
	return *run && fputs(run, out) == EOF ? -EIO : 0;
}

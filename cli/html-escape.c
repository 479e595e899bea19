/* SPDX-License-Identifier: MIT */
/*
 * Text into the HTML report (spec/report.md 7.3): whatever a vector or a
 * backend wrote is first put in the escaped form of report.md 6.1, so
 * that the page is valid UTF-8 with no control character, then & < > "
 * and ' become entities, so that no input can open an element, end an
 * attribute or start a script.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"

void html_entities(FILE *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(s[i], out);
		}
	}
}

char *html_escape_dup(const char *s)
{
	size_t len = nestref_vec_escape(NULL, 0, s, 0);
	char *buf = malloc(len + 1);

	if (buf)
		nestref_vec_escape(buf, len + 1, s, 0);
	return buf;
}

void html_text(FILE *out, const char *s)
{
	char *buf = html_escape_dup(s);

	if (!buf) {
		fputs("(out of memory)", out);
		return;
	}
	html_entities(out, buf, strlen(buf));
	free(buf);
}

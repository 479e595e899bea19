/* SPDX-License-Identifier: MIT */
/*
 * The escaping of strings from vectors and paths (spec/report.md 6):
 * nestref_vec_escape() and its stream and line forms on their edges (the
 * empty string, every control, UTF-8 kept, invalid UTF-8, a cut that
 * falls inside an escape or a character), and the library's JSON side of
 * it (lib/vectors/escape.h), white-box.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>
#include <nestref/vectors.h>

#include "check-helpers.h"
#include "escape.h"

/* s escaped with flags, the length returned checked against the text. */
static const char *esc(const char *s, uint32_t flags)
{
	static char buf[1024];
	size_t n = nestref_vec_escape(buf, sizeof(buf), s, flags);

	ck_assert_uint_lt(n, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

/* What nestref_vec_escape_fputs() or _line() wrote, from a memory stream. */
struct capture {
	FILE *f;
	char *text;
	size_t len;
};

static void capture_open(struct capture *c)
{
	c->text = NULL;
	c->f = open_memstream(&c->text, &c->len);
	ck_assert_ptr_nonnull(c->f);
}

static const char *capture_close(struct capture *c)
{
	ck_assert_int_eq(fclose(c->f), 0);
	return c->text;
}

START_TEST(empty_and_plain_strings)
{
	char buf[4] = "xyz";

	ck_assert_str_eq(esc("", 0), "");
	ck_assert_uint_eq(nestref_vec_escape(buf, sizeof(buf), NULL, 0), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_str_eq(esc("vectors/mock/bad-inputs.yaml:12:5", 0),
			 "vectors/mock/bad-inputs.yaml:12:5");
	/* '#' and '"' only when asked for */
	ck_assert_str_eq(esc("a # b \"c\"", 0), "a # b \"c\"");
	ck_assert_str_eq(esc("a # b \"c\"", NESTREF_VEC_ESCAPE_TAP),
			 "a \\# b \"c\"");
	ck_assert_str_eq(esc("a # b \"c\"", NESTREF_VEC_ESCAPE_QUOTED),
			 "a # b \\\"c\\\"");
	/* the backslash always, so that an escape is never ambiguous */
	ck_assert_str_eq(esc("a\\nb\\", 0), "a\\\\nb\\\\");
	/* a length only: buf may be NULL when len is 0 */
	ck_assert_uint_eq(nestref_vec_escape(NULL, 0, "a\nb", 0), 4);
}
END_TEST

START_TEST(every_control_is_an_escape)
{
	static const char *const shown[0x20] = {
		[0x01] = "\\x01", [0x02] = "\\x02", [0x03] = "\\x03",
		[0x04] = "\\x04", [0x05] = "\\x05", [0x06] = "\\x06",
		[0x07] = "\\a",   [0x08] = "\\b",   [0x09] = "\\t",
		[0x0a] = "\\n",   [0x0b] = "\\v",   [0x0c] = "\\f",
		[0x0d] = "\\r",   [0x0e] = "\\x0e", [0x0f] = "\\x0f",
		[0x10] = "\\x10", [0x11] = "\\x11", [0x12] = "\\x12",
		[0x13] = "\\x13", [0x14] = "\\x14", [0x15] = "\\x15",
		[0x16] = "\\x16", [0x17] = "\\x17", [0x18] = "\\x18",
		[0x19] = "\\x19", [0x1a] = "\\x1a", [0x1b] = "\\e",
		[0x1c] = "\\x1c", [0x1d] = "\\x1d", [0x1e] = "\\x1e",
		[0x1f] = "\\x1f",
	};
	char all[0x21], want[4 * 0x20 + 8] = "";
	char one[2] = "";
	unsigned int c;

	for (c = 1; c < 0x20; c++) {
		one[0] = (char)c;
		ck_assert_str_eq(esc(one, 0), shown[c]);
		all[c - 1] = (char)c;
		strcat(want, shown[c]);
	}
	all[0x1f] = 0x7f;
	all[0x20] = '\0';
	strcat(want, "\\x7f");
	/* all of them in a row, with the TAP flag too: no byte stays raw */
	ck_assert_str_eq(esc(all, 0), want);
	ck_assert_str_eq(esc(all, NESTREF_VEC_ESCAPE_TAP), want);
	/* C1 as valid UTF-8 (U+009B is CSI), the separators, bidi */
	ck_assert_str_eq(esc("\xc2\x80|\xc2\x9b|\xc2\x9f", 0),
			 "\\u0080|\\u009b|\\u009f");
	ck_assert_str_eq(esc("\xe2\x80\xa8\xe2\x80\xa9", 0),
			 "\\u2028\\u2029");
	ck_assert_str_eq(esc("\xe2\x80\xae" "abc\xe2\x81\xa6", 0),
			 "\\u202eabc\\u2066");
}
END_TEST

START_TEST(utf8_is_kept)
{
	/* 2, 3 and 4-byte characters, and U+00A0, the first after C1 */
	static const char *const kept[] = {
		"caf\xc3\xa9", "\xe2\x86\x92 \xe2\x80\xa7",
		"\xf0\x9f\x98\x80", "\xc2\xa0", "\xef\xbf\xbd",
		"\xf4\x8f\xbf\xbf", /* U+10FFFF, the last code point */
	};
	size_t i;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		ck_assert_str_eq(esc(kept[i], NESTREF_VEC_ESCAPE_TAP),
				 kept[i]);
}
END_TEST

START_TEST(invalid_utf8_is_escaped_byte_by_byte)
{
	/* a lone continuation byte, a lead byte without its end, bytes
	 * never in UTF-8, an overlong '/', a surrogate, past U+10FFFF */
	ck_assert_str_eq(esc("a\x80z", 0), "a\\x80z");
	ck_assert_str_eq(esc("a\xc3z", 0), "a\\xc3z");
	ck_assert_str_eq(esc("\xc3", 0), "\\xc3");
	ck_assert_str_eq(esc("\xe2\x82", 0), "\\xe2\\x82");
	ck_assert_str_eq(esc("\xfe\xff", 0), "\\xfe\\xff");
	ck_assert_str_eq(esc("\xc0\xaf", 0), "\\xc0\\xaf");
	ck_assert_str_eq(esc("\xed\xa0\x80", 0), "\\xed\\xa0\\x80");
	ck_assert_str_eq(esc("\xf4\x90\x80\x80", 0),
			 "\\xf4\\x90\\x80\\x80");
	/* Latin-1 bytes of a file name, between valid characters */
	ck_assert_str_eq(esc("bad\xe9t\xc3\xa9.yaml", 0),
			 "bad\\xe9t\xc3\xa9.yaml");
	/* a C1 byte that is no UTF-8 is a byte, not U+0085 */
	ck_assert_str_eq(esc("\x85", 0), "\\x85");
}
END_TEST

START_TEST(a_cut_falls_between_units)
{
	char buf[8];
	size_t n;

	/* "ab\e": the escape does not fit after "ab" in 4 bytes */
	n = nestref_vec_escape(buf, 4, "ab\x1b", 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(buf, "ab");
	n = nestref_vec_escape(buf, 5, "ab\x1b", 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(buf, "ab\\e");
	/* a 3-byte character is kept whole or not at all */
	n = nestref_vec_escape(buf, 4, "a\xe2\x86\x92", 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(buf, "a");
	/* "\u2028" is not cut to "\u20" */
	n = nestref_vec_escape(buf, 6, "x\xe2\x80\xa8y", 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(buf, "x");
	/* once cut, nothing after: a shorter unit later does not fit in */
	n = nestref_vec_escape(buf, 3, "a\x1bz", 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(buf, "a");
	/* len 1: only the NUL */
	n = nestref_vec_escape(buf, 1, "abc", 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(stream_and_line_forms)
{
	struct capture c;
	char *long_text;
	size_t i;

	capture_open(&c);
	ck_assert_int_eq(nestref_vec_escape_fputs(c.f, "x\ny # \"z\"\xff",
						  NESTREF_VEC_ESCAPE_TAP), 0);
	ck_assert_str_eq(capture_close(&c), "x\\ny \\# \"z\"\\xff");
	free(c.text);
	/* the runs of plain text end at what the flags escape */
	capture_open(&c);
	ck_assert_int_eq(nestref_vec_escape_fputs(c.f, "ab\"c#d\\e",
						  NESTREF_VEC_ESCAPE_QUOTED), 0);
	ck_assert_str_eq(capture_close(&c), "ab\\\"c#d\\\\e");
	free(c.text);
	capture_open(&c);
	ck_assert_int_eq(nestref_vec_escape_fputs(c.f, NULL, 0), 0);
	ck_assert_str_eq(capture_close(&c), "");
	free(c.text);

	/* the whole formatted text is escaped, then one newline */
	capture_open(&c);
	ck_assert_int_eq(nestref_vec_escape_line(c.f, "%s:%u: %s", "a\nb", 3u,
						 "\x1b[2J"), 0);
	ck_assert_str_eq(capture_close(&c), "a\\nb:3: \\e[2J\n");
	free(c.text);

	/* longer than the line's own buffer */
	long_text = malloc(5001);
	ck_assert_ptr_nonnull(long_text);
	for (i = 0; i < 5000; i++)
		long_text[i] = i % 100 ? 'a' : '\t';
	long_text[5000] = '\0';
	capture_open(&c);
	ck_assert_int_eq(nestref_vec_escape_line(c.f, "<%s>", long_text), 0);
	capture_close(&c);
	ck_assert_uint_eq(strlen(c.text), 5000 + 50 + 3);
	ck_assert_str_eq(c.text + strlen(c.text) - 2, ">\n");
	ck_assert_ptr_null(strchr(c.text, '\t'));
	free(c.text);
	free(long_text);
}
END_TEST

START_TEST(json_values_and_text)
{
	struct capture c;
	const char *v;
	char *copy;

	/* valid UTF-8 is kept, controls and all: JSON can hold them */
	v = esc_value("a\x1b\n\xc3\xa9", &copy);
	ck_assert_ptr_null(copy);
	ck_assert_str_eq(v, "a\x1b\n\xc3\xa9");
	/* anything else is its escaped form, whole */
	v = esc_value("a\\b\xff\n", &copy);
	ck_assert_ptr_nonnull(copy);
	ck_assert_str_eq(v, "a\\\\b\\xff\\n");
	nestref_free(copy);

	/* DEL, C1 and the separators become \uXXXX; white space stays */
	capture_open(&c);
	ck_assert_int_eq(esc_json_write(c.f, "{\n  \"a\": \"x\x7f\xc2\x9b"
					     "\xe2\x80\xa8\xc3\xa9\"\n}"), 0);
	ck_assert_str_eq(capture_close(&c),
			 "{\n  \"a\": \"x\\u007f\\u009b\\u2028\xc3\xa9\"\n}");
	free(c.text);
}
END_TEST

static Suite *escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, empty_and_plain_strings);
	tcase_add_test(tc, every_control_is_an_escape);
	tcase_add_test(tc, utf8_is_kept);
	tcase_add_test(tc, invalid_utf8_is_escaped_byte_by_byte);
	tcase_add_test(tc, a_cut_falls_between_units);
	tcase_add_test(tc, stream_and_line_forms);
	tcase_add_test(tc, json_values_and_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(escape_suite());
}

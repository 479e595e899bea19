/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the vector loader (lib/vectors/vector-*.c,
 * spec/vectors.md), white-box: they read the in-memory model of
 * lib/vectors/vector.h.
 *
 * tests/data/bad/ holds the malformed files in jansson's layout
 * (test/suites/invalid/<case>/{input,error}): one folder per case with
 * input.yaml and error, the exact messages loading it must produce, one
 * per line, the path of input.yaml written as @INPUT@.  Every folder found
 * is a case; one without input.yaml or error fails.  tests/data/good/
 * holds valid files whose loaded model is checked field by field.  The
 * data is found through $top_srcdir (default "."), and messages carry the
 * path as passed to vec_load().
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkstemp, opendir, getline */
#endif

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "vector.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "$top_srcdir/tests/data/KIND/NAME" in a new string, or NULL. */
static char *data_path_try(const char *kind, const char *name)
{
	const char *top = getenv("top_srcdir");
	char *path;
	int n;

	if (!top || !*top)
		top = ".";
	n = snprintf(NULL, 0, "%s/tests/data/%s/%s", top, kind, name);
	if (n <= 0)
		return NULL;
	path = malloc((size_t)n + 1);
	if (path)
		snprintf(path, (size_t)n + 1, "%s/tests/data/%s/%s", top, kind,
			 name);
	return path;
}

static char *data_path(const char *kind, const char *name)
{
	char *path = data_path_try(kind, name);

	ck_assert_ptr_nonnull(path);
	return path;
}

/* ---------------------------------------------------------------- */
/* Bad files: tests/data/bad/<case>/{input.yaml,error}               */

#define BAD_INPUT "input.yaml"
#define BAD_ERROR "error"
#define BAD_MARK "@INPUT@" /* the path of input.yaml in error */

/* The case folders, sorted; listed by main() before the suite exists. */
static char **bad_cases;
static size_t n_bad_cases;
static char bad_cases_why[256];

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every name in tests/data/bad/ but dot files: each must be a case. */
static void bad_cases_list(void)
{
	char *dir = data_path_try("bad", "");
	struct dirent *de;
	char **grown;
	DIR *d = dir ? opendir(dir) : NULL;

	if (!d) {
		snprintf(bad_cases_why, sizeof(bad_cases_why),
			 "cannot open %s", dir ? dir : "tests/data/bad");
		free(dir);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		grown = realloc(bad_cases, (n_bad_cases + 1) * sizeof(*grown));
		if (!grown)
			break;
		bad_cases = grown;
		bad_cases[n_bad_cases] = strdup(de->d_name);
		if (!bad_cases[n_bad_cases])
			break;
		n_bad_cases++;
	}
	closedir(d);
	free(dir);
	if (n_bad_cases)
		qsort(bad_cases, n_bad_cases, sizeof(*bad_cases), name_cmp);
	else
		snprintf(bad_cases_why, sizeof(bad_cases_why),
			 "no case folder in tests/data/bad");
}

static void bad_cases_free(void)
{
	size_t i;

	for (i = 0; i < n_bad_cases; i++)
		free(bad_cases[i]);
	free(bad_cases);
	bad_cases = NULL;
	n_bad_cases = 0;
}

/* line with every BAD_MARK replaced by path, in a new string. */
static char *bad_expand(const char *line, const char *path)
{
	size_t len = strlen(line) + 1, mark = strlen(BAD_MARK);
	const char *p;
	char *out, *o;

	for (p = strstr(line, BAD_MARK); p; p = strstr(p + mark, BAD_MARK))
		len += strlen(path);
	out = malloc(len);
	ck_assert_ptr_nonnull(out);
	for (o = out, p = line; *p;) {
		if (!strncmp(p, BAD_MARK, mark)) {
			o = stpcpy(o, path);
			p += mark;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

/* The expected messages of a case, its path already in them. */
static char **bad_expected(const char *name, const char *input, size_t *n)
{
	size_t rel_len = strlen(name) + sizeof("/" BAD_ERROR), cap = 0;
	char *rel = malloc(rel_len);
	char *path, *line = NULL, **msgs = NULL, **grown;
	ssize_t got;
	FILE *f;

	ck_assert_ptr_nonnull(rel);
	snprintf(rel, rel_len, "%s/%s", name, BAD_ERROR);
	path = data_path("bad", rel);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: case without an error file (%s)", name,
		      path);
	*n = 0;
	while ((got = getline(&line, &cap, f)) >= 0) {
		if (got > 0 && line[got - 1] == '\n')
			line[got - 1] = '\0';
		grown = realloc(msgs, (*n + 1) * sizeof(*msgs));
		ck_assert_ptr_nonnull(grown);
		msgs = grown;
		msgs[(*n)++] = bad_expand(line, input);
	}
	free(line);
	fclose(f);
	free(path);
	free(rel);
	ck_assert_msg(*n > 0, "%s: the error file is empty", name);
	return msgs;
}

START_TEST(test_bad_file)
{
	const char *name = bad_cases[_i];
	size_t rel_len = strlen(name) + sizeof("/" BAD_INPUT), n, i;
	char *rel = malloc(rel_len), *path, **want;
	struct vec_file *file = (struct vec_file *)&file;
	struct vec_diag diag;
	int ret;

	ck_assert_ptr_nonnull(rel);
	snprintf(rel, rel_len, "%s/%s", name, BAD_INPUT);
	path = data_path("bad", rel);
	ck_assert_msg(access(path, R_OK) == 0,
		      "%s: not a case folder with %s", name, BAD_INPUT);
	want = bad_expected(name, path, &n);
	vec_diag_init(&diag);
	ret = vec_load(path, &file, &diag);
	if (ret != -EINVAL || diag.count != n)
		for (i = 0; i < diag.count; i++)
			fprintf(stderr, "# %s\n", vec_diag_message(&diag, i));
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_null(file);
	ck_assert_msg(diag.count == n, "%s: %zu messages, expected %zu",
		      name, diag.count, n);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(vec_diag_message(&diag, i), want[i]);
		free(want[i]);
	}
	free(want);
	vec_diag_free(&diag);
	free(path);
	free(rel);
}
END_TEST

/* The folder was found and holds cases: an empty run is not a pass. */
START_TEST(test_bad_cases_found)
{
	ck_assert_msg(n_bad_cases > 0, "%s", bad_cases_why);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Files that cannot be read                                         */

START_TEST(test_missing_file)
{
	char *path = data_path("bad", "no-such-file.yaml"), want[4096];
	struct vec_file *file = NULL;
	struct vec_diag diag;

	vec_diag_init(&diag);
	ck_assert_int_eq(vec_load(path, &file, &diag), -ENOENT);
	ck_assert_ptr_null(file);
	ck_assert_uint_eq(diag.count, 1);
	snprintf(want, sizeof(want), "%s: cannot open: %s", path,
		 strerror(ENOENT));
	ck_assert_str_eq(vec_diag_message(&diag, 0), want);
	vec_diag_free(&diag);
	ck_assert_uint_eq(diag.count, 0);
	ck_assert_ptr_null(diag.msgs);
	ck_assert_ptr_null(diag.paths);
	free(path);
}
END_TEST

START_TEST(test_directory)
{
	char *path = data_path("good", ""), want[4096];
	struct vec_file *file = NULL;
	struct vec_diag diag;

	vec_diag_init(&diag);
	ck_assert_int_eq(vec_load(path, &file, &diag), -EISDIR);
	ck_assert_ptr_null(file);
	ck_assert_uint_eq(diag.count, 1);
	snprintf(want, sizeof(want), "%s: cannot read: %s", path,
		 strerror(EISDIR));
	ck_assert_str_eq(vec_diag_message(&diag, 0), want);
	vec_diag_free(&diag);
	free(path);
}
END_TEST

START_TEST(test_diag_add)
{
	struct vec_mark at = { 12, 5 }, nowhere = { 0, 0 };
	struct vec_diag diag;

	vec_diag_init(&diag);
	ck_assert_int_eq(vec_diag_add(&diag, "f.yaml", at, "value %d", 7), 0);
	ck_assert_int_eq(vec_diag_add(&diag, "g.yaml", nowhere, "%s", "x"),
			 0);
	ck_assert_uint_eq(diag.count, 2);
	ck_assert_str_eq(vec_diag_message(&diag, 0), "f.yaml:12:5: value 7");
	ck_assert_str_eq(vec_diag_message(&diag, 1), "g.yaml: x");
	vec_diag_free(&diag);
	ck_assert_uint_eq(diag.count, 0);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Good files: the model in detail                                   */

static struct vec_file *load_good(const char *name)
{
	char *path = data_path("good", name);
	struct vec_file *file = NULL;
	struct vec_diag diag;
	size_t i;
	int ret;

	vec_diag_init(&diag);
	ret = vec_load(path, &file, &diag);
	for (i = 0; i < diag.count; i++)
		fprintf(stderr, "# %s\n", vec_diag_message(&diag, i));
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(diag.count, 0);
	ck_assert_ptr_nonnull(file);
	ck_assert_str_eq(file->path, path);
	vec_diag_free(&diag);
	free(path);
	return file;
}

static void assert_bytes(const unsigned char *got, size_t got_len,
			 const unsigned char *want, size_t want_len)
{
	ck_assert_uint_eq(got_len, want_len);
	if (want_len)
		ck_assert_ptr_nonnull(got);
	ck_assert_msg(!want_len || !memcmp(got, want, want_len),
		      "bytes differ");
}

static void assert_cmd_bytes(const struct vec_entry *e, uint64_t dw0,
			     uint64_t dw1)
{
	unsigned char want[16];
	unsigned int i;

	for (i = 0; i < 8; i++) {
		want[i] = (unsigned char)(dw0 >> (8 * i));
		want[8 + i] = (unsigned char)(dw1 >> (8 * i));
	}
	ck_assert_int_eq(e->form, VEC_ENTRY_SMMUV3);
	assert_bytes(e->bytes, e->len, want, 16);
}

START_TEST(test_good_top_level)
{
	struct vec_file *f = load_good("full.yaml");

	ck_assert_str_eq(f->id, "loader-full-1");
	ck_assert_uint_eq(f->id_mark.line, 3);
	ck_assert_uint_eq(f->id_mark.column, 5);
	ck_assert_str_eq(f->title, "every key, step and entry form");
	ck_assert_str_eq(f->description, "Two lines\nof prose.\n");
	ck_assert_uint_eq(f->n_references, 2);
	ck_assert_str_eq(f->references[0], "Arm IHI 0070, 4.3.7");
	ck_assert_str_eq(f->references[1], "linux: arm_vsmmu_convert_user_cmd");
	ck_assert_uint_eq(f->profiles,
			  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_6_13) |
				  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_4));
	/* Current names only: nothing to warn about. */
	ck_assert_ptr_null(f->profile_note);
	ck_assert_uint_eq(f->requires, NESTREF_CAP_INV_ARM_SMMUV3 |
					       NESTREF_CAP_OBSERVE_ISSUED);
	ck_assert_uint_eq(f->n_notes, 2);
	ck_assert_str_eq(f->notes[0].name, "UnknownVsid");
	ck_assert_str_eq(f->notes[0].bug, "cross-device invalidation");
	ck_assert_str_eq(f->notes[0].description,
			 "A command naming a vSID that has no device must be rejected.");
	ck_assert_str_eq(f->notes[1].name, "Other");
	ck_assert_uint_eq(f->n_tests, 3);
	ck_assert_int_eq(f->tests[0].tc, 1);
	ck_assert_uint_eq(f->tests[0].mark.line, 47);
	ck_assert_str_eq(f->tests[0].comment,
			 "CFGI_CD of a known vSID carries the pSID");
	ck_assert_uint_eq(f->tests[0].n_flags, 2);
	ck_assert_str_eq(f->tests[0].flags[0], "UnknownVsid");
	ck_assert_str_eq(f->tests[0].flags[1], "Other");
	ck_assert_int_eq(f->tests[1].tc, 2);
	ck_assert_ptr_null(f->tests[1].comment);
	ck_assert_uint_eq(f->tests[1].n_flags, 0);
	ck_assert_int_eq(f->tests[2].tc, 0x7fffffff);
	ck_assert_str_eq(f->tests[2].comment, "");
	vec_file_free(f);
}
END_TEST

START_TEST(test_good_setup)
{
	struct vec_file *f = load_good("full.yaml");
	const struct nestref_smmuv3_cache_entry *c = f->caches;

	ck_assert_uint_eq(f->vmid, 5);
	ck_assert(f->has_smmu);
	ck_assert_uint_eq(f->smmu.sidsize, 16);
	ck_assert_uint_eq(f->smmu.ssidsize, 0);
	ck_assert(!f->smmu.asid16);
	ck_assert(f->smmu.vmid16);
	ck_assert(!f->smmu.ril);
	ck_assert(f->smmu.ats);
	ck_assert(f->smmu.ds);

	ck_assert(f->has_caches);
	ck_assert_uint_eq(f->n_caches, 7);
	/* tlb: leaf page, 4K default */
	ck_assert_uint_eq(c[0].kind, NESTREF_SMMUV3_CACHE_TLB);
	ck_assert_uint_eq(c[0].flags, 0);
	ck_assert_uint_eq(c[0].vmid, 5);
	ck_assert_uint_eq(c[0].asid, 0x12);
	ck_assert_uint_eq(c[0].va, 0x80000000);
	ck_assert_uint_eq(c[0].level, 3);
	ck_assert_uint_eq(c[0].tg, 4096);
	/* tlb: walk entry, 64K */
	ck_assert_uint_eq(c[1].kind, NESTREF_SMMUV3_CACHE_TLB);
	ck_assert_uint_eq(c[1].flags, NESTREF_SMMUV3_CE_WALK);
	ck_assert_uint_eq(c[1].level, 2);
	ck_assert_uint_eq(c[1].tg, 65536);
	/* tlb: global, no asid, 16K */
	ck_assert_uint_eq(c[2].flags, NESTREF_SMMUV3_CE_GLOBAL);
	ck_assert_uint_eq(c[2].vmid, 9);
	ck_assert_uint_eq(c[2].asid, 0);
	ck_assert_uint_eq(c[2].va, UINT64_C(0xffffffffffff0000));
	ck_assert_uint_eq(c[2].level, 1);
	ck_assert_uint_eq(c[2].tg, 16384);
	/* cfg: STE, then CD */
	ck_assert_uint_eq(c[3].kind, NESTREF_SMMUV3_CACHE_CFG);
	ck_assert_uint_eq(c[3].flags, 0);
	ck_assert_uint_eq(c[3].sid, 0x1234);
	ck_assert_uint_eq(c[4].kind, NESTREF_SMMUV3_CACHE_CFG);
	ck_assert_uint_eq(c[4].flags, NESTREF_SMMUV3_CE_SSID);
	ck_assert_uint_eq(c[4].ssid, 3);
	/* atc: without and with PASID */
	ck_assert_uint_eq(c[5].kind, NESTREF_SMMUV3_CACHE_ATC);
	ck_assert_uint_eq(c[5].flags, 0);
	ck_assert_uint_eq(c[5].sid, 0x1234);
	ck_assert_uint_eq(c[5].addr, 0);
	ck_assert_uint_eq(c[5].span, 0x1000);
	ck_assert_uint_eq(c[6].kind, NESTREF_SMMUV3_CACHE_ATC);
	ck_assert_uint_eq(c[6].flags, NESTREF_SMMUV3_CE_SSID);
	ck_assert_uint_eq(c[6].ssid, 7);
	ck_assert_uint_eq(c[6].addr, 0x2000);

	ck_assert_uint_eq(f->n_devices, 2);
	ck_assert_str_eq(f->devices[0].name, "d0");
	ck_assert_uint_eq(f->devices[0].psid, 0x1234);
	ck_assert(f->devices[0].has_vsid);
	ck_assert_uint_eq(f->devices[0].vsid, 0x99);
	ck_assert_uint_eq(f->devices[0].mark.line, 42);
	ck_assert_str_eq(f->devices[1].name, "d_1-x");
	ck_assert_uint_eq(f->devices[1].psid, 0x2000);
	ck_assert(!f->devices[1].has_vsid);
	vec_file_free(f);
}
END_TEST

START_TEST(test_good_invalidate_smmuv3)
{
	struct vec_file *f = load_good("full.yaml");
	const struct vec_step *s = &f->tests[0].steps[0];
	const struct vec_expect *ex = &s->expect;
	static const unsigned char bytes4[] = { 0x40, 0, 0, 0, 0x99, 0, 0, 0 };

	ck_assert_uint_eq(f->tests[0].n_steps, 1);
	ck_assert_int_eq(s->kind, VEC_STEP_INVALIDATE);
	ck_assert_uint_eq(s->mark.line, 51);
	ck_assert_uint_eq(s->mark.column, 9);
	ck_assert_uint_eq(s->type, NESTREF_INV_TYPE_ARM_SMMUV3);
	ck_assert_uint_eq(s->entry_len, 16);
	ck_assert_uint_eq(s->entry_num, 6);
	ck_assert(s->has_entries);
	ck_assert_uint_eq(s->n_entries, 6);
	/* kernel-facts 4.4 worked conversions */
	assert_cmd_bytes(&s->entries[0], 0x0000009900003005, 1);
	ck_assert_uint_eq(s->entries[0].mark.line, 54);
	ck_assert_uint_eq(s->entries[0].mark.column, 15);
	assert_cmd_bytes(&s->entries[1], 0x0012007700000012, 0x80000001);
	assert_cmd_bytes(&s->entries[2], 0x0000009900000006, 0);
	ck_assert_int_eq(s->entries[3].form, VEC_ENTRY_BYTES);
	assert_bytes(s->entries[3].bytes, s->entries[3].len, bytes4, 8);
	assert_cmd_bytes(&s->entries[4], 0x8f, 0);
	/* CFGI_ALL: CFGI_STE_RANGE with Range 31 */
	assert_cmd_bytes(&s->entries[5], 0x04, 31);

	ck_assert(ex->present);
	ck_assert_uint_eq(ex->mark.line, 61);
	ck_assert_int_eq(ex->result, VEC_RESULT_ERROR);
	ck_assert_uint_eq(ex->n_errnos, 1);
	ck_assert_int_eq(ex->errnos[0], EIO);
	ck_assert(ex->has_entry_num);
	ck_assert_uint_eq(ex->entry_num, 2);
	ck_assert(ex->has_issued);
	ck_assert_uint_eq(ex->n_issued, 3);
	ck_assert_uint_eq(ex->issued[0].cmd.dw[0], 0x0000123400003005);
	ck_assert_uint_eq(ex->issued[0].cmd.dw[1], 1);
	ck_assert_uint_eq(ex->issued[0].mark.line, 65);
	ck_assert_uint_eq(ex->issued[1].cmd.dw[0], 0x0012000500000012);
	ck_assert_uint_eq(ex->issued[1].cmd.dw[1], 0x80000001);
	ck_assert_uint_eq(ex->issued[2].cmd.dw[0], 0x46);
	ck_assert_uint_eq(ex->issued[2].cmd.dw[1], 0);
	ck_assert(!ex->has_caches);
	vec_file_free(f);
}
END_TEST

START_TEST(test_good_set_dev_user_data)
{
	struct vec_file *f = load_good("full.yaml");
	const struct vec_test *t = &f->tests[1];
	const struct vec_step *s = t->steps;
	static const unsigned char sid98[] = { 0x98, 0, 0, 0 };
	static const unsigned char eight[] = { 0x98, 0, 0, 0, 0, 0, 0, 1 };
	static const unsigned char sid10[] = { 0x10, 0, 0, 0, 0, 0, 0, 0 };

	ck_assert_uint_eq(t->n_steps, 10);

	/* {dev: d_1-x, sid: 0x98} */
	ck_assert_int_eq(s[0].kind, VEC_STEP_SET_DEV_USER_DATA);
	ck_assert(!s[0].dev.raw);
	ck_assert_uint_eq(s[0].dev.dev_index, 1);
	ck_assert(!s[0].data_null);
	assert_bytes(s[0].data, s[0].n_data, sid98, 4);
	ck_assert_uint_eq(s[0].len, 4);
	ck_assert(s[0].expect.present);
	ck_assert_int_eq(s[0].expect.result, VEC_RESULT_OK);
	ck_assert_uint_eq(s[0].expect.n_errnos, 0);

	/* {dev: d0, bytes: 8 bytes}, errno list */
	ck_assert_uint_eq(s[1].dev.dev_index, 0);
	assert_bytes(s[1].data, s[1].n_data, eight, 8);
	ck_assert_uint_eq(s[1].len, 8);
	ck_assert_uint_eq(s[1].expect.n_errnos, 2);
	ck_assert_int_eq(s[1].expect.errnos[0], E2BIG);
	ck_assert_int_eq(s[1].expect.errnos[1], EFAULT);

	/* {dev_id: 0, sid: 0x10, len: 8}: padded with zeros to len */
	ck_assert(s[2].dev.raw);
	ck_assert_uint_eq(s[2].dev.dev_id, 0);
	ck_assert_uint_eq(s[2].n_data, 4);
	ck_assert_uint_eq(s[2].len, 8);
	ck_assert(!memcmp(s[2].data, sid10, 8));
	ck_assert_int_eq(s[2].expect.errnos[0], ENOENT);

	/* {bytes: 4 bytes, len: 2}: the data stays, the length is shorter */
	assert_bytes(s[3].data, s[3].n_data, sid98, 4);
	ck_assert_uint_eq(s[3].len, 2);
	ck_assert(!s[3].expect.present);
	ck_assert_int_eq(s[3].expect.result, VEC_RESULT_OK);

	/* {len: 4} and {}: a NULL pointer */
	ck_assert(s[4].data_null);
	ck_assert_ptr_null(s[4].data);
	ck_assert_uint_eq(s[4].len, 4);
	ck_assert(s[5].data_null);
	ck_assert_uint_eq(s[5].len, 0);

	/* {bytes: ""}: a pointer to zero bytes, not NULL */
	ck_assert(!s[6].data_null);
	ck_assert_ptr_nonnull(s[6].data);
	ck_assert_uint_eq(s[6].n_data, 0);
	ck_assert_uint_eq(s[6].len, 0);
	ck_assert_int_eq(s[6].expect.result, VEC_RESULT_EITHER);

	ck_assert_int_eq(s[7].kind, VEC_STEP_UNSET_DEV_USER_DATA);
	ck_assert(!s[7].dev.raw);
	ck_assert_uint_eq(s[7].dev.dev_index, 0);
	ck_assert_int_eq(s[8].kind, VEC_STEP_UNSET_DEV_USER_DATA);
	ck_assert(s[8].dev.raw);
	ck_assert_uint_eq(s[8].dev.dev_id, 0xffffffff);

	ck_assert_int_eq(s[9].kind, VEC_STEP_CHECK_CACHE);
	ck_assert_uint_eq(s[9].dev.dev_index, 0);
	ck_assert_uint_eq(s[9].index, 1);
	ck_assert_uint_eq(s[9].value, 0xbaddad);
	vec_file_free(f);
}
END_TEST

START_TEST(test_good_invalidate_other)
{
	struct vec_file *f = load_good("full.yaml");
	const struct vec_step *s = f->tests[2].steps;
	const struct vec_expect *ex = &s[0].expect;
	static const unsigned char st0[] = { 1, 0, 0, 0, 0x99, 0, 0, 0,
					     2, 0, 0, 0 };
	static const unsigned char st1[12] = { 0 };
	static const unsigned char st2[] = { 0, 0, 0, 0, 7, 0, 0, 0,
					     0, 0, 0, 0 };
	static const unsigned char b3[] = { 1, 2, 3 };

	ck_assert_uint_eq(f->tests[2].n_steps, 5);

	/* selftest entries, {} included */
	ck_assert_uint_eq(s[0].type, NESTREF_INV_TYPE_SELFTEST);
	ck_assert_uint_eq(s[0].entry_len, 12);
	ck_assert_uint_eq(s[0].entry_num, 3);
	ck_assert_int_eq(s[0].entries[0].form, VEC_ENTRY_SELFTEST);
	assert_bytes(s[0].entries[0].bytes, s[0].entries[0].len, st0, 12);
	ck_assert_int_eq(s[0].entries[1].form, VEC_ENTRY_SELFTEST);
	assert_bytes(s[0].entries[1].bytes, s[0].entries[1].len, st1, 12);
	assert_bytes(s[0].entries[2].bytes, s[0].entries[2].len, st2, 12);
	ck_assert_int_eq(ex->result, VEC_RESULT_OK);
	ck_assert(ex->has_entry_num);
	ck_assert_uint_eq(ex->entry_num, 3);
	ck_assert(ex->has_issued);
	ck_assert_uint_eq(ex->n_issued, 0);
	ck_assert(ex->has_caches);
	ck_assert(ex->cache_named[NESTREF_SMMUV3_CACHE_TLB]);
	ck_assert(!ex->cache_named[NESTREF_SMMUV3_CACHE_CFG]);
	ck_assert(ex->cache_named[NESTREF_SMMUV3_CACHE_ATC]);
	ck_assert_uint_eq(ex->n_caches, 1);
	ck_assert_uint_eq(ex->caches[0].kind, NESTREF_SMMUV3_CACHE_TLB);
	ck_assert_uint_eq(ex->caches[0].vmid, 9);
	ck_assert_uint_eq(ex->caches[0].asid, 0x12);
	ck_assert_uint_eq(ex->caches[0].tg, 4096);

	/* another type, no entries: entry_len and entry_num as written */
	ck_assert_uint_eq(s[1].type, 0x1234);
	ck_assert_uint_eq(s[1].entry_len, 4);
	ck_assert_uint_eq(s[1].entry_num, 0x80000);
	ck_assert(!s[1].has_entries);
	ck_assert_uint_eq(s[1].n_entries, 0);
	ck_assert(!s[1].expect.present);

	/* entries: [] is present and empty; no entries: entry_len 0 */
	ck_assert_uint_eq(s[2].type, NESTREF_INV_TYPE_SELFTEST_INVALID);
	ck_assert(s[2].has_entries);
	ck_assert_uint_eq(s[2].n_entries, 0);
	ck_assert_uint_eq(s[2].entry_len, 0);
	ck_assert_uint_eq(s[2].entry_num, 0);

	/* another type: entry_len is the first entry's size */
	ck_assert_uint_eq(s[3].type, 7);
	ck_assert_uint_eq(s[3].entry_len, 3);
	ck_assert_uint_eq(s[3].entry_num, 2);
	ck_assert_int_eq(s[3].entries[0].form, VEC_ENTRY_BYTES);
	assert_bytes(s[3].entries[0].bytes, s[3].entries[0].len, b3, 3);
	/* SYNC is 16 bytes, all zero past the third: allowed */
	assert_cmd_bytes(&s[3].entries[1], 0x46, 0);
	ck_assert_int_eq(s[3].expect.errnos[0], EINVAL);

	/* type 1 is arm-smmuv3; entry_len 8 with zero bytes beyond it */
	ck_assert_uint_eq(s[4].type, NESTREF_INV_TYPE_ARM_SMMUV3);
	ck_assert_uint_eq(s[4].entry_len, 8);
	assert_cmd_bytes(&s[4].entries[0], 0x11, 0);
	assert_cmd_bytes(&s[4].entries[1], 0x30, 0);
	vec_file_free(f);
}
END_TEST

START_TEST(test_good_defaults)
{
	struct vec_file *f = load_good("defaults.yaml");
	struct nestref_smmuv3_features def;
	const struct vec_step *s;

	nestref_smmuv3_features_default(&def);
	ck_assert_ptr_null(f->description);
	ck_assert_uint_eq(f->n_references, 0);
	ck_assert_uint_eq(f->profiles, NESTREF_PROFILES_ALL);
	ck_assert_uint_eq(f->requires, 0);
	ck_assert_uint_eq(f->n_notes, 0);
	ck_assert_uint_eq(f->vmid, 1);
	ck_assert_uint_eq(f->page_size, 0); /* the context's, 4096 */
	ck_assert_ptr_null(f->profile_note);
	ck_assert(!f->has_smmu);
	/* field by field: the struct has padding */
	ck_assert_uint_eq(f->smmu.sidsize, def.sidsize);
	ck_assert_uint_eq(f->smmu.ssidsize, def.ssidsize);
	ck_assert(f->smmu.asid16 == def.asid16);
	ck_assert(f->smmu.vmid16 == def.vmid16);
	ck_assert(f->smmu.ril == def.ril);
	ck_assert(f->smmu.ats == def.ats);
	ck_assert(f->smmu.ds == def.ds);
	ck_assert(f->smmu.repeat_tlbi_cfgi == def.repeat_tlbi_cfgi);
	ck_assert(!f->has_caches);
	ck_assert_uint_eq(f->n_caches, 0);
	ck_assert_uint_eq(f->n_devices, 0);
	ck_assert_uint_eq(f->n_tests, 1);
	ck_assert_int_eq(f->tests[0].tc, 5);
	ck_assert_ptr_null(f->tests[0].comment);

	s = f->tests[0].steps;
	ck_assert_uint_eq(f->tests[0].n_steps, 4);
	ck_assert(s[0].dev.raw);
	ck_assert_uint_eq(s[0].dev.dev_id, 3);
	ck_assert(!s[0].expect.present);
	ck_assert_int_eq(s[0].expect.result, VEC_RESULT_OK);

	ck_assert_uint_eq(s[1].type, NESTREF_INV_TYPE_ARM_SMMUV3);
	ck_assert_uint_eq(s[1].entry_len, 16);
	ck_assert_uint_eq(s[1].entry_num, 0);
	ck_assert(!s[1].has_entries);

	ck_assert_uint_eq(s[2].type, NESTREF_INV_TYPE_SELFTEST);
	ck_assert_uint_eq(s[2].entry_len, 12);
	ck_assert(s[2].has_entries);
	ck_assert_uint_eq(s[2].n_entries, 0);

	ck_assert_uint_eq(s[3].type, 3);
	ck_assert_uint_eq(s[3].entry_len, 0);
	ck_assert(s[3].expect.present);
	ck_assert_int_eq(s[3].expect.result, VEC_RESULT_OK);
	ck_assert_uint_eq(s[3].expect.n_errnos, 0);
	ck_assert(!s[3].expect.has_entry_num);
	ck_assert(!s[3].expect.has_issued);
	ck_assert(!s[3].expect.has_caches);
	vec_file_free(f);
}
END_TEST

/* The deprecated name loads as linux-7.4 and leaves its note. */
START_TEST(test_good_profile_alias)
{
	struct vec_file *f = load_good("alias.yaml");

	ck_assert_uint_eq(f->profiles,
			  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_6_13) |
				  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_4));
	ck_assert_ptr_nonnull(f->profile_note);
	ck_assert_str_eq(f->profile_note,
			 nestref_profile_alias_note("linux-next"));
	vec_file_free(f);
}
END_TEST

/* page_size, StreamID lists, the erratum flag, destroy and hw_info. */
START_TEST(test_good_machine)
{
	struct vec_file *f = load_good("machine.yaml");
	const struct vec_step *s;

	ck_assert_uint_eq(f->profiles,
			  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_2) |
				  NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_4));
	ck_assert_ptr_null(f->profile_note);
	ck_assert_uint_eq(f->page_size, 16384);
	ck_assert(f->has_smmu);
	ck_assert(f->smmu.repeat_tlbi_cfgi);
	ck_assert_uint_eq(f->n_devices, 3);
	ck_assert_uint_eq(f->devices[0].n_psids, 3);
	ck_assert_uint_eq(f->devices[0].psid, 0x10);
	ck_assert_uint_eq(f->devices[0].psids[0], 0x10);
	ck_assert_uint_eq(f->devices[0].psids[1], 0x11);
	ck_assert_uint_eq(f->devices[0].psids[2], 0x12);
	ck_assert(f->devices[0].has_vsid);
	/* A list of one and a plain number are the same. */
	ck_assert_uint_eq(f->devices[1].n_psids, 1);
	ck_assert_uint_eq(f->devices[1].psid, 0x20);
	ck_assert_uint_eq(f->devices[2].n_psids, 1);
	ck_assert_uint_eq(f->devices[2].psids[0], 0x30);

	ck_assert_uint_eq(f->tests[0].n_steps, 4);
	s = f->tests[0].steps;
	ck_assert_int_eq(s[0].kind, VEC_STEP_DESTROY);
	ck_assert(s[0].destroy_vdevice);
	ck_assert(!s[0].dev.raw);
	ck_assert_uint_eq(s[0].dev.dev_index, 0);
	ck_assert_int_eq(s[1].kind, VEC_STEP_DESTROY);
	ck_assert(!s[1].destroy_vdevice);
	ck_assert_uint_eq(s[1].dev.dev_index, 1);
	ck_assert_int_eq(s[2].kind, VEC_STEP_DESTROY);
	ck_assert(s[2].dev.raw);
	ck_assert_uint_eq(s[2].dev.dev_id, 77);
	ck_assert_int_eq(s[2].expect.errnos[0], ENOENT);
	ck_assert_int_eq(s[3].kind, VEC_STEP_HW_INFO);
	ck_assert_uint_eq(s[3].dev.dev_index, 2);
	ck_assert(s[3].expect.has_flags);
	ck_assert_uint_eq(s[3].expect.flags, 1);
	vec_file_free(f);
}
END_TEST

/* attach (vectors.md 3.8): vste as 16 LE bytes, bytes as given, type 2. */
START_TEST(test_good_attach)
{
	static const unsigned char vste[16] = { 0x0b, 0, 0, 0x80, 0, 0, 0, 0,
						0xd5, 0, 0, 0x10, 0, 0, 0, 0 };
	static const unsigned char two[2] = { 0x09, 0x00 };
	struct vec_file *f = load_good("attach.yaml");
	const struct vec_step *s;

	ck_assert_uint_eq(f->requires, NESTREF_CAP_ATTACH_NESTED);
	ck_assert_uint_eq(f->tests[0].n_steps, 4);
	s = f->tests[0].steps;
	ck_assert_int_eq(s[0].kind, VEC_STEP_ATTACH);
	ck_assert_uint_eq(s[0].dev.dev_index, 0);
	ck_assert_uint_eq(s[0].viommu, 0);
	ck_assert_uint_eq(s[0].type, NESTREF_HWPT_DATA_ARM_SMMUV3);
	assert_bytes(s[0].data, s[0].len, vste, sizeof(vste));
	ck_assert(s[1].dev.raw);
	ck_assert_uint_eq(s[1].dev.dev_id, 9);
	ck_assert_uint_eq(s[1].viommu, 1);
	ck_assert_uint_eq(s[1].type, 1);
	ck_assert_int_eq(s[1].expect.errnos[0], EINVAL);
	assert_bytes(s[2].data, s[2].len, two, sizeof(two));
	ck_assert(!s[3].data_null);
	ck_assert_uint_eq(s[3].len, 0);
	vec_file_free(f);
}
END_TEST

static void assert_record(const struct vec_record *r,
			  enum vec_record_form form, uint32_t sequence,
			  const unsigned char *data, size_t len)
{
	ck_assert_int_eq(r->form, form);
	ck_assert_uint_eq(r->sequence, sequence);
	if (form == VEC_RECORD_LOST) {
		ck_assert_ptr_null(r->data);
		ck_assert_uint_eq(r->len, 0);
		return;
	}
	assert_bytes(r->data, r->len, data, len);
}

/* An SMMUv3 record's 32 bytes from its four words. */
static void evt_bytes(unsigned char out[32], uint64_t dw0, uint64_t dw1,
		      uint64_t dw2, uint64_t dw3)
{
	const uint64_t dw[4] = { dw0, dw1, dw2, dw3 };
	unsigned int i, b;

	for (i = 0; i < 4; i++)
		for (b = 0; b < 8; b++)
			out[8 * i + b] = (unsigned char)(dw[i] >> (8 * b));
}

/* vEVENTQs (vectors.md 1.2, 3.6, 3.9-3.12): queues, reads, records. */
START_TEST(test_good_events)
{
	static const unsigned char virt_id[4] = { 0x99, 0, 0, 0 };
	static const unsigned char four[4] = { 1, 2, 3, 4 };
	struct vec_file *f = load_good("events.yaml");
	const struct vec_step *s;
	unsigned char evt[32];

	ck_assert_uint_eq(f->requires, NESTREF_CAP_TRIGGER_VEVENT |
					       NESTREF_CAP_INJECT_EVENT |
					       NESTREF_CAP_VEVENTQ_SEQUENCE);
	/* setup's queues first, then the steps' in file order */
	ck_assert_uint_eq(f->n_veventqs, 2);
	ck_assert_uint_eq(f->n_queues, 5);
	ck_assert_str_eq(f->veventqs[0].name, "q0");
	ck_assert_uint_eq(f->veventqs[0].type, NESTREF_VEVENTQ_TYPE_SELFTEST);
	ck_assert_uint_eq(f->veventqs[0].depth, 8);
	ck_assert_uint_eq(f->veventqs[0].viommu, 0);
	ck_assert(!f->veventqs[0].has_sequence);
	ck_assert_uint_eq(f->veventqs[1].type, NESTREF_VEVENTQ_TYPE_ARM_SMMUV3);
	ck_assert_uint_eq(f->veventqs[1].viommu, 1);
	ck_assert(f->veventqs[1].has_sequence);
	ck_assert_uint_eq(f->veventqs[1].sequence, 0x7ffffffe);
	ck_assert_ptr_eq(f->queues[1], &f->veventqs[1]);

	s = f->tests[0].steps;
	ck_assert_int_eq(s[0].kind, VEC_STEP_ALLOC_VEVENTQ);
	ck_assert_str_eq(s[0].veventq.name, "q2");
	ck_assert_uint_eq(s[0].veventq.queue, 2);
	ck_assert_ptr_eq(f->queues[2], &s[0].veventq);
	ck_assert_uint_eq(s[0].veventq.type, 0x77);
	ck_assert_uint_eq(s[0].veventq.flags, 1);
	ck_assert(!s[0].veventq.raw_viommu);
	ck_assert(s[1].veventq.raw_viommu);
	ck_assert_uint_eq(s[1].veventq.viommu, 9999);
	ck_assert_uint_eq(s[1].veventq.queue, 3);

	ck_assert_int_eq(s[2].kind, VEC_STEP_TRIGGER_VEVENT);
	ck_assert_uint_eq(s[2].dev.dev_index, 0);
	ck_assert(s[3].dev.raw);
	ck_assert_uint_eq(s[3].dev.dev_id, 7);

	ck_assert_int_eq(s[4].kind, VEC_STEP_READ_VEVENTS);
	ck_assert(!s[4].queue.raw);
	ck_assert_uint_eq(s[4].queue.queue, 0);
	ck_assert_uint_eq(s[4].count, 4096);
	ck_assert_uint_eq(s[4].writable, 4096);
	ck_assert(s[4].expect.has_bytes);
	ck_assert_uint_eq(s[4].expect.bytes, 20);
	ck_assert_uint_eq(s[4].expect.n_records, 3);
	assert_record(&s[4].expect.records[0], VEC_RECORD_SELFTEST, 0,
		      virt_id, 4);
	assert_record(&s[4].expect.records[1], VEC_RECORD_BYTES, 1, four, 4);
	assert_record(&s[4].expect.records[2], VEC_RECORD_LOST, 2, NULL, 0);

	/* dev gives the StreamID: its first pSID, over raw's too */
	ck_assert_int_eq(s[5].kind, VEC_STEP_FAULT);
	ck_assert(s[5].has_dev);
	ck_assert_uint_eq(s[5].event.dw[0], 0x0000001000000010);
	ck_assert_uint_eq(s[5].event.dw[1], UINT64_C(1) << 35);
	ck_assert_uint_eq(s[5].event.dw[2], 0x80001000);
	ck_assert_uint_eq(s[5].event.dw[3], 0);
	ck_assert(!s[6].has_dev);
	ck_assert_uint_eq(s[6].event.dw[0], 0x0000555500000077);
	ck_assert_uint_eq(s[6].event.dw[3], 0x3000);
	ck_assert_uint_eq(s[7].event.dw[0], 0x0000001000000010);
	ck_assert_uint_eq(s[7].event.dw[2], 0x1000);

	ck_assert_uint_eq(s[8].queue.queue, 1);
	ck_assert_uint_eq(s[8].count, 64);
	ck_assert_uint_eq(s[8].writable, 10);
	ck_assert(!s[8].expect.has_bytes);
	ck_assert_uint_eq(s[8].expect.n_records, 2);
	evt_bytes(evt, 0x000000990000380a, 0, 0, 0);
	assert_record(&s[8].expect.records[0], VEC_RECORD_SMMUV3, 0x7ffffffe,
		      evt, 32);
	evt_bytes(evt, 0x10, 0, 0, 1);
	assert_record(&s[8].expect.records[1], VEC_RECORD_SMMUV3, 0x7fffffff,
		      evt, 32);

	ck_assert(s[9].queue.raw);
	ck_assert_uint_eq(s[9].queue.id, 9999);
	ck_assert_uint_eq(s[9].count, 0);
	ck_assert_uint_eq(s[9].writable, 0);
	assert_record(&s[10].expect.records[0], VEC_RECORD_BYTES, 0, NULL, 0);

	ck_assert_int_eq(s[11].kind, VEC_STEP_DESTROY);
	ck_assert(s[11].destroy_veventq);
	ck_assert_uint_eq(s[11].queue.queue, 1);
	ck_assert_uint_eq(s[12].queue.queue, 3);

	s = f->tests[1].steps;
	ck_assert_uint_eq(s[0].veventq.queue, 4);
	ck_assert_uint_eq(s[1].queue.queue, 4);
	ck_assert(s[1].expect.has_bytes);
	ck_assert_uint_eq(s[1].expect.bytes, 0);
	ck_assert(s[1].expect.has_records);
	ck_assert_uint_eq(s[1].expect.n_records, 0);
	vec_file_free(f);
}
END_TEST

START_TEST(test_good_aliases)
{
	struct vec_file *f = load_good("aliases.yaml");
	size_t i;

	ck_assert_uint_eq(f->n_tests, 2);
	ck_assert_uint_eq(f->tests[1].n_steps, 2);
	for (i = 0; i < 2; i++) {
		const struct vec_step *s = &f->tests[1].steps[i];

		ck_assert_int_eq(s->kind, VEC_STEP_UNSET_DEV_USER_DATA);
		ck_assert_uint_eq(s->dev.dev_index, 0);
		ck_assert_int_eq(s->expect.errnos[0], ENOENT);
		/* an alias reports the anchor's position */
		ck_assert_uint_eq(s->mark.line, 12);
	}
	vec_file_free(f);
}
END_TEST

START_TEST(test_diag_appends)
{
	char *bad = data_path("bad", "setup-vmid/" BAD_INPUT);
	char *first;
	struct vec_file *file = NULL;
	struct vec_diag diag;

	/* one diag gathers the errors of several files, as lint does */
	vec_diag_init(&diag);
	ck_assert_int_eq(vec_load(bad, &file, &diag), -EINVAL);
	ck_assert_int_eq(vec_load(bad, &file, &diag), -EINVAL);
	ck_assert_uint_eq(diag.count, 2);
	first = strdup(vec_diag_message(&diag, 0));
	ck_assert_ptr_nonnull(first);
	ck_assert_str_eq(first, vec_diag_message(&diag, 1));
	/* the path is kept once for both */
	ck_assert_uint_eq(diag.n_paths, 1);
	free(first);
	vec_diag_free(&diag);
	vec_file_free(NULL);
	free(bad);
}
END_TEST

/* ---------------------------------------------------------------- */
/* Robustness: damaged copies of a good file never crash or leak      */

struct scratch {
	char path[64];
	char *orig;
	size_t len;
};

static void scratch_open(struct scratch *s)
{
	char *good = data_path("good", "full.yaml");
	FILE *f = fopen(good, "rb");
	const char *tmp = getenv("TMPDIR");
	long n;
	int fd;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	s->len = (size_t)n;
	s->orig = malloc(s->len);
	ck_assert_ptr_nonnull(s->orig);
	ck_assert_uint_eq(fread(s->orig, 1, s->len, f), s->len);
	fclose(f);
	free(good);

	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(s->path, sizeof(s->path), "%s/vecloadXXXXXX", tmp);
	fd = mkstemp(s->path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void scratch_close(struct scratch *s)
{
	unlink(s->path);
	free(s->orig);
}

/* Loads buf; the result must be a file or an error with messages. */
static void load_damaged(const struct scratch *s, const char *buf, size_t len)
{
	struct vec_file *file = (struct vec_file *)&file;
	struct vec_diag diag;
	FILE *f = fopen(s->path, "wb");
	int ret;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	vec_diag_init(&diag);
	ret = vec_load(s->path, &file, &diag);
	if (ret) {
		ck_assert_int_eq(ret, -EINVAL);
		ck_assert_ptr_null(file);
		ck_assert_uint_gt(diag.count, 0);
	} else {
		ck_assert_ptr_nonnull(file);
		ck_assert_uint_eq(diag.count, 0);
	}
	vec_file_free(file);
	vec_diag_free(&diag);
}

START_TEST(test_fuzz_truncated)
{
	struct scratch s;
	size_t cut;

	scratch_open(&s);
	for (cut = 0; cut < s.len; cut += 5)
		load_damaged(&s, s.orig, cut);
	scratch_close(&s);
}
END_TEST

/* Every value of the file replaced by each of a few wrong things. */
START_TEST(test_fuzz_wrong_values)
{
	static const char *const wrong[] = {
		"[]", "{}", "'x'", "0x1ffffffffffffffffff", "-1", "",
		"[{}, [], 0]", "*nope", "&a {b: *a}", "\"\\0\"",
	};
	struct scratch s;
	char *buf, *colon, *eol;
	size_t line, w, len, head;

	scratch_open(&s);
	buf = malloc(s.len + 64);
	ck_assert_ptr_nonnull(buf);
	for (line = 0;; line++) {
		/* find the line-th line with a "key: value" */
		char *p = s.orig, *end = s.orig + s.len;
		size_t seen = 0;

		colon = NULL;
		while (p < end) {
			eol = memchr(p, '\n', (size_t)(end - p));
			if (!eol)
				eol = end;
			colon = memchr(p, ':', (size_t)(eol - p));
			if (colon && colon + 1 < eol && colon[1] == ' ' &&
			    seen++ == line)
				break;
			colon = NULL;
			p = eol + 1;
		}
		if (!colon)
			break;
		for (w = 0; w < ARRAY_SIZE(wrong); w++) {
			head = (size_t)(colon + 2 - s.orig);
			memcpy(buf, s.orig, head);
			len = strlen(wrong[w]);
			memcpy(buf + head, wrong[w], len);
			memcpy(buf + head + len, eol, (size_t)(end - eol));
			load_damaged(&s, buf, head + len + (size_t)(end - eol));
		}
	}
	ck_assert_uint_gt(line, 50);
	free(buf);
	scratch_close(&s);
}
END_TEST

/* Random bytes changed, with a fixed seed so a failure repeats. */
START_TEST(test_fuzz_bytes)
{
	static const char junk[] = "\xff\x00\t\n :-[]{}&*!|>'\"#%@`,?0x9\x80";
	struct scratch s;
	uint32_t seed = 12345;
	char *buf;
	int round, k;

	scratch_open(&s);
	buf = malloc(s.len);
	ck_assert_ptr_nonnull(buf);
	for (round = 0; round < 300; round++) {
		memcpy(buf, s.orig, s.len);
		for (k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % s.len] =
				junk[(seed >> 20) % (sizeof(junk) - 1)];
		}
		load_damaged(&s, buf, s.len);
	}
	free(buf);
	scratch_close(&s);
}
END_TEST

static Suite *vector_load_suite(void)
{
	Suite *s = suite_create("vector-load");
	TCase *tc;

	tc = tcase_create("bad");
	tcase_add_loop_test(tc, test_bad_file, 0, (int)n_bad_cases);
	tcase_add_test(tc, test_bad_cases_found);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_diag_add);
	tcase_add_test(tc, test_diag_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("good");
	tcase_add_test(tc, test_good_top_level);
	tcase_add_test(tc, test_good_setup);
	tcase_add_test(tc, test_good_invalidate_smmuv3);
	tcase_add_test(tc, test_good_set_dev_user_data);
	tcase_add_test(tc, test_good_invalidate_other);
	tcase_add_test(tc, test_good_defaults);
	tcase_add_test(tc, test_good_aliases);
	tcase_add_test(tc, test_good_profile_alias);
	tcase_add_test(tc, test_good_machine);
	tcase_add_test(tc, test_good_attach);
	tcase_add_test(tc, test_good_events);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	/* hundreds of loads each: generous under valgrind */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fuzz_truncated);
	tcase_add_test(tc, test_fuzz_wrong_values);
	tcase_add_test(tc, test_fuzz_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	bad_cases_list();
	sr = srunner_create(vector_load_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	bad_cases_free();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * Loadable modules through the public API, on the shared library as a
 * program has it: nestref_module_load() and nestref_module_load_dirs() on
 * the modules of tests/test-module.c, each error with its errno and its
 * exact sentence, and that a module that fails leaves nothing behind.
 * Each test runs in a fork of its own (Check), so each starts with no
 * module loaded.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nestref/backend.h>

#include "check-helpers.h"

static char mod_dir[512];
static char lmsg[512]; /* the sentence of the last load */

/* The built module of a variant: tests/.libs/test-module-NAME.so. */
static const char *mod(const char *name)
{
	static char path[4][600];
	static unsigned int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/test-module-%s.so", mod_dir, name);
	return p;
}

/* A file of text named like a module, in a fresh folder. */
static const char *text_file(char *dir, size_t len, const char *name)
{
	static char path[600];
	FILE *f;

	snprintf(dir, len, "/tmp/nestref-check-module.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a shared object\n", f);
	fclose(f);
	return path;
}

static void expect_msg(const char *want)
{
	ck_assert_msg(strcmp(lmsg, want) == 0, "message:\n  %s\nwant:\n  %s",
		      lmsg, want);
}

START_TEST(test_load_ok)
{
	const struct nestref_backend *first = NULL, *again = NULL;
	size_t count = nestref_backend_count();
	struct nestref_ctx *ctx;

	ck_assert_int_eq(nestref_module_load(mod("ok"), &first, lmsg,
					     sizeof(lmsg)),
			 0);
	ck_assert_str_eq(lmsg, "");
	/* The first registered, not the first by name. */
	ck_assert_str_eq(nestref_backend_name(first), "test-module-z");
	ck_assert_uint_eq(nestref_backend_count(), count + 2);
	ck_assert_str_eq(nestref_backend_origin(first), mod("ok"));
	ck_assert_str_eq(nestref_backend_origin(
				 nestref_backend_find("test-module-a")),
			 mod("ok"));
	ck_assert_ptr_null(nestref_backend_origin(nestref_backend_find("mock")));
	/* Loaded once: the second load gives the same first backend. */
	ck_assert_int_eq(nestref_module_load(mod("ok"), &again, NULL, 0), 0);
	ck_assert_ptr_eq(again, first);
	ck_assert_uint_eq(nestref_backend_count(), count + 2);
	/* Its backends work like any. */
	ctx = ctx_open("test-module-a", NESTREF_PROFILE_LINUX_7_2);
	ck_assert_str_eq(nestref_ctx_backend(ctx), "test-module-a");
	nestref_ctx_free(ctx);
}
END_TEST

START_TEST(test_load_relative)
{
	const struct nestref_backend *first;

	ck_assert_int_eq(chdir(mod_dir), 0);
	ck_assert_int_eq(nestref_module_load("test-module-ok.so", &first, lmsg,
					     sizeof(lmsg)),
			 0);
	ck_assert_str_eq(nestref_backend_origin(first), "./test-module-ok.so");
}
END_TEST

START_TEST(test_init_fails)
{
	const struct nestref_backend *first = (const void *)1;
	char want[700];
	size_t count = nestref_backend_count();

	ck_assert_int_eq(nestref_module_load(mod("fail"), &first, lmsg,
					     sizeof(lmsg)),
			 -EIO);
	ck_assert_ptr_null(first);
	snprintf(want, sizeof(want),
		 "%s: nestref_module_init failed: -5 (Input/output error)",
		 mod("fail"));
	expect_msg(want);
	/* What it had registered is gone. */
	ck_assert_ptr_null(nestref_backend_find("test-module-fail"));
	ck_assert_uint_eq(nestref_backend_count(), count);
}
END_TEST

START_TEST(test_name_taken)
{
	char want[1400];
	size_t count = nestref_backend_count();

	ck_assert_int_eq(nestref_module_load(mod("taken"), NULL, lmsg,
					     sizeof(lmsg)),
			 -EEXIST);
	snprintf(want, sizeof(want),
		 "%s: backend name 'mock' is taken (built in)", mod("taken"));
	expect_msg(want);
	ck_assert_uint_eq(nestref_backend_count(), count);

	ck_assert_int_eq(nestref_module_load(mod("ok"), NULL, lmsg, sizeof(lmsg)),
			 0);
	ck_assert_int_eq(nestref_module_load(mod("dup"), NULL, lmsg,
					     sizeof(lmsg)),
			 -EEXIST);
	snprintf(want, sizeof(want),
		 "%s: backend name 'test-module-a' is taken (by %s)",
		 mod("dup"), mod("ok"));
	expect_msg(want);
	ck_assert_str_eq(nestref_backend_origin(
				 nestref_backend_find("test-module-a")),
			 mod("ok"));
}
END_TEST

START_TEST(test_other_abi)
{
	char want[700];

	ck_assert_int_eq(nestref_module_load(mod("abi"), NULL, lmsg,
					     sizeof(lmsg)),
			 -EPROTO);
	snprintf(want, sizeof(want),
		 "%s: built for another module ABI: its nestref_module_init refused ABI 1 (EPROTO)",
		 mod("abi"));
	expect_msg(want);
}
END_TEST

START_TEST(test_no_entry_point)
{
	char want[700];

	ck_assert_int_eq(nestref_module_load(mod("nosym"), NULL, lmsg,
					     sizeof(lmsg)),
			 -ENOEXEC);
	snprintf(want, sizeof(want),
		 "%s: not a nestref module: it has no nestref_module_init",
		 mod("nosym"));
	expect_msg(want);
}
END_TEST

START_TEST(test_no_backend)
{
	char want[700];

	ck_assert_int_eq(nestref_module_load(mod("none"), NULL, lmsg,
					     sizeof(lmsg)),
			 -ENOEXEC);
	snprintf(want, sizeof(want),
		 "%s: nestref_module_init registered no backend", mod("none"));
	expect_msg(want);
}
END_TEST

START_TEST(test_not_loadable)
{
	char dir[64], want[700];
	const char *path = text_file(dir, sizeof(dir), "text.so");

	ck_assert_int_eq(nestref_module_load(path, NULL, lmsg, sizeof(lmsg)),
			 -ENOEXEC);
	snprintf(want, sizeof(want), "%s: cannot load: ", path);
	ck_assert_msg(strncmp(lmsg, want, strlen(want)) == 0, "%s", lmsg);
	/* dlerror's own "PATH: " is not repeated. */
	ck_assert_ptr_null(strstr(lmsg + strlen(want), path));
	unlink(path);

	snprintf(want, sizeof(want), "%s/missing.so", dir);
	ck_assert_int_eq(nestref_module_load(want, NULL, lmsg, sizeof(lmsg)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(lmsg, "No such file or directory"));
	rmdir(dir);

	ck_assert_int_eq(nestref_module_load(NULL, NULL, lmsg, sizeof(lmsg)),
			 -EINVAL);
	expect_msg("no module path given");
}
END_TEST

START_TEST(test_load_dirs)
{
	char dir[64], link[600], dirs[800], want[700];
	const char *text = text_file(dir, sizeof(dir), ".hidden.so");
	const struct nestref_backend *b;

	/* A dot name and a name not ending in .so are passed over. */
	snprintf(link, sizeof(link), "%s/ok.so", dir);
	ck_assert_int_eq(symlink(mod("ok"), link), 0);
	snprintf(dirs, sizeof(dirs), "::%s:", dir);
	ck_assert_int_eq(nestref_module_load_dirs(dirs, lmsg, sizeof(lmsg)), 0);
	b = nestref_backend_find("test-module-z");
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(nestref_backend_origin(b), link);

	snprintf(dirs, sizeof(dirs), "%s/none", dir);
	ck_assert_int_eq(nestref_module_load_dirs(dirs, lmsg, sizeof(lmsg)),
			 -ENOENT);
	snprintf(want, sizeof(want),
		 "%s/none: cannot read the folder: No such file or directory",
		 dir);
	expect_msg(want);
	unlink(link);
	unlink(text);
	rmdir(dir);
}
END_TEST

static Suite *module_suite(void)
{
	Suite *s = suite_create("module");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_load_ok);
	tcase_add_test(tc, test_load_relative);
	tcase_add_test(tc, test_init_fails);
	tcase_add_test(tc, test_name_taken);
	tcase_add_test(tc, test_other_abi);
	tcase_add_test(tc, test_no_entry_point);
	tcase_add_test(tc, test_no_backend);
	tcase_add_test(tc, test_not_loadable);
	tcase_add_test(tc, test_load_dirs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *top = getenv("abs_top_builddir");

	snprintf(mod_dir, sizeof(mod_dir), "%s/tests/.libs", top ? top : ".");
	return check_main(module_suite());
}

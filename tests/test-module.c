/* SPDX-License-Identifier: MIT */
/*
 * Loadable modules for tests/check-module.c and tests/modules.sh, one per
 * way a module can be (Makefile.am builds this file once per variant,
 * each with -DTEST_MODULE_<VARIANT>):
 *
 *   OK     registers test-module-z, then test-module-a: the first
 *          registered, not the first by name, is what --backend PATH runs
 *   NOSYM  has no nestref_module_init
 *   ABI    built for module ABI 2: refuses the library's with -EPROTO
 *   FAIL   registers test-module-fail, then fails with -EIO
 *   TAKEN  registers a backend named mock, which is built in
 *   DUP    registers test-module-a, which the OK module has
 *   NONE   registers nothing and returns 0
 *
 * Its backends have no ops and no capability: a vector that requires one
 * is skipped on them, which is what --expect-caps has to catch.
 */
#include <errno.h>

#include <nestref/backend.h>

#define TEST_BACKEND(sym, name_)                                         \
	static const struct nestref_backend sym = {                      \
		.version = NESTREF_BACKEND_VERSION,                      \
		.name = (name_),                                         \
		.description = "a test module's backend (tests/test-module.c)", \
		.profiles = NESTREF_PROFILE_BIT(NESTREF_PROFILE_LINUX_7_2), \
	}

#if defined(TEST_MODULE_NOSYM)

/* A shared object, but no nestref module: the entry point is missing. */
int test_module_nosym(void);

int test_module_nosym(void)
{
	return 0;
}

#else

#if defined(TEST_MODULE_OK)
TEST_BACKEND(first, "test-module-z");
TEST_BACKEND(second, "test-module-a");
#elif defined(TEST_MODULE_FAIL)
TEST_BACKEND(first, "test-module-fail");
#elif defined(TEST_MODULE_TAKEN)
TEST_BACKEND(first, "mock");
#elif defined(TEST_MODULE_DUP)
TEST_BACKEND(first, "test-module-a");
#endif

#if defined(TEST_MODULE_ABI)
#define TEST_ABI 2
#else
#define TEST_ABI NESTREF_MODULE_ABI
#endif

int nestref_module_init(unsigned int abi,
			nestref_module_register_fn register_backend)
{
	int rc = 0;

	if (abi != TEST_ABI)
		return -EPROTO;
#if defined(TEST_MODULE_OK)
	rc = register_backend(&first);
	if (!rc)
		rc = register_backend(&second);
#elif defined(TEST_MODULE_FAIL)
	rc = register_backend(&first);
	if (!rc)
		rc = -EIO;
#elif defined(TEST_MODULE_TAKEN) || defined(TEST_MODULE_DUP)
	rc = register_backend(&first);
#else
	(void)register_backend;
#endif
	return rc;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Loadable modules (backend.h, nestref_module_init): a shared object
 * whose one entry point registers backends, the idea of SQLite's loadable
 * extensions.  The library opens it with dlopen, calls the entry point with
 * its NESTREF_MODULE_ABI and a registration function that records the
 * module as each backend's origin, and keeps it loaded for good.  A module
 * that fails in any way is dropped whole: its backends are forgotten and
 * it is closed again, so that what stays registered always works.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define NR_MODULES_MAX 32

typedef int (*nr_module_init_fn)(unsigned int abi,
				 nestref_module_register_fn register_backend);

/* dlsym() gives the entry point as a void *, copied into one of these. */
_Static_assert(sizeof(nr_module_init_fn) == sizeof(void *),
	       "a function pointer is as wide as void *");

struct nr_module {
	void *handle;
	char *path;   /* as given, or "./" before it: the backends' origin */
	size_t first; /* its first backend, in registration order */
};

static struct nr_module nr_modules[NR_MODULES_MAX];
static size_t nr_module_count;

/* The first registration a module's init had refused, for its message. */
static int nr_refused_err;
static char nr_refused_name[64];
static const char *nr_refused_why; /* static text, for -EINVAL */

static void nr_msg(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void nr_msg(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
}

/* What the module's init gets as register_backend. */
static int nr_module_register(const struct nestref_backend *backend)
{
	int rc = nestref_backend_register(backend);

	if (rc && !nr_refused_err) {
		nr_refused_err = rc;
		nr_refused_why = nr_backend_refusal(backend);
		snprintf(nr_refused_name, sizeof(nr_refused_name), "%s",
			 backend && backend->name ? backend->name : "");
	}
	return rc;
}

/* Why a registration was refused: "PATH: ..." into msg. */
static void nr_refused_msg(const char *path, char *msg, size_t len)
{
	const struct nestref_backend *taken;
	const char *origin;

	if (nr_refused_err == -EEXIST) {
		taken = nestref_backend_find(nr_refused_name);
		origin = taken ? nestref_backend_origin(taken) : NULL;
		nr_msg(msg, len, "%s: backend name '%s' is taken (%s%s)", path,
		       nr_refused_name, origin ? "by " : "built in",
		       origin ? origin : "");
	} else if (nr_refused_err == -ENOSPC) {
		nr_msg(msg, len,
		       "%s: backend '%s' refused: the registry is full", path,
		       nr_refused_name);
	} else {
		nr_msg(msg, len, "%s: backend '%s' refused: %s", path,
		       nr_refused_name,
		       nr_refused_why ? nr_refused_why :
					nestref_strerror(nr_refused_err));
	}
}

/* dlerror()'s text without the "PATH: " it usually starts with. */
static const char *nr_dlerror(const char *path)
{
	const char *e = dlerror();
	size_t n = strlen(path);

	if (!e)
		return "unknown error";
	if (strncmp(e, path, n) == 0 && e[n] == ':' && e[n + 1] == ' ')
		return e + n + 2;
	return e;
}

/* Runs the module's init; 0, or its error with msg set. */
static int nr_module_init(struct nr_module *m, nr_module_init_fn init,
			  char *msg, size_t len)
{
	int rc;

	nr_refused_err = 0;
	nr_refused_why = NULL;
	nr_backend_loading(m->path);
	rc = init(NESTREF_MODULE_ABI, nr_module_register);
	nr_backend_loading(NULL);
	if (nr_refused_err) {
		nr_refused_msg(m->path, msg, len);
		return nr_refused_err;
	}
	if (rc == -EPROTO) {
		nr_msg(msg, len,
		       "%s: built for another module ABI: its nestref_module_init refused ABI %d (EPROTO)",
		       m->path, NESTREF_MODULE_ABI);
		return rc;
	}
	if (rc) {
		nr_msg(msg, len, "%s: nestref_module_init failed: %d (%s)",
		       m->path, rc,
		       rc < 0 ? strerror(-rc) : "not 0 or a negative errno");
		return rc < 0 ? rc : -EINVAL;
	}
	if (nr_backend_extra_count() == m->first) {
		nr_msg(msg, len, "%s: nestref_module_init registered no backend",
		       m->path);
		return -ENOEXEC;
	}
	return 0;
}

/* The module already loaded with this handle, or NULL. */
static const struct nr_module *nr_module_find(const void *handle)
{
	size_t i;

	for (i = 0; i < nr_module_count; i++)
		if (nr_modules[i].handle == handle)
			return &nr_modules[i];
	return NULL;
}

int nestref_module_load(const char *path, const struct nestref_backend **first,
			char *msg, size_t msg_len)
{
	const struct nr_module *old;
	struct nr_module m = { 0 };
	nr_module_init_fn init;
	struct stat st;
	void *sym;
	int rc;

	if (first)
		*first = NULL;
	nr_msg(msg, msg_len, "%s", "");
	if (!path || !*path) {
		nr_msg(msg, msg_len, "no module path given");
		return -EINVAL;
	}
	if (nr_module_count >= NR_MODULES_MAX) {
		nr_msg(msg, msg_len, "%s: too many modules (%d at most)", path,
		       NR_MODULES_MAX);
		return -ENOSPC;
	}
	/* Without a '/', dlopen would search the library path: not that. */
	if (strchr(path, '/'))
		m.path = nestref_strdup(path);
	else
		m.path = nestref_asprintf("./%s", path);
	if (!m.path) {
		nr_msg(msg, msg_len, "%s: out of memory", path);
		return -ENOMEM;
	}
	m.handle = dlopen(m.path, RTLD_NOW | RTLD_LOCAL);
	if (!m.handle) {
		rc = stat(m.path, &st) ? -errno : -ENOEXEC;
		nr_msg(msg, msg_len, "%s: cannot load: %s", m.path,
		       nr_dlerror(m.path));
		nestref_free(m.path);
		return rc;
	}
	m.first = nr_backend_extra_count();
	old = nr_module_find(m.handle);
	if (old) {
		/* The same file again (dlopen counted one more reference). */
		dlclose(m.handle);
		nestref_free(m.path);
		if (first)
			*first = nr_backend_extra(old->first);
		return 0;
	}
	sym = dlsym(m.handle, "nestref_module_init");
	if (!sym) {
		nr_msg(msg, msg_len,
		       "%s: not a nestref module: it has no nestref_module_init",
		       m.path);
		rc = -ENOEXEC;
		goto fail;
	}
	/* POSIX makes this conversion work; C only allows it through bytes. */
	memcpy(&init, &sym, sizeof(init));
	rc = nr_module_init(&m, init, msg, msg_len);
	if (rc)
		goto fail;
	nr_modules[nr_module_count++] = m;
	if (first)
		*first = nr_backend_extra(m.first);
	return 0;
fail:
	nr_backend_extra_drop(m.first);
	dlclose(m.handle);
	nestref_free(m.path);
	return rc;
}

/* scandir's filter: NAME.so, not a dot file. */
static int nr_is_module_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 3 &&
	       strcmp(d->d_name + n - 3, ".so") == 0;
}

static int nr_module_load_dir(const char *dir, char *msg, size_t msg_len)
{
	struct dirent **names;
	char *path;
	int n, i, rc = 0;

	n = scandir(dir, &names, nr_is_module_name, alphasort);
	if (n < 0) {
		rc = -errno;
		nr_msg(msg, msg_len, "%s: cannot read the folder: %s", dir,
		       strerror(-rc));
		return rc;
	}
	for (i = 0; i < n; i++) {
		if (!rc) {
			path = nestref_asprintf("%s/%s", dir, names[i]->d_name);
			if (!path) {
				nr_msg(msg, msg_len, "%s: out of memory", dir);
				rc = -ENOMEM;
			} else {
				rc = nestref_module_load(path, NULL, msg,
							 msg_len);
				nestref_free(path);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int nestref_module_load_dirs(const char *dirs, char *msg, size_t msg_len)
{
	const char *p = dirs;
	char *dir;
	size_t len;
	int rc = 0;

	nr_msg(msg, msg_len, "%s", "");
	while (p && *p && !rc) {
		len = strcspn(p, ":");
		if (len) {
			dir = nestref_strndup(p, len);
			if (!dir) {
				nr_msg(msg, msg_len, "out of memory");
				return -ENOMEM;
			}
			rc = nr_module_load_dir(dir, msg, msg_len);
			nestref_free(dir);
		}
		p += len;
		if (*p == ':')
			p++;
	}
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* failnth-where.h: addr2line on a failed allocation's stack, and the
 * failures that are by design. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/nestref.h>

#include "failnth-where.h"

/* addr2line's answers, for the addresses that come back often. */
#define FN_CACHE 1024
static struct {
	void *pc;
	char *line; /* "" for a frame not shown */
} fn_cache[FN_CACHE];

static bool fn_where_cached(void *pc, char *line, size_t len)
{
	size_t i = ((uintptr_t)pc >> 2) % FN_CACHE;

	if (fn_cache[i].pc != pc || !fn_cache[i].line)
		return false;
	snprintf(line, len, "%s", fn_cache[i].line);
	return true;
}

static void fn_where_cache(void *pc, const char *line)
{
	size_t i = ((uintptr_t)pc >> 2) % FN_CACHE;
	char *copy = strdup(line);

	if (!copy)
		return;
	free(fn_cache[i].line);
	fn_cache[i].pc = pc;
	fn_cache[i].line = copy;
}

void failnth_where(void *const *frames, size_t n, size_t max, char *out,
		   size_t len)
{
	size_t used = 0, i, shown = 0;

	out[0] = '\0';
	for (i = 0; i < n && shown < max; i++) {
		Dl_info info;
		char cmd[1024], line[512];
		FILE *p;
		uintptr_t at = (uintptr_t)frames[i] - 1;

		if (fn_where_cached(frames[i], line, sizeof(line))) {
			if (!line[0])
				continue;
			goto add;
		}
		if (!dladdr(frames[i], &info) || !info.dli_fname)
			continue;
		/* The C library's or the sanitizer's (its backtrace). */
		if (strstr(info.dli_fname, "libc.so") ||
		    strstr(info.dli_fname, "libasan")) {
			fn_where_cache(frames[i], "");
			continue;
		}
		snprintf(cmd, sizeof(cmd),
			 "addr2line -f -p -s -e '%s' 0x%lx 2>/dev/null",
			 info.dli_fname,
			 (unsigned long)(at - (uintptr_t)info.dli_fbase));
		p = popen(cmd, "r");
		if (!p || !fgets(line, sizeof(line), p))
			snprintf(line, sizeof(line), "%s+0x%lx\n",
				 strrchr(info.dli_fname, '/') ?
					 strrchr(info.dli_fname, '/') + 1 :
					 info.dli_fname,
				 (unsigned long)(at - (uintptr_t)info.dli_fbase));
		if (p)
			pclose(p);
		line[strcspn(line, "\n")] = '\0';
		/* The allocators' own frames say nothing. */
		if (strstr(line, "failnth-alloc.c:") ||
		    (strstr(line, "alloc.c:") && strstr(line, "nestref_")))
			line[0] = '\0';
		fn_where_cache(frames[i], line);
		if (!line[0])
			continue;
add:
		used += (size_t)snprintf(out + used, used < len ? len - used : 0,
					 "%s%s", shown ? " < " : "", line);
		shown++;
		if (used >= len)
			break;
	}
}

/*
 * Allocations whose failure changes nothing a caller could see, each
 * with the reason (failnth-where.h).
 */
static const struct {
	const char *inner;
	const char *outer;
	const char *why;
} fn_optional[] = {
	{ "exec_close_ctx", "exec_close_ctx",
	  "exec's close request announces only what the end of the child's stdin announces too (protocol.md section 1)" },
	{ "smmu_record", "smmu_record",
	  "smmuv3-sim's issued list is an observation: a command it could not keep makes the next nestref_smmuv3_issued() say ENOMEM, and a run that does not read the list loses nothing" },
	{ "host_trace", "host_trace",
	  "smmuv3-sim's trace is an observation: an event it could not keep makes the next nestref_smmuv3_trace() say ENOMEM, and a run that does not read the trace loses nothing" },
	{ "exec_tell", "exec_tell",
	  "exec's void requests (destroy, unset, clear): one that cannot be sent fails the child, which the next request says; a run that makes none ends with the child stopped" },
	{ "exec_unset_dev_user_data", "exec_unset_dev_user_data",
	  "the same, its request built before exec_tell" },
	{ "exec_viommu_destroy", "exec_viommu_destroy",
	  "the same, its request built before exec_tell" },
	{ "exec_dev_destroy", "exec_dev_destroy",
	  "the same, its request built before exec_tell" },
	{ "exec_", "nestref_ctx_free",
	  "a request of exec's while the context is freed: the child that could not be told is stopped right after" },
};

const char *failnth_optional(void *const *frames, size_t n)
{
	char where[4096];
	size_t i;

	failnth_where(frames, n, 16, where, sizeof(where));
	for (i = 0; i < NESTREF_ARRAY_SIZE(fn_optional); i++)
		if (strstr(where, fn_optional[i].inner) &&
		    strstr(where, fn_optional[i].outer))
			return fn_optional[i].why;
	return NULL;
}


void failnth_optional_print(FILE *out)
{
	size_t i;

	for (i = 0; i < NESTREF_ARRAY_SIZE(fn_optional); i++)
		fprintf(out, "#   in %s: %s\n", fn_optional[i].inner,
			fn_optional[i].why);
}

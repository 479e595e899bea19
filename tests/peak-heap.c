/* SPDX-License-Identifier: MIT */
/*
 * peak-heap FILE run|lint ARGS...: runs `nestref run` or `nestref lint`
 * through <nestref/vectors.h> with a counting allocator installed
 * (nestref_set_allocator) and writes the largest number of bytes the
 * libraries held at once to FILE.  tests/bounds.sh checks that number
 * against docs/spec/vectors.md 1.5: bytes asked of the allocator, not RSS
 * or time, so the bound is exact and the same on every machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/nestref.h>
#include <nestref/vectors.h>

/* Each block carries its size in front, aligned for any type. */
#define HEAD 16

static size_t live, peak;

static void *count_alloc(void *opaque, size_t size)
{
	unsigned char *p = malloc(HEAD + size);

	(void)opaque;
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	live += size;
	if (live > peak)
		peak = live;
	return p + HEAD;
}

static void count_release(void *opaque, void *ptr)
{
	unsigned char *p = (unsigned char *)ptr - HEAD;
	size_t size;

	(void)opaque;
	memcpy(&size, p, sizeof(size));
	live -= size;
	free(p);
}

static void *count_resize(void *opaque, void *ptr, size_t size)
{
	unsigned char *p = (unsigned char *)ptr - HEAD, *q;
	size_t old;

	(void)opaque;
	memcpy(&old, p, sizeof(old));
	q = realloc(p, HEAD + size);
	if (!q)
		return NULL;
	memcpy(q, &size, sizeof(size));
	live = live - old + size;
	if (live > peak)
		peak = live;
	return q + HEAD;
}

int main(int argc, char **argv)
{
	const struct nestref_allocator counting = {
		.alloc = count_alloc,
		.resize = count_resize,
		.release = count_release,
	};
	struct nestref_ctx_opts ctx = { .size = sizeof(ctx) };
	struct nestref_vec_run_opts opts = { .size = sizeof(opts) };
	const char *const *paths;
	size_t n_paths;
	FILE *peak_out, *tap;
	int argi = 3, rc;

	if (argc < 4 || (strcmp(argv[2], "run") != 0 &&
			  strcmp(argv[2], "lint") != 0)) {
		fputs("Usage: peak-heap FILE run|lint [--backend NAME] PATH...\n",
		      stderr);
		return 2;
	}
	if (argc > argi + 2 && strcmp(argv[argi], "--backend") == 0) {
		ctx.backend = argv[argi + 1];
		argi += 2;
	}
	paths = (const char *const *)argv + argi;
	n_paths = (size_t)(argc - argi);
	tap = fopen("/dev/null", "w");
	if (!tap) {
		perror("peak-heap: /dev/null");
		return 99;
	}
	opts.ctx = &ctx;
	opts.out = tap;
	opts.flags = NESTREF_VEC_QUIET;
	nestref_set_allocator(&counting);
	if (strcmp(argv[2], "run") == 0)
		rc = nestref_vec_run_files(paths, n_paths, &opts, NULL);
	else
		rc = nestref_vec_lint_files(paths, n_paths, &opts);
	nestref_set_allocator(NULL);
	fclose(tap);
	peak_out = fopen(argv[1], "w");
	if (!peak_out || fprintf(peak_out, "%zu %zu\n", peak, live) < 0 ||
	    fclose(peak_out)) {
		perror(argv[1]);
		return 99;
	}
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The main of a harness built without libFuzzer (docs/fuzzing.md
 * section 6).  Without arguments it is a test of make check: it runs
 * LLVMFuzzerTestOneInput once on each regression input and seed of its
 * harness, FUZZ_HARNESS (tests/fuzz/regress/NAME, tests/fuzz/corpus/NAME and
 * FUZZ_SEEDS under $top_srcdir), and says so in TAP, so that every input
 * that ever broke a harness runs in every build flavour, under valgrind
 * and ASan too.  With arguments it runs each file named, or each file of
 * a folder named, in name order, for a coverage build (coverage.sh).  A
 * broken invariant aborts; else the exit status is 0, or 2 when a path
 * cannot be read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* The whole file in a buffer of exactly its size: a read past the end
 * of the input is an ASan error. */
static int replay_file(const char *path, unsigned long *count)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	size_t size;

	if (!f || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	size = (size_t)st.st_size;
	buf = malloc(size ? size : 1);
	if (!buf || fread(buf, 1, size, f) != size) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, size);
	free(buf);
	(*count)++;
	return 0;
}

static int replay_dir(const char *dir, unsigned long *count)
{
	struct dirent **names;
	int n, i, rc = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (names[i]->d_name[0] != '.' &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]->d_name) < sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(path, count))
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Makefile.am names the harness: -DFUZZ_HARNESS='"core"'. */
#ifndef FUZZ_HARNESS
#error "FUZZ_HARNESS is not defined"
#endif
#ifndef FUZZ_SEEDS
#define FUZZ_SEEDS NULL
#endif

/* make check's test: the harness's own inputs, one TAP result. */
static int replay_tests(void)
{
	const char *const dirs[] = {
		"tests/fuzz/regress/" FUZZ_HARNESS,
		"tests/fuzz/corpus/" FUZZ_HARNESS,
		FUZZ_SEEDS,
	};
	const char *top = getenv("top_srcdir");
	unsigned long count = 0;
	char path[4096];
	struct stat st;
	size_t i;
	int rc = 0;

	printf("1..1\n");
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", top ? top : ".", dirs[i]);
		if (stat(path, &st) == 0 && replay_dir(path, &count))
			rc = -1;
	}
	if (rc || !count) {
		printf("not ok 1 - replay-%s: %s under %s\n", FUZZ_HARNESS,
		       rc ? "an input could not be read" : "no input found",
		       top ? top : ".");
		return 1;
	}
	printf("ok 1 - replay-%s: %lu regression inputs and seeds\n",
	       FUZZ_HARNESS, count);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	struct stat st;
	int i, rc = 0;

	if (argc < 2)
		return replay_tests();
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			rc = 2;
		} else if (S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) :
						 replay_file(argv[i], &count)) {
			rc = 2;
		}
	}
	printf("%lu inputs replayed\n", count);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* The files of a run: the paths given, expanded, then loaded. */
#ifndef NESTREF_VECTORS_PATHS_H
#define NESTREF_VECTORS_PATHS_H

#include <stddef.h>
#include <stdio.h>

#include "vector.h"

struct path_list {
	char **paths;
	size_t count;
};

/*
 * Expands the command-line paths: a file is taken as it is, a folder is
 * searched recursively for *.yaml and *.yml files (names starting with a
 * dot are passed over).  The result is sorted (spec/vectors.md 5).
 * Returns 0, or -errno after printing "nestref: PATH: reason" on err.
 */
int paths_collect(const char *const *args, size_t n_args,
		  struct path_list *out, FILE *err);
void paths_free(struct path_list *list);

/*
 * Loads one file (files.c), printing its load errors on err and, when
 * warn is not NULL, the warning of a deprecated profile name there (the
 * second reading of a file does not repeat it): vec_load()'s status.
 */
struct vec_file;
int files_load_one(const char *path, FILE *warn, FILE *err,
		   struct vec_file **file);

/* What a check of the files keeps of each: its id, for the uniqueness. */
struct file_id {
	char *id;
	const char *path; /* the path list's */
	struct vec_mark mark;
	uint32_t requires; /* its capabilities, for NESTREF_VEC_APPLICABLE */
	size_t tests;
};

struct files_scan {
	struct file_id *ids;
	size_t n;
	size_t tests; /* of every file, for the plan */
};

/*
 * Loads and frees each file in turn (so memory does not grow with their
 * number), printing each load error and a repeated id on err.  Returns 0,
 * or NESTREF_VEC_EXIT_USAGE when a file did not load or an id repeats.
 * files_scan_free() in every case.
 */
int files_scan(const struct path_list *paths, FILE *err,
	       struct files_scan *scan);
void files_scan_free(struct files_scan *scan);

#endif /* NESTREF_VECTORS_PATHS_H */

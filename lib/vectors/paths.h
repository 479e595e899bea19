/* SPDX-License-Identifier: MIT */
#ifndef NESTREF_VECTORS_PATHS_H
#define NESTREF_VECTORS_PATHS_H

#include <stddef.h>
#include <stdio.h>

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
int paths_collect(char *const *args, size_t n_args, struct path_list *out,
		  FILE *err);
void paths_free(struct path_list *list);

#endif /* NESTREF_VECTORS_PATHS_H */

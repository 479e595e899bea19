/* SPDX-License-Identifier: MIT */
/* Loading the files of a run or a lint, each load error on err. */
#include <stdlib.h>

#include <nestref/backend.h>
#include <nestref/vectors.h>

#include "paths.h"
#include "vector.h"

int files_load(const struct path_list *paths, FILE *err,
	       struct vec_file ***out, size_t *n_out)
{
	struct vec_file **files;
	size_t i, j, n = 0;
	int bad = 0;

	*out = NULL;
	*n_out = 0;
	files = nestref_calloc(paths->count ? paths->count : 1, sizeof(*files));
	if (!files) {
		fputs("nestref: out of memory\n", err);
		return NESTREF_VEC_EXIT_USAGE;
	}
	for (i = 0; i < paths->count; i++) {
		struct vec_diag diag;

		vec_diag_init(&diag);
		if (vec_load(paths->paths[i], &files[n], &diag) == 0)
			nestref_vec_warn_deprecated(err,
						    files[n++]->profile_note);
		else
			bad = 1;
		/* The path in a message is as given (report.md 6). */
		for (j = 0; j < diag.count; j++)
			nestref_vec_escape_line(err, "%s", diag.messages[j]);
		vec_diag_free(&diag);
	}
	*out = files;
	*n_out = n;
	return bad ? NESTREF_VEC_EXIT_USAGE : 0;
}

void files_free(struct vec_file **files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vec_file_free(files[i]);
	nestref_free(files);
}

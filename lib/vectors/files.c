/* SPDX-License-Identifier: MIT */
/*
 * Loading the files of a run or a lint, each load error on err.  A run
 * reads its files twice, one file at a time: once to check them all (a
 * load error anywhere stops the run before any test, spec/vectors.md 5)
 * and to count the tests of the plan, then again to run each one.  So the
 * memory of a run is that of its largest file, not of all of them
 * (section 1.5).
 */
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>
#include <nestref/vectors.h>

#include "paths.h"
#include "vector.h"

int files_load_one(const char *path, FILE *warn, FILE *err,
		   struct vec_file **out)
{
	struct vec_diag diag;
	size_t i;
	int rc;

	vec_diag_init(&diag);
	rc = vec_load(path, out, &diag);
	if (!rc && warn)
		nestref_vec_warn_deprecated(warn, (*out)->profile_note);
	/* The path in a message is as given (report.md 6). */
	for (i = 0; i < diag.count; i++)
		nestref_vec_escape_line(err, "%s", vec_diag_message(&diag, i));
	vec_diag_free(&diag);
	return rc;
}

/* vectors.md 1: ids are unique across the suite; each repeat is named. */
static int files_check_ids(const struct files_scan *scan, FILE *err)
{
	const struct file_id *a, *b;
	size_t i, j;
	int bad = 0;

	for (i = 0; i < scan->n; i++) {
		a = &scan->ids[i];
		for (j = 0; j < i; j++) {
			b = &scan->ids[j];
			if (strcmp(a->id, b->id) != 0)
				continue;
			nestref_vec_escape_line(err,
				"%s:%u:%u: id '%s' is already used by %s:%u:%u",
				a->path, a->mark.line, a->mark.column, a->id,
				b->path, b->mark.line, b->mark.column);
			bad = 1;
			break;
		}
	}
	return bad;
}

int files_scan(const struct path_list *paths, FILE *err,
	       struct files_scan *scan)
{
	struct vec_file *file;
	size_t i;
	int bad = 0;

	memset(scan, 0, sizeof(*scan));
	scan->ids = nestref_calloc(paths->count ? paths->count : 1,
				   sizeof(*scan->ids));
	if (!scan->ids) {
		fputs("nestref: out of memory\n", err);
		return NESTREF_VEC_EXIT_USAGE;
	}
	for (i = 0; i < paths->count; i++) {
		struct file_id *fid = &scan->ids[scan->n];

		if (files_load_one(paths->paths[i], err, err, &file)) {
			bad = 1;
			continue;
		}
		fid->id = nestref_strdup(file->id);
		fid->path = paths->paths[i];
		fid->mark = file->id_mark;
		fid->requires = file->requires;
		fid->tests = file->n_tests;
		scan->tests += file->n_tests;
		vec_file_free(file);
		if (!fid->id) {
			fputs("nestref: out of memory\n", err);
			return NESTREF_VEC_EXIT_USAGE;
		}
		scan->n++;
	}
	if (bad || files_check_ids(scan, err))
		return NESTREF_VEC_EXIT_USAGE;
	return 0;
}

void files_scan_free(struct files_scan *scan)
{
	size_t i;

	for (i = 0; i < scan->n; i++)
		nestref_free(scan->ids[i].id);
	nestref_free(scan->ids);
	memset(scan, 0, sizeof(*scan));
}

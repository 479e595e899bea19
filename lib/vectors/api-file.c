/* SPDX-License-Identifier: MIT */
/*
 * <nestref/vectors.h>: load errors, loading, and what a loaded file says.
 * Every accessor takes a NULL file or an index out of range quietly: it
 * returns NULL, 0 or -EINVAL.
 */
#include <errno.h>
#include <stdlib.h>

#include <nestref/backend.h>

#include "api.h"
#include "runner-report.h"

struct nestref_vec_diag *nestref_vec_diag_new(void)
{
	struct nestref_vec_diag *diag = nestref_calloc(1, sizeof(*diag));

	if (diag)
		vec_diag_init(&diag->d);
	return diag;
}

void nestref_vec_diag_free(struct nestref_vec_diag *diag)
{
	if (!diag)
		return;
	vec_diag_free(&diag->d);
	nestref_free(diag);
}

size_t nestref_vec_diag_count(const struct nestref_vec_diag *diag)
{
	return diag ? diag->d.count : 0;
}

const char *nestref_vec_diag_message(const struct nestref_vec_diag *diag,
				     size_t i)
{
	return diag ? vec_diag_message(&diag->d, i) : NULL;
}

int nestref_vec_load(const char *path, struct nestref_vec_file **out,
		     struct nestref_vec_diag *diag)
{
	struct nestref_vec_file *file;
	struct vec_diag dropped;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path)
		return -EINVAL;
	file = nestref_calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	vec_diag_init(&dropped);
	rc = vec_load(path, &file->f, diag ? &diag->d : &dropped);
	vec_diag_free(&dropped);
	if (rc) {
		nestref_free(file);
		return rc;
	}
	*out = file;
	return 0;
}

void nestref_vec_file_free(struct nestref_vec_file *file)
{
	if (!file)
		return;
	vec_file_free(file->f);
	nestref_free(file);
}

const char *nestref_vec_file_path(const struct nestref_vec_file *file)
{
	return file ? file->f->path : NULL;
}

const char *nestref_vec_file_id(const struct nestref_vec_file *file)
{
	return file ? file->f->id : NULL;
}

const char *nestref_vec_file_title(const struct nestref_vec_file *file)
{
	return file ? file->f->title : NULL;
}

uint32_t nestref_vec_file_profiles(const struct nestref_vec_file *file)
{
	return file ? file->f->profiles : 0;
}

const char *nestref_vec_file_profile_note(const struct nestref_vec_file *file)
{
	return file ? file->f->profile_note : NULL;
}

uint32_t nestref_vec_file_requires(const struct nestref_vec_file *file)
{
	return file ? file->f->requires : 0;
}

uint32_t nestref_vec_file_vmid(const struct nestref_vec_file *file)
{
	return file ? file->f->vmid : 0;
}

size_t nestref_vec_file_viommus(const struct nestref_vec_file *file)
{
	return file ? file->f->n_viommus : 0;
}

uint32_t nestref_vec_viommu_vmid(const struct nestref_vec_file *file,
				 size_t viommu)
{
	if (!file || viommu >= file->f->n_viommus)
		return 0;
	return file->f->vmids[viommu];
}

uint32_t nestref_vec_file_page_size(const struct nestref_vec_file *file)
{
	return file ? file->f->page_size : 0;
}

size_t nestref_vec_file_devices(const struct nestref_vec_file *file)
{
	return file ? file->f->n_devices : 0;
}

static const struct vec_device *file_device(const struct nestref_vec_file *file,
					    size_t dev)
{
	return file && dev < file->f->n_devices ? &file->f->devices[dev] : NULL;
}

const char *nestref_vec_device_name(const struct nestref_vec_file *file,
				    size_t dev)
{
	const struct vec_device *d = file_device(file, dev);

	return d ? d->name : NULL;
}

size_t nestref_vec_device_psids(const struct nestref_vec_file *file,
				size_t dev, const uint32_t **psids)
{
	const struct vec_device *d = file_device(file, dev);

	if (psids)
		*psids = d ? d->psids : NULL;
	return d ? d->n_psids : 0;
}

size_t nestref_vec_device_viommu(const struct nestref_vec_file *file,
				 size_t dev)
{
	const struct vec_device *d = file_device(file, dev);

	return d ? d->viommu : 0;
}

int nestref_vec_device_vsid(const struct nestref_vec_file *file, size_t dev,
			    uint32_t *vsid)
{
	const struct vec_device *d = file_device(file, dev);

	if (!d)
		return -EINVAL;
	if (!d->has_vsid)
		return -ENOENT;
	if (vsid)
		*vsid = d->vsid;
	return 0;
}

size_t nestref_vec_file_veventqs(const struct nestref_vec_file *file)
{
	return file ? file->f->n_veventqs : 0;
}

int nestref_vec_file_veventq(const struct nestref_vec_file *file, size_t q,
			     struct nestref_vec_veventq *out)
{
	const struct vec_veventq *v;

	if (!file || !out || q >= file->f->n_veventqs)
		return -EINVAL;
	v = &file->f->veventqs[q];
	*out = (struct nestref_vec_veventq){
		.name = v->name,
		.viommu = v->viommu,
		.type = v->type,
		.depth = v->depth,
		.has_sequence = v->has_sequence,
		.sequence = v->sequence,
	};
	return 0;
}

size_t nestref_vec_file_tests(const struct nestref_vec_file *file)
{
	return file ? file->f->n_tests : 0;
}

static const struct vec_test *file_test(const struct nestref_vec_file *file,
					size_t test)
{
	return file && test < file->f->n_tests ? &file->f->tests[test] : NULL;
}

long nestref_vec_test_tc(const struct nestref_vec_file *file, size_t test)
{
	const struct vec_test *t = file_test(file, test);

	return t ? t->tc : 0;
}

const char *nestref_vec_test_comment(const struct nestref_vec_file *file,
				     size_t test)
{
	const struct vec_test *t = file_test(file, test);

	return t ? t->comment : NULL;
}

int nestref_vec_test_find(const struct nestref_vec_file *file, long tc,
			  size_t *test)
{
	size_t i;

	for (i = 0; i < nestref_vec_file_tests(file); i++) {
		if (file->f->tests[i].tc != tc)
			continue;
		if (test)
			*test = i;
		return 0;
	}
	return -ENOENT;
}

size_t nestref_vec_test_steps(const struct nestref_vec_file *file,
			      size_t test)
{
	const struct vec_test *t = file_test(file, test);

	return t ? t->n_steps : 0;
}

const char *nestref_vec_step_action(const struct nestref_vec_file *file,
				    size_t test, size_t step,
				    unsigned int *line, unsigned int *column)
{
	const struct vec_test *t = file_test(file, test);
	const struct vec_step *s;

	if (!t || step >= t->n_steps)
		return NULL;
	s = &t->steps[step];
	if (line)
		*line = s->mark.line;
	if (column)
		*column = s->mark.column;
	return report_action(s->kind);
}

/* SPDX-License-Identifier: MIT */
/*
 * Turns a loaded step into library calls: the user buffers are built
 * exactly as the conventions of lib/vectors/vector.h say (NULL pointers,
 * entry layout, zero padding), so a vector states the bytes a kernel
 * would see.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "runner-step.h"

static void env_msg(char *msg, size_t msg_len, const char *what,
		    struct nestref_ctx *ctx, int rc)
{
	snprintf(msg, msg_len, "setup: %s failed: %s%s%s", what,
		 nestref_errno_name(rc) ? nestref_errno_name(rc) : "error",
		 nestref_ctx_message(ctx)[0] ? ": " : "",
		 nestref_ctx_message(ctx));
}

/*
 * setup.veventqs (vectors.md 1.2), after the devices and their user
 * data, each preset to its sequence number when it has one.
 */
static int env_veventqs(struct test_env *env, char *msg, size_t msg_len)
{
	const struct vec_file *file = env->file;
	size_t i;
	int rc;

	for (i = 0; i < file->n_veventqs; i++) {
		const struct vec_veventq *q = &file->veventqs[i];
		uint32_t *id = &env->queue_ids[q->queue];

		rc = nestref_veventq_alloc(env->ctx,
					   env->viommu_ids[q->viommu], q->type,
					   q->depth, 0, id);
		if (rc) {
			env_msg(msg, msg_len, "veventq_alloc", env->ctx, rc);
			return rc;
		}
		if (!q->has_sequence)
			continue;
		rc = nestref_veventq_set_sequence(env->ctx, *id, q->sequence);
		if (rc) {
			env_msg(msg, msg_len, "veventq_set_sequence", env->ctx,
				rc);
			return rc;
		}
	}
	return 0;
}

int env_open(struct test_env *env, const struct vec_file *file,
	     const struct nestref_ctx_opts *base, uint32_t *missing,
	     char *msg, size_t msg_len)
{
	struct nestref_ctx_opts opts = *base;
	unsigned char sid[4];
	size_t i;
	int rc;

	opts.size = sizeof(opts);
	opts.ext_opts = &file->smmu;
	opts.page_size = file->page_size;
	memset(env, 0, sizeof(*env));
	env->file = file;
	rc = nestref_ctx_new(&env->ctx, &opts, msg, msg_len);
	if (rc)
		return rc;
	env->caps = nestref_ctx_caps(env->ctx);
	env->dev_ids = nestref_calloc(file->n_devices ? file->n_devices : 1,
			      sizeof(*env->dev_ids));
	env->vdev_ids = nestref_calloc(file->n_devices ? file->n_devices : 1,
			       sizeof(*env->vdev_ids));
	env->queue_ids = nestref_calloc(file->n_queues ? file->n_queues : 1,
					sizeof(*env->queue_ids));
	if (!env->dev_ids || !env->vdev_ids || !env->queue_ids) {
		rc = -ENOMEM;
		snprintf(msg, msg_len, "setup: out of memory");
		goto err;
	}
	for (i = 0; i < file->n_viommus; i++) {
		rc = nestref_viommu_alloc(env->ctx, file->vmids[i],
					  &env->viommu_ids[i]);
		if (rc) {
			env_msg(msg, msg_len, "viommu_alloc", env->ctx, rc);
			goto err;
		}
	}
	for (i = 0; i < file->n_devices; i++) {
		const struct vec_device *d = &file->devices[i];

		rc = nestref_dev_add_streams(env->ctx, d->psids, d->n_psids,
					     &env->dev_ids[i]);
		if (rc) {
			env_msg(msg, msg_len, "dev_add", env->ctx, rc);
			goto err;
		}
		if (!d->has_vsid)
			continue;
		/* {u32 sid}: the SMMUv3 user data (kernel-facts 1.6). */
		sid[0] = (unsigned char)d->vsid;
		sid[1] = (unsigned char)(d->vsid >> 8);
		sid[2] = (unsigned char)(d->vsid >> 16);
		sid[3] = (unsigned char)(d->vsid >> 24);
		rc = nestref_set_dev_user_data(env->ctx,
					       env->viommu_ids[d->viommu],
					       env->dev_ids[i], sid, sizeof(sid),
					       &env->vdev_ids[i]);
		if (rc) {
			env_msg(msg, msg_len, "set_dev_user_data", env->ctx,
				rc);
			goto err;
		}
	}
	rc = env_veventqs(env, msg, msg_len);
	if (rc)
		goto err;
	if (file->has_caches) {
		if (!(env->caps & NESTREF_CAP_OBSERVE_CACHES)) {
			*missing |= NESTREF_CAP_OBSERVE_CACHES;
			return 0;
		}
		rc = nestref_smmuv3_caches_fill(env->ctx, file->caches,
					 file->n_caches);
		if (rc) {
			env_msg(msg, msg_len, "caches", env->ctx, rc);
			goto err;
		}
	}
	return 0;

err:
	env_close(env);
	/* Only the context's refusal means "cannot run here" (a skip). */
	return rc == -EOPNOTSUPP ? -EIO : rc;
}

void env_close(struct test_env *env)
{
	nestref_ctx_free(env->ctx);
	nestref_free(env->dev_ids);
	nestref_free(env->vdev_ids);
	nestref_free(env->queue_ids);
	memset(env, 0, sizeof(*env));
}

static uint32_t step_dev_id(const struct test_env *env,
			    const struct vec_devref *ref)
{
	return ref->raw ? ref->dev_id : env->dev_ids[ref->dev_index];
}

/*
 * The largest array the runner builds: the loader already refuses a step
 * whose array exceeds the file's budget (vectors.md 1.5, at most 4 times
 * the 16 MiB of the largest file), so this only guards a file built by
 * other means.
 */
#define STEP_ARRAY_MAX ((size_t)64 << 20)

/* Lays entries out at entry_len strides (vector.h conventions). */
static int step_build_array(const struct vec_step *step, unsigned char **out,
			    size_t *size)
{
	size_t n = step->n_entries, i;
	unsigned char *buf;

	if (step->entry_len && n > STEP_ARRAY_MAX / step->entry_len)
		return -E2BIG;
	*size = n * (size_t)step->entry_len;
	buf = nestref_calloc(*size ? *size : 1, 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct vec_entry *e = &step->entries[i];
		size_t len = e->len < step->entry_len ? e->len
						      : step->entry_len;

		memcpy(buf + i * step->entry_len, e->bytes, len);
	}
	*out = buf;
	return 0;
}

/* A copy the step keeps after the context moves on. */
static void *step_dup(const void *src, size_t n, size_t size)
{
	void *copy = nestref_calloc(n ? n : 1, size);

	if (copy && n)
		memcpy(copy, src, n * size);
	return copy;
}

/*
 * Reads what the hardware saw, when the backend can show it.  A backend
 * with the capability that then fails to answer is an error of the run,
 * not a check that could not be made.
 */
static int step_observe(struct test_env *env, const struct vec_step *step,
			struct step_got *got)
{
	const struct nestref_smmuv3_cmd *cmds;
	const struct nestref_smmuv3_cache_entry *entries;
	size_t n;
	int rc;

	if (step->expect.has_issued &&
	    (env->caps & NESTREF_CAP_OBSERVE_ISSUED)) {
		rc = nestref_smmuv3_issued(env->ctx, &cmds, &n);
		if (rc)
			return rc;
		got->issued = step_dup(cmds, n, sizeof(*cmds));
		if (!got->issued)
			return -ENOMEM;
		got->n_issued = n;
		got->has_issued = true;
	}
	if (step->expect.has_caches &&
	    (env->caps & NESTREF_CAP_OBSERVE_CACHES)) {
		rc = nestref_smmuv3_caches_get(env->ctx, &entries, &n);
		if (rc)
			return rc;
		got->caches = step_dup(entries, n, sizeof(*entries));
		if (!got->caches)
			return -ENOMEM;
		got->n_caches = n;
		got->has_caches = true;
	}
	return 0;
}

static int step_invalidate(struct test_env *env, const struct vec_step *step,
			   struct step_got *got)
{
	struct nestref_user_array array = {
		.type = step->type,
		.entry_len = step->entry_len,
		.entry_num = step->entry_num,
	};
	unsigned char *buf = NULL;
	int rc;

	/* No entries: key means a NULL pointer (data_uptr 0). */
	if (step->has_entries) {
		rc = step_build_array(step, &buf, &array.data_size);
		if (rc)
			return rc;
		array.data = buf;
	}
	nestref_smmuv3_issued_clear(env->ctx);
	got->rc = nestref_invalidate(env->ctx, env->viommu_ids[step->viommu],
				     &array);
	got->has_entry_num = true;
	got->entry_num = array.entry_num;
	snprintf(got->message, sizeof(got->message), "%s",
		 nestref_ctx_message(env->ctx));
	rc = step_observe(env, step, got);
	nestref_free(buf);
	return rc;
}

/* bytes: "" is a valid pointer to nothing, unlike no data at all. */
static const void *step_user_data(const struct vec_step *step)
{
	static const unsigned char nothing[1];

	if (step->data_null)
		return NULL;
	return step->data ? step->data : nothing;
}

/*
 * IOMMU_HWPT_ALLOC of a nested HWPT on the step's vIOMMU, then the
 * device's attach to it: the errno of whichever fails first (3.8).  The
 * HWPT stays until the context goes.
 */
static int step_attach(struct test_env *env, const struct vec_step *step)
{
	uint32_t hwpt = 0;
	int rc;

	rc = nestref_hwpt_alloc_nested(env->ctx, env->viommu_ids[step->viommu],
				       step->type, step_user_data(step),
				       step->len, &hwpt);
	if (rc)
		return rc;
	return nestref_dev_attach(env->ctx, step_dev_id(env, &step->dev), hwpt);
}

static uint32_t step_queue_id(const struct test_env *env,
			      const struct vec_queueref *ref)
{
	return ref->raw ? ref->id : env->queue_ids[ref->queue];
}

/* IOMMU_VEVENTQ_ALLOC; the name keeps ID 0 when it fails (3.9). */
static int step_alloc_veventq(struct test_env *env,
			      const struct vec_step *step)
{
	const struct vec_veventq *q = &step->veventq;
	uint32_t id = 0;
	int rc;

	rc = nestref_veventq_alloc(env->ctx,
				   q->raw_viommu ? q->viommu :
						   env->viommu_ids[q->viommu],
				   q->type, q->depth, q->flags, &id);
	env->queue_ids[q->queue] = rc ? 0 : id;
	return rc;
}

/*
 * A read(2) of count bytes into a buffer of exactly writable bytes, so
 * that a write past them is the fault the step asks for (3.10) and,
 * under ASan, an overrun of the heap.
 */
static int step_read(struct test_env *env, const struct vec_step *step,
		     struct step_got *got)
{
	struct nestref_event_buffer buf = {
		.count = step->count,
		.data_size = step->writable,
	};

	if (step->writable) {
		buf.data = nestref_malloc(step->writable);
		if (!buf.data)
			return -ENOMEM;
	}
	got->rc = nestref_veventq_read(env->ctx,
				       step_queue_id(env, &step->queue), &buf);
	if (got->rc || buf.done > step->writable) {
		nestref_free(buf.data);
		/* More than could be written is the library's bug. */
		return got->rc ? 0 : -EIO;
	}
	got->has_read = true;
	got->read = buf.data;
	got->n_read = buf.done;
	return 0;
}

int step_run(struct test_env *env, const struct vec_step *step,
	     struct step_got *got)
{
	uint32_t id = 0;
	int rc;

	memset(got, 0, sizeof(*got));
	switch (step->kind) {
	case VEC_STEP_SET_DEV_USER_DATA:
		got->rc = nestref_set_dev_user_data(
			env->ctx, env->viommu_ids[step->viommu],
			step_dev_id(env, &step->dev),
			step_user_data(step), step->len, &id);
		if (!got->rc && !step->dev.raw)
			env->vdev_ids[step->dev.dev_index] = id;
		break;
	case VEC_STEP_DESTROY:
		/* A device never set has vDEVICE 0, which nothing owns. */
		if (step->destroy_veventq)
			id = step_queue_id(env, &step->queue);
		else if (step->destroy_viommu)
			id = env->viommu_ids[step->viommu];
		else if (step->destroy_vdevice && !step->dev.raw)
			id = env->vdev_ids[step->dev.dev_index];
		else
			id = step_dev_id(env, &step->dev);
		got->rc = nestref_destroy(env->ctx, id);
		break;
	case VEC_STEP_UNSET_DEV_USER_DATA:
		got->rc = nestref_unset_dev_user_data(
			env->ctx, step_dev_id(env, &step->dev));
		break;
	case VEC_STEP_ATTACH:
		got->rc = step_attach(env, step);
		break;
	case VEC_STEP_INVALIDATE:
		return step_invalidate(env, step, got);
	case VEC_STEP_HW_INFO:
		/* Like check_cache: not run at all without the capability. */
		if (!(env->caps & NESTREF_CAP_OBSERVE_HW_INFO))
			return 0;
		got->rc = nestref_hw_info(env->ctx,
					  step_dev_id(env, &step->dev),
					  &got->flags);
		got->has_flags = got->rc == 0;
		break;
	case VEC_STEP_ALLOC_VEVENTQ:
		got->rc = step_alloc_veventq(env, step);
		break;
	case VEC_STEP_READ_VEVENTS:
		rc = step_read(env, step, got);
		if (rc)
			return rc;
		break;
	case VEC_STEP_TRIGGER_VEVENT:
		got->rc = nestref_trigger_vevent(env->ctx,
						 step_dev_id(env, &step->dev));
		break;
	case VEC_STEP_FAULT:
		/* The SMMU takes any record; the host's answer is read. */
		got->rc = nestref_smmuv3_raise_event(env->ctx, &step->event);
		break;
	case VEC_STEP_CHECK_CACHE:
		/* Not run at all without the capability (vectors.md 2). */
		if (!(env->caps & NESTREF_CAP_CHECK_CACHE))
			return 0;
		got->rc = nestref_check_cache(env->ctx,
					      step_dev_id(env, &step->dev),
					      step->index, step->value);
		break;
	}
	snprintf(got->message, sizeof(got->message), "%s",
		 nestref_ctx_message(env->ctx));
	return 0;
}

void step_got_free(struct step_got *got)
{
	nestref_free(got->issued);
	nestref_free(got->caches);
	nestref_free(got->read);
	memset(got, 0, sizeof(*got));
}

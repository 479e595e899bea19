/* SPDX-License-Identifier: MIT */
/* One test's context, one step run against it, and the check of a step. */
#ifndef NESTREF_VECTORS_RUNNER_STEP_H
#define NESTREF_VECTORS_RUNNER_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "vector.h"

struct test_env {
	const struct vec_file *file;
	struct nestref_ctx *ctx;
	uint32_t caps;
	uint32_t viommu_ids[VEC_VIOMMUS_MAX]; /* one per file->vmids */
	uint32_t *dev_ids; /* one per file->devices */
	uint32_t *vdev_ids; /* each device's last vDEVICE ID, 0 for none */
	/* each of file->queues: its ID once allocated, 0 before or after a
	 * failed allocation (vectors.md 3.9) */
	uint32_t *queue_ids;
};

/* What a step answered. */
struct step_got {
	int rc; /* 0 or a negative errno */
	bool has_entry_num;
	uint32_t entry_num;
	bool has_flags; /* hw_info ran */
	uint32_t flags;
	bool has_issued;
	struct nestref_smmuv3_cmd *issued;
	size_t n_issued;
	bool has_caches;
	struct nestref_smmuv3_cache_entry *caches;
	size_t n_caches;
	/* read_vevents that succeeded: the bytes read, in a buffer of
	 * exactly the step's writable bytes (NULL for none) */
	bool has_read;
	unsigned char *read;
	size_t n_read;
	char message[256]; /* the context's sentence after the call */
};

/* A step's verdict: which checks were made and which could not be. */
struct step_verdict {
	unsigned int made;
	unsigned int failed;     /* bit per STEP_CHECK_* that failed */
	uint32_t missing;        /* capabilities whose checks were not made */
	unsigned int not_made;   /* bit per STEP_CHECK_* not made */
};

#define STEP_CHECK_RESULT (1u << 0)
#define STEP_CHECK_ENTRY_NUM (1u << 1)
#define STEP_CHECK_ISSUED (1u << 2)
#define STEP_CHECK_CACHES (1u << 3)
#define STEP_CHECK_CACHE_WORD (1u << 4)
#define STEP_CHECK_SETUP_CACHES (1u << 5)
#define STEP_CHECK_FLAGS (1u << 6)
#define STEP_CHECK_BYTES (1u << 7)
#define STEP_CHECK_RECORDS (1u << 8)

/*
 * Opens the context and applies setup (spec/vectors.md 1: afresh before
 * every test).  base gives the backend, its options, the profile and
 * rules_off; the file gives the rest.  Returns 0, the context's errno
 * with a sentence in msg, -ENODEV when the backend cannot run here, or
 * -EOPNOTSUPP when it cannot be the file's machine or profile (a skip);
 * a later setup step's EOPNOTSUPP comes back as EIO, a failure.
 * missing gets observe-caches when setup.caches could not be applied.
 */
int env_open(struct test_env *env, const struct vec_file *file,
	     const struct nestref_ctx_opts *base, uint32_t *missing,
	     char *msg, size_t msg_len);
void env_close(struct test_env *env);

/*
 * Runs a step.  Returns 0, or a negative errno when the run itself failed
 * (out of memory, an observation the backend claims but cannot give).
 */
int step_run(struct test_env *env, const struct vec_step *step,
	     struct step_got *got);
void step_got_free(struct step_got *got);

/*
 * Compares what a step answered with its expect (runner-check.c).
 * Returns 0, or -ENOMEM when the comparison could not be made.
 */
int step_check(const struct test_env *env, const struct vec_step *step,
	       const struct step_got *got, struct step_verdict *verdict);

/* The entry_num an ok invalidate must write back by default. */
uint32_t step_expected_entry_num(const struct vec_step *step);

#endif /* NESTREF_VECTORS_RUNNER_STEP_H */

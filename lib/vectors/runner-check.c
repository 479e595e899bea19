/* SPDX-License-Identifier: MIT */
/*
 * Compares what a step answered with its expect (spec/vectors.md 3, 4).
 * A check whose capability the backend lacks is not made and is recorded
 * as such, never counted as passed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>

#include "runner-events.h"
#include "runner-step.h"

uint32_t step_expected_entry_num(const struct vec_step *step)
{
	/* vectors.md 4: for ok, the number of entries passed. */
	return step->expect.has_entry_num ? step->expect.entry_num
					  : step->entry_num;
}

static bool check_result(const struct vec_expect *ex, int rc)
{
	size_t i;

	switch (ex->result) {
	case VEC_RESULT_OK:
		return rc == 0;
	case VEC_RESULT_ERROR:
		for (i = 0; i < ex->n_errnos; i++)
			if (rc == -ex->errnos[i])
				return true;
		return false;
	case VEC_RESULT_EITHER:
		return true;
	}
	return false;
}

/* vectors.md 3.3: a host CMD_SYNC is compared on its opcode alone. */
static bool check_cmd(const struct nestref_smmuv3_cmd *want,
		      const struct nestref_smmuv3_cmd *got)
{
	if (nestref_smmuv3_opcode(want) == NESTREF_SMMUV3_SYNC &&
	    nestref_smmuv3_opcode(got) == NESTREF_SMMUV3_SYNC)
		return true;
	return want->dw[0] == got->dw[0] && want->dw[1] == got->dw[1];
}

static bool check_issued(const struct vec_expect *ex,
			 const struct step_got *got)
{
	size_t i;

	if (ex->n_issued != got->n_issued)
		return false;
	for (i = 0; i < ex->n_issued; i++)
		if (!check_cmd(&ex->issued[i].cmd, &got->issued[i]))
			return false;
	return true;
}

static int cmp_entry(const void *a, const void *b)
{
	return nestref_smmuv3_cache_entry_cmp(a, b);
}

/* The entries of one kind, sorted, in a new array. */
static struct nestref_smmuv3_cache_entry *
cache_kind(const struct nestref_smmuv3_cache_entry *all, size_t n, uint32_t kind,
	   size_t *out_n)
{
	struct nestref_smmuv3_cache_entry *sel =
		nestref_calloc(n ? n : 1, sizeof(*sel));
	size_t i, k = 0;

	if (!sel)
		return NULL;
	for (i = 0; i < n; i++)
		if (all[i].kind == kind)
			sel[k++] = all[i];
	qsort(sel, k, sizeof(*sel), cmp_entry);
	*out_n = k;
	return sel;
}

/*
 * vectors.md 3.4: each named cache holds exactly the listed entries.
 * *same says whether they do; -ENOMEM when they could not be compared.
 */
static int check_caches(const struct vec_expect *ex,
			const struct step_got *got, bool *same)
{
	uint32_t kind;
	int rc = 0;

	*same = true;
	for (kind = 0; *same && kind < NESTREF_SMMUV3_CACHE_KIND_COUNT;
	     kind++) {
		struct nestref_smmuv3_cache_entry *want, *have;
		size_t n_want = 0, n_have = 0, i;

		if (!ex->cache_named[kind])
			continue;
		want = cache_kind(ex->caches, ex->n_caches, kind, &n_want);
		have = cache_kind(got->caches, got->n_caches, kind, &n_have);
		if (!want || !have)
			rc = -ENOMEM;
		*same = !rc && n_want == n_have;
		for (i = 0; *same && i < n_want; i++)
			*same = nestref_smmuv3_cache_entry_cmp(&want[i],
							       &have[i]) == 0;
		nestref_free(want);
		nestref_free(have);
	}
	return rc;
}

static void verdict_add(struct step_verdict *v, unsigned int check, bool ok)
{
	v->made++;
	if (!ok)
		v->failed |= check;
}

static void verdict_skip(struct step_verdict *v, unsigned int check,
			 uint32_t cap)
{
	v->not_made |= check;
	v->missing |= cap;
}

int step_check(const struct test_env *env, const struct vec_step *step,
	       const struct step_got *got, struct step_verdict *v)
{
	const struct vec_expect *ex = &step->expect;
	bool same;
	int rc;

	memset(v, 0, sizeof(*v));
	if (step->kind == VEC_STEP_CHECK_CACHE &&
	    !(env->caps & NESTREF_CAP_CHECK_CACHE)) {
		verdict_skip(v, STEP_CHECK_CACHE_WORD, NESTREF_CAP_CHECK_CACHE);
		return 0;
	}
	if (step->kind == VEC_STEP_HW_INFO &&
	    !(env->caps & NESTREF_CAP_OBSERVE_HW_INFO)) {
		verdict_skip(v, STEP_CHECK_FLAGS, NESTREF_CAP_OBSERVE_HW_INFO);
		return 0;
	}
	if (ex->result != VEC_RESULT_EITHER)
		verdict_add(v, STEP_CHECK_RESULT, check_result(ex, got->rc));
	if (ex->has_flags)
		verdict_add(v, STEP_CHECK_FLAGS,
			    got->has_flags && got->flags == ex->flags);
	/* vectors.md 3.10: what a read gave, byte for byte. */
	if (ex->has_bytes)
		verdict_add(v, STEP_CHECK_BYTES,
			    got->has_read && got->n_read == ex->bytes);
	if (ex->has_records)
		verdict_add(v, STEP_CHECK_RECORDS,
			    got->has_read &&
				    events_match(step, got->read, got->n_read));
	if (step->kind != VEC_STEP_INVALIDATE)
		return 0;
	if (ex->has_entry_num || ex->result == VEC_RESULT_OK)
		verdict_add(v, STEP_CHECK_ENTRY_NUM,
			    got->entry_num == step_expected_entry_num(step));
	if (ex->has_issued) {
		if (got->has_issued)
			verdict_add(v, STEP_CHECK_ISSUED,
				    check_issued(ex, got));
		else
			verdict_skip(v, STEP_CHECK_ISSUED,
				     NESTREF_CAP_OBSERVE_ISSUED);
	}
	if (ex->has_caches && !got->has_caches) {
		verdict_skip(v, STEP_CHECK_CACHES, NESTREF_CAP_OBSERVE_CACHES);
	} else if (ex->has_caches) {
		rc = check_caches(ex, got, &same);
		if (rc)
			return rc;
		verdict_add(v, STEP_CHECK_CACHES, same);
	}
	return 0;
}

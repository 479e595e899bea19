/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the modelled SMMU (backends/smmuv3-sim/smmu-model.h): the
 * command queue, every command error it raises, and the cache scope of
 * every opcode, each as entries that must go and entries that must stay.
 *
 * Expectations are written from IHI 0070 and kernel-facts 4, not read
 * back from the model: a block size, a range end or a StreamID span is
 * spelt out as a number here, so a wrong computation in the model fails.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-helpers.h"
#include "backends/smmuv3-sim/smmu-model.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define K4 UINT32_C(4096)
#define K16 UINT32_C(16384)
#define K64 UINT32_C(65536)
#define MB(x) ((uint64_t)(x) << 20)
#define GB(x) ((uint64_t)(x) << 30)

/* ------------------------------------------------------------ helpers */

static struct nestref_smmuv3_features feat(void)
{
	struct nestref_smmuv3_features f;

	nestref_smmuv3_features_default(&f);
	return f;
}

static struct smmu_model *model_log2(const struct nestref_smmuv3_features *f,
				     unsigned int log2)
{
	struct smmu_model *m = NULL;

	ck_assert_int_eq(smmu_model_new(&m, f, log2, 2), 0);
	ck_assert_ptr_nonnull(m);
	smmu_issued_clear(m); /* these tests observe: start recording */
	return m;
}

static struct smmu_model *model(const struct nestref_smmuv3_features *f)
{
	return model_log2(f, 8);
}

/* mk("TLBI_NH_VA", V(VMID, 5), V(ADDR, 0x1000), END) */
#define END (-1)
#define V(f, v) (int)NESTREF_SMMUV3_F_##f, (uint64_t)(v)

static struct nestref_smmuv3_cmd mk(const char *op, ...)
{
	struct nestref_smmuv3_cmd c;
	va_list ap;
	int f;

	ck_assert_int_eq(nestref_smmuv3_cmd_init(&c, op), 0);
	va_start(ap, op);
	while ((f = va_arg(ap, int)) != END) {
		uint64_t v = va_arg(ap, uint64_t);

		ck_assert_msg(!nestref_smmuv3_set(&c,
						  (enum nestref_smmuv3_field)f,
						  v),
			      "%s: field %d = 0x%" PRIx64, op, f, v);
	}
	va_end(ap);
	return c;
}

static struct nestref_smmuv3_cmd raw(uint64_t dw0, uint64_t dw1)
{
	struct nestref_smmuv3_cmd c = { { dw0, dw1 } };

	return c;
}

static struct nestref_smmuv3_cache_entry tlb(uint32_t vmid, uint32_t asid,
				      uint64_t va, uint32_t level, uint32_t tg)
{
	struct nestref_smmuv3_cache_entry e = {
		.kind = NESTREF_SMMUV3_CACHE_TLB, .vmid = vmid, .asid = asid,
		.va = va, .level = level, .tg = tg,
	};

	return e;
}

static struct nestref_smmuv3_cache_entry tlbg(uint32_t vmid, uint64_t va,
				       uint32_t level, uint32_t tg)
{
	struct nestref_smmuv3_cache_entry e = tlb(vmid, 0, va, level, tg);

	e.flags |= NESTREF_SMMUV3_CE_GLOBAL;
	return e;
}

static struct nestref_smmuv3_cache_entry walk(struct nestref_smmuv3_cache_entry e)
{
	e.flags |= NESTREF_SMMUV3_CE_WALK;
	return e;
}

static struct nestref_smmuv3_cache_entry ste(uint32_t sid)
{
	struct nestref_smmuv3_cache_entry e = { .kind = NESTREF_SMMUV3_CACHE_CFG,
					 .sid = sid };

	return e;
}

static struct nestref_smmuv3_cache_entry cd(uint32_t sid, uint32_t ssid)
{
	struct nestref_smmuv3_cache_entry e = { .kind = NESTREF_SMMUV3_CACHE_CFG,
					 .flags = NESTREF_SMMUV3_CE_SSID,
					 .sid = sid, .ssid = ssid };

	return e;
}

static struct nestref_smmuv3_cache_entry atc(uint32_t sid, uint64_t addr,
				      uint64_t span)
{
	struct nestref_smmuv3_cache_entry e = { .kind = NESTREF_SMMUV3_CACHE_ATC,
					 .sid = sid, .addr = addr,
					 .span = span };

	return e;
}

static struct nestref_smmuv3_cache_entry atcp(uint32_t sid, uint32_t ssid,
				       uint64_t addr, uint64_t span)
{
	struct nestref_smmuv3_cache_entry e = atc(sid, addr, span);

	e.flags |= NESTREF_SMMUV3_CE_SSID;
	e.ssid = ssid;
	return e;
}

static const char *ce_str(const struct nestref_smmuv3_cache_entry *e, char *buf,
			  size_t len)
{
	snprintf(buf, len,
		 "{kind %" PRIu32 " flags 0x%" PRIx32 " vmid 0x%" PRIx32
		 " asid 0x%" PRIx32 " va 0x%" PRIx64 " level %" PRIu32
		 " tg %" PRIu32 " sid 0x%" PRIx32 " ssid 0x%" PRIx32
		 " addr 0x%" PRIx64 " span 0x%" PRIx64 "}",
		 e->kind, e->flags, e->vmid, e->asid, e->va, e->level, e->tg,
		 e->sid, e->ssid, e->addr, e->span);
	return buf;
}

static bool cached(const struct smmu_model *m,
		   const struct nestref_smmuv3_cache_entry *e)
{
	const struct nestref_smmuv3_cache_entry *all;
	size_t n, i;

	all = smmu_caches(m, &n);
	for (i = 0; i < n; i++)
		if (!nestref_smmuv3_cache_entry_cmp(&all[i], e))
			return true;
	return false;
}

/* What the trace callback saw. */
struct seen {
	struct smmu_exec ex[16];
	size_t n;
};

static void record(void *cookie, const struct smmu_exec *ex)
{
	struct seen *s = cookie;

	if (s->n < ARRAY_SIZE(s->ex))
		s->ex[s->n] = *ex;
	s->n++;
}

static enum smmu_cerror run1(struct smmu_model *m,
			     const struct nestref_smmuv3_cmd *c)
{
	ck_assert_int_eq(smmu_cmdq_write(m, c, 1), 0);
	return smmu_cmdq_consume(m);
}

/* Runs one command on a fresh model and returns its command error. */
static enum smmu_cerror verdict(const struct nestref_smmuv3_features *f,
				struct nestref_smmuv3_cmd c)
{
	struct smmu_model *m = model(f);
	enum smmu_cerror err = run1(m, &c);

	smmu_model_free(m);
	return err;
}

/*
 * Fills gone and kept, runs c, and checks that exactly gone went: each of
 * them is no longer cached, each kept entry still is, and the trace's
 * removed[] counts add up to gone's size.
 */
static void check_scope_at(const struct nestref_smmuv3_features *f,
			   struct nestref_smmuv3_cmd c,
			   const struct nestref_smmuv3_cache_entry *gone, size_t ng,
			   const struct nestref_smmuv3_cache_entry *kept, size_t nk,
			   int line)
{
	struct smmu_model *m = model(f);
	struct nestref_smmuv3_cache_entry *all = calloc(ng + nk + 1, sizeof(*all));
	struct seen seen = { .n = 0 };
	uint32_t removed = 0;
	char buf[256];
	size_t i, n;
	unsigned int k;
	int rc;

	ck_assert_ptr_nonnull(all);
	if (ng)
		memcpy(all, gone, ng * sizeof(*all));
	if (nk)
		memcpy(all + ng, kept, nk * sizeof(*all));
	rc = smmu_caches_fill(m, all, ng + nk);
	ck_assert_msg(rc == 0, "line %d: fill: %d", line, rc);
	smmu_model_set_trace(m, record, &seen);
	ck_assert_msg(run1(m, &c) == SMMU_CERROR_NONE,
		      "line %d: command raised an error", line);
	for (i = 0; i < ng; i++)
		ck_assert_msg(!cached(m, &gone[i]),
			      "line %d: gone[%zu] %s still cached", line, i,
			      ce_str(&gone[i], buf, sizeof(buf)));
	for (i = 0; i < nk; i++)
		ck_assert_msg(cached(m, &kept[i]),
			      "line %d: kept[%zu] %s was removed", line, i,
			      ce_str(&kept[i], buf, sizeof(buf)));
	smmu_caches(m, &n);
	ck_assert_msg(n == nk, "line %d: %zu entries left, want %zu", line,
		      n, nk);
	ck_assert_uint_eq(seen.n, 1);
	for (k = 0; k < NESTREF_SMMUV3_CACHE_KIND_COUNT; k++)
		removed += seen.ex[0].removed[k];
	ck_assert_msg(removed == ng, "line %d: trace says %" PRIu32
		      " removed, want %zu", line, removed, ng);
	free(all);
	smmu_model_free(m);
}

#define SCOPE(f, c, gone, kept)                                          \
	check_scope_at((f), (c), (gone), ARRAY_SIZE(gone), (kept),       \
		       ARRAY_SIZE(kept), __LINE__)
#define SCOPE_NOTHING(f, c, kept)                                        \
	check_scope_at((f), (c), NULL, 0, (kept), ARRAY_SIZE(kept), __LINE__)
#define SCOPE_ALL(f, c, gone)                                            \
	check_scope_at((f), (c), (gone), ARRAY_SIZE(gone), NULL, 0, __LINE__)

/* ------------------------------------------------------------- queue */

START_TEST(test_new_args)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = (struct smmu_model *)&f;

	ck_assert_int_eq(smmu_model_new(&m, &f, 0, 4), -EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(smmu_model_new(&m, &f, 20, 4), -EINVAL);
	/* EVENTQS: 1 to 19 as CMDQS */
	ck_assert_int_eq(smmu_model_new(&m, &f, 4, 0), -EINVAL);
	ck_assert_int_eq(smmu_model_new(&m, &f, 4, 20), -EINVAL);
	ck_assert_ptr_null(m);
	f.sidsize = 33;
	ck_assert_int_eq(smmu_model_new(&m, &f, 4, 4), -EINVAL);
	f = feat();
	f.ssidsize = 21;
	ck_assert_int_eq(smmu_model_new(&m, &f, 4, 4), -EINVAL);
	/* NULL features: the defaults of spec/vectors.md */
	ck_assert_int_eq(smmu_model_new(&m, NULL, 19, 19), 0);
	ck_assert_uint_eq(smmu_cmdq_space(m), 1u << 19);
	ck_assert(smmu_evtq_empty(m));
	smmu_model_free(m);
	smmu_model_free(NULL);
}
END_TEST

START_TEST(test_queue_empty_state)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model_log2(&f, 3);
	size_t n;

	ck_assert_uint_eq(smmu_cmdq_space(m), 8);
	ck_assert(smmu_cmdq_empty(m));
	ck_assert_uint_eq(smmu_cmdq_prod(m), 0);
	ck_assert_uint_eq(smmu_cmdq_cons(m), 0);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_NONE);
	ck_assert_int_eq(smmu_cmdq_cons_err(m), SMMU_CERROR_NONE);
	ck_assert(!smmu_gerror_cmdq_err(m));
	smmu_issued(m, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert(smmu_issued_complete(m));
	smmu_model_free(m);
}
END_TEST

/* IHI 0070 3.5.1: the wrap bit sits just above the index and toggles. */
START_TEST(test_queue_wrap)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model_log2(&f, 2);
	struct nestref_smmuv3_cmd c[3];
	const struct nestref_smmuv3_cmd *iss;
	size_t n, i;

	for (i = 0; i < 3; i++)
		c[i] = mk("TLBI_NH_ALL", V(VMID, i + 1), END);
	ck_assert_int_eq(smmu_cmdq_write(m, c, 3), 0);
	ck_assert_uint_eq(smmu_cmdq_prod(m), 3);
	ck_assert_uint_eq(smmu_cmdq_space(m), 1);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_NONE);
	ck_assert_uint_eq(smmu_cmdq_cons(m), 3);
	ck_assert_uint_eq(smmu_cmdq_space(m), 4);
	/* slots 3, 0, 1: PROD wraps to index 2 with the wrap bit (4) set */
	ck_assert_int_eq(smmu_cmdq_write(m, c, 3), 0);
	ck_assert_uint_eq(smmu_cmdq_prod(m), 4 | 2);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_NONE);
	ck_assert_uint_eq(smmu_cmdq_cons(m), 4 | 2);
	/* four more: PROD index 2 again, wrap bit back to 0 */
	ck_assert_int_eq(smmu_cmdq_write(m, c, 3), 0);
	ck_assert_int_eq(smmu_cmdq_write(m, c, 1), 0);
	ck_assert_uint_eq(smmu_cmdq_prod(m), 2);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_NONE);
	ck_assert_uint_eq(smmu_cmdq_cons(m), 2);
	iss = smmu_issued(m, &n);
	ck_assert_uint_eq(n, 10);
	for (i = 0; i < 9; i++)
		ck_assert(!memcmp(&iss[i], &c[i % 3], sizeof(c[0])));
	ck_assert(!memcmp(&iss[9], &c[0], sizeof(c[0])));
	smmu_model_free(m);
}
END_TEST

/* Full: same index, different wrap bit; writes are all or nothing. */
START_TEST(test_queue_full)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model_log2(&f, 2);
	struct nestref_smmuv3_cmd c[5];
	size_t i, n;

	for (i = 0; i < 5; i++)
		c[i] = mk("SYNC", END);
	ck_assert_int_eq(smmu_cmdq_write(m, c, 5), -ENOSPC);
	ck_assert_uint_eq(smmu_cmdq_prod(m), 0);
	ck_assert_int_eq(smmu_cmdq_write(m, c, 4), 0);
	ck_assert_uint_eq(smmu_cmdq_prod(m), 4);
	ck_assert_uint_eq(smmu_cmdq_space(m), 0);
	ck_assert(!smmu_cmdq_empty(m));
	ck_assert_int_eq(smmu_cmdq_write(m, c, 1), -ENOSPC);
	ck_assert_int_eq(smmu_cmdq_write(m, c, 0), 0);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_NONE);
	ck_assert(smmu_cmdq_empty(m));
	ck_assert_uint_eq(smmu_cmdq_cons(m), 4);
	smmu_issued(m, &n);
	ck_assert_uint_eq(n, 4);
	smmu_model_free(m);
}
END_TEST

/*
 * IHI 0070 7.1: consumption stops at the failing command, CONS points at
 * it, CONS.ERR and GERROR.CMDQ_ERR are set, later commands have no effect
 * and nothing is consumed until the acknowledgement.
 */
START_TEST(test_queue_error_stops)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model_log2(&f, 3);
	struct nestref_smmuv3_cmd c[3] = {
		mk("TLBI_NH_ALL", V(VMID, 5), END),
		raw(0x00, 0), /* reserved opcode */
		mk("TLBI_NSNH_ALL", END),
	};
	const struct nestref_smmuv3_cache_entry e[] = {
		tlb(5, 1, 0x1000, 3, K4), tlb(9, 1, 0x1000, 3, K4),
	};
	const struct nestref_smmuv3_cmd *iss;
	size_t n;

	ck_assert_int_eq(smmu_caches_fill(m, e, 2), 0);
	ck_assert_int_eq(smmu_cmdq_write(m, c, 3), 0);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_ILL);
	ck_assert_uint_eq(smmu_cmdq_cons(m), 1);
	ck_assert_int_eq(smmu_cmdq_cons_err(m), SMMU_CERROR_ILL);
	ck_assert(smmu_gerror_cmdq_err(m));
	ck_assert(!cached(m, &e[0]));
	ck_assert(cached(m, &e[1])); /* NSNH_ALL did not run */
	iss = smmu_issued(m, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert(!memcmp(&iss[1], &c[1], sizeof(c[1])));
	/* pending: nothing is read again, the error is reported again */
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_ILL);
	smmu_issued(m, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(smmu_cmdq_cons(m), 1);
	/* software may queue more while the error is active */
	ck_assert_int_eq(smmu_cmdq_write(m, &c[0], 1), 0);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_ILL);
	ck_assert_uint_eq(smmu_cmdq_cons(m), 1);
	ck_assert_uint_eq(smmu_counters(m)->cerrors[SMMU_CERROR_ILL], 1);
	smmu_model_free(m);
}
END_TEST

/* ------------------------------------------------------- event queue */

static struct nestref_smmuv3_event evt(uint8_t id, uint32_t sid, uint64_t n)
{
	struct nestref_smmuv3_event e = {
		{ (uint64_t)sid << 32 | id, n, ~n, n << 12 },
	};

	return e;
}

static void evtq_expect(struct smmu_model *m, const struct nestref_smmuv3_event *e)
{
	struct nestref_smmuv3_event got;

	ck_assert(smmu_evtq_remove(m, &got));
	ck_assert_msg(!memcmp(&got, e, sizeof(got)),
		      "read 0x%016" PRIx64 " 0x%016" PRIx64 ", not 0x%016" PRIx64
		      " 0x%016" PRIx64,
		      got.dw[0], got.dw[1], e->dw[0], e->dw[1]);
}

/*
 * IHI 0070 3.5.1 with the SMMU as producer: records go in at PROD, come
 * out at CONS in order, the wrap bit toggles every 2^log2 records, and
 * every bit of a record comes back.
 */
START_TEST(test_evtq_order_and_wrap)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = NULL;
	struct nestref_smmuv3_event e[7], got;
	uint32_t slot = 99;
	size_t i;

	ck_assert_int_eq(smmu_model_new(&m, &f, 2, 2), 0);
	ck_assert(smmu_evtq_empty(m));
	ck_assert(!smmu_evtq_remove(m, &got));
	for (i = 0; i < 7; i++)
		e[i] = evt(0x10, 0x1234, i + 1);
	/* three in, at slots 0 to 2; out in order */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(smmu_evtq_record(m, &e[i], &slot), 0);
		ck_assert_uint_eq(slot, i);
	}
	ck_assert_uint_eq(smmu_evtq_prod(m), 3);
	for (i = 0; i < 3; i++)
		evtq_expect(m, &e[i]);
	ck_assert(smmu_evtq_empty(m));
	ck_assert_uint_eq(smmu_evtq_cons(m), 3);
	/* four more: slots 3, 0, 1, 2; PROD index 3 with the wrap bit (4) */
	for (i = 3; i < 7; i++) {
		ck_assert_int_eq(smmu_evtq_record(m, &e[i], &slot), 0);
		ck_assert_uint_eq(slot, i % 4);
	}
	ck_assert_uint_eq(smmu_evtq_prod(m), 4 | 3);
	ck_assert(!smmu_evtq_overflow(m)); /* exactly full, nothing lost */
	for (i = 3; i < 7; i++)
		evtq_expect(m, &e[i]);
	ck_assert_uint_eq(smmu_evtq_cons(m), 4 | 3);
	ck_assert(smmu_evtq_empty(m));
	ck_assert_uint_eq(smmu_counters(m)->events[0x10], 7);
	ck_assert_uint_eq(smmu_counters(m)->events_lost, 0);
	smmu_model_free(m);
}
END_TEST

/*
 * IHI 0070 7.4, as smmu-evtq.c models it: a record that finds the queue
 * full is lost, nothing queued changes, and PROD.OVFLG toggles once per
 * overflow: further losses before the acknowledgement only count.  After
 * CONS.OVACKFLG takes OVFLG's value the next loss toggles it again.
 */
START_TEST(test_evtq_full_overflow)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = NULL;
	struct nestref_smmuv3_event e[4], lost = evt(0x13, 0x9999, 0xdead);
	const struct smmu_counters *c;
	uint32_t slot;
	size_t i;

	ck_assert_int_eq(smmu_model_new(&m, &f, 2, 1), 0);
	c = smmu_counters(m);
	for (i = 0; i < 4; i++)
		e[i] = evt(0x04, 0x2000 + (uint32_t)i, i);
	ck_assert_int_eq(smmu_evtq_record(m, &e[0], &slot), 0);
	ck_assert_int_eq(smmu_evtq_record(m, &e[1], &slot), 0);
	slot = 77;
	ck_assert_int_eq(smmu_evtq_record(m, &lost, &slot), -ENOSPC);
	ck_assert_uint_eq(slot, 77);
	ck_assert(smmu_evtq_overflow(m));
	ck_assert_uint_eq(c->evtq_overflows, 1);
	ck_assert_int_eq(smmu_evtq_record(m, &lost, &slot), -ENOSPC);
	ck_assert_uint_eq(c->evtq_overflows, 1); /* pending: no second toggle */
	ck_assert_uint_eq(c->events_lost, 2);
	ck_assert_uint_eq(c->events[0x13], 0);
	ck_assert_uint_eq(c->events[0x04], 2);
	/* the queued records are untouched; the flag outlives the drain */
	evtq_expect(m, &e[0]);
	evtq_expect(m, &e[1]);
	ck_assert(smmu_evtq_empty(m));
	ck_assert(smmu_evtq_overflow(m));
	smmu_evtq_overflow_ack(m);
	ck_assert(!smmu_evtq_overflow(m));
	/* room again; then full again: a new overflow toggles OVFLG back */
	ck_assert_int_eq(smmu_evtq_record(m, &e[2], &slot), 0);
	ck_assert_int_eq(smmu_evtq_record(m, &e[3], &slot), 0);
	ck_assert_int_eq(smmu_evtq_record(m, &lost, &slot), -ENOSPC);
	ck_assert(smmu_evtq_overflow(m));
	ck_assert_uint_eq(c->evtq_overflows, 2);
	ck_assert_uint_eq(c->events_lost, 3);
	evtq_expect(m, &e[2]);
	evtq_expect(m, &e[3]);
	smmu_evtq_overflow_ack(m);
	ck_assert(!smmu_evtq_overflow(m));
	smmu_model_free(m);
}
END_TEST

/* Linux's arm_smmu_cmdq_skip_err: rewrite the slot into a CMD_SYNC, ack. */
START_TEST(test_queue_skip_and_resume)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model_log2(&f, 3);
	struct nestref_smmuv3_cmd c[3] = {
		mk("TLBI_NH_ALL", V(VMID, 5), END),
		mk("ATC_INV", V(SID, 1), V(SIZE, 53), END),
		mk("TLBI_NSNH_ALL", END),
	};
	struct nestref_smmuv3_cmd sync = mk("SYNC", END);
	const struct nestref_smmuv3_cache_entry e = tlb(9, 1, 0x1000, 3, K4);
	const struct nestref_smmuv3_cmd *iss;
	size_t n;

	ck_assert_int_eq(smmu_caches_fill(m, &e, 1), 0);
	ck_assert_int_eq(smmu_cmdq_write(m, c, 3), 0);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_ILL);
	smmu_cmdq_write_at_cons(m, &sync);
	smmu_gerror_ack(m);
	ck_assert(!smmu_gerror_cmdq_err(m));
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_NONE);
	ck_assert(smmu_cmdq_empty(m));
	ck_assert_uint_eq(smmu_cmdq_cons(m), 3);
	/* CONS.ERR keeps the last code (IHI 0070 7.1) */
	ck_assert_int_eq(smmu_cmdq_cons_err(m), SMMU_CERROR_ILL);
	ck_assert(!cached(m, &e));
	iss = smmu_issued(m, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert(!memcmp(&iss[0], &c[0], sizeof(c[0])));
	ck_assert(!memcmp(&iss[1], &c[1], sizeof(c[1])));
	ck_assert(!memcmp(&iss[2], &sync, sizeof(sync)));
	ck_assert(!memcmp(&iss[3], &c[2], sizeof(c[2])));
	smmu_issued_clear(m);
	smmu_issued(m, &n);
	ck_assert_uint_eq(n, 0);
	smmu_model_free(m);
}
END_TEST

/* An acknowledgement without a fix fetches the same command again. */
START_TEST(test_queue_ack_without_fix)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model_log2(&f, 3);
	struct nestref_smmuv3_cmd bad = mk("SYNC", V(CS, 3), END);
	const struct nestref_smmuv3_cmd *iss;
	size_t n;

	ck_assert_int_eq(run1(m, &bad), SMMU_CERROR_ILL);
	smmu_gerror_ack(m);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_ILL);
	iss = smmu_issued(m, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert(!memcmp(&iss[0], &iss[1], sizeof(bad)));
	ck_assert_uint_eq(smmu_counters(m)->cerrors[SMMU_CERROR_ILL], 2);
	ck_assert_uint_eq(smmu_counters(m)->commands[NESTREF_SMMUV3_SYNC], 2);
	smmu_model_free(m);
}
END_TEST

/* One struct smmu_exec per command read; counters agree with it. */
START_TEST(test_trace_and_counters)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model_log2(&f, 3);
	struct nestref_smmuv3_cmd c[3] = {
		mk("CFGI_STE", V(SID, 7), END),
		mk("TLBI_NH_ALL", V(VMID, 5), END),
		raw(0x99, 0),
	};
	const struct nestref_smmuv3_cache_entry e[] = {
		ste(7), cd(7, 1), cd(7, 2), tlb(5, 1, 0, 3, K4),
	};
	const struct smmu_counters *ct;
	struct seen seen = { .n = 0 };

	ck_assert_int_eq(smmu_caches_fill(m, e, ARRAY_SIZE(e)), 0);
	smmu_model_set_trace(m, record, &seen);
	ck_assert_int_eq(smmu_cmdq_write(m, c, 3), 0);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_ILL);
	ck_assert_uint_eq(seen.n, 3);
	ck_assert_uint_eq(seen.ex[0].slot, 0);
	ck_assert_uint_eq(seen.ex[0].removed[NESTREF_SMMUV3_CACHE_CFG], 3);
	ck_assert_uint_eq(seen.ex[0].removed[NESTREF_SMMUV3_CACHE_TLB], 0);
	ck_assert_ptr_null(seen.ex[0].reason);
	ck_assert_int_eq(seen.ex[1].cerror, SMMU_CERROR_NONE);
	ck_assert_uint_eq(seen.ex[1].removed[NESTREF_SMMUV3_CACHE_TLB], 1);
	ck_assert_uint_eq(seen.ex[2].slot, 2);
	ck_assert_int_eq(seen.ex[2].cerror, SMMU_CERROR_ILL);
	ck_assert_ptr_nonnull(seen.ex[2].reason);
	ck_assert(strstr(seen.ex[2].reason, "IHI 0070"));
	ck_assert(!memcmp(&seen.ex[2].cmd, &c[2], sizeof(c[2])));
	ct = smmu_counters(m);
	ck_assert_uint_eq(ct->commands[0x03], 1);
	ck_assert_uint_eq(ct->commands[0x10], 1);
	ck_assert_uint_eq(ct->commands[0x99], 1);
	ck_assert_uint_eq(ct->cerrors[SMMU_CERROR_NONE], 2);
	ck_assert_uint_eq(ct->cerrors[SMMU_CERROR_ILL], 1);
	ck_assert_uint_eq(ct->removed[NESTREF_SMMUV3_CACHE_CFG], 3);
	ck_assert_uint_eq(ct->removed[NESTREF_SMMUV3_CACHE_TLB], 1);
	ck_assert_uint_eq(ct->removed[NESTREF_SMMUV3_CACHE_ATC], 0);
	/* NULL stops the trace */
	smmu_model_set_trace(m, NULL, NULL);
	smmu_cmdq_write_at_cons(m, &c[1]);
	smmu_gerror_ack(m);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_NONE);
	ck_assert_uint_eq(seen.n, 3);
	ck_assert_uint_eq(ct->commands[0x10], 2);
	smmu_model_free(m);
}
END_TEST

/* ------------------------------------------------- stream, CD tables */

START_TEST(test_tables)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m;
	uint32_t vmid, asid;
	bool s1;

	f.sidsize = 16;
	f.ssidsize = 4;
	f.vmid16 = false;
	m = model(&f);
	ck_assert_int_eq(smmu_ste_install(m, 0x10000, 1, true), -ERANGE);
	ck_assert_int_eq(smmu_ste_install(m, 0x1234, 0x100, true), -ERANGE);
	ck_assert_int_eq(smmu_ste_install(m, 0x1234, 5, true), 0);
	ck_assert_int_eq(smmu_ste_install(m, 0x1000, 6, false), 0);
	ck_assert_int_eq(smmu_ste_install(m, 0x1234, 7, true), 0);
	ck_assert_int_eq(smmu_ste_get(m, 0x1234, &vmid, &s1), 0);
	ck_assert_uint_eq(vmid, 7);
	ck_assert(s1);
	ck_assert_int_eq(smmu_ste_get(m, 0x1000, &vmid, &s1), 0);
	ck_assert(!s1);
	ck_assert_int_eq(smmu_ste_get(m, 0x1001, &vmid, &s1), -ENOENT);
	ck_assert_int_eq(smmu_cd_install(m, 0x1234, 16, 1), -ERANGE);
	ck_assert_int_eq(smmu_cd_install(m, 0x1234, 3, 0x12), 0);
	ck_assert_int_eq(smmu_cd_install(m, 0x1234, 0, 0x10), 0);
	ck_assert_int_eq(smmu_cd_install(m, 0x1000, 3, 0x20), 0);
	ck_assert_int_eq(smmu_cd_get(m, 0x1234, 3, &asid), 0);
	ck_assert_uint_eq(asid, 0x12);
	ck_assert_int_eq(smmu_cd_get(m, 0x1000, 3, &asid), 0);
	ck_assert_uint_eq(asid, 0x20);
	smmu_ste_clear(m, 0x1234);
	ck_assert_int_eq(smmu_ste_get(m, 0x1234, &vmid, &s1), -ENOENT);
	ck_assert_int_eq(smmu_cd_get(m, 0x1234, 3, &asid), -ENOENT);
	ck_assert_int_eq(smmu_cd_get(m, 0x1234, 0, &asid), -ENOENT);
	ck_assert_int_eq(smmu_cd_get(m, 0x1000, 3, &asid), 0);
	smmu_ste_clear(m, 0x4444); /* nothing there: no effect */
	smmu_model_free(m);
}
END_TEST

/* ---------------------------------------------------------- caches */

static int fill1(const struct nestref_smmuv3_features *f,
		 struct nestref_smmuv3_cache_entry e)
{
	struct smmu_model *m = model(f);
	size_t n;
	int rc = smmu_caches_fill(m, &e, 1);

	smmu_caches(m, &n);
	ck_assert_uint_eq(n, rc ? 0 : 1);
	smmu_model_free(m);
	return rc;
}

START_TEST(test_fill_checks)
{
	struct nestref_smmuv3_features f = feat(), small = feat(), ds = feat();
	struct nestref_smmuv3_cache_entry e;

	small.vmid16 = false;
	small.asid16 = false;
	small.sidsize = 8;
	small.ssidsize = 0;
	ds.ds = true;

	ck_assert_int_eq(fill1(&f, tlb(1, 1, 0x1000, 3, K4)), 0);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, 0x1000, 0, K4)), -EINVAL);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, 0x1000, 4, K4)), -EINVAL);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, 0x1000, 3, 8192)), -EINVAL);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, 0x1000, 3, 0)), -EINVAL);
	/* va aligned to the block: 2M at L2 4K, 32M at L2 16K, 4T at L1 64K */
	ck_assert_int_eq(fill1(&f, tlb(1, 1, MB(1), 2, K4)), -EINVAL);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, MB(2), 2, K4)), 0);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, MB(16), 2, K16)), -EINVAL);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, MB(32), 2, K16)), 0);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, GB(2048), 1, K64)), -EINVAL);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, GB(4096), 1, K64)), 0);
	ck_assert_int_eq(fill1(&f, tlb(1, 1, 0x2000, 3, K16)), -EINVAL);
	/* no table descriptors at level 3 */
	ck_assert_int_eq(fill1(&f, walk(tlb(1, 1, 0x1000, 3, K4))), -EINVAL);
	ck_assert_int_eq(fill1(&f, walk(tlb(1, 1, MB(2), 2, K4))), 0);
	/* 16K level-1 blocks only with IDR5.DS */
	ck_assert_int_eq(fill1(&f, tlb(1, 1, GB(64), 1, K16)), -EINVAL);
	ck_assert_int_eq(fill1(&ds, tlb(1, 1, GB(64), 1, K16)), 0);
	ck_assert_int_eq(fill1(&f, walk(tlb(1, 1, GB(64), 1, K16))), 0);
	/* global entries carry no ASID */
	e = tlbg(1, 0x1000, 3, K4);
	ck_assert_int_eq(fill1(&f, e), 0);
	e.asid = 3;
	ck_assert_int_eq(fill1(&f, e), -EINVAL);
	e = tlb(1, 1, 0x1000, 3, K4);
	e.flags |= NESTREF_SMMUV3_CE_SSID;
	ck_assert_int_eq(fill1(&f, e), -EINVAL);
	e = tlb(1, 1, 0x1000, 3, K4);
	e.sid = 4;
	ck_assert_int_eq(fill1(&f, e), -EINVAL);
	/* 8-bit VMIDs and ASIDs */
	ck_assert_int_eq(fill1(&small, tlb(0xff, 0xff, 0, 3, K4)), 0);
	ck_assert_int_eq(fill1(&small, tlb(0x100, 1, 0, 3, K4)), -EINVAL);
	ck_assert_int_eq(fill1(&small, tlb(1, 0x100, 0, 3, K4)), -EINVAL);
	ck_assert_int_eq(fill1(&f, tlb(0x10000, 1, 0, 3, K4)), -EINVAL);
	/* cfg: StreamID below 2^SIDSIZE, SubstreamID below 2^SSIDSIZE */
	ck_assert_int_eq(fill1(&f, ste(0xffffffff)), 0);
	ck_assert_int_eq(fill1(&small, ste(0xff)), 0);
	ck_assert_int_eq(fill1(&small, ste(0x100)), -EINVAL);
	ck_assert_int_eq(fill1(&small, cd(1, 0)), 0);
	ck_assert_int_eq(fill1(&small, cd(1, 1)), -EINVAL);
	ck_assert_int_eq(fill1(&f, cd(1, 0xfffff)), 0);
	e = ste(1);
	e.ssid = 2;
	ck_assert_int_eq(fill1(&f, e), -EINVAL);
	e = ste(1);
	e.va = 0x1000;
	ck_assert_int_eq(fill1(&f, e), -EINVAL);
	e = ste(1);
	e.flags = NESTREF_SMMUV3_CE_GLOBAL;
	ck_assert_int_eq(fill1(&f, e), -EINVAL);
	/* atc: an aligned power of two of at least 4K */
	ck_assert_int_eq(fill1(&f, atc(1, 0x3000, 0x1000)), 0);
	ck_assert_int_eq(fill1(&f, atc(1, 0x0, 0x800)), -EINVAL);
	ck_assert_int_eq(fill1(&f, atc(1, 0x0, 0x3000)), -EINVAL);
	ck_assert_int_eq(fill1(&f, atc(1, 0x1000, 0x2000)), -EINVAL);
	ck_assert_int_eq(fill1(&f, atc(1, 0, UINT64_C(1) << 63)), 0);
	ck_assert_int_eq(fill1(&f, atcp(1, 7, 0, 0x1000)), 0);
	ck_assert_int_eq(fill1(&small, atcp(1, 0, 0, 0x1000)), -EINVAL);
	ck_assert_int_eq(fill1(&small, atc(0x100, 0, 0x1000)), -EINVAL);
	e = atc(1, 0, 0x1000);
	e.level = 3;
	ck_assert_int_eq(fill1(&f, e), -EINVAL);
	e = atc(1, 0, 0x1000);
	e.kind = NESTREF_SMMUV3_CACHE_KIND_COUNT;
	ck_assert_int_eq(fill1(&f, e), -EINVAL);
}
END_TEST

START_TEST(test_fill_all_or_nothing)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model(&f);
	const struct nestref_smmuv3_cache_entry good[] = { ste(1), ste(2) };
	const struct nestref_smmuv3_cache_entry mixed[] = { ste(3), tlb(1, 1, 1, 3, K4) };
	const struct nestref_smmuv3_cache_entry dup[] = { ste(4), ste(1) };
	const struct nestref_smmuv3_cache_entry twice[] = { ste(5), ste(5) };
	size_t n;

	ck_assert_int_eq(smmu_caches_fill(m, good, 2), 0);
	ck_assert_int_eq(smmu_caches_fill(m, mixed, 2), -EINVAL);
	ck_assert_int_eq(smmu_caches_fill(m, dup, 2), -EEXIST);
	ck_assert_int_eq(smmu_caches_fill(m, twice, 2), -EEXIST);
	ck_assert_int_eq(smmu_caches_fill(m, NULL, 0), 0);
	ck_assert_int_eq(smmu_caches_fill(m, NULL, 1), -EINVAL);
	smmu_caches(m, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert(!cached(m, &mixed[0]));
	ck_assert(!cached(m, &dup[0]));
	smmu_model_free(m);
}
END_TEST

START_TEST(test_fill_limit)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model(&f);
	struct nestref_smmuv3_cache_entry *e = calloc(SMMU_CACHES_MAX + 1, sizeof(*e));
	size_t i, n;

	ck_assert_ptr_nonnull(e);
	for (i = 0; i <= SMMU_CACHES_MAX; i++)
		e[i] = ste((uint32_t)i);
	ck_assert_int_eq(smmu_caches_fill(m, e, SMMU_CACHES_MAX + 1), -ENOSPC);
	ck_assert_int_eq(smmu_caches_fill(m, e, SMMU_CACHES_MAX), 0);
	ck_assert_int_eq(smmu_caches_fill(m, &e[SMMU_CACHES_MAX], 1), -ENOSPC);
	smmu_caches(m, &n);
	ck_assert_uint_eq(n, SMMU_CACHES_MAX);
	free(e);
	smmu_model_free(m);
}
END_TEST

/* smmu_caches lists in nestref_smmuv3_cache_entry_cmp order, whatever the fill. */
START_TEST(test_caches_order)
{
	struct nestref_smmuv3_features f = feat();
	struct smmu_model *m = model(&f);
	const struct nestref_smmuv3_cache_entry a[] = {
		atc(2, 0, 0x1000), ste(9), tlb(5, 1, 0x2000, 3, K4),
		cd(9, 1), tlbg(5, 0x1000, 3, K4),
	};
	const struct nestref_smmuv3_cache_entry b[] = {
		tlb(1, 1, 0x1000, 3, K4), ste(3), atcp(2, 1, 0, 0x1000),
	};
	const struct nestref_smmuv3_cache_entry *all;
	size_t n, i;

	ck_assert_int_eq(smmu_caches_fill(m, a, ARRAY_SIZE(a)), 0);
	ck_assert_int_eq(smmu_caches_fill(m, b, ARRAY_SIZE(b)), 0);
	all = smmu_caches(m, &n);
	ck_assert_uint_eq(n, 8);
	for (i = 1; i < n; i++)
		ck_assert_int_lt(nestref_smmuv3_cache_entry_cmp(&all[i - 1], &all[i]),
				 0);
	ck_assert_uint_eq(all[0].kind, NESTREF_SMMUV3_CACHE_TLB);
	ck_assert_uint_eq(all[n - 1].kind, NESTREF_SMMUV3_CACHE_ATC);
	smmu_model_free(m);
}
END_TEST

/* ------------------------------------------------------ command errors */

/* Rule 1: only the Non-secure queue's opcodes (IHI 0070 4.1.1). */
START_TEST(test_ill_opcodes)
{
	struct nestref_smmuv3_features f = feat();
	static const uint8_t legal[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11, 0x12,
		0x13, 0x20, 0x21, 0x22, 0x23, 0x28, 0x2a, 0x30, 0x40, 0x41,
		0x44, 0x45, 0x46,
	};
	unsigned int op;
	size_t i;

	for (op = 0; op < 256; op++) {
		bool ok = false;

		for (i = 0; i < ARRAY_SIZE(legal); i++)
			ok |= legal[i] == op;
		ck_assert_msg(verdict(&f, raw(op, 0)) ==
			      (ok ? SMMU_CERROR_NONE : SMMU_CERROR_ILL),
			      "opcode 0x%02x", op);
	}
}
END_TEST

/* Rule 2: SSec 1 where the command has SSec (IHI 0070 4.1.6). */
START_TEST(test_ill_ssec)
{
	struct nestref_smmuv3_features f = feat();
	unsigned int op;
	int with = 0;

	for (op = 0; op < 256; op++) {
		struct nestref_smmuv3_cmd c = raw(op | (1u << 10), 0);
		enum smmu_cerror want;

		if (!nestref_smmuv3_op_name((uint8_t)op) ||
		    verdict(&f, raw(op, 0)) != SMMU_CERROR_NONE)
			continue;
		if (nestref_smmuv3_has_field((uint8_t)op,
					     NESTREF_SMMUV3_F_SSEC)) {
			want = SMMU_CERROR_ILL;
			with++;
		} else {
			/* ATC_INV, PRI_RESP, TLBIs: bit 10 is RES0, ignored */
			want = SMMU_CERROR_NONE;
		}
		ck_assert_msg(verdict(&f, c) == want, "opcode 0x%02x", op);
	}
	/* PREFETCH x2, CFGI x5, RESUME, STALL_TERM */
	ck_assert_int_eq(with, 9);
}
END_TEST

/* Rule 3: ATC_INV without ATS, or with Size above 52 (IHI 0070 4.5.1). */
START_TEST(test_ill_atc_inv)
{
	struct nestref_smmuv3_features f = feat(), no_ats = feat();

	no_ats.ats = false;
	ck_assert_int_eq(verdict(&f, mk("ATC_INV", V(SID, 1), V(SIZE, 52), END)),
			 SMMU_CERROR_NONE);
	ck_assert_int_eq(verdict(&f, mk("ATC_INV", V(SID, 1), V(SIZE, 53), END)),
			 SMMU_CERROR_ILL);
	ck_assert_int_eq(verdict(&f, mk("ATC_INV", V(SIZE, 63), END)),
			 SMMU_CERROR_ILL);
	ck_assert_int_eq(verdict(&no_ats, mk("ATC_INV", V(SID, 1), END)),
			 SMMU_CERROR_ILL);
	ck_assert_int_eq(verdict(&no_ats, mk("ATC_INV", V(SID, 1), V(SSV, 1),
					     V(SSID, 3), V(SIZE, 52), END)),
			 SMMU_CERROR_ILL);
}
END_TEST

/* Rule 4: CMD_SYNC with CS 0b11 (IHI 0070 4.7.3). */
START_TEST(test_ill_sync_cs)
{
	struct nestref_smmuv3_features f = feat();
	uint64_t cs;

	for (cs = 0; cs < 3; cs++)
		ck_assert_int_eq(verdict(&f, mk("SYNC", V(CS, cs), V(MSH, 3),
						V(MSIATTR, 0xf), END)),
				 SMMU_CERROR_NONE);
	ck_assert_int_eq(verdict(&f, mk("SYNC", V(CS, 3), END)),
			 SMMU_CERROR_ILL);
}
END_TEST

/* Rule 6: PRI_RESP with Resp 0b11 (IHI 0070 4.5.2). */
START_TEST(test_ill_pri_resp)
{
	struct nestref_smmuv3_features f = feat();
	uint64_t r;

	for (r = 0; r < 3; r++)
		ck_assert_int_eq(verdict(&f, mk("PRI_RESP", V(SID, 1),
						V(RESP, r), END)),
				 SMMU_CERROR_NONE);
	ck_assert_int_eq(verdict(&f, mk("PRI_RESP", V(SID, 1), V(RESP, 3),
					END)),
			 SMMU_CERROR_ILL);
}
END_TEST

/*
 * Rule 5 (IHI 0070 4.4.1.1): with RIL, TG != 0 with NUM, SCALE and TTL all
 * 0 is Reserved, on every address-based TLBI.  TTL 1 with TG 16K and no
 * DS counts as 0; SCALE bit 25 without DS is RES0 and does not count.
 */
START_TEST(test_ill_tlbi_range)
{
	static const char *const ops[] = {
		"TLBI_NH_VA", "TLBI_NH_VAA", "TLBI_EL2_VA", "TLBI_EL2_VAA",
		"TLBI_S2_IPA",
	};
	struct nestref_smmuv3_features f = feat(), ds = feat(), no_ril = feat();
	size_t i;

	ds.ds = true;
	no_ril.ril = false;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		const char *op = ops[i];

		ck_assert_int_eq(verdict(&f, mk(op, V(TG, 1), END)),
				 SMMU_CERROR_ILL);
		ck_assert_int_eq(verdict(&f, mk(op, V(TG, 3), END)),
				 SMMU_CERROR_ILL);
		ck_assert_int_eq(verdict(&f, mk(op, V(TG, 1), V(TTL, 3), END)),
				 SMMU_CERROR_NONE);
		ck_assert_int_eq(verdict(&f, mk(op, V(TG, 1), V(NUM, 1), END)),
				 SMMU_CERROR_NONE);
		ck_assert_int_eq(verdict(&f, mk(op, V(TG, 1), V(SCALE, 1),
						END)),
				 SMMU_CERROR_NONE);
		ck_assert_int_eq(verdict(&f, mk(op, V(TG, 2), V(TTL, 1), END)),
				 SMMU_CERROR_ILL);
		ck_assert_int_eq(verdict(&ds, mk(op, V(TG, 2), V(TTL, 1), END)),
				 SMMU_CERROR_NONE);
		ck_assert_int_eq(verdict(&f, mk(op, V(TG, 2), V(TTL, 1),
						V(NUM, 1), END)),
				 SMMU_CERROR_NONE);
		ck_assert_int_eq(verdict(&f, mk(op, V(TG, 1), V(SCALE, 0x20),
						END)),
				 SMMU_CERROR_ILL);
		ck_assert_int_eq(verdict(&ds, mk(op, V(TG, 1), V(SCALE, 0x20),
						 END)),
				 SMMU_CERROR_NONE);
		/* TG 0: NUM, SCALE, TTL are RES0 and ignored */
		ck_assert_int_eq(verdict(&f, mk(op, V(NUM, 3), V(TTL, 2), END)),
				 SMMU_CERROR_NONE);
		/* without RIL all four are RES0 */
		ck_assert_int_eq(verdict(&no_ril, mk(op, V(TG, 1), END)),
				 SMMU_CERROR_NONE);
	}
}
END_TEST

/* Any other RES0 bit is ignored (IHI 0070 4.1.5 allows either). */
START_TEST(test_res0_ignored)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = { tlb(5, 1, 0, 3, K4) };

	ck_assert_int_eq(verdict(&f, raw(0x30 | (0xffULL << 8), ~0ULL)),
			 SMMU_CERROR_NONE);
	ck_assert_int_eq(verdict(&f, raw(0x46 | (1ULL << 8), 0x3)),
			 SMMU_CERROR_NONE);
	/* NSNH_ALL with every RES0 bit set still invalidates */
	SCOPE_ALL(&f, raw(0x30 | 0xffffffff00000000ULL, ~0ULL), gone);
}
END_TEST

/* An illegal command has no effect (IHI 0070 7.1). */
START_TEST(test_ill_no_effect)
{
	struct nestref_smmuv3_features no_ats = feat();
	struct nestref_smmuv3_cmd c = mk("CFGI_STE", V(SID, 1), V(SSEC, 1),
					 END);
	const struct nestref_smmuv3_cache_entry e[] = { ste(1), atc(1, 0, 0x1000) };
	struct smmu_model *m;
	size_t n;

	no_ats.ats = false;
	m = model(&no_ats);
	ck_assert_int_eq(smmu_caches_fill(m, e, 2), 0);
	ck_assert_int_eq(run1(m, &c), SMMU_CERROR_ILL);
	smmu_cmdq_write_at_cons(m, &(struct nestref_smmuv3_cmd){ {
		NESTREF_SMMUV3_ATC_INV | (UINT64_C(1) << 32), 52 } });
	smmu_gerror_ack(m);
	ck_assert_int_eq(smmu_cmdq_consume(m), SMMU_CERROR_ILL);
	smmu_caches(m, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(smmu_counters(m)->removed[NESTREF_SMMUV3_CACHE_CFG], 0);
	ck_assert_uint_eq(smmu_counters(m)->removed[NESTREF_SMMUV3_CACHE_ATC], 0);
	smmu_model_free(m);
}
END_TEST

/* --------------------------------------------------- TLB: ALL, ASID */

/* IHI 0070 4.4.2.1: the VMID's entries, global and walk ones included. */
START_TEST(test_nh_all)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x1000, 3, K4), tlb(5, 2, MB(2), 2, K4),
		tlbg(5, GB(1), 1, K4), walk(tlb(5, 1, 0, 1, K4)),
		tlb(5, 0x12, 0x10000, 3, K64),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(9, 1, 0x1000, 3, K4), tlbg(9, GB(1), 1, K4),
		tlb(0x105, 1, 0x1000, 3, K4), ste(5), cd(5, 1),
		atc(5, 0, 0x1000),
	};

	SCOPE(&f, mk("TLBI_NH_ALL", V(VMID, 5), END), gone, kept);
}
END_TEST

/* IHI 0070 4.4: 8-bit VMIDs, upper byte set: need not affect anything. */
START_TEST(test_vmid8)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0x1000, 3, K4), tlbg(5, 0x2000, 3, K4),
	};
	const struct nestref_smmuv3_cache_entry gone[] = { kept[0], kept[1] };

	f.vmid16 = false;
	SCOPE_NOTHING(&f, mk("TLBI_NH_ALL", V(VMID, 0x105), END), kept);
	SCOPE_NOTHING(&f, mk("TLBI_NH_ASID", V(VMID, 0x105), V(ASID, 1), END),
		      kept);
	SCOPE_NOTHING(&f, mk("TLBI_NH_VAA", V(VMID, 0x105), V(ADDR, 0x1000),
			     END), kept);
	SCOPE_NOTHING(&f, mk("TLBI_S12_VMALL", V(VMID, 0x105), END), kept);
	SCOPE_ALL(&f, mk("TLBI_NH_ALL", V(VMID, 5), END), gone);
}
END_TEST

/* IHI 0070 4.4.2.2: non-global entries of VMID and ASID, every address. */
START_TEST(test_nh_asid)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 0x12, 0x1000, 3, K4), tlb(5, 0x12, GB(1), 1, K4),
		walk(tlb(5, 0x12, 0, 1, K4)), tlb(5, 0x12, 0x10000, 3, K64),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlbg(5, 0x1000, 3, K4), walk(tlbg(5, 0, 1, K4)),
		tlb(5, 0x13, 0x1000, 3, K4), tlb(9, 0x12, 0x1000, 3, K4),
		tlb(5, 0x1012, 0x1000, 3, K4),
	};

	/* ASID 0 is an ASID: global entries (which hold none) stay */
	const struct nestref_smmuv3_cache_entry gone0[] = { tlb(5, 0, 0x1000, 3, K4) };
	const struct nestref_smmuv3_cache_entry kept0[] = { tlbg(5, 0x1000, 3, K4) };

	SCOPE(&f, mk("TLBI_NH_ASID", V(VMID, 5), V(ASID, 0x12), END), gone,
	      kept);
	SCOPE(&f, mk("TLBI_NH_ASID", V(VMID, 5), V(ASID, 0), END), gone0,
	      kept0);
}
END_TEST

START_TEST(test_asid8)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 0x12, 0x1000, 3, K4), tlbg(5, 0x1000, 3, K4),
	};

	f.asid16 = false;
	SCOPE_NOTHING(&f, mk("TLBI_NH_ASID", V(VMID, 5), V(ASID, 0x112), END),
		      kept);
	/* NH_VA by an ASID with the RES0 byte set: not even global ones */
	SCOPE_NOTHING(&f, mk("TLBI_NH_VA", V(VMID, 5), V(ASID, 0x112),
			     V(ADDR, 0x1000), END), kept);
}
END_TEST

/* IHI 0070 4.4.3.2: VMALLS12E1, the VMID's entries at every stage. */
START_TEST(test_s12_vmall)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x1000, 3, K4), tlbg(5, 0x1000, 3, K4),
		walk(tlb(5, 1, 0, 2, K16)),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(6, 1, 0x1000, 3, K4), ste(1), atc(1, 0, 0x1000),
	};

	SCOPE(&f, mk("TLBI_S12_VMALL", V(VMID, 5), END), gone, kept);
}
END_TEST

/* IHI 0070 4.4.4.1: every NS non-EL2 TLB entry of every VMID; no cfg, atc. */
START_TEST(test_nsnh_all)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x1000, 3, K4), tlb(9, 1, 0x1000, 3, K4),
		tlbg(0, 0, 3, K4), walk(tlb(0xffff, 0xffff, 0, 1, K64)),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		ste(5), cd(5, 0), atc(5, 0, 0x1000), atcp(5, 1, 0, 0x1000),
	};

	SCOPE(&f, mk("TLBI_NSNH_ALL", END), gone, kept);
}
END_TEST

/* EL2 commands reach EL2 entries only; the model holds none. */
START_TEST(test_el2_nothing)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(0, 1, 0x1000, 3, K4), tlbg(0, 0x1000, 3, K4),
		tlb(5, 1, 0x1000, 3, K4), walk(tlb(0, 1, 0, 1, K4)),
	};

	SCOPE_NOTHING(&f, mk("TLBI_EL2_ALL", END), kept);
	SCOPE_NOTHING(&f, mk("TLBI_EL2_ASID", V(ASID, 1), END), kept);
	SCOPE_NOTHING(&f, mk("TLBI_EL2_VA", V(ASID, 1), V(ADDR, 0x1000), END),
		      kept);
	SCOPE_NOTHING(&f, mk("TLBI_EL2_VAA", V(ADDR, 0x1000), END), kept);
}
END_TEST

/* IHI 0070 4.4.3.1: S2_IPA need not touch combined stage 1+2 entries. */
START_TEST(test_s2_ipa_nothing)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0x1000, 3, K4), tlbg(5, 0x1000, 3, K4),
		walk(tlb(5, 1, 0, 1, K4)),
	};

	SCOPE_NOTHING(&f, mk("TLBI_S2_IPA", V(VMID, 5), V(ADDR, 0x1000), END),
		      kept);
	SCOPE_NOTHING(&f, mk("TLBI_S2_IPA", V(VMID, 5), V(ADDR, 0x0), V(TG, 1),
			     V(NUM, 31), V(SCALE, 20), END), kept);
}
END_TEST

/* ------------------------------------------------- TLB: by address */

/*
 * IHI 0070 4.4.2.4: NH_VA without a range hits every entry (any granule,
 * any level) whose page or block holds Address, of that ASID or global;
 * Leaf 0 also the table entries walked for it.
 */
START_TEST(test_nh_va_single)
{
	struct nestref_smmuv3_features f = feat();
	const uint64_t va = 0x40201000;
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 0x12, va, 3, K4),
		tlbg(5, va, 3, K4),
		tlb(5, 0x12, 0x40200000, 2, K4),   /* 2M block holding va */
		tlb(5, 0x12, GB(1), 1, K4),        /* 1G block holding va */
		tlb(5, 0x12, 0x40200000, 3, K64),  /* 64K page holding va */
		tlb(5, 0x12, 0x40000000, 2, K16),  /* 32M block holding va */
		walk(tlb(5, 0x12, GB(1), 1, K4)),
		walk(tlb(5, 0x12, 0x40200000, 2, K4)),
		walk(tlbg(5, 0, 1, K64)),          /* 4T table holding va */
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 0x13, va, 3, K4),           /* another ASID */
		tlb(9, 0x12, va, 3, K4),           /* another VMID */
		tlb(5, 0x12, va + 0x1000, 3, K4),  /* next page */
		tlb(5, 0x12, va - 0x1000, 3, K4),
		tlb(5, 0x12, 0x40400000, 2, K4),   /* next 2M block */
		walk(tlb(5, 0x12, GB(2), 1, K4)),
	};

	SCOPE(&f, mk("TLBI_NH_VA", V(VMID, 5), V(ASID, 0x12), V(ADDR, va),
		     END), gone, kept);
}
END_TEST

/* Leaf 1: last-level entries only (IHI 0070 4.4.2.3, 4.4.2.4). */
START_TEST(test_nh_va_leaf)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 0x12, 0x200000, 2, K4), tlb(5, 0x12, 0x201000, 3, K4),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		walk(tlb(5, 0x12, 0, 1, K4)), walk(tlb(5, 0x12, 0x200000, 2, K4)),
	};

	SCOPE(&f, mk("TLBI_NH_VA", V(VMID, 5), V(ASID, 0x12),
		     V(ADDR, 0x201000), V(LEAF, 1), END), gone, kept);
	SCOPE(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x201000), V(LEAF, 1),
		     END), gone, kept);
}
END_TEST

/* IHI 0070 4.4.2.3: NH_VAA, every ASID and global, that VMID. */
START_TEST(test_nh_vaa)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 0x12, 0x5000, 3, K4), tlb(5, 0x13, 0x5000, 3, K4),
		tlbg(5, 0x5000, 3, K4), walk(tlb(5, 7, 0, 2, K4)),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(9, 0x12, 0x5000, 3, K4), tlb(5, 0x12, 0x6000, 3, K4),
		tlbg(6, 0x5000, 3, K4),
	};

	SCOPE(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x5000), END), gone,
	      kept);
}
END_TEST

/*
 * IHI 0070 4.4.1.1 range: Address <= A < Address + (NUM+1) * 2^SCALE * 4K.
 * NUM 3, SCALE 0, TG 4K: [0x100000, 0x104000); TTL 0: any level.
 */
START_TEST(test_range_bounds)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x100000, 3, K4), tlb(5, 1, 0x103000, 3, K4),
		tlbg(5, 0x101000, 3, K4),
		tlb(5, 1, 0, 2, K4),               /* 2M block meets the range */
		walk(tlb(5, 1, 0, 1, K4)),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0xff000, 3, K4), tlb(5, 1, 0x104000, 3, K4),
		tlb(5, 2, 0x100000, 3, K4), tlb(4, 1, 0x100000, 3, K4),
		tlb(5, 1, 0x100000, 3, K64),       /* other granule */
		tlb(5, 1, 0, 2, K16),
	};

	SCOPE(&f, mk("TLBI_NH_VA", V(VMID, 5), V(ASID, 1), V(ADDR, 0x100000),
		     V(TG, 1), V(NUM, 3), END), gone, kept);
}
END_TEST

/* SCALE: NUM 0, SCALE 9, TG 4K is one 2M span; SCALE bit 25 needs DS. */
START_TEST(test_range_scale)
{
	struct nestref_smmuv3_features f = feat(), ds = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x200000, 2, K4), tlb(5, 1, 0x3ff000, 3, K4),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0x400000, 2, K4), tlb(5, 1, 0x1ff000, 3, K4),
	};
	/* SCALE 0x21 without DS reads as 1: [0x200000, 0x202000) */
	const struct nestref_smmuv3_cache_entry gone2[] = {
		tlb(5, 1, 0x200000, 3, K4), tlb(5, 1, 0x201000, 3, K4),
	};
	const struct nestref_smmuv3_cache_entry kept2[] = {
		tlb(5, 1, 0x202000, 3, K4),
	};
	/* with DS, SCALE 40 acts as 39: 2^51 bytes from 0 */
	const struct nestref_smmuv3_cache_entry gone3[] = {
		tlb(5, 1, (UINT64_C(1) << 51) - 0x1000, 3, K4),
	};
	const struct nestref_smmuv3_cache_entry kept3[] = {
		tlb(5, 1, UINT64_C(1) << 51, 3, K4),
	};

	ds.ds = true;
	SCOPE(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x200000), V(TG, 1),
		     V(SCALE, 9), END), gone, kept);
	SCOPE(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x200000), V(TG, 1),
		     V(SCALE, 0x21), END), gone2, kept2);
	SCOPE(&ds, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0), V(TG, 1),
		      V(SCALE, 40), END), gone3, kept3);
}
END_TEST

/* A range does not wrap past 2^64 (IHI 0070 4.4.1.1). */
START_TEST(test_range_no_wrap)
{
	struct nestref_smmuv3_features f = feat();
	const uint64_t top = UINT64_C(0xffffffffffff0000);
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, top, 3, K64),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0, 3, K64), tlb(5, 1, 0x10000, 3, K64),
	};

	SCOPE(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, top), V(TG, 3),
		     V(NUM, 31), V(SCALE, 31), END), gone, kept);
}
END_TEST

/*
 * TTL (IHI 0070 4.4.1.1): only leaf entries of that level; with Leaf 0 the
 * tables walked before it too, not those at or after it (the example
 * under the TTL table).  TTL 2, TG 4K, one granule at 2M.
 */
START_TEST(test_ttl)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x200000, 2, K4),        /* L2 block */
		walk(tlb(5, 1, 0, 1, K4)),         /* L1 table, walked before */
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0x200000, 3, K4),        /* L3 page */
		tlb(5, 1, 0, 1, K4),               /* L1 block */
		walk(tlb(5, 1, 0x200000, 2, K4)),  /* L2 table */
		tlb(5, 1, 0, 2, K64),              /* 512M block, other TG */
	};
	const struct nestref_smmuv3_cache_entry gone_leaf[] = {
		tlb(5, 1, 0x200000, 2, K4),
	};
	const struct nestref_smmuv3_cache_entry kept_leaf[] = {
		walk(tlb(5, 1, 0, 1, K4)), tlb(5, 1, 0x200000, 3, K4),
	};

	SCOPE(&f, mk("TLBI_NH_VA", V(VMID, 5), V(ASID, 1), V(ADDR, 0x200000),
		     V(TG, 1), V(TTL, 2), END), gone, kept);
	SCOPE(&f, mk("TLBI_NH_VA", V(VMID, 5), V(ASID, 1), V(ADDR, 0x200000),
		     V(TG, 1), V(TTL, 2), V(LEAF, 1), END), gone_leaf,
	      kept_leaf);
}
END_TEST

/* TTL 3: L3 pages only (and, Leaf 0, the L1 and L2 tables). */
START_TEST(test_ttl3)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x201000, 3, K4), tlb(5, 1, 0x202000, 3, K4),
		walk(tlb(5, 1, 0x200000, 2, K4)), walk(tlb(5, 1, 0, 1, K4)),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0x200000, 2, K4), tlb(5, 1, 0x203000, 3, K4),
		tlb(5, 1, 0x200000, 3, K4),
	};

	SCOPE(&f, mk("TLBI_NH_VA", V(VMID, 5), V(ASID, 1), V(ADDR, 0x201000),
		     V(TG, 1), V(TTL, 3), V(NUM, 1), END), gone, kept);
}
END_TEST

/*
 * A range whose Address is not aligned to the TTL level's block (the
 * granule when TTL is 0) invalidates an UNPREDICTABLE range: derived from
 * IHI 0070 4.4.1.1, the model removes nothing.
 */
START_TEST(test_range_unaligned)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0x201000, 3, K4), tlb(5, 1, 0x200000, 2, K4),
		tlb(5, 1, 0x200000, 3, K16), tlb(5, 1, 0, 2, K64),
	};

	SCOPE_NOTHING(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x201000),
			     V(TG, 1), V(TTL, 2), END), kept);
	SCOPE_NOTHING(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x201000),
			     V(TG, 2), V(NUM, 1), END), kept);
	SCOPE_NOTHING(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x201000),
			     V(TG, 3), V(TTL, 3), END), kept);
}
END_TEST

/*
 * TTL 1 with TG 16K and no DS is treated as TTL 0 (IHI 0070 4.4.1.1): a
 * two-granule range at any level.  With DS it is level 1 (64G blocks).
 */
START_TEST(test_ttl_16k_l1)
{
	struct nestref_smmuv3_features f = feat(), ds = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x4000, 3, K16), tlb(5, 1, 0x8000, 3, K16),
		tlb(5, 1, 0, 2, K16), walk(tlb(5, 1, 0, 1, K16)),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0xc000, 3, K16), tlb(5, 1, 0x4000, 3, K4),
	};
	const struct nestref_smmuv3_cache_entry gone_ds[] = {
		tlb(5, 1, 0, 1, K16),
	};
	const struct nestref_smmuv3_cache_entry kept_ds[] = {
		tlb(5, 1, 0, 2, K16), tlb(5, 1, 0x4000, 3, K16),
		walk(tlb(5, 1, 0, 1, K16)),
	};

	ds.ds = true;
	SCOPE(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x4000), V(TG, 2),
		     V(TTL, 1), V(NUM, 1), END), gone, kept);
	SCOPE(&ds, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0), V(TG, 2),
		      V(TTL, 1), END), gone_ds, kept_ds);
}
END_TEST

/* Without RIL the range fields are RES0: one address, any granule. */
START_TEST(test_no_ril)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		tlb(5, 1, 0x100000, 3, K4), tlb(5, 1, 0x100000, 3, K64),
		tlb(5, 1, 0, 2, K4),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0x101000, 3, K4), tlb(5, 1, 0x110000, 3, K64),
	};

	f.ril = false;
	SCOPE(&f, mk("TLBI_NH_VAA", V(VMID, 5), V(ADDR, 0x100000), V(TG, 1),
		     V(NUM, 15), V(TTL, 3), END), gone, kept);
}
END_TEST

/* ------------------------------------------------ configuration cache */

/* IHI 0070 4.3.1: the STE and every CD cached through it; Leaf aside. */
START_TEST(test_cfgi_ste)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		ste(0x1234), cd(0x1234, 0), cd(0x1234, 3),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		ste(0x1235), cd(0x1233, 3), atc(0x1234, 0, 0x1000),
		tlb(5, 1, 0, 3, K4),
	};

	SCOPE(&f, mk("CFGI_STE", V(SID, 0x1234), END), gone, kept);
	SCOPE(&f, mk("CFGI_STE", V(SID, 0x1234), V(LEAF, 1), END), gone,
	      kept);
}
END_TEST

/* IHI 0070 4.3.2: 2^(Range+1) StreamIDs, aligned, STEs and their CDs. */
START_TEST(test_cfgi_ste_range)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone0[] = {
		ste(0x10), ste(0x11), cd(0x11, 2),
	};
	const struct nestref_smmuv3_cache_entry kept0[] = { ste(0x0f), ste(0x12) };
	const struct nestref_smmuv3_cache_entry gone3[] = {
		ste(0x20), ste(0x2f), cd(0x25, 1),
	};
	const struct nestref_smmuv3_cache_entry kept3[] = { ste(0x1f), ste(0x30) };
	const struct nestref_smmuv3_cache_entry gone30[] = {
		ste(0x80000000), ste(0xffffffff),
	};
	const struct nestref_smmuv3_cache_entry kept30[] = { ste(0x7fffffff) };

	SCOPE(&f, mk("CFGI_STE_RANGE", V(SID, 0x11), V(RANGE, 0), END), gone0,
	      kept0);
	/* the low Range+1 bits of StreamID are ignored */
	SCOPE(&f, mk("CFGI_STE_RANGE", V(SID, 0x2b), V(RANGE, 3), END), gone3,
	      kept3);
	SCOPE(&f, mk("CFGI_STE_RANGE", V(SID, 0x80001234), V(RANGE, 30), END),
	      gone30, kept30);
}
END_TEST

/* IHI 0070 4.3.6: CFGI_ALL is Range 31: every STE and CD; no TLB, ATC. */
START_TEST(test_cfgi_all)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		ste(0), ste(0xffffffff), cd(7, 7), cd(0x1234, 0),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0, 3, K4), atc(7, 0, 0x1000),
	};

	SCOPE(&f, mk("CFGI_ALL", V(SID, 0x1234), END), gone, kept);
}
END_TEST

/* IHI 0070 4.3.3: one CD, that StreamID and SubstreamID; not the STE. */
START_TEST(test_cfgi_cd)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = { cd(0x1234, 3) };
	const struct nestref_smmuv3_cache_entry kept[] = {
		ste(0x1234), cd(0x1234, 0), cd(0x1234, 4), cd(0x1235, 3),
		cd(0x99, 3), atcp(0x1234, 3, 0, 0x1000),
	};
	const struct nestref_smmuv3_cache_entry gone0[] = { cd(0x1234, 0) };
	const struct nestref_smmuv3_cache_entry kept0[] = { ste(0x1234),
						     cd(0x1234, 3) };

	SCOPE(&f, mk("CFGI_CD", V(SID, 0x1234), V(SSID, 3), END), gone, kept);
	SCOPE(&f, mk("CFGI_CD", V(SID, 0x1234), V(SSID, 3), V(LEAF, 1), END),
	      gone, kept);
	/* SubstreamID 0 is the CD at index 0 (the only one without PASIDs) */
	SCOPE(&f, mk("CFGI_CD", V(SID, 0x1234), END), gone0, kept0);
}
END_TEST

/* An SSID beyond SSIDSIZE is out of range (IHI 0070 4.1.7): nothing. */
START_TEST(test_cfgi_cd_out_of_range)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry kept[] = { ste(1), cd(1, 0) };

	f.ssidsize = 0;
	SCOPE_NOTHING(&f, mk("CFGI_CD", V(SID, 1), V(SSID, 1), END), kept);
	f = feat();
	f.sidsize = 8;
	SCOPE_NOTHING(&f, mk("CFGI_STE", V(SID, 0x101), END), kept);
}
END_TEST

/* IHI 0070 4.3.4: every CD of the StreamID; not its STE, not others. */
START_TEST(test_cfgi_cd_all)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		cd(0x1234, 0), cd(0x1234, 3), cd(0x1234, 0xfffff),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		ste(0x1234), cd(0x1235, 3), ste(0x1235),
		atc(0x1234, 0, 0x1000), tlb(5, 3, 0, 3, K4),
	};

	SCOPE(&f, mk("CFGI_CD_ALL", V(SID, 0x1234), END), gone, kept);
}
END_TEST

/* ------------------------------------------------------------------ ATC */

/* IHI 0070 4.5.1: only StreamID's ATC; Size 0 is one aligned 4K span. */
START_TEST(test_atc_inv_sid)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		atc(0x1234, 0x5000, 0x1000),
		atc(0x1234, 0x4000, 0x4000),       /* 16K translation holding it */
		atcp(0x1234, 7, 0x5000, 0x1000),   /* SSV 0 reaches PASIDs too */
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		atc(0x1235, 0x5000, 0x1000), atc(0x99, 0x5000, 0x1000),
		atc(0x1234, 0x4000, 0x1000), atc(0x1234, 0x6000, 0x1000),
		ste(0x1234), cd(0x1234, 0), tlb(5, 1, 0x5000, 3, K4),
	};

	SCOPE(&f, mk("ATC_INV", V(SID, 0x1234), V(ADDR, 0x5000), END), gone,
	      kept);
}
END_TEST

/* Span 4096 * 2^Size, aligned to its size by the SMMU; Size 52 is all. */
START_TEST(test_atc_inv_size)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		atc(1, 0x10000, 0x1000), atc(1, 0x1f000, 0x1000),
		atc(1, 0, 0x100000),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		atc(1, 0xf000, 0x1000), atc(1, 0x20000, 0x1000),
	};
	const struct nestref_smmuv3_cache_entry all[] = {
		atc(1, 0, 0x1000), atc(1, UINT64_C(0xfffffffffffff000), 0x1000),
		atcp(1, 3, UINT64_C(1) << 62, UINT64_C(1) << 62),
	};
	const struct nestref_smmuv3_cache_entry other[] = { atc(2, 0, 0x1000) };

	/* Size 4: 64K; Address 0x17000 is taken as 0x10000 */
	SCOPE(&f, mk("ATC_INV", V(SID, 1), V(ADDR, 0x17000), V(SIZE, 4), END),
	      gone, kept);
	SCOPE(&f, mk("ATC_INV", V(SID, 1), V(ADDR, 0x17000), V(SIZE, 52),
		     END), all, other);
}
END_TEST

/*
 * SSV 1: only translations requested with that PASID; Global adds nothing
 * (IHI 0070 4.5.1, 3.9.1).  SSV 0 reaches every PASID (derived: PCIe ATS,
 * Linux arm_smmu_atc_inv_to_cmd).
 */
START_TEST(test_atc_inv_pasid)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry gone[] = {
		atcp(1, 7, 0x5000, 0x1000), atcp(1, 7, 0, 0x10000),
	};
	const struct nestref_smmuv3_cache_entry kept[] = {
		atc(1, 0x5000, 0x1000), atcp(1, 8, 0x5000, 0x1000),
		atcp(2, 7, 0x5000, 0x1000), atcp(1, 7, 0x6000, 0x1000),
	};
	const struct nestref_smmuv3_cache_entry gone0[] = {
		atc(1, 0x5000, 0x1000), atcp(1, 7, 0x5000, 0x1000),
		atcp(1, 8, 0x5000, 0x1000),
	};
	const struct nestref_smmuv3_cache_entry kept0[] = {
		atcp(2, 7, 0x5000, 0x1000), atcp(1, 7, 0x6000, 0x1000),
	};

	SCOPE(&f, mk("ATC_INV", V(SID, 1), V(SSV, 1), V(SSID, 7),
		     V(ADDR, 0x5000), END), gone, kept);
	SCOPE(&f, mk("ATC_INV", V(SID, 1), V(SSV, 1), V(SSID, 7),
		     V(GLOBAL, 1), V(ADDR, 0x5000), END), gone, kept);
	/* Global is IGNORED with SSV 0 */
	SCOPE(&f, mk("ATC_INV", V(SID, 1), V(GLOBAL, 1), V(SSID, 7),
		     V(ADDR, 0x5000), END), gone0, kept0);
}
END_TEST

/* SSV 1 without substreams, or an SSID beyond SSIDSIZE: nothing (4.1.7). */
START_TEST(test_atc_inv_ssid_range)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry kept[] = { atc(1, 0, 0x1000) };
	const struct nestref_smmuv3_cache_entry kept4[] = {
		atc(1, 0, 0x1000), atcp(1, 15, 0, 0x1000),
	};

	f.ssidsize = 0;
	SCOPE_NOTHING(&f, mk("ATC_INV", V(SID, 1), V(SSV, 1), V(SSID, 0),
			     V(SIZE, 52), END), kept);
	f.ssidsize = 4;
	SCOPE_NOTHING(&f, mk("ATC_INV", V(SID, 1), V(SSV, 1), V(SSID, 16),
			     V(SIZE, 52), END), kept4);
}
END_TEST

/* ------------------------------------------------- no cache effect */

START_TEST(test_no_effect)
{
	struct nestref_smmuv3_features f = feat();
	const struct nestref_smmuv3_cache_entry kept[] = {
		tlb(5, 1, 0x1000, 3, K4), tlbg(5, 0x1000, 3, K4), ste(1),
		cd(1, 0), atc(1, 0, 0x1000), atcp(1, 2, 0, 0x1000),
	};

	SCOPE_NOTHING(&f, mk("PREFETCH_CONFIG", V(SID, 1), END), kept);
	SCOPE_NOTHING(&f, mk("PREFETCH_ADDR", V(SID, 1), V(ADDR, 0x1000),
			     END), kept);
	SCOPE_NOTHING(&f, mk("CFGI_VMS_PIDM", V(VMID, 5), END), kept);
	SCOPE_NOTHING(&f, mk("PRI_RESP", V(SID, 1), V(RESP, 2), END), kept);
	SCOPE_NOTHING(&f, mk("RESUME", V(SID, 1), V(STAG, 3), END), kept);
	SCOPE_NOTHING(&f, mk("STALL_TERM", V(SID, 1), END), kept);
	SCOPE_NOTHING(&f, mk("SYNC", V(CS, 1), END), kept);
}
END_TEST

/* ------------------------------------------------------------ suite */

static Suite *suite(void)
{
	Suite *s = suite_create("smmu-model");
	TCase *tc;

	tc = tcase_create("queue");
	tcase_add_test(tc, test_new_args);
	tcase_add_test(tc, test_queue_empty_state);
	tcase_add_test(tc, test_queue_wrap);
	tcase_add_test(tc, test_queue_full);
	tcase_add_test(tc, test_queue_error_stops);
	tcase_add_test(tc, test_queue_skip_and_resume);
	tcase_add_test(tc, test_queue_ack_without_fix);
	tcase_add_test(tc, test_trace_and_counters);
	tcase_add_test(tc, test_tables);
	suite_add_tcase(s, tc);

	tc = tcase_create("evtq");
	tcase_add_test(tc, test_evtq_order_and_wrap);
	tcase_add_test(tc, test_evtq_full_overflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("caches");
	tcase_add_test(tc, test_fill_checks);
	tcase_add_test(tc, test_fill_all_or_nothing);
	tcase_add_test(tc, test_fill_limit);
	tcase_add_test(tc, test_caches_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("cerror");
	tcase_add_test(tc, test_ill_opcodes);
	tcase_add_test(tc, test_ill_ssec);
	tcase_add_test(tc, test_ill_atc_inv);
	tcase_add_test(tc, test_ill_sync_cs);
	tcase_add_test(tc, test_ill_pri_resp);
	tcase_add_test(tc, test_ill_tlbi_range);
	tcase_add_test(tc, test_res0_ignored);
	tcase_add_test(tc, test_ill_no_effect);
	suite_add_tcase(s, tc);

	tc = tcase_create("tlb");
	tcase_add_test(tc, test_nh_all);
	tcase_add_test(tc, test_vmid8);
	tcase_add_test(tc, test_nh_asid);
	tcase_add_test(tc, test_asid8);
	tcase_add_test(tc, test_s12_vmall);
	tcase_add_test(tc, test_nsnh_all);
	tcase_add_test(tc, test_el2_nothing);
	tcase_add_test(tc, test_s2_ipa_nothing);
	tcase_add_test(tc, test_nh_va_single);
	tcase_add_test(tc, test_nh_va_leaf);
	tcase_add_test(tc, test_nh_vaa);
	tcase_add_test(tc, test_range_bounds);
	tcase_add_test(tc, test_range_scale);
	tcase_add_test(tc, test_range_no_wrap);
	tcase_add_test(tc, test_ttl);
	tcase_add_test(tc, test_ttl3);
	tcase_add_test(tc, test_range_unaligned);
	tcase_add_test(tc, test_ttl_16k_l1);
	tcase_add_test(tc, test_no_ril);
	suite_add_tcase(s, tc);

	tc = tcase_create("cfg");
	tcase_add_test(tc, test_cfgi_ste);
	tcase_add_test(tc, test_cfgi_ste_range);
	tcase_add_test(tc, test_cfgi_all);
	tcase_add_test(tc, test_cfgi_cd);
	tcase_add_test(tc, test_cfgi_cd_out_of_range);
	tcase_add_test(tc, test_cfgi_cd_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("atc");
	tcase_add_test(tc, test_atc_inv_sid);
	tcase_add_test(tc, test_atc_inv_size);
	tcase_add_test(tc, test_atc_inv_pasid);
	tcase_add_test(tc, test_atc_inv_ssid_range);
	tcase_add_test(tc, test_no_effect);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(suite());
}

/* SPDX-License-Identifier: MIT */
/*
 * QEMU's SMMUv3 as a peer of the model (issue 15 point 2, docs/bench.md
 * section 12): the same physical command streams on QEMU's emulated
 * SMMUv3, driven through qtest without a guest, and on smmuv3-sim's
 * modelled SMMU alone (struct nestref_smmuv3_ops.execute, version 4).
 *
 * QEMU: `-M virt,iommu=smmuv3` with a nested SMMUv3 and edu devices at
 * slots 2 to 9 of bus 0, so StreamIDs 0x10 to 0x48 (StreamID = the
 * requester ID: bus << 8 | devfn, docs/kernel.md 5.2).  QEMU runs
 * a CFGI only for a StreamID that names a device behind its SMMU, and a
 * no-op otherwise: the streams name these devices.  The bench programs the
 * SMMU through qtest as a driver would (a linear stream table, the command
 * queue's base and size, CR0.SMMUEN and CMDQEN), writes each batch and a
 * CMD_SYNC into guest RAM, then writes CMDQ_PROD once: QEMU consumes the
 * whole queue inside that write (smmuv3_cmdq_consume in hw/arm/smmuv3.c).
 * The PROD write's round trip minus the round trip of a null write (the
 * same PROD value again, an empty queue) is QEMU's time; the null round
 * trip, qtest's own cost, is reported beside it and charged to nobody.
 *
 * The model: the same commands and a CMD_SYNC per batch through execute,
 * on a context with the default features (those of the sim rows).
 *
 * Behaviour: a few illegal or odd commands, one at a time, on QEMU (a
 * command error shows as GERROR.CMDQ_ERR, with CMDQ_CONS.ERR its code) and
 * on the model configured with QEMU's own ID registers (SIDSIZE,
 * SSIDSIZE, ATS, RIL, ASID16, VMID16 as QEMU reports them).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

#include "bench.h"

/* hw/arm/virt.c's memory map: VIRT_SMMU and the start of RAM. */
#define VIRT_SMMU 0x09050000ull
#define VIRT_RAM 0x40000000ull

/* SMMUv3 registers (Arm IHI 0070 6.3; kernel-facts 4.3). */
#define R_IDR0 0x00
#define R_IDR1 0x04
#define R_IDR3 0x0c
#define R_IDR5 0x14
#define R_CR0 0x20
#define R_CR0ACK 0x24
#define R_GERROR 0x60
#define R_GERRORN 0x64
#define R_STRTAB_BASE 0x80
#define R_STRTAB_BASE_CFG 0x88
#define R_CMDQ_BASE 0x90
#define R_CMDQ_PROD 0x98
#define R_CMDQ_CONS 0x9c
#define CR0_SMMUEN (1u << 0)
#define CR0_CMDQEN (1u << 3)
#define GERROR_CMDQ_ERR (1u << 0)
#define CONS_ERR(cons) (((cons) >> 24) & 0x7fu)

/* Guest RAM: the command queue (2^12 commands, 64 KiB), then a linear
 * stream table of 2^8 STEs of 64 bytes. */
#define CMDQ_LOG2 12u
#define CMDQ_ADDR VIRT_RAM
#define STRTAB_LOG2 8u
#define STRTAB_ADDR (VIRT_RAM + 0x100000ull)
#define STE_SIZE 64u
/* STE.V and STE.Config = bypass (0b100): a valid entry, no translation. */
#define STE_BYPASS 0x9ull

/* The first edu device's slot: 2, StreamID 0x10. */
#define EDU_FIRST_SLOT 2u
/* The VMID the host gives its guest (the sim's rows force the same). */
#define HOST_VMID 1u

struct qrun {
	struct bench_qtest *qt;
	uint32_t prod; /* CMDQ_PROD as written last: index and wrap bit */
	unsigned char *bytes; /* one batch as bytes, with its sync */
	size_t cap;
};

static uint32_t prod_add(uint32_t prod, size_t n)
{
	return (uint32_t)((prod + n) & ((2u << CMDQ_LOG2) - 1));
}

/* The host driver's CMD_SYNC: CS = SEV, MSH Inner Shareable, MSIAttr
 * write-back (kernel-facts 4.3), as the model's execute adds. */
static void cmd_sync(struct nestref_smmuv3_cmd *c)
{
	nestref_smmuv3_cmd_init(c, "SYNC");
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_CS, 2);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_MSH, 3);
	nestref_smmuv3_set(c, NESTREF_SMMUV3_F_MSIATTR, 0xf);
}

/* Puts n commands at the queue's PROD in guest RAM (in two pieces when
 * they wrap); returns the PROD value that publishes them. */
static int ring_put(struct qrun *r, const struct nestref_smmuv3_cmd *cmds,
		    size_t n, uint32_t *prod)
{
	uint32_t slots = 1u << CMDQ_LOG2;
	uint32_t at = r->prod & (slots - 1);
	size_t first = n < slots - at ? n : slots - at, i;
	int rc;

	if (n * 16 > r->cap) {
		unsigned char *grown = realloc(r->bytes, n * 16);

		if (!grown)
			return -ENOMEM;
		r->bytes = grown;
		r->cap = n * 16;
	}
	for (i = 0; i < n; i++)
		nestref_smmuv3_to_bytes(&cmds[i], r->bytes + 16 * i);
	rc = bench_qtest_write(r->qt, CMDQ_ADDR + 16ull * at, r->bytes,
			       first * 16);
	/* What did not fit before the queue's end goes to its start. */
	if (!rc && n - first)
		rc = bench_qtest_write(r->qt, CMDQ_ADDR, r->bytes + 16 * first,
				       (n - first) * 16);
	*prod = prod_add(r->prod, n);
	return rc;
}

static int smmu_writel(struct qrun *r, uint32_t reg, uint32_t v)
{
	return bench_qtest_writel(r->qt, VIRT_SMMU + reg, v);
}

static int smmu_readl(struct qrun *r, uint32_t reg, uint32_t *v)
{
	return bench_qtest_readl(r->qt, VIRT_SMMU + reg, v);
}

int bench_qemu_program(struct bench_qtest *qt, struct bench_qemu *q)
{
	static const uint32_t idr_regs[] = { R_IDR0, R_IDR1, 0x08, R_IDR3,
					     0x10, R_IDR5 };
	unsigned char ste[STE_SIZE] = { 0 };
	struct qrun r = { .qt = qt };
	uint32_t ack = 0;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < 6; i++)
		rc = smmu_readl(&r, idr_regs[i], &q->idr[i]);
	/* Disabled while it is set up (IHI 0070 6.3.9). */
	if (!rc)
		rc = smmu_writel(&r, R_CR0, 0);
	ste[0] = (unsigned char)STE_BYPASS;
	for (i = 0; !rc && i < q->n_devices; i++)
		rc = bench_qtest_write(qt, STRTAB_ADDR + (uint64_t)STE_SIZE * q->sids[i],
				       ste, sizeof(ste));
	if (!rc)
		rc = bench_qtest_writeq(qt, VIRT_SMMU + R_STRTAB_BASE,
					STRTAB_ADDR);
	/* LOG2SIZE in bits 5:0, FMT 0 (linear) in 17:16. */
	if (!rc)
		rc = smmu_writel(&r, R_STRTAB_BASE_CFG, STRTAB_LOG2);
	/* The base in bits 51:5, LOG2SIZE in 4:0. */
	if (!rc)
		rc = bench_qtest_writeq(qt, VIRT_SMMU + R_CMDQ_BASE,
					CMDQ_ADDR | CMDQ_LOG2);
	if (!rc)
		rc = smmu_writel(&r, R_CMDQ_PROD, 0);
	if (!rc)
		rc = smmu_writel(&r, R_CMDQ_CONS, 0);
	if (!rc)
		rc = smmu_writel(&r, R_CR0, CR0_SMMUEN | CR0_CMDQEN);
	if (!rc)
		rc = smmu_readl(&r, R_CR0ACK, &ack);
	if (rc)
		return rc;
	if ((ack & (CR0_SMMUEN | CR0_CMDQEN)) != (CR0_SMMUEN | CR0_CMDQEN)) {
		snprintf(qt->err, sizeof(qt->err),
			 "QEMU's SMMU did not enable: CR0ACK 0x%x after CR0 0x%x",
			 ack, CR0_SMMUEN | CR0_CMDQEN);
		return -EIO;
	}
	return 0;
}

/* The queue state after commands up to r->prod: every command consumed
 * and no command error; -EIO with the reason otherwise. */
static int check_drained(struct qrun *r)
{
	uint32_t cons = 0, gerror = 0, gerrorn = 0;
	int rc;

	rc = smmu_readl(r, R_CMDQ_CONS, &cons);
	if (!rc)
		rc = smmu_readl(r, R_GERROR, &gerror);
	if (!rc)
		rc = smmu_readl(r, R_GERRORN, &gerrorn);
	if (rc)
		return rc;
	if ((gerror ^ gerrorn) & GERROR_CMDQ_ERR) {
		snprintf(r->qt->err, sizeof(r->qt->err),
			 "QEMU raised a command error (CMDQ_CONS.ERR %u) at slot %u of a stream the model runs without one",
			 CONS_ERR(cons), cons & ((1u << CMDQ_LOG2) - 1));
		return -EIO;
	}
	if ((cons & ((2u << CMDQ_LOG2) - 1)) != r->prod) {
		snprintf(r->qt->err, sizeof(r->qt->err),
			 "QEMU left commands in its queue: CONS 0x%x, PROD 0x%x",
			 cons, r->prod);
		return -EIO;
	}
	return 0;
}

/* ------------------------------------------------------------ rows */

struct qstream {
	struct nestref_smmuv3_cmd *pool;
	size_t len, pos;
	struct nestref_smmuv3_cmd *batch; /* batch + 1: the sync */
	uint32_t n;
};

/* The next batch of the pool (cyclic), with the sync after it. */
static const struct nestref_smmuv3_cmd *stream_next(struct qstream *s)
{
	if (s->pos + s->n > s->len)
		s->pos = 0;
	memcpy(s->batch, s->pool + s->pos, s->n * sizeof(*s->batch));
	s->pos += s->n;
	return s->batch;
}

/* The round trips of one sample's batches, in ns. */
struct qtimes {
	double *prod, *null, *diff;
	size_t n, cap;
};

static int qtimes_add(struct qtimes *t, uint64_t prod, uint64_t null)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		double *p = realloc(t->prod, cap * sizeof(double));

		if (p)
			t->prod = p;
		p = p ? realloc(t->null, cap * sizeof(double)) : NULL;
		if (p)
			t->null = p;
		p = p ? realloc(t->diff, cap * sizeof(double)) : NULL;
		if (!p)
			return -ENOMEM;
		t->diff = p;
		t->cap = cap;
	}
	t->prod[t->n] = (double)prod;
	t->null[t->n] = (double)null;
	t->diff[t->n++] = (double)prod - (double)null;
	return 0;
}

static double median_of(const double *v, size_t n)
{
	struct bench_stats st;

	bench_stats_compute(v, n, &st);
	return st.median;
}

/* One QEMU batch: its commands into RAM (untimed), then PROD, then the
 * null write (the same PROD again: the queue is empty); both round trips
 * into t (NULL: warm-up). */
static int qemu_batch(struct qrun *r, struct qstream *s, struct qtimes *t)
{
	uint64_t t0, t1, t2;
	uint32_t prod;
	int rc;

	rc = ring_put(r, stream_next(s), s->n + 1, &prod);
	if (rc)
		return rc;
	t0 = bench_now_ns();
	rc = smmu_writel(r, R_CMDQ_PROD, prod);
	t1 = bench_now_ns();
	if (!rc)
		rc = smmu_writel(r, R_CMDQ_PROD, prod);
	t2 = bench_now_ns();
	r->prod = prod;
	if (!rc && t)
		rc = qtimes_add(t, t1 - t0, t2 - t1);
	return rc;
}

static void row_result(struct bench_result *res, const struct bench_spec *spec,
		       const char *backend)
{
	res->spec = *spec;
	res->spec.backend = backend;
}

static void row_fail(struct bench_result *res, const char *why)
{
	res->ok = false;
	snprintf(res->error, sizeof(res->error), "%.255s", why);
}

static void row_done(struct bench_result *res)
{
	bench_stats_compute(res->samples, res->n_samples, &res->st);
	res->ok = true;
}

/*
 * QEMU's samples.  Per sample, QEMU's time per batch is the median over
 * its batches of (PROD round trip - null round trip): a median, because
 * one round trip's outliers (two processes handing the socket to each
 * other on two CPUs) are as long as QEMU's whole time at small batches.
 */
static int measure_qemu(struct qrun *r, struct qstream *s,
			const struct bench_options *opts,
			struct bench_qemu_row *row)
{
	uint32_t reps = opts->quick ? 1 : opts->repetitions, k;
	uint64_t min_ns = (uint64_t)(opts->min_sample_ms * 1e6);
	uint64_t warm_ns = opts->quick ? 0 : (uint64_t)(opts->warmup_ms * 1e6);
	double *null_ns = calloc(reps, sizeof(double));
	double *prod_ns = calloc(reps, sizeof(double));
	struct qtimes t = { 0 };
	uint64_t start;
	uint32_t noisy = 0;
	double diff;
	int rc = 0;

	row->qemu.samples = calloc(reps, sizeof(double));
	if (!null_ns || !prod_ns || !row->qemu.samples) {
		rc = -ENOMEM;
		goto out;
	}
	start = bench_now_ns();
	while (!rc && bench_now_ns() - start < warm_ns)
		rc = qemu_batch(r, s, NULL);
	for (k = 0; !rc && k < reps; k++) {
		t.n = 0;
		start = bench_now_ns();
		do {
			rc = qemu_batch(r, s, &t);
		} while (!rc && bench_now_ns() - start < min_ns);
		if (!rc)
			rc = check_drained(r);
		if (rc)
			break;
		null_ns[k] = median_of(t.null, t.n);
		prod_ns[k] = median_of(t.prod, t.n);
		diff = median_of(t.diff, t.n);
		noisy += !(diff > 0);
		row->qemu.samples[k] = diff > 0 ? s->n * 1e9 / diff : NAN;
		row->qemu.ops_per_sample = t.n * s->n;
	}
	if (rc)
		goto out;
	row->rtt_null_ns = median_of(null_ns, reps);
	row->rtt_prod_ns = median_of(prod_ns, reps);
	if (noisy) {
		/* Not an error: the round trip's jitter hides QEMU's time. */
		row->qemu.not_measured = true;
		snprintf(row->qemu.error, sizeof(row->qemu.error),
			 "not measured: QEMU's time is within the noise of qtest's round trip in %u of %u samples (PROD %.0f ns, null %.0f ns per batch, medians)",
			 noisy, reps, row->rtt_prod_ns, row->rtt_null_ns);
		goto out;
	}
	row->qemu.n_samples = reps;
	row_done(&row->qemu);
out:
	free(t.prod);
	free(t.null);
	free(t.diff);
	free(null_ns);
	free(prod_ns);
	return rc;
}

static int measure_model(struct nestref_ctx *ctx,
			 const struct nestref_smmuv3_ops *ops,
			 struct qstream *s, const struct bench_options *opts,
			 struct bench_qemu_row *row)
{
	uint32_t reps = opts->quick ? 1 : opts->repetitions, k;
	uint64_t min_ns = (uint64_t)(opts->min_sample_ms * 1e6);
	uint64_t warm_ns = opts->quick ? 0 : (uint64_t)(opts->warmup_ms * 1e6);
	uint64_t start, elapsed, batches;
	int got = (int)s->n;

	row->model.samples = calloc(reps, sizeof(double));
	if (!row->model.samples)
		return -ENOMEM;
	start = bench_now_ns();
	while (got == (int)s->n && bench_now_ns() - start < warm_ns)
		got = ops->execute(ctx, stream_next(s), s->n, NULL);
	for (k = 0; got == (int)s->n && k < reps; k++) {
		batches = 0;
		start = bench_now_ns();
		do {
			got = ops->execute(ctx, stream_next(s), s->n, NULL);
			batches++;
			elapsed = bench_now_ns() - start;
		} while (got == (int)s->n && elapsed < min_ns);
		if (got != (int)s->n)
			break;
		row->model.samples[k] = (double)(batches * s->n) * 1e9 /
					(double)elapsed;
		row->model.ops_per_sample = batches * s->n;
	}
	if (got != (int)s->n) {
		snprintf(row->model.error, sizeof(row->model.error),
			 "the model's execute returned %d for a batch of %u it runs without an error",
			 got, s->n);
		return got < 0 ? got : -EIO;
	}
	row->model.n_samples = reps;
	row_done(&row->model);
	return 0;
}

/* The rows: cfgi-cd over batch sizes, the other mixes of the sim rows at
 * batch 64.  --quick: cfgi-cd at 256, where QEMU's time is well above the
 * round trip's jitter even in one short sample. */
static const struct {
	enum bench_mix mix;
	uint32_t batch;
} qemu_rows[] = {
	{ MIX_CFGI_CD, 1 },     { MIX_CFGI_CD, 16 },    { MIX_CFGI_CD, 64 },
	{ MIX_CFGI_CD, 256 },   { MIX_TLBI_NH_VA, 64 }, { MIX_UNMAP, 64 },
};

static int open_model(struct nestref_ctx **ctx,
		      const struct nestref_smmuv3_features *features,
		      char *err, size_t len)
{
	struct nestref_ctx_opts o = {
		.size = sizeof(o),
		.profile = NESTREF_PROFILE_LINUX_7_2,
		.backend = "smmuv3-sim",
		.ext_opts = features,
	};

	return nestref_ctx_new(ctx, &o, err, len);
}

/* The model's execute op, or NULL with err saying why. */
static const struct nestref_smmuv3_ops *model_ops(struct nestref_ctx *ctx,
						  char *err, size_t len)
{
	const struct nestref_smmuv3_ops *ops =
		nestref_ctx_ext(ctx, NESTREF_SMMUV3_EXT);

	if (!ops || ops->version < 4 || !ops->execute) {
		snprintf(err, len,
			 "smmuv3-sim has no execute op (struct nestref_smmuv3_ops version 4)");
		return NULL;
	}
	return ops;
}

static int run_rows(struct qrun *r, const struct bench_options *opts,
		    struct bench_qemu *q, struct bench_progress *prog)
{
	size_t n = opts->quick ? 1 : sizeof(qemu_rows) / sizeof(qemu_rows[0]);
	const struct nestref_smmuv3_ops *ops;
	struct nestref_ctx *ctx = NULL;
	struct qstream s = { 0 };
	size_t i;
	int rc;

	q->rows = calloc(n, sizeof(*q->rows));
	if (!q->rows)
		return -ENOMEM;
	q->n_rows = n;
	rc = open_model(&ctx, NULL, r->qt->err, sizeof(r->qt->err));
	if (rc)
		return rc;
	ops = model_ops(ctx, r->qt->err, sizeof(r->qt->err));
	if (!ops) {
		nestref_ctx_free(ctx);
		return -EOPNOTSUPP;
	}
	for (i = 0; !rc && i < n; i++) {
		struct bench_qemu_row *row = &q->rows[i];
		struct bench_spec spec = {
			.kind = BENCH_QEMU_SMMU,
			.profile = NESTREF_PROFILE_LINUX_7_2,
			.mix = opts->quick ? MIX_CFGI_CD : qemu_rows[i].mix,
			.batch = opts->quick ? 256 : qemu_rows[i].batch,
			.populated = (uint32_t)q->n_devices,
			.working_set = (uint32_t)q->n_devices,
		};

		row->mix = spec.mix;
		row->batch = spec.batch;
		row_result(&row->qemu, &spec, "qemu");
		row_result(&row->model, &spec, "smmuv3-sim");
		bench_progress(prog, "qemu-smmu %s batch %u",
			       bench_mix_name(spec.mix), spec.batch);
		free(s.pool);
		free(s.batch);
		s = (struct qstream){ .n = spec.batch };
		rc = bench_pool_physical(&spec, q->sids, (uint32_t)q->n_devices,
					 HOST_VMID, &s.pool, &s.len);
		s.batch = rc ? NULL : calloc(spec.batch + 1, sizeof(*s.batch));
		if (!rc && !s.batch)
			rc = -ENOMEM;
		if (rc) {
			snprintf(r->qt->err, sizeof(r->qt->err),
				 "out of memory for the command pool");
			break;
		}
		cmd_sync(&s.batch[spec.batch]);
		rc = measure_qemu(r, &s, opts, row);
		if (rc) {
			row_fail(&row->qemu, r->qt->err);
			break;
		}
		if (measure_model(ctx, ops, &s, opts, row)) {
			row->model.ok = false;
			snprintf(r->qt->err, sizeof(r->qt->err), "%s",
				 row->model.error);
			rc = -EIO;
		}
	}
	free(s.pool);
	free(s.batch);
	nestref_ctx_free(ctx);
	return rc;
}

/* ------------------------------------------------------------ behaviour */

static void check_add(struct bench_qemu *q, const char *name,
		      const struct nestref_smmuv3_cmd *cmd)
{
	struct bench_qemu_check *c = &q->checks[q->n_checks++];

	c->name = name;
	c->cmd = *cmd;
}

/* The odd commands: each names the first edu device where it names one. */
static void checks_build(struct bench_qemu *q)
{
	struct nestref_smmuv3_cmd c;
	uint32_t sid = q->sids[0];

	c = (struct nestref_smmuv3_cmd){ .dw = { 0x8f, 0 } };
	check_add(q, "unknown opcode 0x8f", &c);
	nestref_smmuv3_cmd_init(&c, "TLBI_EL3_ALL");
	check_add(q, "TLBI_EL3_ALL (EL3, not for the Non-secure queue)", &c);
	nestref_smmuv3_cmd_init(&c, "SYNC");
	check_add(q, "CMD_SYNC CS=0 (none)", &c);
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_CS, 1);
	check_add(q, "CMD_SYNC CS=1 (IRQ)", &c);
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_CS, 3);
	check_add(q, "CMD_SYNC CS=3 (reserved)", &c);
	nestref_smmuv3_cmd_init(&c, "CFGI_CD");
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_SID, sid);
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_SSEC, 1);
	check_add(q, "CFGI_CD with SSec=1", &c);
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_SSEC, 0);
	c.dw[0] |= 1u << 8; /* dw0[9:8] is RES0 in CFGI_CD */
	check_add(q, "CFGI_CD with reserved dw0 bit 8", &c);
	nestref_smmuv3_cmd_init(&c, "CFGI_STE");
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_SID, 1u << 16);
	check_add(q, "CFGI_STE, SID beyond SIDSIZE (0x10000)", &c);
	nestref_smmuv3_cmd_init(&c, "CFGI_CD");
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_SID, sid + 1);
	check_add(q, "CFGI_CD, SID of no device", &c);
	nestref_smmuv3_cmd_init(&c, "ATC_INV");
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_SID, sid);
	check_add(q, "ATC_INV with ATS off", &c);
	nestref_smmuv3_cmd_init(&c, "TLBI_NH_VA");
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_ASID, 1);
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_TG, 1);
	check_add(q, "TLBI_NH_VA, TG set with NUM, SCALE, TTL 0", &c);
	nestref_smmuv3_cmd_init(&c, "PRI_RESP");
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_SID, sid);
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_RESP, 3);
	check_add(q, "PRI_RESP Resp=3 (reserved)", &c);
	nestref_smmuv3_cmd_init(&c, "TLBI_S12_VMALL");
	nestref_smmuv3_set(&c, NESTREF_SMMUV3_F_VMID, HOST_VMID);
	check_add(q, "TLBI_S12_VMALL (legal)", &c);
	nestref_smmuv3_cmd_init(&c, "CFGI_ALL");
	check_add(q, "CFGI_ALL (legal)", &c);
}

/* One command alone on QEMU: its CMDQ_CONS.ERR, the error acknowledged
 * and the command skipped (CONS moved past it) so the queue is clean. */
static int qemu_check(struct qrun *r, struct bench_qemu_check *c)
{
	uint32_t prod = r->prod, cons = 0, gerror = 0, gerrorn = 0;
	int rc;

	rc = ring_put(r, &c->cmd, 1, &prod);
	if (!rc)
		rc = smmu_writel(r, R_CMDQ_PROD, prod);
	r->prod = prod;
	if (!rc)
		rc = smmu_readl(r, R_GERROR, &gerror);
	if (!rc)
		rc = smmu_readl(r, R_GERRORN, &gerrorn);
	if (!rc)
		rc = smmu_readl(r, R_CMDQ_CONS, &cons);
	if (rc)
		return rc;
	c->qemu_cerror = 0;
	if ((gerror ^ gerrorn) & GERROR_CMDQ_ERR) {
		c->qemu_cerror = CONS_ERR(cons);
		rc = smmu_writel(r, R_CMDQ_CONS, prod);
		if (!rc)
			rc = smmu_writel(r, R_GERRORN, gerror);
		if (rc)
			return rc;
	}
	return check_drained(r);
}

/* The model with QEMU's ID registers (IHI 0070 6.3.1 to 6.3.6). */
static void qemu_features(const struct bench_qemu *q,
			  struct nestref_smmuv3_features *f)
{
	nestref_smmuv3_features_default(f);
	f->sidsize = q->idr[1] & 0x3f;
	f->ssidsize = (q->idr[1] >> 6) & 0x1f;
	f->ats = (q->idr[0] >> 10) & 1;
	f->asid16 = (q->idr[0] >> 12) & 1;
	f->vmid16 = (q->idr[0] >> 18) & 1;
	f->ril = (q->idr[3] >> 10) & 1;
}

static int run_checks(struct qrun *r, struct bench_qemu *q)
{
	struct nestref_smmuv3_features f;
	const struct nestref_smmuv3_ops *ops;
	struct nestref_ctx *ctx = NULL;
	size_t i;
	int rc, got;

	qemu_features(q, &f);
	checks_build(q);
	rc = open_model(&ctx, &f, r->qt->err, sizeof(r->qt->err));
	if (rc)
		return rc;
	ops = model_ops(ctx, r->qt->err, sizeof(r->qt->err));
	rc = ops ? 0 : -EOPNOTSUPP;
	for (i = 0; !rc && i < q->n_checks; i++) {
		struct bench_qemu_check *c = &q->checks[i];

		rc = qemu_check(r, c);
		if (rc)
			break;
		got = ops->execute(ctx, &c->cmd, 1, &c->model_cerror);
		if (got < 0) {
			snprintf(r->qt->err, sizeof(r->qt->err),
				 "the model's execute failed on '%s': %s",
				 c->name, strerror(-got));
			rc = got;
			break;
		}
		c->measured = true;
	}
	nestref_ctx_free(ctx);
	return rc;
}

/* ------------------------------------------------------------ the run */

int bench_qemu_run_on(struct bench_qtest *qt, const struct bench_options *opts,
		      struct bench_qemu *q, struct bench_progress *prog)
{
	struct qrun r = { .qt = qt };
	int rc;

	rc = bench_qemu_program(qt, q);
	if (!rc)
		rc = run_rows(&r, opts, q, prog);
	if (!rc)
		rc = run_checks(&r, q);
	free(r.bytes);
	return rc;
}

size_t bench_qemu_run(const struct bench_options *opts, struct bench_qemu *q,
		      struct bench_progress *prog)
{
	char *argv[64], devs[BENCH_QEMU_DEVICES][32];
	struct bench_qtest qt = { .pid = -1, .fd = -1, .log = -1 };
	size_t a = 0, i;
	int rc;

	q->status = "not-measured";
	if (bench_qemu_locate(&q->where)) {
		snprintf(q->reason, sizeof(q->reason), "%s", q->where.reason);
		return 0;
	}
	argv[a++] = q->where.qemu;
	argv[a++] = "-M";
	argv[a++] = "virt,iommu=smmuv3,gic-version=3";
	argv[a++] = "-global";
	argv[a++] = "arm-smmuv3.stage=nested";
	argv[a++] = "-accel";
	argv[a++] = "qtest";
	argv[a++] = "-qtest";
	argv[a++] = "stdio";
	argv[a++] = "-qtest-log";
	argv[a++] = "/dev/null";
	argv[a++] = "-display";
	argv[a++] = "none";
	argv[a++] = "-nodefaults";
	argv[a++] = "-m";
	argv[a++] = "64M";
	q->n_devices = opts->quick ? 2 : BENCH_QEMU_DEVICES;
	for (i = 0; i < q->n_devices; i++) {
		uint32_t slot = EDU_FIRST_SLOT + (uint32_t)i;

		/* StreamID = requester ID = devfn on bus 0. */
		q->sids[i] = slot << 3;
		snprintf(devs[i], sizeof(devs[i]), "edu,addr=%02x.0", slot);
		argv[a++] = "-device";
		argv[a++] = devs[i];
	}
	argv[a] = NULL;
	bench_progress(prog, "qemu-smmu: starting %s", q->where.qemu);
	rc = bench_qtest_start(&qt, q->where.root, argv);
	if (!rc)
		rc = bench_qemu_run_on(&qt, opts, q, prog);
	bench_qtest_stop(&qt);
	if (rc) {
		q->status = "failed";
		snprintf(q->reason, sizeof(q->reason), "%s", qt.err);
		return 1;
	}
	q->status = "ok";
	q->reason[0] = '\0';
	return 0;
}

void bench_qemu_free(struct bench_qemu *q)
{
	size_t i;

	for (i = 0; i < q->n_rows; i++) {
		free(q->rows[i].qemu.samples);
		free(q->rows[i].model.samples);
	}
	free(q->rows);
	q->rows = NULL;
	q->n_rows = 0;
}

/* ------------------------------------------------------------ report */

static const char *cerror_name(uint32_t e)
{
	static const char *const names[] = { "none", "ILL", "ABT",
					     "ATC_INV_SYNC" };

	return e < 4 ? names[e] : "?";
}

void bench_report_qemu(FILE *out, const struct bench_qemu *q)
{
	size_t i;

	fputc('\n', out);
	if (strcmp(q->status, "ok") != 0) {
		fprintf(out, "qemu-smmu: %s: %s\n", q->status, q->reason);
		return;
	}
	fprintf(out,
		"qemu-smmu: QEMU's SMMUv3 (qtest, %s%s%s) against the model alone, %zu edu devices (StreamIDs 0x%x-0x%x); medians\n",
		strcmp(q->where.root, "/") ? q->where.root : "",
		strcmp(q->where.root, "/") ? ": " : "", q->where.qemu,
		q->n_devices, q->sids[0], q->sids[q->n_devices - 1]);
	fprintf(out, "  %-10s %5s %10s %5s %10s %5s %10s %9s %9s\n", "mix",
		"batch", "QEMU M/s", "CV%", "model M/s", "CV%", "model/QEMU",
		"null us", "PROD us");
	for (i = 0; i < q->n_rows; i++) {
		const struct bench_qemu_row *r = &q->rows[i];

		fprintf(out,
			"  %-10s %5u %10.2f %5.1f %10.2f %5.1f %10.2f %9.2f %9.2f\n",
			bench_mix_name(r->mix), r->batch,
			r->qemu.ok ? r->qemu.st.median / 1e6 : NAN,
			r->qemu.ok ? 100 * r->qemu.st.cv : NAN,
			r->model.ok ? r->model.st.median / 1e6 : NAN,
			r->model.ok ? 100 * r->model.st.cv : NAN,
			bench_ratio_of(&r->model, &r->qemu),
			r->rtt_null_ns / 1e3, r->rtt_prod_ns / 1e3);
	}
	fprintf(out,
		"  M/s: millions of commands per second, QEMU's = the PROD write's round trip minus the null write's (null us, qtest's own)\n");
	for (i = 0; i < q->n_rows; i++)
		if (!q->rows[i].qemu.ok)
			fprintf(out, "  %s batch %u: %s\n",
				bench_mix_name(q->rows[i].mix),
				q->rows[i].batch, q->rows[i].qemu.error);
	fprintf(out,
		"  behaviour: command error (CMDQ_CONS.ERR) on QEMU and on the model with QEMU's ID registers\n");
	for (i = 0; i < q->n_checks; i++) {
		const struct bench_qemu_check *c = &q->checks[i];

		if (!c->measured)
			continue;
		fprintf(out, "  %-50s %-5s %-5s %s\n", c->name,
			cerror_name(c->qemu_cerror),
			cerror_name(c->model_cerror),
			c->qemu_cerror == c->model_cerror ? "agree" :
							    "DISAGREE");
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * nestref-bench's qemu-smmu kind without QEMU (issue 15 point 2): the
 * qtest protocol against a fake peer (tests/qtest-fake.sh), which logs
 * every line it gets, so the exact lines that program the SMMU are
 * checked here; its answers, failures, silence and death; base64; and
 * the model's side, struct nestref_smmuv3_ops.execute (version 4).
 * tests/bench-qemu.sh runs the real QEMU where there is one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

#include "bench/bench.h"
#include "check-helpers.h"

static char fake_log[64];

/* Starts the fake in mode; its log is fake_log, empty. */
static void fake_start(struct bench_qtest *qt, const char *mode)
{
	const char *srcdir = getenv("top_srcdir");
	char script[1024];
	char *argv[] = { "/bin/sh", script, fake_log, (char *)mode, NULL };
	int fd;

	snprintf(script, sizeof(script), "%s/tests/qtest-fake.sh",
		 srcdir ? srcdir : ".");
	snprintf(fake_log, sizeof(fake_log), "/tmp/nestref-qtest-log-XXXXXX");
	fd = mkstemp(fake_log);
	ck_assert_int_ge(fd, 0);
	close(fd);
	*qt = (struct bench_qtest){ .timeout_ms = 5000 };
	ck_assert_int_eq(bench_qtest_start(qt, NULL, argv), 0);
	ck_assert_int_gt(qt->pid, 0);
}

/* The fake's log, read whole (the caller frees it), then removed. */
static char *fake_lines(void)
{
	FILE *f = fopen(fake_log, "r");
	char *text = calloc(1, 1 << 16);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(text);
	n = fread(text, 1, (1 << 16) - 1, f);
	text[n] = '\0';
	fclose(f);
	unlink(fake_log);
	return text;
}

START_TEST(answers_are_parsed)
{
	struct bench_qtest qt;
	uint32_t v = 0;
	char *lines;

	fake_start(&qt, "ok");
	ck_assert_int_eq(bench_qtest_readl(&qt, 0x9050000, &v), 0);
	ck_assert_uint_eq(v, 0x0d44101b);
	ck_assert_int_eq(bench_qtest_writel(&qt, 0x9050020, 9), 0);
	ck_assert_int_eq(bench_qtest_readl(&qt, 0x9050024, &v), 0);
	ck_assert_uint_eq(v, 9);
	ck_assert_int_eq(bench_qtest_write(&qt, 0x40000000,
					   (const unsigned char *)"foo", 3),
			 0);
	bench_qtest_stop(&qt);
	ck_assert_int_eq(qt.pid, -1);
	bench_qtest_stop(&qt); /* twice is harmless */
	lines = fake_lines();
	ck_assert_str_eq(lines, "readl 0x9050000\n"
				"writel 0x9050020 0x9\n"
				"readl 0x9050024\n"
				"b64write 0x40000000 0x3 Zm9v\n");
	free(lines);
}
END_TEST

START_TEST(unasked_irq_lines_are_skipped)
{
	struct bench_qtest qt;
	uint32_t v = 0;

	fake_start(&qt, "irq");
	ck_assert_int_eq(bench_qtest_readl(&qt, 0x9050004, &v), 0);
	ck_assert_uint_eq(v, 0x02730010);
	ck_assert_int_eq(bench_qtest_writel(&qt, 0x9050020, 1), 0);
	bench_qtest_stop(&qt);
	free(fake_lines());
}
END_TEST

START_TEST(fail_answers_are_errors)
{
	struct bench_qtest qt;
	uint32_t v = 0;

	fake_start(&qt, "fail");
	ck_assert_int_eq(bench_qtest_readl(&qt, 0x9050000, &v), -EIO);
	ck_assert_msg(strstr(qt.err, "answered 'FAIL' to 'readl 0x9050000'"),
		      "%s", qt.err);
	bench_qtest_stop(&qt);
	free(fake_lines());
}
END_TEST

START_TEST(a_silent_peer_times_out_and_is_killed)
{
	struct bench_qtest qt;
	uint64_t t0;

	fake_start(&qt, "hang");
	qt.timeout_ms = 200;
	t0 = bench_now_ns();
	ck_assert_int_eq(bench_qtest_writel(&qt, 0x9050098, 1), -ETIMEDOUT);
	ck_assert_msg(strstr(qt.err, "did not answer 'writel 0x9050098 0x1' within 200 ms"),
		      "%s", qt.err);
	bench_qtest_stop(&qt);
	ck_assert_int_eq(qt.pid, -1);
	/* The timeout and the TERM, not the fake's 30 s sleep. */
	ck_assert_uint_lt(bench_now_ns() - t0, 5000000000ull);
	free(fake_lines());
}
END_TEST

START_TEST(a_dead_peer_is_reaped_and_says_why)
{
	struct bench_qtest qt;

	fake_start(&qt, "die");
	ck_assert_int_eq(bench_qtest_writel(&qt, 0x9050098, 1), -EPIPE);
	ck_assert_msg(strstr(qt.err, "ended (exit 3)") &&
			      strstr(qt.err, "qtest-fake: dying as asked"),
		      "%s", qt.err);
	ck_assert_int_eq(qt.pid, -1);
	ck_assert_int_eq(bench_qtest_writel(&qt, 0x9050020, 0), -EPIPE);
	bench_qtest_stop(&qt);
	free(fake_lines());
}
END_TEST

START_TEST(a_missing_program_is_said)
{
	struct bench_qtest qt = { .timeout_ms = 5000 };
	char *argv[] = { "/nonexistent/qemu-system-aarch64", NULL };
	uint32_t v;

	ck_assert_int_eq(bench_qtest_start(&qt, NULL, argv), 0);
	ck_assert_int_eq(bench_qtest_readl(&qt, 0x9050000, &v), -EPIPE);
	ck_assert_msg(strstr(qt.err, "exit 127") &&
			      strstr(qt.err, "cannot run /nonexistent"),
		      "%s", qt.err);
	bench_qtest_stop(&qt);
}
END_TEST

START_TEST(the_smmu_is_programmed_as_a_driver_would)
{
	struct bench_qemu q = { .n_devices = 2, .sids = { 0x10, 0x18 } };
	struct bench_qtest qt;
	char *lines;

	fake_start(&qt, "ok");
	ck_assert_int_eq(bench_qemu_program(&qt, &q), 0);
	bench_qtest_stop(&qt);
	ck_assert_uint_eq(q.idr[0], 0x0d44101b);
	ck_assert_uint_eq(q.idr[1], 0x02730010);
	ck_assert_uint_eq(q.idr[3], 0x400);
	lines = fake_lines();
	/* IDR0-5; CR0 off; bypass STEs (V, Config 0b100) at STRTAB + 64 *
	 * SID; STRTAB_BASE, _CFG (log2 8, linear); CMDQ_BASE (log2 12),
	 * PROD, CONS; CR0 = SMMUEN | CMDQEN; CR0ACK. */
	ck_assert_str_eq(lines,
		"readl 0x9050000\nreadl 0x9050004\nreadl 0x9050008\n"
		"readl 0x905000c\nreadl 0x9050010\nreadl 0x9050014\n"
		"writel 0x9050020 0x0\n"
		"b64write 0x40100400 0x40 CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n"
		"b64write 0x40100600 0x40 CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n"
		"writeq 0x9050080 0x40100000\n"
		"writel 0x9050088 0x8\n"
		"writeq 0x9050090 0x4000000c\n"
		"writel 0x9050098 0x0\n"
		"writel 0x905009c 0x0\n"
		"writel 0x9050020 0x9\n"
		"readl 0x9050024\n");
	free(lines);
}
END_TEST

START_TEST(a_run_on_the_fake_rings_prod_once_per_batch)
{
	struct bench_options opts = { .quick = true, .repetitions = 1,
				      .min_sample_ms = 1 };
	struct bench_qemu q = { .n_devices = 2, .sids = { 0x10, 0x18 } };
	struct bench_qtest qt;
	static unsigned long prod[4097];
	size_t i, prods = 0, batches;
	char *lines, *p;

	fake_start(&qt, "ok");
	ck_assert_int_eq(bench_qemu_run_on(&qt, &opts, &q, NULL), 0);
	bench_qtest_stop(&qt);
	ck_assert_uint_eq(q.n_rows, 1);
	ck_assert_uint_eq(q.rows[0].batch, 256);
	ck_assert(q.rows[0].model.ok);
	ck_assert(q.rows[0].model.st.median > 0);
	/* The fake refuses nothing; the model knows an unknown opcode. */
	ck_assert_uint_ge(q.n_checks, 10);
	for (i = 0; i < q.n_checks; i++)
		ck_assert_uint_eq(q.checks[i].qemu_cerror, 0);
	ck_assert_str_eq(q.checks[0].name, "unknown opcode 0x8f");
	ck_assert_uint_eq(q.checks[0].model_cerror, 1);
	lines = fake_lines();
	/* Programming writes PROD once, each check once, each batch twice
	 * with the same value (PROD, then the null write): 256 commands and
	 * a sync further on each time. */
	for (p = lines; (p = strstr(p, "writel 0x9050098 ")); p++)
		prod[prods < 4096 ? prods++ : prods] =
			strtoul(p + strlen("writel 0x9050098 "), NULL, 0);
	batches = (prods - 1 - q.n_checks) / 2;
	ck_assert_uint_gt(batches, 0);
	ck_assert_uint_eq(prods, 1 + 2 * batches + q.n_checks);
	for (i = 0; i < batches; i++) {
		ck_assert_uint_eq(prod[1 + 2 * i], prod[2 + 2 * i]);
		ck_assert_uint_eq(prod[1 + 2 * i],
				  (prod[2 * i] + 257) & 0x1fff);
	}
	free(lines);
	bench_qemu_free(&q);
}
END_TEST

START_TEST(base64_is_rfc_4648)
{
	static const struct {
		const char *in, *out;
	} v[] = { { "", "" },	       { "f", "Zg==" },
		  { "fo", "Zm8=" },    { "foo", "Zm9v" },
		  { "foob", "Zm9vYg==" }, { "foobar", "Zm9vYmFy" } };
	char out[16];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		bench_base64((const unsigned char *)v[i].in, strlen(v[i].in),
			     out);
		ck_assert_str_eq(out, v[i].out);
	}
}
END_TEST

/* ------------------------------------------------------------ execute */

static const struct nestref_smmuv3_ops *sim_ops(struct nestref_ctx *ctx)
{
	const struct nestref_smmuv3_ops *ops =
		nestref_ctx_ext(ctx, NESTREF_SMMUV3_EXT);

	ck_assert_ptr_nonnull(ops);
	ck_assert_uint_ge(ops->version, 4);
	ck_assert_ptr_nonnull(ops->execute);
	return ops;
}

START_TEST(execute_runs_physical_commands_on_the_model)
{
	struct nestref_ctx *ctx = ctx_open("smmuv3-sim",
					   NESTREF_PROFILE_LINUX_7_2);
	const struct nestref_smmuv3_ops *ops = sim_ops(ctx);
	struct nestref_smmuv3_cmd cmds[3], *big;
	const struct nestref_smmuv3_cmd *issued;
	uint32_t cerror = 99;
	size_t n, i;

	for (i = 0; i < 3; i++) {
		nestref_smmuv3_cmd_init(&cmds[i], "CFGI_CD");
		nestref_smmuv3_set(&cmds[i], NESTREF_SMMUV3_F_SID, 0x10 + i);
	}
	nestref_smmuv3_issued_clear(ctx);
	ck_assert_int_eq(ops->execute(ctx, cmds, 3, &cerror), 3);
	ck_assert_uint_eq(cerror, 0);
	/* As written: the SIDs untouched, then the sync. */
	ck_assert_int_eq(nestref_smmuv3_issued(ctx, &issued, &n), 0);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(issued[i].dw[0], cmds[i].dw[0]);
	ck_assert_uint_eq(nestref_smmuv3_opcode(&issued[3]),
			  NESTREF_SMMUV3_SYNC);

	/* A refused command is skipped; the rest run. */
	cmds[1] = (struct nestref_smmuv3_cmd){ .dw = { 0x8f, 0 } };
	ck_assert_int_eq(ops->execute(ctx, cmds, 3, &cerror), 2);
	ck_assert_uint_eq(cerror, 1);
	ck_assert_int_eq(ops->execute(ctx, cmds, 1, NULL), 1);
	ck_assert_int_eq(ops->execute(ctx, cmds, 0, &cerror), 0);
	ck_assert_uint_eq(cerror, 0);

	/* More than the queue holds goes in chunks. */
	big = calloc(100000, sizeof(*big));
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 100000; i++)
		big[i] = cmds[0];
	ck_assert_int_eq(ops->execute(ctx, big, 100000, &cerror), 100000);
	ck_assert_uint_eq(cerror, 0);
	free(big);
	nestref_ctx_free(ctx);
}
END_TEST

static Suite *bench_qemu_suite(void)
{
	Suite *s = suite_create("bench-qemu");
	TCase *proto = tcase_create("qtest");
	TCase *model = tcase_create("execute");

	tcase_add_test(proto, answers_are_parsed);
	tcase_add_test(proto, unasked_irq_lines_are_skipped);
	tcase_add_test(proto, fail_answers_are_errors);
	tcase_add_test(proto, a_silent_peer_times_out_and_is_killed);
	tcase_add_test(proto, a_dead_peer_is_reaped_and_says_why);
	tcase_add_test(proto, a_missing_program_is_said);
	tcase_add_test(proto, the_smmu_is_programmed_as_a_driver_would);
	tcase_add_test(proto, a_run_on_the_fake_rings_prod_once_per_batch);
	tcase_add_test(proto, base64_is_rfc_4648);
	suite_add_tcase(s, proto);
	tcase_add_test(model, execute_runs_physical_commands_on_the_model);
	suite_add_tcase(s, model);
	return s;
}

int main(void)
{
	return check_main(bench_qemu_suite());
}

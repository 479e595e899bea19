/* SPDX-License-Identifier: MIT */
/*
 * nestref explain FILE[:TC]...: runs tests like `run` does, and after each
 * step tells in plain text what happened: every guest command before and
 * after the host's rewrite, the rule that fired (with its specification
 * section and the Linux function that does the same), what the modelled
 * SMMU did with each command, and the answer against the expectation.
 * For learning; it needs a backend that traces (smmuv3-sim).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "profile-arg.h"
#include "runner-step.h"

static const char *const cerror_names[] = {
	"none", "CERROR_ILL", "CERROR_ABT", "CERROR_ATC_INV_SYNC",
};

static void explain_cmd(FILE *out, const char *label,
			const struct nestref_smmuv3_cmd *cmd)
{
	char text[256];

	nestref_smmuv3_format(cmd, text, sizeof(text));
	/* The raw words line up unless the decoded text is very long. */
	fprintf(out, "      %-6s %-52s 0x%016" PRIx64 " 0x%016" PRIx64 "\n",
		label, text, cmd->dw[0], cmd->dw[1]);
}

static void explain_why(FILE *out, const struct nestref_smmuv3_trace_event *ev)
{
	fprintf(out, "      %-6s %s", "rule", ev->rule ? ev->rule : "");
	if (ev->section || ev->function)
		fprintf(out, " [%s%s%s]", ev->section ? ev->section : "",
			ev->section && ev->function ? "; linux: " : "",
			ev->function ? ev->function : "");
	fputc('\n', out);
}

static void explain_exec(FILE *out, const struct nestref_smmuv3_trace_event *ev)
{
	static const char *const caches[] = { "tlb", "cfg", "atc" };
	char text[256];
	unsigned int k, any = 0;

	nestref_smmuv3_format(&ev->out, text, sizeof(text));
	fprintf(out, "    smmu   slot %-3u %s", ev->index, text);
	if (ev->cerror) {
		fprintf(out, "  -> %s%s%s\n",
			cerror_names[ev->cerror & 3],
			ev->rule ? ": " : "", ev->rule ? ev->rule : "");
		return;
	}
	for (k = 0; k < NESTREF_SMMUV3_CACHE_KIND_COUNT; k++) {
		if (!ev->removed[k])
			continue;
		fprintf(out, "%s%s -%u", any ? ", " : "  -> removed ", caches[k],
			ev->removed[k]);
		any = 1;
	}
	fputc('\n', out);
}

static void explain_events(FILE *out, struct nestref_ctx *ctx)
{
	const struct nestref_smmuv3_trace_event *ev;
	size_t n, i;

	if (nestref_smmuv3_trace(ctx, &ev, &n)) {
		fprintf(out, "    (no trace: %s)\n", nestref_ctx_message(ctx));
		return;
	}
	for (i = 0; i < n; i++, ev++) {
		switch (ev->kind) {
		case NESTREF_SMMUV3_TRACE_REWRITE:
			fprintf(out, "    entry %u\n", ev->index);
			explain_cmd(out, "guest", &ev->in);
			explain_cmd(out, "host", &ev->out);
			explain_why(out, ev);
			break;
		case NESTREF_SMMUV3_TRACE_REJECT:
			fprintf(out, "    entry %u refused: %s\n", ev->index,
				nestref_errno_name(ev->err) ?
					nestref_errno_name(ev->err) : "error");
			explain_cmd(out, "guest", &ev->in);
			explain_why(out, ev);
			break;
		case NESTREF_SMMUV3_TRACE_ISSUE:
			fprintf(out,
				"    issue  %u commands to the SMMU's queue (the last one the host's CMD_SYNC)\n",
				ev->count);
			break;
		case NESTREF_SMMUV3_TRACE_EXEC:
			explain_exec(out, ev);
			break;
		default:
			fprintf(out, "    note   %s", ev->rule ? ev->rule : "");
			if (ev->function)
				fprintf(out, " [linux: %s]", ev->function);
			fputc('\n', out);
			break;
		}
	}
}

/* What the backend counted over the whole test, when it counts. */
static void explain_counters(FILE *out, struct nestref_ctx *ctx)
{
	const struct nestref_counter *c;
	size_t n, i;

	if (nestref_counters(ctx, &c, &n) || !n)
		return;
	fputs("  counted:", out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s %s=%" PRIu64, i % 4 ? "" : "\n   ", c[i].name,
			c[i].value);
	fputc('\n', out);
}

static const char *const action_names[] = {
	[VEC_STEP_SET_DEV_USER_DATA] = "set_dev_user_data",
	[VEC_STEP_UNSET_DEV_USER_DATA] = "unset_dev_user_data",
	[VEC_STEP_DESTROY] = "destroy",
	[VEC_STEP_HW_INFO] = "hw_info",
	[VEC_STEP_INVALIDATE] = "invalidate",
	[VEC_STEP_CHECK_CACHE] = "check_cache",
};

/* Returns true when the answer is not what the vector expects. */
static bool explain_answer(FILE *out, const struct test_env *env,
			   const struct vec_step *step,
			   const struct step_got *got)
{
	struct step_verdict v;

	step_check(env, step, got, &v);
	fprintf(out, "    answer %s%s", got->rc ? "error " : "ok",
		got->rc ? (nestref_errno_name(got->rc) ?
				   nestref_errno_name(got->rc) : "?") : "");
	if (got->has_entry_num)
		fprintf(out, ", entry_num %" PRIu32, got->entry_num);
	if (got->has_flags)
		fprintf(out, ", flags 0x%" PRIx32, got->flags);
	fprintf(out, "  (%s)\n", v.failed ? "NOT what the vector expects" :
				 v.made ? "as the vector expects" :
					  "nothing checked");
	if (got->rc && got->message[0])
		fprintf(out, "    why    %s\n", got->message);
	return v.failed != 0;
}

static void explain_setup(FILE *out, const struct vec_file *file,
			  const struct nestref_ctx *ctx)
{
	const char *sep;
	size_t i, j;
	int r;

	fprintf(out, "  profile: %s (kernels: %s; checked: %s)\n",
		nestref_profile_name(nestref_ctx_profile(ctx)),
		nestref_profile_kernels(nestref_ctx_profile(ctx)),
		nestref_profile_checked(nestref_ctx_profile(ctx)));
	fputs("  rules:", out);
	for (r = 0, sep = " "; r < NESTREF_RULE_COUNT; r++) {
		if (!nestref_ctx_rule(ctx, (enum nestref_rule)r))
			continue;
		fprintf(out, "%s%s", sep, nestref_rule_name((enum nestref_rule)r));
		sep = ", ";
	}
	fputs(*sep == ',' ? "\n" : " none\n", out);
	fprintf(out, "  setup: vIOMMU with VMID %u", file->vmid);
	if (file->page_size)
		fprintf(out, ", PAGE_SIZE %u", file->page_size);
	for (i = 0; i < file->n_devices; i++) {
		const struct vec_device *d = &file->devices[i];

		fprintf(out, "; %s pSID 0x%x", d->name, d->psid);
		for (j = 1; j < d->n_psids; j++)
			fprintf(out, ",0x%x", d->psids[j]);
		if (d->has_vsid)
			fprintf(out, " vSID 0x%x", d->vsid);
	}
	fputc('\n', out);
}

/* As `run` does: a file outside the profile or the context is skipped. */
static bool explain_skip(FILE *out, const struct vec_file *file,
			 const struct test_env *env,
			 enum nestref_profile profile)
{
	uint32_t missing = file->requires & ~env->caps;
	uint32_t bit;

	if (!(file->profiles & NESTREF_PROFILE_BIT(profile))) {
		fprintf(out,
			"  skipped: the file does not cover profile %s (try --profile)\n\n",
			nestref_profile_name(profile));
		return true;
	}
	if (!missing)
		return false;
	fprintf(out, "  skipped: backend %s lacks",
		nestref_ctx_backend(env->ctx));
	for (bit = 1; bit; bit <<= 1)
		if (missing & bit)
			fprintf(out, " %s", nestref_cap_name(bit));
	fputs("\n\n", out);
	return true;
}

/* The context options of every test explained (env_open's base). */
struct explain_opts {
	struct nestref_ctx_opts base;
};

static int explain_test(FILE *out, const struct vec_file *file,
			const struct vec_test *test,
			const struct explain_opts *eo)
{
	struct test_env env;
	struct step_got got;
	uint32_t missing = 0;
	bool differs = false;
	char msg[256];
	size_t i;
	int rc;

	fprintf(out, "%s/%ld  %s\n", file->id, test->tc,
		test->comment ? test->comment : "");
	rc = env_open(&env, file, &eo->base, &missing, msg, sizeof(msg));
	if (rc == -EOPNOTSUPP ||
	    (!rc && explain_skip(out, file, &env, eo->base.profile))) {
		/* Outside the backend's profiles, or the file's: a skip. */
		if (rc)
			fprintf(out, "  skipped: %s\n\n", msg);
		else
			env_close(&env);
		return 0;
	}
	if (rc) {
		fprintf(out, "  %s\n\n", msg);
		return rc == -ENODEV ? 77 : 1;
	}
	explain_setup(out, file, env.ctx);
	for (i = 0; i < test->n_steps; i++) {
		const struct vec_step *step = &test->steps[i];

		fprintf(out, "  step %zu  %s  (%s:%u:%u)\n", i + 1,
			action_names[step->kind], file->path, step->mark.line,
			step->mark.column);
		nestref_smmuv3_trace_clear(env.ctx);
		rc = step_run(&env, step, &got);
		if (rc) {
			fprintf(out, "    could not run: %s\n",
				nestref_strerror(rc));
			break;
		}
		if (step->kind == VEC_STEP_INVALIDATE)
			explain_events(out, env.ctx);
		differs = explain_answer(out, &env, step, &got);
		step_got_free(&got);
		/* As in `run`, the first step that differs ends the test. */
		if (differs)
			break;
	}
	explain_counters(out, env.ctx);
	env_close(&env);
	fputc('\n', out);
	return differs ? 1 : 0;
}

/* "file.yaml:3" names test 3; a plain path names every test. */
static int explain_arg(const char *arg, const struct explain_opts *eo)
{
	char *path = strdup(arg), *colon;
	struct vec_file *file = NULL;
	struct vec_diag diag;
	long tc = 0;
	size_t i, shown = 0;
	int rc = 0;

	if (!path)
		return EXIT_USAGE;
	colon = strrchr(path, ':');
	if (colon && colon[1] && strspn(colon + 1, "0123456789") ==
				 strlen(colon + 1)) {
		*colon = '\0';
		tc = strtol(colon + 1, NULL, 10);
	}
	vec_diag_init(&diag);
	if (vec_load(path, &file, &diag)) {
		for (i = 0; i < diag.count; i++)
			fprintf(stderr, "%s\n", diag.messages[i]);
		vec_diag_free(&diag);
		free(path);
		return EXIT_USAGE;
	}
	vec_diag_free(&diag);
	for (i = 0; i < file->n_tests && rc != 77; i++) {
		int one;

		if (tc && file->tests[i].tc != tc)
			continue;
		one = explain_test(stdout, file, &file->tests[i], eo);
		if (one > rc)
			rc = one;
		shown++;
	}
	vec_file_free(file);
	if (!shown) {
		fprintf(stderr, "nestref explain: %s has no test %ld\n", path,
			tc);
		free(path);
		return EXIT_USAGE;
	}
	free(path);
	return rc == 77 ? 77 : rc ? 1 : 0;
}

static void explain_usage(FILE *out)
{
	fprintf(out,
		"Usage: nestref explain [OPTIONS] FILE[:TC]...\n"
		"\n"
		"Runs the tests of a vector file (or only test TC) and explains each\n"
		"step: every guest command before and after the host's rewrite, the\n"
		"rule that fired with its specification section and the Linux\n"
		"function doing the same, what the modelled SMMU did with each\n"
		"command, and the answer against the vector's expectation.\n"
		"A file outside the profile or the backend's capabilities is\n"
		"skipped, as `run` skips it.\n"
		"\n"
		"Exit status: 0 every answer is what the vectors expect, 1 one is\n"
		"not, 2 usage or load error, 77 the backend cannot run here.\n"
		"\n"
		"Options:\n"
		"  -b, --backend=NAME          a backend that traces (default %s)\n"
		"  -o, --backend-options=OPTS  backend-specific options, key=value,...\n"
		CLI_PROFILE_HELP
		"  -h, --help                  show this help\n",
		nestref_backend_default());
}

int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "backend-options", required_argument, NULL, 'o' },
		{ "profile", required_argument, NULL, 'p' },
		{ "without-rule", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct explain_opts eo = {
		.base = { .backend = getenv("NESTREF_BACKEND") },
	};
	int c, i, rc = 0, one;

	if (eo.base.backend && !*eo.base.backend)
		eo.base.backend = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:o:p:W:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			eo.base.backend = optarg;
			break;
		case 'o':
			eo.base.backend_options = optarg;
			break;
		case 'p':
			if (cli_profile_arg("explain", optarg, &eo.base.profile))
				return EXIT_USAGE;
			break;
		case 'W':
			if (cli_rule_arg("explain", optarg, &eo.base.rules_off))
				return EXIT_USAGE;
			break;
		case 'h':
			explain_usage(stdout);
			return 0;
		default:
			explain_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("nestref explain: no FILE given\n", stderr);
		explain_usage(stderr);
		return EXIT_USAGE;
	}
	if (eo.base.backend && !nestref_backend_find(eo.base.backend)) {
		fprintf(stderr, "nestref explain: no backend named '%s'\n",
			eo.base.backend);
		return EXIT_USAGE;
	}
	for (i = optind; i < argc; i++) {
		one = explain_arg(argv[i], &eo);
		if (one > rc)
			rc = one;
	}
	return rc;
}

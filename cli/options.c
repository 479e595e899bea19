/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "options.h"

/* getopt values of the long-only options of export, report and run's
 * reports: above every character, so that none can clash. */
enum {
	CLI_VAL_REPORT = 0x100,
	CLI_VAL_JUNIT,
	CLI_VAL_PARTIAL,
	CLI_VAL_APPLICABLE,
	CLI_VAL_FORMAT,
	CLI_VAL_OUTPUT,
	CLI_VAL_ARRAY,
	CLI_VAL_TAP,
	CLI_VAL_TAP_FROM,
	CLI_VAL_NO_PROGRESS,
	CLI_VAL_HTML,
};

/* Every option a subcommand can take, and the group that brings it. */
static const struct cli_option {
	struct option opt;
	unsigned int group; /* CLI_OPT_*; 0: every command */
	bool long_only;
	/* It takes one value: a second would silently replace the first, so
	 * it is refused (lists and --load add up; a flag may repeat). */
	bool once;
} cli_options[] = {
	{ { "backend", required_argument, NULL, 'b' }, CLI_OPT_CONTEXT, false,
	  true },
	{ { "backend-options", required_argument, NULL, 'o' }, CLI_OPT_CONTEXT,
	  false, true },
	{ { "profile", required_argument, NULL, 'p' },
	  CLI_OPT_CONTEXT | CLI_OPT_PROFILE, false, true },
	{ { "without-rule", required_argument, NULL, 'W' }, CLI_OPT_CONTEXT,
	  false, false },
	{ { "quiet", no_argument, NULL, 'q' }, CLI_OPT_QUIET, false, false },
	{ { "progress", no_argument, NULL, 'P' }, CLI_OPT_PROGRESS, true,
	  false },
	{ { "no-progress", no_argument, NULL, CLI_VAL_NO_PROGRESS },
	  CLI_OPT_PROGRESS, true, false },
	{ { "load", required_argument, NULL, 'L' }, CLI_OPT_LOAD, true, false },
	{ { "expect-caps", required_argument, NULL, 'E' }, CLI_OPT_EXPECT,
	  true, false },
	{ { "report", required_argument, NULL, CLI_VAL_REPORT }, CLI_OPT_REPORT,
	  true, true },
	{ { "junit", required_argument, NULL, CLI_VAL_JUNIT }, CLI_OPT_REPORT,
	  true, true },
	{ { "partial", no_argument, NULL, CLI_VAL_PARTIAL }, CLI_OPT_REPORT,
	  true, false },
	{ { "only-applicable", no_argument, NULL, CLI_VAL_APPLICABLE },
	  CLI_OPT_REPORT, true, false },
	{ { "html", required_argument, NULL, CLI_VAL_HTML }, CLI_OPT_HTML, true,
	  true },
	{ { "format", required_argument, NULL, CLI_VAL_FORMAT }, CLI_OPT_EXPORT,
	  true, true },
	{ { "output", required_argument, NULL, CLI_VAL_OUTPUT }, CLI_OPT_EXPORT,
	  true, true },
	{ { "array", no_argument, NULL, CLI_VAL_ARRAY }, CLI_OPT_EXPORT, true,
	  false },
	{ { "tap", no_argument, NULL, CLI_VAL_TAP }, CLI_OPT_COMPARE, true,
	  false },
	{ { "tap-from", required_argument, NULL, CLI_VAL_TAP_FROM },
	  CLI_OPT_COMPARE, true, true },
	{ { "help", no_argument, NULL, 'h' }, 0, false, false },
};

#define CLI_N_OPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))

/* Parses a --profile value; prints why on stderr and returns -1 if bad. */
static int cli_profile_arg(const char *cmd, const char *arg,
			   enum nestref_profile *out)
{
	int p;

	if (nestref_profile_parse(arg, out) == 0) {
		nestref_vec_warn_deprecated(stderr,
					    nestref_profile_alias_note(arg));
		return 0;
	}
	fprintf(stderr, "nestref %s: unknown profile '", cmd);
	nestref_vec_escape_fputs(stderr, arg, 0);
	fputs("' (expected", stderr);
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++)
		fprintf(stderr, "%s %s", p ? "," : "",
			nestref_profile_name((enum nestref_profile)p));
	fputs(")\n", stderr);
	return -1;
}

static int cli_rule_bit(const char *name, uint32_t *bit)
{
	enum nestref_rule rule;

	if (nestref_rule_parse(name, &rule))
		return -1;
	*bit = NESTREF_RULE_BIT(rule);
	return 0;
}

static int cli_cap_bit(const char *name, uint32_t *bit)
{
	return nestref_cap_parse(name, bit) ? -1 : 0;
}

/*
 * A comma-separated list of names (--without-rule's rules, --expect-caps'
 * capabilities) into bits; -1 with a message naming the option if bad.
 */
static int cli_names_arg(const char *cmd, const char *option,
			 const char *what, const char *arg,
			 int (*bit_of)(const char *name, uint32_t *bit),
			 uint32_t *bits)
{
	char name[64];
	const char *p = arg, *comma;
	uint32_t bit;
	size_t len;

	do {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len >= sizeof(name) || len == 0) {
			nestref_vec_escape_line(stderr,
				"nestref %s: %s takes %s names separated by commas, got '%s'",
				cmd, option, what, arg);
			return -1;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (bit_of(name, &bit)) {
			nestref_vec_escape_line(stderr,
				"nestref %s: unknown %s '%s' (see 'nestref backends')",
				cmd, what, name);
			return -1;
		}
		*bits |= bit;
		p = comma ? comma + 1 : NULL;
	} while (p);
	return 0;
}

static int cli_rule_arg(const char *cmd, const char *arg, uint32_t *rules_off)
{
	return cli_names_arg(cmd, "--without-rule", "rule", arg, cli_rule_bit,
			     rules_off);
}

static int cli_caps_arg(const char *cmd, const char *arg, uint32_t *caps)
{
	return cli_names_arg(cmd, "--expect-caps", "capability", arg,
			     cli_cap_bit, caps);
}

/* The options of export and report, and run's --report and --junit. */
static int cli_report_option(const char *cmd, int c, const char *arg,
			     struct cli_opts *opts)
{
	char *end;

	switch (c) {
	case CLI_VAL_PARTIAL:
		opts->partial = true;
		return 0;
	case CLI_VAL_APPLICABLE:
		opts->applicable = true;
		return 0;
	case CLI_VAL_REPORT:
		opts->report = arg;
		return 0;
	case CLI_VAL_JUNIT:
		opts->junit = arg;
		return 0;
	case CLI_VAL_HTML:
		opts->html = arg;
		return 0;
	case CLI_VAL_FORMAT:
		if (strcmp(arg, "json") != 0) {
			nestref_vec_escape_line(stderr,
				"nestref %s: unknown format '%s' (expected json)",
				cmd, arg);
			return -1;
		}
		opts->format = arg;
		return 0;
	case CLI_VAL_OUTPUT:
		opts->output = arg;
		return 0;
	case CLI_VAL_ARRAY:
		opts->array = true;
		return 0;
	case CLI_VAL_TAP:
		opts->tap = true;
		return 0;
	case CLI_VAL_TAP_FROM:
		/* Digits only: no sign, space, hex or exponent. */
		errno = 0;
		opts->tap_from = strtol(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || errno || *end ||
		    opts->tap_from < 1) {
			nestref_vec_escape_line(stderr,
				"nestref %s: --tap-from takes a test number of 1 or more, got '%s'",
				cmd, arg);
			return -1;
		}
		opts->tap = true;
		return 0;
	}
	return -1;
}

/*
 * What every value must be, whichever the option: not empty, and not a
 * second value of an option that takes one (seen: the options given so
 * far, by index in cli_options).  0, or -1 after a message.
 */
static int cli_check_value(const char *cmd, int c, const char *arg,
			   bool *seen)
{
	size_t i;

	for (i = 0; i < CLI_N_OPTIONS && cli_options[i].opt.val != c; i++)
		;
	if (i == CLI_N_OPTIONS)
		return 0;
	if (seen[i] && cli_options[i].once) {
		fprintf(stderr, "nestref %s: --%s given twice: give it once\n",
			cmd, cli_options[i].opt.name);
		return -1;
	}
	seen[i] = true;
	if (arg && !*arg) {
		fprintf(stderr, "nestref %s: --%s: the value is empty\n", cmd,
			cli_options[i].opt.name);
		return -1;
	}
	return 0;
}

/* One option's value into opts: 0, or -1 after a message. */
static int cli_option(const char *cmd, int c, const char *arg,
		      struct cli_opts *opts)
{
	switch (c) {
	case 'b':
		opts->ctx.backend = arg;
		return 0;
	case 'o':
		opts->ctx.backend_options = arg;
		return 0;
	case 'p':
		opts->has_profile = true;
		return cli_profile_arg(cmd, arg, &opts->ctx.profile);
	case 'W':
		return cli_rule_arg(cmd, arg, &opts->ctx.rules_off);
	case 'q':
		opts->quiet = true;
		return 0;
	case 'P':
		opts->progress = true;
		return 0;
	case CLI_VAL_NO_PROGRESS:
		opts->no_progress = true;
		return 0;
	case 'L':
		if (opts->n_load >= CLI_LOAD_MAX) {
			fprintf(stderr, "nestref %s: --load at most %d times\n",
				cmd, CLI_LOAD_MAX);
			return -1;
		}
		opts->load[opts->n_load++] = arg;
		return 0;
	case 'E':
		return cli_caps_arg(cmd, arg, &opts->expect_caps);
	}
	return cli_report_option(cmd, c, arg, opts);
}

/*
 * $NESTREF_BACKEND_PATH's modules, then --load's, then the module a
 * backend PATH names, whose first backend the command then runs on:
 * 0, or EXIT_USAGE after "nestref CMD: PATH: why".
 */
static int cli_load(const char *cmd, unsigned int accept,
		    struct cli_opts *opts)
{
	const struct nestref_backend *first;
	const char *dirs = getenv("NESTREF_BACKEND_PATH");
	char msg[512];
	size_t i;

	if ((accept & CLI_OPT_LOAD) && dirs &&
	    nestref_module_load_dirs(dirs, msg, sizeof(msg))) {
		nestref_vec_escape_line(stderr,
					"nestref %s: NESTREF_BACKEND_PATH: %s",
					cmd, msg);
		return EXIT_USAGE;
	}
	for (i = 0; i < opts->n_load; i++) {
		if (nestref_module_load(opts->load[i], NULL, msg,
					sizeof(msg))) {
			nestref_vec_escape_line(stderr, "nestref %s: %s", cmd,
						msg);
			return EXIT_USAGE;
		}
	}
	if (!(accept & CLI_OPT_CONTEXT) || !opts->ctx.backend ||
	    !strchr(opts->ctx.backend, '/'))
		return 0;
	if (nestref_module_load(opts->ctx.backend, &first, msg,
				sizeof(msg))) {
		nestref_vec_escape_line(stderr, "nestref %s: %s", cmd, msg);
		return EXIT_USAGE;
	}
	opts->ctx.backend = nestref_backend_name(first);
	return 0;
}

/*
 * --backend exec:COMMAND (or $NESTREF_BACKEND so): the exec backend with
 * "cmd=COMMAND" as its options, after any --backend-options, which go to
 * the child (docs/spec/protocol.md section 6).  0, or EXIT_USAGE after a
 * message.  The options string lives until the process ends.
 */
static int cli_exec_backend(const char *cmd, struct cli_opts *opts)
{
	static char *exec_options;
	const char *command, *child;
	size_t len;

	if (!opts->ctx.backend || strncmp(opts->ctx.backend, "exec:", 5) != 0)
		return 0;
	command = opts->ctx.backend + 5;
	if (!*command) {
		fprintf(stderr,
			"nestref %s: --backend exec: needs a command (exec:COMMAND)\n",
			cmd);
		return EXIT_USAGE;
	}
	child = opts->ctx.backend_options ? opts->ctx.backend_options : "";
	len = strlen(child) + strlen(command) + 6;
	free(exec_options);
	exec_options = malloc(len);
	if (!exec_options) {
		fprintf(stderr, "nestref %s: out of memory\n", cmd);
		return EXIT_USAGE;
	}
	snprintf(exec_options, len, "%s%scmd=%s", child, *child ? "," : "",
		 command);
	opts->ctx.backend = "exec";
	opts->ctx.backend_options = exec_options;
	return 0;
}

/*
 * The command's choice, not the library's: the simulated SMMUv3 where it
 * was built in, else the first backend there is (configure may leave any
 * out).
 */
const char *cli_default_backend(void)
{
	const struct nestref_backend *b = nestref_backend_find("smmuv3-sim");

	if (!b)
		b = nestref_backend_at(0);
	return b ? nestref_backend_name(b) : "smmuv3-sim";
}

int cli_parse(const char *cmd, int argc, char **argv, unsigned int accept,
	      void (*usage)(FILE *out), struct cli_opts *opts)
{
	struct option longopts[CLI_N_OPTIONS + 1];
	char shortopts[2 * CLI_N_OPTIONS + 1];
	bool seen[CLI_N_OPTIONS] = { false };
	size_t i, n = 0, s = 0;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->ctx.size = sizeof(opts->ctx);
	if (accept & CLI_OPT_CONTEXT) {
		opts->ctx.backend = getenv("NESTREF_BACKEND");
		if (!opts->ctx.backend || !*opts->ctx.backend)
			opts->ctx.backend = cli_default_backend();
	}
	for (i = 0; i < CLI_N_OPTIONS; i++) {
		const struct cli_option *o = &cli_options[i];

		if (o->group && !(o->group & accept))
			continue;
		longopts[n++] = o->opt;
		if (o->long_only)
			continue;
		shortopts[s++] = (char)o->opt.val;
		if (o->opt.has_arg == required_argument)
			shortopts[s++] = ':';
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	shortopts[s] = '\0';

	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?' || c == ':') {
			usage(stderr);
			return EXIT_USAGE;
		}
		if (cli_check_value(cmd, c, optarg, seen) ||
		    cli_option(cmd, c, optarg, opts))
			return EXIT_USAGE;
	}
	opts->first_arg = optind;
	if (opts->progress && opts->no_progress) {
		fprintf(stderr,
			"nestref %s: --progress and --no-progress exclude each other\n",
			cmd);
		return EXIT_USAGE;
	}
	if ((accept & CLI_OPT_CONTEXT) && cli_exec_backend(cmd, opts))
		return EXIT_USAGE;
	return cli_load(cmd, accept, opts) ? EXIT_USAGE : -1;
}

int cli_check_backend(const char *cmd, const struct cli_opts *opts)
{
	if (!opts->ctx.backend || nestref_backend_find(opts->ctx.backend))
		return 0;
	nestref_vec_escape_line(stderr,
		"nestref %s: no backend named '%s' (see 'nestref backends')",
		cmd, opts->ctx.backend);
	return EXIT_USAGE;
}

int cli_check_context(const char *cmd, const struct cli_opts *opts)
{
	struct nestref_ctx *ctx;
	char msg[512];
	int rc;

	rc = nestref_ctx_new(&ctx, &opts->ctx, msg, sizeof(msg));
	nestref_ctx_free(ctx);
	/* -EINVAL is the options' fault; the rest (cannot run here, not
	 * this profile or page size) the command reports per test. */
	if (rc != -EINVAL)
		return 0;
	fprintf(stderr, "nestref %s: %s\n", cmd, msg);
	return EXIT_USAGE;
}

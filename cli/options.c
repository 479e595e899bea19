/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "options.h"

/* Every option a subcommand can take, and the group that brings it. */
static const struct cli_option {
	struct option opt;
	unsigned int group; /* CLI_OPT_*; 0: every command */
	bool long_only;
} cli_options[] = {
	{ { "backend", required_argument, NULL, 'b' }, CLI_OPT_CONTEXT, false },
	{ { "backend-options", required_argument, NULL, 'o' }, CLI_OPT_CONTEXT,
	  false },
	{ { "profile", required_argument, NULL, 'p' }, CLI_OPT_CONTEXT, false },
	{ { "without-rule", required_argument, NULL, 'W' }, CLI_OPT_CONTEXT,
	  false },
	{ { "quiet", no_argument, NULL, 'q' }, CLI_OPT_QUIET, false },
	{ { "progress", no_argument, NULL, 'P' }, CLI_OPT_PROGRESS, true },
	{ { "help", no_argument, NULL, 'h' }, 0, false },
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
	fprintf(stderr, "nestref %s: unknown profile '%s' (expected", cmd, arg);
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++)
		fprintf(stderr, "%s %s", p ? "," : "",
			nestref_profile_name((enum nestref_profile)p));
	fputs(")\n", stderr);
	return -1;
}

/* Parses a --without-rule value into rule bits; -1 with a message if bad. */
static int cli_rule_arg(const char *cmd, const char *arg, uint32_t *rules_off)
{
	enum nestref_rule rule;
	char name[64];
	const char *p = arg, *comma;
	size_t len;

	do {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len >= sizeof(name) || len == 0) {
			fprintf(stderr,
				"nestref %s: --without-rule takes rule names separated by commas, got '%s'\n",
				cmd, arg);
			return -1;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (nestref_rule_parse(name, &rule)) {
			fprintf(stderr,
				"nestref %s: unknown rule '%s' (see 'nestref backends')\n",
				cmd, name);
			return -1;
		}
		*rules_off |= NESTREF_RULE_BIT(rule);
		p = comma ? comma + 1 : NULL;
	} while (p);
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
		return cli_profile_arg(cmd, arg, &opts->ctx.profile);
	case 'W':
		return cli_rule_arg(cmd, arg, &opts->ctx.rules_off);
	case 'q':
		opts->quiet = true;
		return 0;
	case 'P':
		opts->progress = true;
		return 0;
	}
	return -1;
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
		if (cli_option(cmd, c, optarg, opts))
			return EXIT_USAGE;
	}
	opts->first_arg = optind;
	return -1;
}

int cli_check_backend(const char *cmd, const struct cli_opts *opts)
{
	if (!opts->ctx.backend || nestref_backend_find(opts->ctx.backend))
		return 0;
	fprintf(stderr,
		"nestref %s: no backend named '%s' (see 'nestref backends')\n",
		cmd, opts->ctx.backend);
	return EXIT_USAGE;
}

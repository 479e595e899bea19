/* SPDX-License-Identifier: MIT */
/*
 * The options of the subcommands that read vectors (run, explain, lint),
 * parsed in one place: each command says which it takes, and gets the
 * same spelling, the same checks and the same messages for them.  A
 * deprecated profile name earns one warning per process, shared with the
 * loader's (nestref_vec_warn_deprecated()).
 */
#ifndef NESTREF_CLI_OPTIONS_H
#define NESTREF_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <nestref/nestref.h>

#define CLI_PROFILE_HELP \
	"  -p, --profile=PROFILE       the kernel to answer as: linux-7.2 (default),\n" \
	"                              linux-7.4, linux-6.13 or rfc-v3 (linux-next\n" \
	"                              is a deprecated name of linux-7.4); see\n" \
	"                              'nestref backends'\n" \
	"      --without-rule=RULE[,RULE...]\n" \
	"                              switch off rules of the profile, to see which\n" \
	"                              vectors depend on them (ablation; never for\n" \
	"                              conformance); 'nestref backends' lists them\n"

/* What a command takes besides -h, --help (cli_parse()'s accept). */
#define CLI_OPT_CONTEXT (1u << 0)  /* -b -o -p -W: the context's options */
#define CLI_OPT_QUIET (1u << 1)    /* -q, --quiet */
#define CLI_OPT_PROGRESS (1u << 2) /* --progress */

struct cli_opts {
	/*
	 * -b (else $NESTREF_BACKEND, else NULL: the library's default), -o,
	 * -p and -W, for nestref_vec_*() (size is set).
	 */
	struct nestref_ctx_opts ctx;
	bool quiet;    /* -q */
	bool progress; /* --progress */
	int first_arg; /* argv index of the first operand */
};

/*
 * Parses the options of command cmd (argv[0] is its name) that accept
 * allows.  Returns -1 to go on, or the exit status to return at once: 0
 * after --help (usage on stdout), EXIT_USAGE after a bad option or value
 * (an unknown option also prints usage on stderr).
 */
int cli_parse(const char *cmd, int argc, char **argv, unsigned int accept,
	      void (*usage)(FILE *out), struct cli_opts *opts);

/* The backend a command runs on when neither --backend nor
 * $NESTREF_BACKEND names one. */
const char *cli_default_backend(void);

/* "nestref CMD: no backend named ..." and EXIT_USAGE, or 0. */
int cli_check_backend(const char *cmd, const struct cli_opts *opts);

#endif /* NESTREF_CLI_OPTIONS_H */

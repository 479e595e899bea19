/* SPDX-License-Identifier: MIT */
/*
 * The options of the subcommands (run, explain, lint, backends), parsed
 * in one place with the loading of the modules they name: each command
 * says which it takes, and gets the same spelling, the same checks and
 * the same messages for them.  A deprecated profile name earns one
 * warning per process, shared with the loader's
 * (nestref_vec_warn_deprecated()).
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

#define CLI_BACKEND_HELP \
	"  -b, --backend=NAME|PATH     the backend to run on (default: $NESTREF_BACKEND,\n" \
	"                              else %s); see 'nestref backends'.  A PATH\n" \
	"                              (it has a '/') is a module to load, and the\n" \
	"                              backend is the first one it registers.\n" \
	"                              exec:COMMAND runs an implementation in any\n" \
	"                              language as a child (docs/spec/protocol.md)\n"

#define CLI_LOAD_HELP \
	"      --load=PATH             load the backends of module PATH (repeatable);\n" \
	"                              the modules (*.so) in the colon-separated\n" \
	"                              folders of $NESTREF_BACKEND_PATH load first\n"

/* What a command takes besides -h, --help (cli_parse()'s accept). */
#define CLI_OPT_CONTEXT (1u << 0)  /* -b -o -p -W: the context's options */
#define CLI_OPT_QUIET (1u << 1)    /* -q, --quiet */
#define CLI_OPT_PROGRESS (1u << 2) /* --progress, --no-progress */
#define CLI_OPT_LOAD (1u << 3)     /* --load, $NESTREF_BACKEND_PATH */
#define CLI_OPT_EXPECT (1u << 4)   /* --expect-caps */
#define CLI_OPT_REPORT (1u << 8)   /* --report, --junit, --partial,
				       --only-applicable (run) */
#define CLI_OPT_EXPORT (1u << 9)   /* --format, --output, --array (export) */
#define CLI_OPT_PROFILE (1u << 10) /* -p alone, without the other context
				    * options (export) */
#define CLI_OPT_COMPARE (1u << 11) /* --tap, --tap-from (report) */
#define CLI_OPT_HTML (1u << 12)    /* --html (run, explain) */

#define CLI_HTML_HELP \
	"      --html=FILE             also write a page a person reads to FILE\n" \
	"                              (docs/spec/report.md 7): the counts, the\n" \
	"                              skips by reason, every test with filters,\n" \
	"                              and each test that ran drawn: its commands\n" \
	"                              before and after the host's rewrite, the\n" \
	"                              batches, what the SMMU removed\n"

/* The most --load options one command takes. */
#define CLI_LOAD_MAX 32

struct cli_opts {
	/*
	 * -b (else $NESTREF_BACKEND, else NULL: the library's default), -o,
	 * -p and -W, for nestref_vec_*() (size is set).
	 */
	struct nestref_ctx_opts ctx;
	bool quiet;    /* -q */
	bool progress; /* --progress */
	bool no_progress; /* --no-progress */
	int first_arg; /* argv index of the first operand */
	uint32_t expect_caps; /* --expect-caps: enum nestref_cap bits */
	const char *load[CLI_LOAD_MAX]; /* --load, in order */
	size_t n_load;
	bool has_profile;   /* -p was given */
	const char *report; /* --report FILE: the JSON report */
	const char *junit;  /* --junit FILE: JUnit XML */
	const char *html;   /* --html FILE: the HTML report */
	bool partial;       /* --partial (run) */
	bool applicable;    /* --only-applicable (run) */
	const char *format; /* --format (export: json) */
	const char *output; /* --output DIR (export) */
	bool array;         /* --array (export) */
	bool tap;           /* --tap (report) */
	long tap_from;      /* --tap-from N (report): 0 unless given */
};

/*
 * Parses the options of command cmd (argv[0] is its name) that accept
 * allows.  Then, with CLI_OPT_LOAD, loads the modules of
 * $NESTREF_BACKEND_PATH and --load, and with CLI_OPT_CONTEXT the module a
 * backend PATH names (ctx.backend becomes its first backend).  Returns -1
 * to go on, or the exit status to return at once: 0 after --help (usage
 * on stdout), EXIT_USAGE after a bad option or value (an unknown option
 * also prints usage on stderr) or a module that does not load.
 */
int cli_parse(const char *cmd, int argc, char **argv, unsigned int accept,
	      void (*usage)(FILE *out), struct cli_opts *opts);

/* The backend a command runs on when neither --backend nor
 * $NESTREF_BACKEND names one. */
const char *cli_default_backend(void);

/* "nestref CMD: no backend named ..." and EXIT_USAGE, or 0. */
int cli_check_backend(const char *cmd, const struct cli_opts *opts);

/*
 * Opens one context with the command's options, as `run` does before
 * anything, so that options the backend refuses (-EINVAL: its
 * --backend-options) are a usage error, not a failure of every test:
 * EXIT_USAGE after "nestref CMD: why", or 0, also when the context
 * cannot open for another reason, which the command reports per test.
 */
int cli_check_context(const char *cmd, const struct cli_opts *opts);

#endif /* NESTREF_CLI_OPTIONS_H */

/* SPDX-License-Identifier: MIT */
/* nestref backends: what each backend can check, and under which profiles. */
#include <stdio.h>
#include <string.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "options.h"

/* Oldest kernel first, as people read a history. */
static const enum nestref_profile by_age[NESTREF_PROFILE_COUNT] = {
	NESTREF_PROFILE_RFC_V3, NESTREF_PROFILE_LINUX_6_13,
	NESTREF_PROFILE_LINUX_7_2, NESTREF_PROFILE_LINUX_7_4,
};

/* "LABEL a, b" for each capability bit, or "LABEL none". */
static void print_caps(const char *label, uint32_t caps)
{
	const char *sep = "";
	uint32_t bit;

	fputs(label, stdout);
	for (bit = 1; bit; bit <<= 1) {
		if (caps & bit) {
			printf("%s %s", sep, nestref_cap_name(bit));
			sep = ",";
		}
	}
	puts(*sep ? "" : " none");
}

/* Profiles as data (lib/profiles.c): kernels, how checked, rules. */
static void list_profiles(void)
{
	const char *sep;
	int p, r;

	puts("\nProfiles (--profile; the default is marked with '*'):");
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		enum nestref_profile prof = by_age[p];

		printf("%s%s\n  kernels: %s\n  checked: %s\n  rules:",
		       nestref_profile_name(prof),
		       prof == NESTREF_PROFILE_DEFAULT ? " *" : "",
		       nestref_profile_kernels(prof),
		       nestref_profile_checked(prof));
		sep = "";
		for (r = 0; r < NESTREF_RULE_COUNT; r++) {
			if (nestref_profile_rules(prof) & NESTREF_RULE_BIT(r)) {
				printf("%s %s", sep,
				       nestref_rule_name((enum nestref_rule)r));
				sep = ",";
			}
		}
		puts(*sep ? "" : " none");
	}
	printf("linux-next\n  %s\n", nestref_profile_alias_note("linux-next"));
	puts("\nRules (--without-rule):");
	for (r = 0; r < NESTREF_RULE_COUNT; r++) {
		enum nestref_rule rule = (enum nestref_rule)r;

		printf("%s\n  %s\n  from: %s\n", nestref_rule_name(rule),
		       nestref_rule_text(rule), nestref_rule_source(rule));
		print_caps("  needs:", nestref_rule_caps(rule));
	}
}

static void backends_usage(FILE *out)
{
	fputs("Usage: nestref backends [--load=PATH]...\n"
	      "\n"
	      "Lists each backend: its name (for --backend), its capabilities\n"
	      "(spec/vectors.md section 2), the profiles it runs under, and its\n"
	      "origin: built in, or the module that registered it.  The default\n"
	      "backend is marked with '*'.  Then each profile: the kernel versions\n"
	      "it describes, how it was checked against them, and its rules; then\n"
	      "every rule (for --without-rule) and its source.  linux-next is a\n"
	      "deprecated name of linux-7.4.\n"
	      "\n"
	      "Options:\n"
	      CLI_LOAD_HELP
	      "  -h, --help                  show this help\n",
	      out);
}

int cmd_backends(int argc, char **argv)
{
	struct cli_opts opts;
	const char *origin;
	size_t i;
	int p, rc;

	rc = cli_parse("backends", argc, argv, CLI_OPT_LOAD, backends_usage,
		       &opts);
	if (rc >= 0)
		return rc;
	if (opts.first_arg < argc) {
		nestref_vec_escape_line(stderr,
					"nestref backends: unexpected argument '%s'",
					argv[opts.first_arg]);
		return EXIT_USAGE;
	}
	for (i = 0; i < nestref_backend_count(); i++) {
		const struct nestref_backend *b = nestref_backend_at(i);
		const char *name = nestref_backend_name(b);
		const char *sep = "";

		/* A module names and describes its own backends. */
		nestref_vec_escape_line(stdout, "%s%s", name,
					strcmp(name, cli_default_backend()) ?
						"" : " *");
		nestref_vec_escape_line(stdout, "  %s",
					nestref_backend_description(b));
		print_caps("  capabilities:", nestref_backend_caps(b));
		printf("  profiles:");
		sep = "";
		for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
			if (nestref_backend_profiles(b) &
			    NESTREF_PROFILE_BIT(by_age[p])) {
				printf("%s %s", sep,
				       nestref_profile_name(by_age[p]));
				sep = ",";
			}
		}
		origin = nestref_backend_origin(b);
		putchar('\n');
		nestref_vec_escape_line(stdout, "  origin: %s",
					origin ? origin : "built in");
	}
	list_profiles();
	return 0;
}

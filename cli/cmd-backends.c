/* SPDX-License-Identifier: MIT */
/* nestref backends: what each backend can check, and under which profiles. */
#include <stdio.h>
#include <string.h>

#include <nestref/nestref.h>

#include "commands.h"

/* Profiles as data (lib/profiles.c): kernels, how checked, rules. */
static void list_profiles(void)
{
	const char *sep;
	int p, r;

	puts("\nProfiles (--profile; the default is marked with '*'):");
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
		enum nestref_profile prof = (enum nestref_profile)p;

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
	for (r = 0; r < NESTREF_RULE_COUNT; r++)
		printf("%s\n  %s\n  from: %s\n",
		       nestref_rule_name((enum nestref_rule)r),
		       nestref_rule_text((enum nestref_rule)r),
		       nestref_rule_source((enum nestref_rule)r));
}

int cmd_backends(int argc, char **argv)
{
	size_t i;
	uint32_t bit;
	int p;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
			 strcmp(argv[1], "-h") == 0)) {
		puts("Usage: nestref backends\n\n"
		     "Lists each backend: its name (for --backend), its capabilities\n"
		     "(spec/vectors.md section 2) and the profiles it runs under.\n"
		     "The default backend is marked with '*'.  Then each profile: the\n"
		     "kernel versions it describes, how it was checked against them, and\n"
		     "its rules; then every rule (for --without-rule) and its source.\n"
		     "linux-next is a deprecated name of linux-7.4.");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "nestref backends: unexpected argument '%s'\n",
			argv[1]);
		return EXIT_USAGE;
	}
	for (i = 0; i < nestref_backend_count(); i++) {
		const struct nestref_backend *b = nestref_backend_at(i);
		const char *name = nestref_backend_name(b);
		const char *sep = "";

		printf("%s%s\n  %s\n  capabilities:", name,
		       strcmp(name, nestref_backend_default()) ? "" : " *",
		       nestref_backend_description(b));
		for (bit = 1; bit; bit <<= 1) {
			if (nestref_backend_caps(b) & bit) {
				printf("%s %s", sep, nestref_cap_name(bit));
				sep = ",";
			}
		}
		printf("\n  profiles:");
		sep = "";
		for (p = 0; p < NESTREF_PROFILE_COUNT; p++) {
			if (nestref_backend_profiles(b) & NESTREF_PROFILE_BIT(p)) {
				printf("%s %s", sep,
				       nestref_profile_name((enum nestref_profile)p));
				sep = ",";
			}
		}
		putchar('\n');
	}
	list_profiles();
	return 0;
}

/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "profile-arg.h"

void cli_alias_warn(const char *note)
{
	static bool warned;

	if (!note || warned)
		return;
	warned = true;
	fprintf(stderr, "nestref: warning: %s\n", note);
}

int cli_profile_arg(const char *cmd, const char *arg,
		    enum nestref_profile *out)
{
	int p;

	if (nestref_profile_parse(arg, out) == 0) {
		cli_alias_warn(nestref_profile_alias_note(arg));
		return 0;
	}
	fprintf(stderr, "nestref %s: unknown profile '%s' (expected", cmd, arg);
	for (p = 0; p < NESTREF_PROFILE_COUNT; p++)
		fprintf(stderr, "%s %s", p ? "," : "",
			nestref_profile_name((enum nestref_profile)p));
	fputs(")\n", stderr);
	return -1;
}

int cli_rule_arg(const char *cmd, const char *arg, uint32_t *rules_off)
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

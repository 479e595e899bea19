/* SPDX-License-Identifier: MIT */
/*
 * The --profile and --without-rule options that run and explain share,
 * and the one warning a deprecated profile name earns per process.
 */
#ifndef NESTREF_CLI_PROFILE_ARG_H
#define NESTREF_CLI_PROFILE_ARG_H

#include <stdint.h>

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

/* Parses a --profile value; prints why on stderr and returns -1 if bad. */
int cli_profile_arg(const char *cmd, const char *arg,
		    enum nestref_profile *out);

/* Parses a --without-rule value into rule bits; -1 with a message if bad. */
int cli_rule_arg(const char *cmd, const char *arg, uint32_t *rules_off);

/* Prints a deprecated name's note on stderr, the first time only. */
void cli_alias_warn(const char *note);

#endif /* NESTREF_CLI_PROFILE_ARG_H */

/* SPDX-License-Identifier: MIT */
/*
 * nestref export: the vectors as JSON documents for other harnesses
 * (spec/vectors.md 7), through nestref_vec_export_files().
 */
#include <stdio.h>
#include <sys/stat.h>

#include <nestref/vectors.h>

#include "commands.h"
#include "options.h"

#ifndef NESTREF_VECTORDIR
#define NESTREF_VECTORDIR "/usr/local/share/nestref/vectors"
#endif

static void export_usage(FILE *out)
{
	fprintf(out,
		"Usage: nestref export [--format json] [OPTIONS] [PATH...]\n"
		"\n"
		"Writes each vector file (folders recursively, in sorted order) as a\n"
		"JSON document for other test harnesses, in Wycheproof's layout: the\n"
		"file's id, title, references, notes and setup, the profiles its\n"
		"expectations hold under, and its tests, each with a tcId \"<id>/<tc>\",\n"
		"its flags, a result (valid, invalid or acceptable) and its steps with\n"
		"what they expect.  The documents validate against\n"
		"docs/spec/export.schema.json (spec/vectors.md section 7).\n"
		"Without PATH it exports the installed vectors in %s.\n"
		"\n"
		"Options:\n"
		"      --format=json           the output format (json, the only one)\n"
		"      --output=DIR            write one .json file per vector file under\n"
		"                              DIR, mirroring the folders below each PATH;\n"
		"                              without it, one document per line on stdout\n"
		"                              (JSON lines)\n"
		"      --array                 without --output: one indented JSON array of\n"
		"                              the documents on stdout\n"
		"  -p, --profile=PROFILE       only the files that cover PROFILE\n"
		"  -q, --quiet                 no summary on stderr\n"
		"  -h, --help                  show this help\n"
		"\n"
		"Exit status: 0 exported, 2 a usage or load error, or an output that\n"
		"could not be written.\n",
		NESTREF_VECTORDIR);
}

int cmd_export(int argc, char **argv)
{
	static const char *const default_path[] = { NESTREF_VECTORDIR };
	struct nestref_vec_export_opts exp = {
		.size = sizeof(exp),
		.out = stdout,
		.err = stderr,
	};
	struct cli_opts opts;
	struct stat st;
	int rc;

	rc = cli_parse("export", argc, argv,
		       CLI_OPT_EXPORT | CLI_OPT_PROFILE | CLI_OPT_QUIET,
		       export_usage, &opts);
	if (rc >= 0)
		return rc;
	if (opts.array && opts.output) {
		fputs("nestref export: --array and --output exclude each other\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (opts.first_arg >= argc && stat(NESTREF_VECTORDIR, &st) != 0) {
		fprintf(stderr,
			"nestref export: no PATH given and no installed vectors in %s\n",
			NESTREF_VECTORDIR);
		return EXIT_USAGE;
	}
	if (opts.has_profile)
		exp.profiles = NESTREF_PROFILE_BIT(opts.ctx.profile);
	exp.output_dir = opts.output;
	if (opts.array)
		exp.flags |= NESTREF_VEC_EXPORT_ARRAY;
	if (opts.quiet)
		exp.flags |= NESTREF_VEC_QUIET;
	if (opts.first_arg >= argc)
		return nestref_vec_export_files(default_path, 1, &exp);
	return nestref_vec_export_files((const char *const *)argv +
						opts.first_arg,
					(size_t)(argc - opts.first_arg), &exp);
}

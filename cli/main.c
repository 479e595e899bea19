/* SPDX-License-Identifier: MIT */
/* nestref: run, lint and list what the library can check. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <nestref/vectors.h>

#include "commands.h"

static void usage(FILE *out)
{
	fputs("Usage: nestref [--help] [--version] COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "A reference implementation of IOMMU nesting's per-device user data\n"
	      "(the guest's vSID), its link to the physical StreamID, and the\n"
	      "rewriting of guest invalidation commands.\n"
	      "\n"
	      "Commands:\n"
	      "  run [OPTIONS] [PATH...]  run vector files against a backend, TAP on stdout\n"
	      "  lint PATH...             load vector files and report every load error\n"
	      "  explain [OPTIONS] PATH[:TC]...\n"
	      "                           run tests and explain each step: commands before\n"
	      "                           and after the host's rewrite, the rule that fired,\n"
	      "                           what the modelled SMMU did\n"
	      "  backends                 list the backends, their capabilities, profiles\n"
	      "                           and origins\n"
	      "  export [OPTIONS] [PATH...]\n"
	      "                           the vectors as JSON documents for other harnesses\n"
	      "                           (Wycheproof's layout, docs/spec/export.schema.json)\n"
	      "  report [--tap] FILE...   the JSON reports of 'run --report' side by side:\n"
	      "                           a table, the tests they disagree on, the counts\n"
	      "\n"
	      "Run 'nestref COMMAND --help' for a command's options.  An option that\n"
	      "takes one value is given once (--load, --without-rule and --expect-caps\n"
	      "add up); an empty value is refused.\n"
	      "\n"
	      "Environment: NESTREF_BACKEND, the backend when no --backend is given (a\n"
	      "name, or the PATH of a module); NESTREF_BACKEND_PATH, colon-separated\n"
	      "folders whose modules (*.so) run, explain and backends load first.\n"
	      "\n"
	      "Exit status: 0 all ran tests passed, 1 a test failed, 2 usage or load\n"
	      "error, 77 the backend cannot run on this machine.\n"
	      "\n"
	      "Reporting problems: see the README (section \"Reporting problems\").\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("nestref (libnestref) %s\n", nestref_version());
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "lint") == 0)
		return cmd_lint(argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return cmd_explain(argc - 1, argv + 1);
	if (strcmp(argv[1], "backends") == 0)
		return cmd_backends(argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	nestref_vec_escape_line(stderr, "nestref: unknown command '%s'",
				argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

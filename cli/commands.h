/* SPDX-License-Identifier: MIT */
/* The subcommands of `nestref`; each returns the process exit status. */
#ifndef NESTREF_CLI_COMMANDS_H
#define NESTREF_CLI_COMMANDS_H

#define EXIT_USAGE 2

int cmd_run(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_backends(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif /* NESTREF_CLI_COMMANDS_H */

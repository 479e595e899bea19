/* SPDX-License-Identifier: MIT */
/* The subcommands of `nestref`; each returns the process exit status. */
#ifndef NESTREF_CLI_COMMANDS_H
#define NESTREF_CLI_COMMANDS_H

#define EXIT_USAGE 2

int cmd_run(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_backends(int argc, char **argv);
int cmd_explain(int argc, char **argv);

/* Loads every file; prints each load error on stderr.  0 or EXIT_USAGE. */
struct vec_file;
struct path_list;
int load_files(const struct path_list *paths, struct vec_file ***files,
	       size_t *n_files);
void free_files(struct vec_file **files, size_t n_files);

#endif /* NESTREF_CLI_COMMANDS_H */

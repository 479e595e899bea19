/* SPDX-License-Identifier: MIT */
/* Running other programs (valgrind, gnuplot) from the bench. */
#ifndef NESTREF_BENCH_SPAWN_H
#define NESTREF_BENCH_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

/* An executable called name in $PATH (or name itself if it has a '/'). */
bool bench_find_program(const char *name, char *path, size_t len);

/*
 * Runs argv[0] (a path) with stdin from /dev/null, stdout to out_path and
 * stderr to err_path (NULL: /dev/null), in cwd (NULL: this one).  Returns
 * its exit status, or -1 when it could not run or did not exit.
 */
int bench_spawn(char *const argv[], const char *cwd, const char *out_path,
		const char *err_path);

/* The last line of a file that is not blank and does not start with '='
 * (valgrind's own lines), without its newline; "" if none. */
void bench_last_line(const char *path, char *buf, size_t len);

#endif /* NESTREF_BENCH_SPAWN_H */

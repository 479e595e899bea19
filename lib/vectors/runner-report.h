/* SPDX-License-Identifier: MIT */
/* TAP version 13 lines and YAML diagnostic blocks (vectors.md 5). */
#ifndef NESTREF_VECTORS_RUNNER_REPORT_H
#define NESTREF_VECTORS_RUNNER_REPORT_H

#include <stdio.h>

#include "runner-step.h"

struct report_test {
	FILE *out;
	size_t number;
	const struct vec_file *file;
	const struct vec_test *test;
};

void report_plan(FILE *out, size_t count);
/* "ok N - id/tc comment", with " # SKIP reason" when skip is not NULL. */
void report_ok(const struct report_test *t, const char *skip);
/* "not ok" for a failure before the first step (setup or the runner). */
void report_not_ok_setup(const struct report_test *t, const char *message);
/* "not ok" for a failed step, with expected and got. */
void report_not_ok_step(const struct report_test *t, size_t step_index,
			const struct step_got *got,
			const struct step_verdict *verdict);
/* "# not checked: ..." after an ok test some of whose checks were skipped. */
void report_not_checked(FILE *out, unsigned int not_made, uint32_t missing);
/* "missing inv-arm-smmuv3, observe-issued" into buf. */
void report_caps(char *buf, size_t len, const char *prefix, uint32_t caps);
/* The i-th check's name in "# not checked:" ("issued") and its
 * STEP_CHECK_* bit; NULL past the last. */
const char *report_check_name(size_t i, unsigned int *bit);
/* "CFGI_CD sid=0x1234 ... (0x... 0x...)": a command as the reports show it. */
void report_cmd_text(char *buf, size_t len,
		     const struct nestref_smmuv3_cmd *cmd);
/* "{cache: tlb, vmid: 0x5, ...}": a cache entry as the reports show it. */
void report_cache_text(char *buf, size_t len,
		       const struct nestref_smmuv3_cache_entry *entry);
/* Appends to buf (len bytes, *used of them taken), never past its end. */
void report_add(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The action key of a step: "set_dev_user_data", "invalidate", ... */
const char *report_action(enum vec_step_kind kind);

#endif /* NESTREF_VECTORS_RUNNER_REPORT_H */

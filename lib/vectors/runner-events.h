/* SPDX-License-Identifier: MIT */
/*
 * The records a read_vevents step read (spec/vectors.md 3.10): compared
 * with the expected ones, and said record by record for the reports.
 */
#ifndef NESTREF_VECTORS_RUNNER_EVENTS_H
#define NESTREF_VECTORS_RUNNER_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "vector.h"

/*
 * Whether the n bytes read are exactly the step's expected records,
 * each an 8-byte header {flags, sequence} then its data.  The loader has
 * made every expected record fit its queue's type and put a LOST_EVENTS
 * header last, so bytes that match are well-formed records too.
 */
bool events_match(const struct vec_step *step, const unsigned char *buf,
		  size_t n);

/* One line of a report: each record expected, or read. */
typedef void events_say_fn(const char *text, void *arg);

/*
 * The expected records, one line each ("sequence 0: virt_id 0x99",
 * "sequence 2: F_TRANSLATION sid=0x99 ... (0x... 0x... 0x... 0x...)",
 * "sequence 3: LOST_EVENTS").
 */
void events_say_expected(const struct vec_file *file,
			 const struct vec_step *step, events_say_fn *say,
			 void *arg);
/*
 * The records read, split by the queue's type as the expected ones are
 * said; where the bytes are not whole records (a flag other than
 * LOST_EVENTS, anything after that header, a record cut short), a last
 * line says what is wrong and shows the rest.  A queue whose events'
 * size the runner does not know is one line of bytes.
 */
void events_say_got(const struct vec_file *file, const struct vec_step *step,
		    const unsigned char *buf, size_t n, events_say_fn *say,
		    void *arg);

#endif /* NESTREF_VECTORS_RUNNER_EVENTS_H */

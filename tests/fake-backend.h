/* SPDX-License-Identifier: MIT */
/*
 * A test-only backend with every capability, whose behaviour the tests
 * steer through `fake_knobs` and whose calls they count (libgit2's spy
 * backends, style.md 1.6).  It registers as "fake"; "fake-noops" has no
 * user-data or invalidation ops; "fake-rfc" supports rfc-v3 only.
 *
 * Invalidation (type arm-smmuv3, 16-byte commands): every command is
 * "issued" unchanged, then one CMD_SYNC per successful call; a command with opcode
 * 0x03 (CFGI_STE) is refused with -EIO.  CFGI_CD_ALL removes the cfg cache
 * entries of its SID, so vectors can watch caches change.  Nested HWPTs
 * take any data, and attach always works, unless the knobs say.
 * trigger_vevent reports the selftest event {vSID} of the device's newest
 * vDEVICE on its vIOMMU, whose queues the core keeps.  "fake-evq" owns
 * its queues (backend.h version 4): it counts the calls and answers what
 * the knobs say.
 */
#ifndef NESTREF_TESTS_FAKE_BACKEND_H
#define NESTREF_TESTS_FAKE_BACKEND_H

#include <nestref/backend.h>
#include <nestref/smmuv3.h>

struct fake_knobs {
	int set_rc;           /* returned by set_dev_user_data when non-zero */
	uint32_t chunk;       /* at most this many entries per call (0: all) */
	uint32_t overreport;  /* added to entry_num written back */
	int open_rc;          /* returned by open when non-zero */
	int hwpt_rc;          /* returned by hwpt_nested_init when non-zero */
	int attach_rc;        /* returned by dev_attach when non-zero */
	int trigger_rc;       /* returned by trigger_vevent when non-zero */
	int veventq_alloc_rc; /* fake-evq: returned by veventq_alloc */
	int veventq_read_rc;  /* fake-evq: returned by veventq_read */
	/* counters */
	unsigned int set_calls;
	unsigned int unset_calls;
	unsigned int invalidate_calls;
	uint32_t last_entry_num; /* entry_num of the last call, as received */
	size_t last_data_offset; /* bytes from the first call's data pointer */
	unsigned int hwpt_inits, hwpt_destroys, attach_calls;
	struct nestref_hwpt *last_old_hwpt; /* nestref_dev_hwpt() at attach */
	unsigned int trigger_calls;
	unsigned int veventq_allocs, veventq_reads, veventq_destroys;
	size_t last_read_count; /* fake-evq: buf->count of the last read */
};

extern struct fake_knobs fake_knobs;

/* Registers the fake backends (once) and resets the knobs. */
void fake_backend_setup(void);

#endif /* NESTREF_TESTS_FAKE_BACKEND_H */

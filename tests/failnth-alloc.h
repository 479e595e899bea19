/* SPDX-License-Identifier: MIT */
/*
 * The allocator of make check-failnth (tests/check-failnth.c): installed
 * with nestref_set_allocator() and, for jansson's own allocations, with
 * json_set_alloc_funcs(), it counts every allocation the libraries and
 * backends make, fails exactly the Nth one (the ones after it succeed, so
 * the caller has to recover), and keeps a header before each block so
 * that it knows what is live and catches a block it never handed out
 * being given back (the idea of SQLite's OOM tests and the kernel's
 * fail_nth, not their code).  Not thread-safe, like the hook.
 */
#ifndef NESTREF_TESTS_FAILNTH_ALLOC_H
#define NESTREF_TESTS_FAILNTH_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Installs it for libnestref, libnestref-vectors and jansson.  With
 * $FAILNTH_NO_HEADER set (tests/failnth.sh does under valgrind) the
 * blocks have no header: memcheck would take a block pointed to only past
 * its start for possibly lost, and catches a wrong free itself.
 */
void failnth_alloc_install(void);

/*
 * Starts a run: the count goes back to 0 and allocation number nth (from
 * 1) of the run fails; 0 fails none.  Live blocks are not reset: a run
 * must give back what it took, and what stays live is its leak.
 */
void failnth_alloc_arm(uint64_t nth);

/* Fails nothing from now on; counts and what was recorded stay. */
void failnth_alloc_disarm(void);

/* Allocations (and resizes) asked for since the last arm. */
uint64_t failnth_alloc_calls(void);

/* Whether the armed allocation has been refused. */
bool failnth_alloc_fired(void);

/* Blocks handed out and not given back, and their bytes. */
size_t failnth_alloc_live_blocks(void);
size_t failnth_alloc_live_bytes(void);

/*
 * Allocations made inside jansson's json_loadb() are counted apart and
 * never failed: jansson's lexer drops a failed allocation and reads on
 * past its buffer (akheron/jansson issue 362, in every release up to
 * 2.15.1), a crash of jansson's own that no caller can prevent.
 * check-failnth links with --wrap=json_loadb to know when it runs.
 */
uint64_t failnth_alloc_exempt(void);

/*
 * After a clean run (armed with 0): whether allocation n was made by the
 * same call into jansson as allocation n - 1, from the same stack.  A
 * jansson function that allocates several times fails as a whole, with
 * the same answer to its caller whichever of its allocations failed, so
 * check-failnth fails the first one only.
 */
bool failnth_alloc_same_call(uint64_t n);

/*
 * The return addresses of the refused allocation's callers, innermost
 * first, for a message that says where it was (up to max; returns how
 * many).
 */
size_t failnth_alloc_where(void **frames, size_t max);

#endif /* NESTREF_TESTS_FAILNTH_ALLOC_H */

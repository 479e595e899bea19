#!/bin/sh
# make check-failnth's sweep: tests/check-failnth runs every sequence,
# $FAILNTH_JOBS at once (Makefile.am's FAILNTH_JOBS, 2 by default), and
# reports TAP, a line per sequence and its totals in comments at the end.
# Under make check-failnth-valgrind ($VALGRIND set) it runs --sample, a
# few small sequences, under valgrind (tests/lib.sh's run_program), whose
# errors and leaks end it with status 99.
. "${top_srcdir:-.}/tests/lib.sh"

driver=${abs_top_builddir:-.}/tests/check-failnth
if [ -n "${VALGRIND-}" ]; then
	# Blocks without the allocator's header: tests/failnth-alloc.h.
	FAILNTH_NO_HEADER=1
	export FAILNTH_NO_HEADER
	run_program "$driver" --sample --jobs "${FAILNTH_JOBS:-2}"
	exit
fi
exec "$driver" --jobs "${FAILNTH_JOBS:-2}"

#!/bin/sh
# make fuzz-smoke: fuzz-core's regression inputs, then FUZZ_SMOKE_TIME
# seconds of fuzzing (tests/fuzz/run.sh, docs/fuzzing.md section 7).
exec ${SHELL:-/bin/sh} "${top_srcdir:-.}/tests/fuzz/run.sh" smoke core

#!/bin/sh
# The bundled vectors on backend mock under profile linux-7.2.
. "${top_srcdir:-.}/tests/lib.sh"
run_vectors mock linux-7.2 \
	inv-selftest,check-cache,raw-user-data,attach-nested,trigger-vevent,veventq-sequence

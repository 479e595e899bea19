#!/bin/sh
# The bundled vectors on backend mock under profile rfc-v3.
. "${top_srcdir:-.}/tests/lib.sh"
run_vectors mock rfc-v3 \
	inv-selftest,check-cache,raw-user-data,attach-nested,trigger-vevent,veventq-sequence

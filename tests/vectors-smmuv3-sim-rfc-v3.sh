#!/bin/sh
# The bundled vectors on backend smmuv3-sim under profile rfc-v3.
. "${top_srcdir:-.}/tests/lib.sh"
run_vectors smmuv3-sim rfc-v3 \
	inv-arm-smmuv3,observe-issued,observe-caches,raw-user-data,observe-hw-info,attach-nested,inject-event,veventq-sequence

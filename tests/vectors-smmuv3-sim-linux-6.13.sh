#!/bin/sh
# The bundled vectors on backend smmuv3-sim under profile linux-6.13.
. "${top_srcdir:-.}/tests/lib.sh"
run_vectors smmuv3-sim linux-6.13 \
	inv-arm-smmuv3,observe-issued,observe-caches,raw-user-data,observe-hw-info,attach-nested,inject-event,veventq-sequence

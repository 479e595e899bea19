#!/bin/sh
# The bundled vectors on backend mock under profile linux-next.
. "${top_srcdir:-.}/tests/lib.sh"
run_vectors mock linux-next

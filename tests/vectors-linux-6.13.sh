#!/bin/sh
# The bundled vectors on the mock backend under profile linux-6.13; nestref's
# own TAP is the test's output.
. "${top_srcdir:-.}/tests/lib.sh"
nestref run --quiet --backend mock --profile linux-6.13 "$top_srcdir/vectors"

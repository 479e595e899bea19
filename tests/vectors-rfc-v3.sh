#!/bin/sh
# The bundled vectors on the mock backend under profile rfc-v3; nestref's
# own TAP is the test's output.
. "${top_srcdir:-.}/tests/lib.sh"
nestref run --quiet --backend mock --profile rfc-v3 "$top_srcdir/vectors"

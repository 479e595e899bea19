#!/bin/sh
# The bundled vectors on the mock backend under profile linux-next; nestref's
# own TAP is the test's output.
. "${top_srcdir:-.}/tests/lib.sh"
nestref run --quiet --backend mock --profile linux-next "$top_srcdir/vectors"

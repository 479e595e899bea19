#!/bin/sh
# Runs one libFuzzer harness of tests/fuzz (docs/fuzzing.md section 7).
#
#   run.sh long HARNESS    FUZZ_TIME seconds (600); the corpus grows in
#                          FUZZ_WORK/HARNESS and is kept for the next run;
#                          prints the run's numbers; exit 1 on a finding
#   run.sh smoke HARNESS   the regression inputs, then FUZZ_SMOKE_TIME
#                          seconds (60) from the seeds in a fresh folder;
#                          TAP on stdout, for make fuzz-smoke
#
# HARNESS is vectors, codec, core or exec.  The seeds (tests/fuzz/corpus/
# HARNESS, for vectors also vectors/ and tests/data/) and the regression
# inputs (tests/fuzz/regress/HARNESS) are copied into the work folder: the
# source tree is only read.  A finding is left there as crash-*, leak-*,
# timeout-* or oom-*.  make sets top_srcdir and abs_top_builddir;
# FUZZ_WORK (tests/fuzz/work in the build tree), FUZZ_TIMEOUT (seconds
# per input, 10) and FUZZ_FLAGS (more libFuzzer options) may be set.
set -u
mode=$1
h=$2
top_srcdir=${top_srcdir:-.}
abs_top_builddir=${abs_top_builddir:-$(pwd)}
bin=$abs_top_builddir/tests/fuzz/fuzz-$h
src=$top_srcdir/tests/fuzz
work_top=${FUZZ_WORK:-$abs_top_builddir/tests/fuzz/work}
timeout=${FUZZ_TIMEOUT:-10}
findings='crash-* leak-* timeout-* oom-*'

case $mode in
long)
	work=$work_top/$h
	time=${FUZZ_TIME:-600}
	;;
smoke)
	work=$work_top/smoke-$h
	time=${FUZZ_SMOKE_TIME:-60}
	rm -rf "$work"
	;;
*)
	echo "usage: run.sh long|smoke HARNESS" >&2
	exit 2
	;;
esac

if [ ! -x "$bin" ]; then
	why="$bin is not built: configure with CC=clang --enable-fuzz (Debian: clang, libclang-rt-14-dev; docs/fuzzing.md)"
	if [ "$mode" = smoke ]; then
		echo "not ok 1 - fuzz-$h: $why"
		echo "1..1"
	else
		echo "run.sh: $why" >&2
	fi
	exit 1
fi

# The seeds, copied once into the work corpus (files keep their names,
# prefixed with where they came from).
seed() { # DIR PREFIX
	[ -d "$1" ] || return 0
	find "$1" -type f ! -name '.*' | while read -r f; do
		name=$(printf '%s' "${f#"$1"/}" | tr '/' '_')
		cp "$f" "$work/corpus/$2$name"
	done
}
mkdir -p "$work/corpus"
seed "$src/corpus/$h" seed-
seed "$src/regress/$h" regress-
if [ "$h" = vectors ]; then
	seed "$top_srcdir/vectors" vectors-
	seed "$top_srcdir/tests/data/good" good-
	seed "$top_srcdir/tests/data/bad" bad-
fi
dict=
[ -f "$src/$h.dict" ] && dict=-dict=$src/$h.dict

# The regression inputs first, one run each: a fixed bug stays fixed.
regress() {
	set -- "$src/regress/$h"/*
	[ -e "$1" ] || { echo 0; return 0; }
	"$bin" -timeout="$timeout" "$@" >"$work/regress.log" 2>&1 || return 1
	echo $#
}

fuzz() {
	rm -f "$work/fuzz.log"
	# shellcheck disable=SC2086 # dict and FUZZ_FLAGS are word lists
	"$bin" -max_total_time="$time" -timeout="$timeout" -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/" $dict \
		${FUZZ_FLAGS-} "$work/corpus" >"$work/fuzz.log" 2>&1
}

# "N runs, N exec/s, cov N, ft N, corpus N" from libFuzzer's log
numbers() {
	awk '
		/^stat::number_of_executed_units:/ { runs = $2 }
		/^stat::average_exec_per_sec:/ { rate = $2 }
		/^stat::peak_rss_mb:/ { rss = $2 }
		/(DONE|pulse|NEW|REDUCE|INITED)[ \t]+cov: / {
			for (i = 1; i < NF; i++) {
				if ($i == "cov:") cov = $(i + 1)
				if ($i == "ft:") ft = $(i + 1)
				if ($i == "corp:") corp = $(i + 1)
			}
		}
		END {
			printf "%s runs, %s exec/s, cov %s, ft %s, corpus %s, rss %s MB\n",
				runs, rate, cov, ft, corp, rss
		}' "$work/fuzz.log"
}

found() {
	(cd "$work" && ls $findings 2>/dev/null) | sed "s|^|$work/|"
}

if [ "$mode" = long ]; then
	n=$(regress) || {
		echo "fuzz-$h: a regression input fails again: $work/regress.log" >&2
		exit 1
	}
	fuzz
	rc=$?
	echo "fuzz-$h: $time s: $(numbers); $n regression inputs"
	if [ $rc -ne 0 ] || [ -n "$(found)" ]; then
		echo "fuzz-$h: finding (exit $rc): $(found); log $work/fuzz.log" >&2
		exit 1
	fi
	exit 0
fi

# One result per harness: its regression inputs, then the fuzzing.
if ! n=$(regress); then
	echo "not ok 1 - fuzz-$h: a regression input fails again"
	tail -n 30 "$work/regress.log" | sed 's/^/# /'
	echo "1..1"
	exit 1
fi
fuzz
rc=$?
if [ $rc -eq 0 ] && [ -z "$(found)" ]; then
	echo "ok 1 - fuzz-$h: $n regression inputs, then $time s without a crash, leak or timeout: $(numbers)"
	echo "1..1"
	exit 0
fi
echo "not ok 1 - fuzz-$h: exit $rc after $(numbers)"
found | sed 's/^/# finding: /'
grep -v '^#[0-9]' "$work/fuzz.log" | tail -n 40 | sed 's/^/# /'
echo "1..1"
exit 1

#!/bin/sh
# nestref-bench's files (issue 13 point 7): a path that cannot be
# written stops the bench at once, before anything is measured, with a
# usage error naming the option and the path; a write that fails at the
# end (/dev/full) is an error, for the files and for the table on stdout;
# a file is replaced only when complete, and a stopped run leaves the old
# one.  bench/plot.py: a missing gnuplot or a bad folder is an error,
# never exit 0.  Each run is tiny (seconds).
. "${top_srcdir:-.}/tests/lib.sh"

bench=${NESTREF_BENCH:-${abs_top_builddir:-.}/bench/nestref-bench}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# A run that would measure for seconds if it were not refused first (a
# full run would take minutes), and the quickest run that measures.
slow="--only churn -r 1 -t 1 -w 0 --no-callgrind --no-progress"
quick="--quick --only churn --no-callgrind --no-progress"
# A refusal is parsing and a stat: well under this many seconds, also
# under valgrind.
limit=3
[ -n "${VALGRIND-}" ] && limit=30

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# timed_capture ARGS...: capture of the bench, $ms its duration.
timed_capture() {
	t0=$(now_ms)
	capture "$bench" "$@"
	ms=$(($(now_ms) - t0))
}

# refused DESCRIPTION MESSAGE: the last run was a usage error that said
# MESSAGE, returned at once and measured nothing.
refused() {
	expect_rc "$1: usage error" 2
	expect_in "$1: says why" "$err" "$2"
	if [ "$ms" -lt $((limit * 1000)) ]; then
		ok "$1: returns at once (${ms} ms)"
	else
		not_ok "$1: took ${ms} ms: it measured before failing"
	fi
	if [ -z "$out" ]; then ok "$1: prints no measurement"; else
		not_ok "$1: prints no measurement" "$out"
	fi
}

# temps PATTERN: the bench's temporary files (.NAME.XXXXXX) in $tmp.
temps() {
	left=
	# shellcheck disable=SC2231 # $1 is a pattern
	for f in "$tmp"/.$1.??????; do
		[ -e "$f" ] && left="$left ${f##*/}"
	done
	[ -n "$left" ]
}

# no_temps: no temporary file is left in $tmp.
no_temps() {
	if ! temps "*"; then ok "$1: no temporary file is left"; else
		not_ok "$1: temporary files are left" "$left"
	fi
}

touch "$tmp/file"

# shellcheck disable=SC2086 # $slow is a list of options
timed_capture $slow --plot /nonexistent/x
refused "--plot /nonexistent/x" "--plot is bench/plot.py now"

# shellcheck disable=SC2086
timed_capture $slow --json "$tmp/no-dir/r.json"
refused "--json in a missing folder" \
	"nestref-bench: --json: cannot write $tmp/no-dir/r.json: No such file or directory (nothing was measured)"
if [ -e "$tmp/no-dir" ]; then not_ok "the missing folder is not created"; else
	ok "the missing folder is not created"
fi

# shellcheck disable=SC2086
timed_capture $slow --csv "$tmp/file/r.csv"
refused "--csv under a file" \
	"nestref-bench: --csv: cannot write $tmp/file/r.csv: Not a directory"

# shellcheck disable=SC2086
timed_capture $slow --json "$tmp"
refused "--json naming a folder" \
	"nestref-bench: --json: cannot write $tmp: Is a directory"

# A good --json and a bad --csv: neither is touched.
echo old >"$tmp/r.json"
# shellcheck disable=SC2086
timed_capture $slow --json "$tmp/r.json" --csv "$tmp/no-dir/r.csv"
refused "a good --json with a bad --csv" "--csv: cannot write $tmp/no-dir/r.csv"
expect_out_file() { # DESCRIPTION FILE TEXT
	if [ "$(cat "$2")" = "$3" ]; then ok "$1"; else
		not_ok "$1" "$(head -c 200 "$2")"
	fi
}
expect_out_file "the old --json file is left as it was" "$tmp/r.json" old
no_temps "a refused run"

# The end of a run: writes that fail are errors, with their reason.
# shellcheck disable=SC2086
capture "$bench" $quick --json /dev/full
expect_rc "--json /dev/full fails" 1
expect_in "--json /dev/full says why" "$err" \
	"nestref-bench: --json: writing /dev/full: No space left on device"
# shellcheck disable=SC2086
capture "$bench" $quick --csv /dev/full
expect_rc "--csv /dev/full fails" 1
expect_in "--csv /dev/full says why" "$err" \
	"nestref-bench: --csv: writing /dev/full: No space left on device"
# capture redirects stdout itself: these two go to /dev/full here.
# shellcheck disable=SC2086
run_program "$bench" $quick >/dev/full 2>"$tmp/err"
rc=$? err=$(cat "$tmp/err")
expect_rc "the table on a full stdout fails" 1
expect_in "the table on a full stdout says why" "$err" \
	"nestref-bench: writing the table to stdout: No space left on device"
# shellcheck disable=SC2086
run_program "$bench" $quick --json - >/dev/full 2>"$tmp/err"
rc=$? err=$(cat "$tmp/err")
expect_rc "--json - on a full stdout fails" 1
expect_in "--json - on a full stdout says why" "$err" \
	"nestref-bench: --json: writing stdout: No space left on device"
# A device is written in place.
# shellcheck disable=SC2086
capture "$bench" $quick --json /dev/null --csv /dev/null
expect_rc "--json and --csv may both be /dev/null" 0

# A complete run replaces the old file, keeping its mode.
chmod 640 "$tmp/r.json"
# shellcheck disable=SC2086
capture "$bench" $quick --json "$tmp/r.json" --csv "$tmp/r.csv"
expect_rc "a run with good files exits 0" 0
if grep -q '"schema_version": 2' "$tmp/r.json"; then
	ok "the JSON file is replaced"
else
	not_ok "the JSON file is replaced" "$(head -c 200 "$tmp/r.json")"
fi
mode=$(stat -c %a "$tmp/r.json")
if [ "$mode" = 640 ]; then ok "the replaced file keeps its mode"; else
	not_ok "the replaced file keeps its mode: $mode, want 640"
fi
expect_in "the CSV file is written" "$(head -n 1 "$tmp/r.csv")" "name,backend,"
no_temps "a complete run"
cp "$tmp/r.json" "$tmp/good.json"

# A run stopped by SIGTERM leaves the old file and no temporary one.  Not
# under valgrind: the signal must reach the bench itself.
echo old >"$tmp/r.json"
# shellcheck disable=SC2086
"$bench" $slow --json "$tmp/r.json" >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! temps r.json; do
	sleep 0.05
	i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_rc "SIGTERM stops the run" 143
expect_out_file "a stopped run leaves the old file" "$tmp/r.json" old
no_temps "a stopped run"

# bench/plot.py: without gnuplot nothing is drawn, and that is an error.
python=${BENCH_PYTHON:-/usr/bin/python3}
if [ ! -x "$python" ]; then
	not_ok "$python is present" \
		"install the Debian package python3 (apt-get install -y python3)"
	finish
	exit 1
fi
plot="$top_srcdir/bench/plot.py"
mkdir "$tmp/no-tools"
capture env PATH="$tmp/no-tools" "$python" "$plot" "$tmp/good.json" "$tmp/p1"
expect_rc "plot.py without gnuplot fails" 1
expect_in "plot.py without gnuplot says what to install" "$err" \
	"gnuplot not found in \$PATH: no images (Debian: apt-get install gnuplot-nox"
if [ -s "$tmp/p1/throughput-vs-batch.gp" ]; then
	ok "plot.py without gnuplot still writes the scripts"
else
	not_ok "plot.py without gnuplot still writes the scripts"
fi
capture env PATH="$tmp/no-tools" "$python" "$plot" --no-images \
	"$tmp/good.json" "$tmp/p2"
expect_rc "plot.py --no-images needs no gnuplot" 0
capture env PATH="$tmp/no-tools" "$python" "$plot" --check "$tmp/p3"
expect_rc "plot.py --check without gnuplot fails" 1
expect_in "plot.py --check names the missing gnuplot" "$err" "gnuplot not found"
capture "$python" "$plot" "$tmp/good.json" "$tmp/file/plots"
expect_rc "plot.py into a folder under a file fails" 1
expect_in "plot.py names the folder" "$err" "writing $tmp/file/plots"
capture "$python" "$plot" --check "$tmp/file/plots"
expect_rc "plot.py --check of a folder under a file fails" 1
expect_in "plot.py --check names the folder" "$err" \
	"cannot write $tmp/file/plots"
capture "$python" "$plot" --check "$tmp/p4"
if command -v gnuplot >/dev/null 2>&1; then
	expect_rc "plot.py --check with gnuplot and a good folder" 0
	if [ -d "$tmp/p4" ] && [ -z "$(ls -A "$tmp/p4")" ]; then
		ok "plot.py --check creates the folder and leaves it empty"
	else
		not_ok "plot.py --check creates the folder and leaves it empty"
	fi
else
	expect_rc "plot.py --check without gnuplot on this machine" 1
fi
capture "$python" "$plot" --check "$tmp/p5" "$tmp/p6"
expect_rc "plot.py --check takes one folder" 2

finish

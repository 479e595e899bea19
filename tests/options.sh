#!/bin/sh
# Every option value of nestref and nestref-bench is checked before
# anything runs (issue 13 point 7): numbers (range, trailing garbage,
# overflow, sign, hex, exponent), names (profiles, suites, kinds, formats),
# an option given twice, an empty value, options that exclude each other,
# and --backend-options, which each backend checks itself: a key it does
# not understand is refused with the keys it takes.  Each refusal is a
# usage error (exit 2) with a message naming the option and the value,
# and nothing runs.
. "${top_srcdir:-.}/tests/lib.sh"

bench=${NESTREF_BENCH:-${abs_top_builddir:-.}/bench/nestref-bench}
wrong="$top_srcdir/tests/data/cli/wrong.yaml"

# usage DESCRIPTION MESSAGE: the last capture was a usage error that
# said MESSAGE and ran nothing (no TAP, no table on stdout).
usage() {
	expect_rc "$1: usage error" 2
	expect_in "$1: says why" "$err" "$2"
	if [ -z "$out" ]; then ok "$1: runs nothing"; else
		not_ok "$1: runs nothing" "$(printf '%s\n' "$out" | head -n 5)"
	fi
}

# ---------------------------------------------------------- nestref

run_capture run -b mock -b smmuv3-sim "$wrong"
usage "run --backend twice" "nestref run: --backend given twice: give it once"
run_capture run -p linux-7.2 --profile linux-7.4 "$wrong"
usage "run --profile twice" "nestref run: --profile given twice"
run_capture run -b mock -o a -o b "$wrong"
usage "run --backend-options twice" "nestref run: --backend-options given twice"
run_capture run -b mock --report a.json --report b.json "$wrong"
usage "run --report twice" "nestref run: --report given twice"
run_capture export --format json --format json "$wrong"
usage "export --format twice" "nestref export: --format given twice"
# Lists add up: a rule twice is still one run.
run_capture run --quiet -b mock -W invalidate-bounds -W vdevice-tombstone "$wrong"
expect_rc "run --without-rule twice adds up (the vector fails, as it should)" 1

run_capture run -b "" "$wrong"
usage "run --backend ''" "nestref run: --backend: the value is empty"
run_capture run -b mock -o "" "$wrong"
usage "run --backend-options ''" "nestref run: --backend-options: the value is empty"
run_capture run -b mock --junit "" "$wrong"
usage "run --junit ''" "nestref run: --junit: the value is empty"
run_capture run --load "" "$wrong"
usage "run --load ''" "nestref run: --load: the value is empty"
run_capture export --output "" "$wrong"
usage "export --output ''" "nestref export: --output: the value is empty"

run_capture export --format yaml "$wrong"
usage "export --format yaml" "nestref export: unknown format 'yaml' (expected json)"
run_capture run -p linux-9 "$wrong"
usage "run --profile linux-9" "unknown profile 'linux-9' (expected linux-7.2,"
run_capture run -b mock --expect-caps inv-selftest,, "$wrong"
usage "run --expect-caps with an empty name" \
	"--expect-caps takes capability names separated by commas, got 'inv-selftest,,'"

for n in 0 -1 +5 " 5" 5x 0x5 1e3 99999999999999999999; do
	run_capture report --tap-from "$n" "$wrong"
	usage "report --tap-from '$n'" \
		"nestref report: --tap-from takes a test number of 1 or more, got '$n'"
done

# Every backend refuses a backend option it does not understand.
run_capture run -b mock -o fast=1 "$wrong"
usage "run: the mock refuses an unknown option" \
	"nestref: backend 'mock': mock: unknown backend option 'fast': it takes none"
run_capture run -b smmuv3-sim -o fast "$wrong"
usage "run: smmuv3-sim refuses an unknown option" \
	"smmuv3-sim: unknown backend option 'fast': it takes none"
run_capture run -b iommufd -o mode=selftest,fast=1 "$wrong"
usage "run: iommufd refuses an unknown option and lists its own" \
	"iommufd: unknown backend option 'fast' (it takes mode=selftest|vfio, devices=PATH[:PATH...], iommufd=PATH)"
run_capture run -b iommufd -o mode=fast "$wrong"
usage "run: iommufd refuses an unknown mode" \
	"iommufd: mode 'fast' is not selftest or vfio"
run_capture run -b iommufd -o iommufd= "$wrong"
usage "run: iommufd refuses an empty path" \
	"iommufd: backend option 'iommufd' needs a value: iommufd=PATH"
run_capture explain -b mock -o fast=1 "$wrong"
usage "explain: the mock refuses an unknown option" \
	"nestref explain: backend 'mock': mock: unknown backend option 'fast': it takes none"

# ---------------------------------------------------------- nestref-bench

capture "$bench" --help
expect_in "nestref-bench --help points to the README for reporting problems" \
	"$out" 'Reporting problems: see the README (section "Reporting problems").'
expect_not_in "nestref-bench --help names no issue number" "$out" "issue "

# A bench that took a bad value would run: let that run be seconds, not
# the full bench's minutes (--only churn unless the test gives --only).
tiny="--quick --no-callgrind"
bench_usage() { # DESCRIPTION MESSAGE ARGS...
	desc=$1 msg=$2
	shift 2
	# shellcheck disable=SC2086 # $tiny is a list of options
	case " $* " in
	*" --only "*) capture "$bench" $tiny "$@" ;;
	*) capture "$bench" $tiny --only churn "$@" ;;
	esac
	usage "nestref-bench $desc" "nestref-bench: $msg"
}

for n in 0 10001 -1 +5 " 5" 5x 0x10 1e3 1.5 99999999999999999999; do
	bench_usage "--repetitions '$n'" \
		"--repetitions: '$n' is not a whole number from 1 to 10000" \
		--repetitions "$n"
done
for n in 0 -1 0x10 inf nan 1e3 " 5" 5ms 60001; do
	bench_usage "--min-time '$n'" \
		"--min-time: '$n' is not a number of milliseconds from 0.001 to 60000" \
		--min-time "$n"
done
bench_usage "--warmup -1" \
	"--warmup: '-1' is not a number of milliseconds from 0 to 600000" -w -1
for n in 0 16777217 some; do
	bench_usage "--working-set '$n'" \
		"--working-set: '$n' is not 'all' or a whole number from 1 to 16777216" \
		--working-set "$n"
done
bench_usage "--cpu 1024" "--cpu: '1024' is not a CPU number" --cpu 1024
bench_usage "--cpu -1" "--cpu: '-1' is not a CPU number" --cpu -1
# The highest CPU number: this machine would need 1024 CPUs to allow it.
bench_usage "--cpu on a CPU not allowed" \
	"--cpu: this process may not run on CPU 1023 (it may on " --cpu 1023
bench_usage "--iters 0" "--iters: '0' is not a whole number from 1 to 10^12" \
	--callgrind-child x --iters 0

bench_usage "--suite nope" "--suite: 'nope' is not full or kernel" --suite nope
for v in nope 'sim,' 'sim,,mock' ',sim'; do
	bench_usage "--only '$v'" \
		"--only: '$v' is not a comma-separated list of rewrite, sim, mock, churn, kernel, ioctl" \
		--only "$v"
done

bench_usage "--repetitions twice" "--repetitions given twice: give it once" \
	-r 1 -r 2
bench_usage "--json twice" "--json given twice: give it once" \
	--json a.json -j b.json
bench_usage "--only twice" "--only given twice" --only sim --only mock
for opt in --json --csv --only --iommufd --backend-options --suite; do
	bench_usage "$opt ''" "$opt: the value is empty" "$opt" ""
done
bench_usage "--cpu with --no-pin" "--cpu and --no-pin exclude each other" \
	--cpu 0 --no-pin
bench_usage "--progress with --no-progress" \
	"--progress and --no-progress exclude each other" --progress --no-progress
bench_usage "--json and --csv on one file" "--json and --csv both name 'r'" \
	--json r --csv r
bench_usage "--json and --csv both on stdout" "--json and --csv both name '-'" \
	--json - --csv -
bench_usage "--iommufd with a comma" \
	"--iommufd: 'a,b' has a comma, which the backend options cannot carry" \
	--iommufd a,b

# --backend-options go to the iommufd backend, which judges them, also
# when --only leaves its rows out.
bench_usage "--backend-options with an unknown key" \
	"--backend-options: backend 'iommufd': iommufd: unknown backend option 'fast' (it takes mode=selftest|vfio, devices=PATH[:PATH...], iommufd=PATH)" \
	--only sim --backend-options fast=1
bench_usage "--backend-options mode=vfio without devices" \
	"--backend-options: backend 'iommufd': iommufd: mode=vfio needs devices=" \
	--only sim --backend-options mode=vfio

# What is allowed still runs: fractions of milliseconds, a CPU this
# process may run on (the first the kernel lists for it), a repeated flag.
cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)
capture "$bench" --quick --only churn --no-callgrind --no-progress \
	-t 0.5 -w .5 --working-set 16 --cpu "${cpu:-0}" -q
expect_rc "nestref-bench takes good values" 0
expect_in "nestref-bench measured with them" "$out" "${nl}churn "

finish

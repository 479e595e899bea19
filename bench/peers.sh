#!/bin/sh
# bench/peers.sh: `make bench-peers` (docs/bench.md, "Summary"): one run of
# every peer on this machine, one after the other, never two at once:
#   1. nestref-bench's full run on the host (rewrite, sim, mock, churn,
#      events, memory, and QEMU's SMMUv3 where the QEMU of make
#      check-kernel-arm64 is there);
#   2. make bench-kernel: the selftest kernel in its x86_64 guest;
#   3. make bench-kernel-arm64: the arm-smmu-v3 driver in its aarch64
#      guest, where that check can run here.
# Then bench/peers.py merges the JSON files into bench-peers.json, prints
# the summary table and draws bench-peers-plots/peers.{svg,png}.  A guest
# that cannot run is a row that says why (its make's last line), not a
# failure; a host run that fails is.
#
# Environment (from the Makefile): MAKE, PYTHON3, srcdir (the source
# tree), BENCH_FLAGS (more options for nestref-bench).  Exit 0, or 1.
set -u
me=bench-peers
py=${PYTHON3:-/usr/bin/python3}
src=${srcdir:-.}
t0=$(date +%s)

say() { echo "$me: $* ($(($(date +%s) - t0)) s)" >&2; }

rm -f bench-peers.json bench-peers-host.json
# shellcheck disable=SC2086 # BENCH_FLAGS is a list of options
bench/nestref-bench --json bench-peers-host.json ${BENCH_FLAGS:-}
rc=$?
# 77: some peer could not be measured here; it says why in the JSON.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
	say "FAILED: nestref-bench exited with $rc"
	exit 1
fi
say "host run done"
"$py" "$src/bench/targets.py" --update bench-peers-host.json >/dev/null ||
	say "targets.py could not judge the host run (the summary does not need it)"

# guest NAME TARGET JSON: runs make TARGET and keeps its JSON as
# bench-peers-NAME.json; when it cannot, why is its output's last line.
guest() {
	log=bench-peers-$1.log
	if ${MAKE:-make} "$2" >"$log" 2>&1 && [ -s "$3" ]; then
		cp "$3" "bench-peers-$1.json"
		say "$2 done"
		return 0
	fi
	why=$(grep -v '^make' "$log" | tail -n 1)
	why="$2: ${why:-no output}"
	say "$2 did not run: $why (whole output: $log)"
	return 1
}

set -- merge bench-peers.json --host bench-peers-host.json
if guest kernel bench-kernel bench-kernel.json; then
	set -- "$@" --kernel bench-peers-kernel.json
else
	set -- "$@" "--skip=kernel=$why"
fi
if guest arm64 bench-kernel-arm64 bench-kernel-arm64.json; then
	set -- "$@" --arm64 bench-peers-arm64.json
else
	set -- "$@" "--skip=arm64=$why"
fi
"$py" "$src/bench/peers.py" "$@" || exit 1
"$py" "$src/bench/peers.py" table bench-peers.json || exit 1
"$py" "$src/bench/peers.py" plot bench-peers.json bench-peers-plots ||
	say "no plot (see above); the table and bench-peers.json are complete"
say "wrote bench-peers.json and bench-peers-plots/"

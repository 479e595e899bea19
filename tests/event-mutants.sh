#!/bin/sh
# tests/event-mutants.sh (make check-mutants): shows that the event
# vectors catch a wrong way back (kernel-facts 2.12, 3.11, 5.10).  Each
# mutant is this tree with one deliberate bug, built in a copy (cli/nestref
# only), and the bundled vectors run on it under linux-7.2; a mutant is
# caught when at least as many tests fail as the issue asks:
#
#   psid-forwarded   the host forwards an SMMUv3 event with the pSID the
#                    SMMU wrote, not the vSID (host-events.c), and the
#                    mock's trigger reports the device's pSID, not its
#                    virt_id (mock.c): at least 5 tests on smmuv3-sim and
#                    at least 1 on the mock must fail;
#   no-lost-events   a full queue drops the event without the LOST_EVENTS
#                    header (lib/core/veventq.c; the sequence number is
#                    still used up): at least 1 test on each of mock and
#                    smmuv3-sim must fail.
#
# TAP on stdout: per mutant and backend one line, with the failing tests
# named.  Exit status 0 when every mutant is caught, 1 otherwise, 2 for a
# setup failure.  Not part of make check: it builds the tree twice more
# (about two minutes each); CI runs it once, in a stage of its own.
#
# Usage: sh tests/event-mutants.sh [MUTANT...]   (default: both)
# Environment: MUTANTS_DIR (default: a temporary folder, removed at the
# end unless MUTANTS_KEEP=1).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
all="psid-forwarded no-lost-events"
[ $# -gt 0 ] || set -- $all
me=event-mutants.sh

# shellcheck source=tests/mutate-lib.sh
. "$top/tests/mutate-lib.sh"

apply() {
	case $1 in
	psid-forwarded)
		mutate "$1" "$2/backends/smmuv3-sim/host-events.c" \
			's/\(uint32_t\)sd->vsid\);/(uint32_t)nestref_smmuv3_event_get(evt, NESTREF_SMMUV3_EVT_SID)); \/* mutant: the pSID forwarded *\//'
		mutate "$1" "$2/backends/mock/mock.c" \
			's/(nestref_le_put\(event, sizeof\(event\), )md->vdev_id\)/$1nestref_dev_psid(dev)) \/* mutant: the pSID reported *\//'
		;;
	no-lost-events)
		mutate "$1" "$2/lib/core/veventq.c" \
			's/\tq->lost = true;\n/\tq->lost = false; \/* mutant: no LOST_EVENTS header *\/\n/'
		;;
	*)
		die "unknown mutant '$1' (known: $all)"
		;;
	esac
}

# The least number of tests that must fail, per mutant and backend.
least() {
	case $1:$2 in
	psid-forwarded:smmuv3-sim) echo 5 ;;
	*) echo 1 ;;
	esac
}

echo "TAP version 13"
n=0
missed=0
for m in "$@"; do
	src=$work/$m
	copy_tree "$top" "$src"
	apply "$m" "$src" >&2
	build_tree "$src" cli/nestref >&2
	for b in smmuv3-sim mock; do
		n=$((n + 1))
		log=$src/run-$b.tap
		(cd "$src" && build/cli/nestref run --backend "$b" \
			--profile linux-7.2 vectors/) >"$log" 2>"$log.err"
		failed=$(grep -c '^not ok' "$log")
		want=$(least "$m" "$b")
		if [ "$failed" -ge "$want" ]; then
			echo "ok $n - $m caught on $b: $failed tests fail (at least $want needed)"
		else
			missed=$((missed + 1))
			echo "not ok $n - $m NOT caught on $b: $failed tests fail, at least $want needed"
		fi
		grep '^not ok' "$log" | sed 's/^not ok [0-9]* - /#   /' | head -n 12
	done
done
echo "1..$n"
[ "$missed" -eq 0 ]

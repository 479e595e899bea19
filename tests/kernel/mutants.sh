#!/bin/sh
# tests/kernel/mutants.sh: shows that make check-kernel-arm64 catches a
# wrong model (docs/kernel.md 5.9).  Not part of make check or CI: it
# builds the project twice more and boots the arm64 guest twice (about
# three minutes each, the kernel and QEMU cached).
#
# Each mutant is this tree with one deliberate bug in smmuv3-sim:
#   vmid-not-forced    the host layer leaves the guest's VMID in TLBI_NH_*
#                      commands (host_force_vmid writes nothing);
#   issue-after-fail   a conversion failure in the released path first
#                      issues the commands of the current batch that were
#                      already converted, then fails.
# For each, the tree is copied (git's tracked files, plus the working
# tree's changes), the bug applied with a pattern that must match once,
# the copy configured and `make check-kernel-arm64` run in it.  The mutant
# is caught when that target fails and its comparison with the real
# driver says where: "disagree" lines naming the tests.  Exit status 0
# when every mutant is caught, 1 otherwise, 2 for a setup failure.
#
# Usage: sh tests/kernel/mutants.sh [MUTANT...]   (default: both)
# Environment: MUTANTS_DIR (default: a temporary folder, removed at the
# end unless MUTANTS_KEEP=1), and what make check-kernel-arm64 reads.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
all="vmid-not-forced issue-after-fail"
[ $# -gt 0 ] || set -- $all
me=mutants.sh
# shellcheck source=tests/mutate-lib.sh
. "$top/tests/mutate-lib.sh"

apply() {
	case $1 in
	vmid-not-forced)
		mutate "$1" "$2/backends/smmuv3-sim/host-rewrite.c" \
			's/\tHOST_PUT\(cmd, vmid\);\n/\t(void)vmid; \/* mutant: VMID not forced *\/\n/'
		;;
	issue-after-fail)
		mutate "$1" "$2/backends/smmuv3-sim/smmuv3-sim.c" \
			's/(rc = sim_prepare\(viommu, &cmds\[cur\], cur\);\n\t\tif \(rc\) \{\n)/$1\t\t\tif (cur > last) \/* mutant: issue before failing *\/\n\t\t\t\thost_issue(ctx, cmds + last, cur - last);\n/'
		;;
	*)
		die "unknown mutant '$1' (known: $all)"
		;;
	esac
}

caught=0
missed=0
for m in "$@"; do
	src=$work/$m
	copy_tree "$top" "$src"
	apply "$m" "$src"
	build_tree "$src"
	echo "mutants.sh: $m: make check-kernel-arm64 (log: $src/build/tests/kernel/arm64.log)"
	if make -C "$src/build" check-kernel-arm64 >"$src/check.log" 2>&1; then
		missed=$((missed + 1))
		echo "mutants.sh: $m: NOT CAUGHT: make check-kernel-arm64 passed"
		continue
	fi
	log=$src/build/tests/kernel/arm64.log
	n=$(grep -c '^not ok .*: the kernel and smmuv3-sim disagree$' "$log")
	if [ "$n" -eq 0 ]; then
		missed=$((missed + 1))
		echo "mutants.sh: $m: make check-kernel-arm64 failed, but not on a disagreement with the kernel:"
		grep '^not ok' "$log" | head -n 5
		continue
	fi
	caught=$((caught + 1))
	echo "mutants.sh: $m: CAUGHT: make check-kernel-arm64 failed; $n tests disagree with the real driver, for example:"
	grep -A3 '^not ok .*: the kernel and smmuv3-sim disagree$' "$log" | head -n 8 | sed 's/^/  /'
	grep '^# [0-9]* SMMUv3 tests under' "$log" | sed 's/^# /  /'
done
echo "mutants.sh: $caught caught, $missed not caught"
[ "$missed" -eq 0 ]

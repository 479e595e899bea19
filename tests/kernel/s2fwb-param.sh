#!/bin/sh
# tests/kernel/s2fwb-param.sh [--check] SRC: the one change nestref makes
# to a stock kernel, for `make check-kernel-arm64` only (docs/kernel.md).
# kernel.sh (KERNEL_ARCH=arm64) applies it to the unpacked Debian tree
# right after unpacking; for KERNEL_SRC it tells you to run it yourself.
#
# Why: in Linux 7.2 arm_smmu_get_viommu_size() refuses a vIOMMU
# (IOMMU_VIOMMU_ALLOC fails with EOPNOTSUPP) unless the device is CANWBS
# or the SMMU has S2FWB.  CANWBS comes only from ACPI's IORT, and the
# test boots QEMU's virt machine with a device tree; S2FWB comes from
# IDR3.FWB, which QEMU's emulated SMMUv3 never sets.  QEMU does not model
# stage-2 memory attributes, so claiming S2FWB there changes nothing else
# (kernel-facts 3.9; docs/kernel.md 5.2).  The edit, in
# drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:
#
#   * a bool module parameter nestref_force_s2fwb (0444, off by default),
#     declared next to the driver's disable_msipolling parameter;
#   * where IDR3 is probed, `if (FIELD_GET(IDR3_FWB, reg))` also holds
#     when the parameter is set, so the driver sets ARM_SMMU_FEAT_S2FWB.
#
# Off by default, the kernel behaves as a stock one.  The kernel command
# line arm_smmu_v3.nestref_force_s2fwb=1 turns it on (arm_smmu_v3 is the
# module's name, from the folder's Makefile, also when built in); the
# value is in /sys/module/arm_smmu_v3/parameters/nestref_force_s2fwb.
#
# The edit matches patterns (the two anchors above), so it carries no
# kernel source of its own and survives unrelated changes to the file.
# Each anchor must match exactly once, else nothing is written.  A file
# already edited is left alone (exit 0, "already applied"); a file with
# half the edit is an error.  Prints what it changed (a unified diff when
# diff is installed) on stdout.
#
# --check SRC: exit 0 if SRC has the edit, 1 (with a message) if not.
# shellcheck disable=SC2016 # awk programs in single quotes
set -u

me=s2fwb-param.sh
die() {
	echo "$me: error: $*" >&2
	exit 1
}

check=
if [ "${1-}" = --check ]; then
	check=1
	shift
fi
[ $# -eq 1 ] || die "usage: $me [--check] KERNEL-SOURCE-TREE"
rel=drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c
file=$1/$rel
[ -f "$file" ] ||
	die "$file does not exist: give the top of a Linux source tree (6.13 or later) as SRC"

param=nestref_force_s2fwb
# The anchors, as awk/grep -E regular expressions (brackets rather than
# backslashes, so that awk -v and grep read them the same way).
anchor_param='^static[[:space:]]+bool[[:space:]]+disable_msipolling[[:space:]]*;'
anchor_fwb='if[[:space:]]*[(][[:space:]]*FIELD_GET[(][[:space:]]*IDR3_FWB[[:space:]]*,[[:space:]]*reg[[:space:]]*[)][[:space:]]*[)]'
done_param="^module_param[(]$param,"
done_fwb="FIELD_GET[(][[:space:]]*IDR3_FWB[[:space:]]*,[[:space:]]*reg[[:space:]]*[)][[:space:]]*[|][|][[:space:]]*$param[[:space:]]*[)]"

has_param=0
has_fwb=0
grep -Eq "$done_param" "$file" && has_param=1
grep -Eq "$done_fwb" "$file" && has_fwb=1

if [ -n "$check" ]; then
	if [ $has_param = 1 ] && [ $has_fwb = 1 ]; then
		echo "$me: $file has the $param edit"
		exit 0
	fi
	echo "$me: $file lacks the $param edit (docs/kernel.md); apply it with: sh $(cd "$(dirname "$0")" && pwd)/$me $1" >&2
	exit 1
fi

if [ $has_param = 1 ] && [ $has_fwb = 1 ]; then
	echo "$me: $file already has the $param edit; nothing changed"
	exit 0
fi
if [ $has_param = 1 ] || [ $has_fwb = 1 ] || grep -q "$param" "$file"; then
	die "$file mentions $param but lacks part of the edit (module parameter: $has_param, IDR3 condition: $has_fwb); restore the file from the kernel's source and run $me again"
fi

tmp=$file.nestref-tmp
trap 'rm -f "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# One pass: insert the parameter before the first anchor's line, add the
# parameter to the second anchor's condition, count both anchors, and
# fail at the end (leaving the file alone) unless each matched once.
if ! awk -v a1="$anchor_param" -v a2="$anchor_fwb" -v p="$param" \
	-v f="$file" -v me="$me" '
	$0 ~ a1 {
		n1++
		print "static bool " p ";"
		print "module_param(" p ", bool, 0444);"
		print "MODULE_PARM_DESC(" p ","
		print "\t\"Test only (nestref): claim S2FWB although IDR3.FWB is clear, for a vIOMMU on an emulated SMMUv3.\");"
		print ""
	}
	match($0, a2) {
		n2++
		m = substr($0, RSTART, RLENGTH)
		sub(/[[:space:]]*[)]$/, "", m)
		$0 = substr($0, 1, RSTART - 1) m " || " p ")" \
			substr($0, RSTART + RLENGTH)
	}
	{ print }
	END {
		bad = 0
		if (n1 != 1) {
			printf "%s: error: the pattern /%s/ (the disable_msipolling parameter, next to which %s goes) matches %d lines of %s, not exactly 1\n",
				me, a1, p, n1, f > "/dev/stderr"
			bad = 1
		}
		if (n2 != 1) {
			printf "%s: error: the pattern /%s/ (where IDR3 is probed for FWB) matches %d lines of %s, not exactly 1\n",
				me, a2, n2, f > "/dev/stderr"
			bad = 1
		}
		exit bad
	}' "$file" >"$tmp"; then
	die "$file left unchanged: this kernel's driver does not look like the one the edit was written for (Linux 7.2); adapt the patterns in $0 (docs/kernel.md)"
fi
# What changed, before the new file replaces the old one (in one rename,
# with the old mode).
echo "$me: editing $file: module parameter $param (0444, off by default) next to disable_msipolling; the IDR3.FWB test also holds when it is set"
if command -v diff >/dev/null 2>&1; then
	diff -u --label "a/$rel" --label "b/$rel" "$file" "$tmp"
fi
chmod "$(stat -c %a "$file")" "$tmp" && mv "$tmp" "$file" ||
	die "cannot replace $file (is the tree writable?)"
trap - EXIT
echo "$me: done"
exit 0

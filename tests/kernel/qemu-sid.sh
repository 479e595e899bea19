#!/bin/sh
# tests/kernel/qemu-sid.sh: finds or makes the QEMU that
# `make check-kernel-arm64` boots its arm64 kernel with: Debian sid's
# qemu-system-arm (QEMU 11 or later; bookworm's 7.2 has no nested
# SMMUv3), installed into a folder of its own with mmdebstrap and run
# there with chroot (qemu-chroot.sh), so that the host's packages are left
# alone (docs/kernel.md 5.2).
#
# Prints two lines on stdout: the folder (the chroot's root, for
# qemu_chroot_run in qemu-chroot.sh) and a description such as
# "qemu-system-arm 1:11.1.3+ds-1 from sid (cached)"; progress with elapsed
# seconds on stderr.  Exits 1 with the reason on stderr.
#
#   QEMU_AARCH64=PATH  a qemu-system-aarch64 11.x of the host's, used
#                      directly: line 1 is then "/", which qemu_chroot_run
#                      takes as "no chroot".
#   otherwise          the cache $XDG_CACHE_HOME/nestref (default
#                      ~/.cache/nestref) holds qemu-sid-VERSION/, VERSION
#                      being the Debian version of qemu-system-arm in it
#                      (looked up in sid through the private apt lists
#                      that kernel.sh keeps in apt/, debian-apt.sh).  A
#                      missing one is made with
#                        mmdebstrap --variant=apt --include=qemu-system-arm sid
#                      (about 660 MB and 1.5 minutes), in a temporary
#                      folder renamed when complete: a cut build is never
#                      reused.  Without the mirror the newest cached folder
#                      is used, with a note.  Old folders are not removed:
#                      delete them (when no QEMU runs from them) to free
#                      the space.
#
# Needs root (mmdebstrap's root mode, and chroot and mount to run QEMU),
# mmdebstrap and unshare.  DEBIAN_MIRROR overrides the mirror read from
# /etc/apt/sources.list{,.d}.  Takes the lock kernel.sh takes: both use the
# same apt state.
# shellcheck disable=SC2016 # ${Version} is dpkg-query's, not the shell's
set -u

t_start=$(date +%s)
me=qemu-sid.sh
min_qemu=11
here=$(cd "$(dirname "$0")" && pwd) || {
	echo "qemu-sid.sh: error: cannot find the folder of $0" >&2
	exit 1
}
# shellcheck source=tests/kernel/debian-apt.sh
. "$here/debian-apt.sh"

[ $# -eq 0 ] ||
	die "usage: qemu-sid.sh (no arguments; see its header for QEMU_AARCH64, DEBIAN_MIRROR and XDG_CACHE_HOME)"

# qemu_version QEMU [CHROOT]: the X.Y.Z of QEMU's --version, empty if
# it does not run.
qemu_version() {
	if [ $# -gt 1 ]; then
		chroot "$2" "$1" --version
	else
		"$1" --version
	fi 2>/dev/null | sed -n '1s/^QEMU emulator version \([0-9][0-9.]*\).*/\1/p'
}

# new_enough X.Y.Z: whether the major version is at least min_qemu.
new_enough() {
	[ -n "$1" ] && [ "${1%%.*}" -ge "$min_qemu" ] 2>/dev/null
}

# ------------------------------------------------------------ QEMU_AARCH64
if [ -n "${QEMU_AARCH64-}" ]; then
	qemu=$(command -v "$QEMU_AARCH64") ||
		die "QEMU_AARCH64=$QEMU_AARCH64 is not a command: give the path of a qemu-system-aarch64 $min_qemu.x, or unset it to use Debian sid's"
	v=$(qemu_version "$qemu")
	[ -n "$v" ] ||
		die "QEMU_AARCH64=$qemu --version does not say 'QEMU emulator version X.Y.Z': give a qemu-system-aarch64, or unset QEMU_AARCH64"
	new_enough "$v" ||
		die "QEMU_AARCH64=$qemu is QEMU $v; the nested SMMUv3 needs $min_qemu.x or later: unset QEMU_AARCH64 to use Debian sid's"
	say "using QEMU_AARCH64=$qemu (QEMU $v) without a chroot"
	echo /
	echo "QEMU_AARCH64=$qemu (QEMU $v, no chroot)"
	exit 0
fi

# ------------------------------------------------------------ prerequisites
[ "$(id -u)" -eq 0 ] ||
	die "making and running the sid folder needs root (mmdebstrap's root mode, chroot, mount): run as root, or set QEMU_AARCH64 to a qemu-system-aarch64 $min_qemu.x"
for need in mmdebstrap:mmdebstrap unshare:util-linux chroot:coreutils \
	apt-get:apt dpkg-query:dpkg; do
	command -v "${need%%:*}" >/dev/null 2>&1 ||
		die "${need%%:*} is missing: apt-get install ${need#*:} (or set QEMU_AARCH64 to a qemu-system-aarch64 $min_qemu.x)"
done

nestref_cache
nestref_lock

# mounts_under DIR: the mount points at or below DIR (a build cut while
# mmdebstrap had /dev or /proc mounted in it), one a line.
mounts_under() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts
}

# remove_tree DIR: rm -rf, but never through a mount point: removing a
# folder with the host's /dev bound into it would remove the host's /dev.
remove_tree() {
	m=$(mounts_under "$1")
	[ -z "$m" ] ||
		die "$1 has mounts in it ($(echo "$m" | paste -s -d ' ' -)): unmount them (umount -R $1; findmnt -R $1 shows them), then remove $1"
	rm -rf --one-file-system "$1" || die "cannot remove $1"
}

# Leftovers of builds that were cut (the lock says no other build runs).
for d in "$cache"/partial-qemu-sid-*; do
	[ -d "$d" ] || continue
	say "removing $d, left by a build that did not finish"
	remove_tree "$d"
done

# usable DIR: whether DIR is a complete sid folder.  Only complete ones
# are renamed to qemu-sid-*, so the check is light.
usable() {
	[ -x "$1/usr/bin/qemu-system-aarch64" ]
}

# use_cached_anyway WHY: the newest cached folder, when the mirror cannot
# give a new one (offline work).
use_cached_anyway() {
	old=$(for d in "$cache"/qemu-sid-*; do
		usable "$d" && echo "$d"
	done | sort -V | tail -n 1)
	[ -n "$old" ] || return 1
	say "using the cached folder $old: $1; it may not hold sid's newest qemu-system-arm"
	echo "$old"
	echo "qemu-system-arm ${old##*/qemu-sid-} from sid (cached; $1)"
	exit 0
}

apt_setup "or set QEMU_AARCH64 to a qemu-system-aarch64 $min_qemu.x"

# sid_version: qemu-system-arm's Debian version in sid's lists.
sid_version() {
	madison qemu-system-arm | ${AWK:-awk} '$3 == "sid" { print $2 }' |
		sort -V | tail -n 1
}

if ! apt_lists_young; then
	apt_update || use_cached_anyway "the mirror is not reachable" ||
		die "no Debian lists and no cached sid folder: retry when $mirror is reachable, or set QEMU_AARCH64"
else
	say "apt lists of $(echo "$suites" | sed 's/ /, /g') are less than a day old, not updated"
fi
version=$(sid_version)
if [ -z "$version" ] && [ -z "$updated" ]; then
	say "qemu-system-arm is not in sid's lists; refreshing them once"
	apt_update || use_cached_anyway "the mirror is not reachable" ||
		die "cannot refresh the Debian lists: retry when $mirror is reachable, or set QEMU_AARCH64"
	version=$(sid_version)
fi
[ -n "$version" ] ||
	die "sid has no qemu-system-arm (lists in $apt_dir/lists, from $mirror): set QEMU_AARCH64 to a qemu-system-aarch64 $min_qemu.x"

dir=$cache/qemu-sid-$version
if usable "$dir"; then
	say "reusing $dir (qemu-system-arm $version)"
	echo "$dir"
	echo "qemu-system-arm $version from sid (cached)"
	exit 0
fi

# ------------------------------------------------------------------ build
partial=$cache/partial-qemu-sid-$$
log=$cache/qemu-sid-build.log
# mmdebstrap runs in a mount namespace of its own: should it be killed
# while it has /dev or /proc mounted in the folder, the mounts go with it
# instead of staying in the host's namespace.
ns=
unshare --mount --propagation private true 2>/dev/null &&
	ns="unshare --mount --propagation private --"
phase_begin "making $partial with mmdebstrap: sid, qemu-system-arm $version (about 660 MB, 1.5 minutes; log: $log)"
# Check-Valid-Until false: an expired Release file of sid (a mirror
# snapshot, a stale mirror) does not stop the build.
# shellcheck disable=SC2086 # ns is a command prefix, empty or words
if ! $ns mmdebstrap --variant=apt --include=qemu-system-arm \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	sid "$partial" "$mirror" </dev/null >"$log" 2>&1; then
	tail -n 15 "$log" >&2
	[ -d "$partial" ] && remove_tree "$partial"
	use_cached_anyway "mmdebstrap failed, log: $log" ||
		die "mmdebstrap failed (log: $log): check access to $mirror, or set QEMU_AARCH64"
fi
phase_end "mmdebstrap"

# The folder is named after what is installed in it, which may be newer
# than the lists if sid moved in between.
got=$(dpkg-query --admindir="$partial/var/lib/dpkg" -W \
	-f='${Version}' qemu-system-arm 2>/dev/null)
[ -n "$got" ] || {
	remove_tree "$partial"
	die "mmdebstrap succeeded but qemu-system-arm is not installed in $partial (log: $log)"
}
[ "$got" = "$version" ] ||
	say "note: sid's lists said $version, mmdebstrap installed $got"
v=$(qemu_version /usr/bin/qemu-system-aarch64 "$partial")
new_enough "$v" || {
	remove_tree "$partial"
	die "qemu-system-aarch64 in sid's qemu-system-arm $got is QEMU ${v:-that does not run}; the nested SMMUv3 needs $min_qemu.x or later: set QEMU_AARCH64"
}
dir=$cache/qemu-sid-$got
if usable "$dir"; then
	remove_tree "$partial"
else
	[ -e "$dir" ] && remove_tree "$dir"
	mv "$partial" "$dir" || die "cannot rename $partial to $dir"
fi
say "sid folder ready: $dir (QEMU $v, $(du -sm "$dir" | cut -f1) MB)"
echo "$dir"
echo "qemu-system-arm $got from sid (built)"

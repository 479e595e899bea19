#!/bin/sh
# tests/kernel/kernel.sh FRAGMENT: finds or builds the kernel that
# `make check-kernel` boots, a tiny x86_64 Linux 6.13 or later with the
# iommufd selftest mock (FRAGMENT is tests/kernel/iommufd-vm.config), or
# with KERNEL_ARCH=arm64 the one of `make check-kernel-arm64`, an arm64
# Linux with the real arm-smmu-v3 driver (FRAGMENT is
# tests/kernel/arm64.config).
#
# KERNEL_ARCH (default x86_64):
#   x86_64  tinyconfig + FRAGMENT + olddefconfig, make bzImage: the
#           cache holds bzImage.
#   arm64   cross-compiled (ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-,
#           bookworm's gcc-aarch64-linux-gnu): allnoconfig + FRAGMENT +
#           olddefconfig, make Image: the cache holds Image.  The Debian
#           tree gets nestref's one change to a stock kernel,
#           s2fwb-param.sh, right after unpacking (docs/kernel.md); a
#           KERNEL_SRC tree must have it already (kernel.sh checks, and
#           prints the command that applies it).
#
# Prints two lines on stdout, the image's path and a description of it
# (package, version and suite, or where the image came from), and
# progress with elapsed seconds on stderr: a build from nothing takes
# minutes.  Exits 1 with the reason on stderr.  In order of preference:
#
#   KERNEL_IMAGE=PATH  a ready bzImage (arm64: Image), used as it is;
#   KERNEL_SRC=DIR     an unpacked kernel tree, built out of tree into the
#                      cache (incrementally, so edits to the tree count);
#   neither            Debian's linux-source-$KERNEL_SERIES (default 7.2,
#                      the series of the default profile linux-7.2), looked
#                      up in sid first, then in experimental; fetched with
#                      apt through a private state folder (the system's
#                      apt configuration is left alone), unpacked without
#                      installing, built once and cached.  A series that
#                      neither suite has is an error that lists what each
#                      one offers.
#
# The cache is $XDG_CACHE_HOME/nestref (default ~/.cache/nestref):
# apt/ holds the private apt state (sid and experimental, shared with
# qemu-sid.sh through debian-apt.sh) and kernel-VERSION-HASH/ (arm64:
# kernel-arm64-VERSION-HASH/) the image, its .config and the build logs,
# keyed by the package's Debian version (which starts with the series)
# and a hash of FRAGMENT (arm64: of FRAGMENT and s2fwb-param.sh).
# KERNEL_JOBS (default 2) is make's -j; DEBIAN_MIRROR overrides the
# mirror read from /etc/apt/sources.list{,.d}; NESTREF_KEEP_KERNEL_WORK=1
# keeps the unpacked tree (1.8 GB) and the build folder after a build.
# shellcheck disable=SC2016 # awk programs in single quotes
set -u

min_major=6
min_minor=13
t_start=$(date +%s)
me=kernel.sh
here=$(cd "$(dirname "$0")" && pwd) || {
	echo "kernel.sh: error: cannot find the folder of $0" >&2
	exit 1
}
# say, die, phase_begin, phase_end, the cache, the lock and the private
# apt state, shared with qemu-sid.sh.
# shellcheck source=tests/kernel/debian-apt.sh
. "$here/debian-apt.sh"

# abs PATH: PATH made absolute against the current folder (make -C build
# runs the test from the build folder).
abs() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}

# version_ok X.Y[.Z...]: whether X.Y is at least min_major.min_minor, the
# first release with IOMMU_VIOMMU_ALLOC and IOMMU_VDEVICE_ALLOC.
version_ok() {
	major=$(echo "$1" | sed -n 's/^\([0-9]*\)\..*/\1/p')
	minor=$(echo "$1" | sed -n 's/^[0-9]*\.\([0-9]*\).*/\1/p')
	[ -n "$major" ] && [ -n "$minor" ] || return 1
	[ "$major" -gt "$min_major" ] ||
		{ [ "$major" -eq "$min_major" ] && [ "$minor" -ge "$min_minor" ]; }
}

[ $# -eq 1 ] || die "usage: kernel.sh FRAGMENT"
fragment=$(abs "$1")
[ -r "$fragment" ] || die "cannot read the config fragment $fragment"

# What differs between the two architectures: the make variables, the
# base configuration, the image, the cache folders' prefix and what their
# hash covers.
arch=${KERNEL_ARCH:-x86_64}
case $arch in
x86_64)
	# ARCH=x86_64 matters: on x86 a plain tinyconfig is a 32-bit kernel.
	cross=
	base_config=tinyconfig
	image_name=bzImage
	built_image=arch/x86/boot/bzImage
	out_prefix=kernel-
	build_time="1.5 to 2.5 minutes"
	;;
arm64)
	# allnoconfig rather than tinyconfig: tinyconfig's size options are
	# not what the rig was first booted with (docs/kernel.md 5.2).
	cross=aarch64-linux-gnu-
	base_config=allnoconfig
	image_name=Image
	built_image=arch/arm64/boot/Image
	out_prefix=kernel-arm64-
	build_time="about 9 minutes"
	edit=$here/s2fwb-param.sh
	[ -r "$edit" ] || die "$edit is missing (it is part of nestref's sources)"
	;;
*)
	die "KERNEL_ARCH=$arch: give x86_64 (make check-kernel, the default) or arm64 (make check-kernel-arm64)"
	;;
esac
for_arch=
[ "$arch" = x86_64 ] || for_arch=" for $arch"

# ------------------------------------------------------------ KERNEL_IMAGE
if [ -n "${KERNEL_IMAGE-}" ]; then
	image=$(abs "$KERNEL_IMAGE")
	if [ ! -f "$image" ] || [ ! -r "$image" ]; then
		die "KERNEL_IMAGE=$KERNEL_IMAGE is not a readable file; give the path of a $image_name built with $fragment"
	fi
	say "using KERNEL_IMAGE=$image as it is (not built, not checked against the fragment${KERNEL_SERIES:+; KERNEL_SERIES=$KERNEL_SERIES is ignored})"
	echo "$image"
	echo "KERNEL_IMAGE=$image"
	exit 0
fi

# Building needs the host's compiler and tools, and for arm64 the cross
# compiler (vm.sh checks the x86_64 ones before calling kernel.sh).
if [ "$arch" = arm64 ]; then
	missing=
	missing_pkgs=
	for need in aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu make:make \
		gcc:gcc flex:flex bison:bison bc:bc; do
		if ! command -v "${need%%:*}" >/dev/null 2>&1; then
			missing="$missing ${need%%:*}"
			missing_pkgs="$missing_pkgs ${need#*:}"
		fi
	done
	[ -z "$missing" ] ||
		die "building the arm64 kernel needs$missing: apt-get install$missing_pkgs (or give KERNEL_IMAGE, a ready arm64 Image)"
fi

nestref_cache
jobs=${KERNEL_JOBS:-2}
if [ "$arch" = x86_64 ]; then
	frag_hash=$(sha256sum <"$fragment" | cut -c1-12) ||
		die "sha256sum failed on $fragment (coreutils)"
else
	# The source edit is part of what the image is built from.
	frag_hash=$(cat "$fragment" "$edit" | sha256sum | cut -c1-12) ||
		die "sha256sum failed on $fragment and $edit (coreutils)"
fi

nestref_lock

# make for the kernel tree, without what an outer make (make check-kernel)
# passes down in MAKEFLAGS: its variables, -w and its jobserver.
kmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		-u GNUMAKEFLAGS make --no-print-directory "$@"
}

# amake: kmake for $arch (CROSS_COMPILE only when cross-compiling).
amake() {
	kmake ARCH="$arch" ${cross:+"CROSS_COMPILE=$cross"} "$@"
}

# build SRC OUTDIR BUILDDIR: the base config + fragment, every fragment
# line checked, then the image.  Leaves OUTDIR/$image_name,
# OUTDIR/config and the logs OUTDIR/config.log and OUTDIR/build.log.
build() {
	src=$1
	out=$2
	obj=$3
	mkdir -p "$obj" || die "cannot create the build folder $obj"

	phase_begin "configuring: ARCH=$arch${cross:+ CROSS_COMPILE=$cross} $base_config + $(basename "$fragment") + olddefconfig"
	{
		amake -C "$src" O="$obj" "$base_config" &&
			(cd "$src" && ARCH=$arch scripts/kconfig/merge_config.sh \
				-m -O "$obj" "$obj/.config" "$fragment") &&
			amake -C "$src" O="$obj" olddefconfig
	} >"$out/config.log" 2>&1 || {
		tail -n 20 "$out/config.log" >&2
		die "configuring the kernel failed; the whole log is $out/config.log"
	}
	check_config "$src" "$obj/.config"
	phase_end "configuring"

	phase_begin "building $image_name with make -j$jobs ($build_time from nothing on 2 cores; log: $out/build.log)"
	amake -C "$src" O="$obj" -j"$jobs" "$image_name" \
		>"$out/build.log" 2>&1 || {
		tail -n 30 "$out/build.log" >&2
		die "the kernel build failed; the whole log is $out/build.log (a tree configured in place needs 'make mrproper' first; flex, bison, bc, libelf-dev and libssl-dev must be installed)"
	}
	phase_end "building"
	# Copied then renamed: an image in the cache is always a whole one.
	if ! { cp "$obj/$built_image" "$out/$image_name.tmp" &&
		cp "$obj/.config" "$out/config" &&
		mv "$out/$image_name.tmp" "$out/$image_name"; }; then
		die "cannot copy the $image_name into $out"
	fi
}

# check_config SRC CONFIG: every line of the fragment must be in the
# final .config; Kconfig drops an option silently when a dependency is
# missing.  An option this tree's Kconfig does not know at all (an older
# kernel) is only a warning: IOMMUFD_TEST itself is checked like any other.
check_config() {
	bad=
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		opt=${line%%=*}
		val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$2" || continue
		else
			grep -qxF "$line" "$2" && continue
		fi
		sym=${opt#CONFIG_}
		if ! find "$1" -name 'Kconfig*' -exec grep -l \
			"^[[:space:]]*\(menu\)\{0,1\}config ${sym}[[:space:]]*\$" {} + \
			2>/dev/null | grep -q .; then
			say "warning: $opt is not in this kernel's Kconfig (an older tree?), ignored"
			continue
		fi
		now=$(grep -e "^$opt=" -e "^# $opt is not set" "$2")
		echo "kernel.sh: $line did not stick: the .config has '${now:-no line for it}' (a dependency is missing or the option changed)" >&2
		bad="$bad $opt"
	done <<EOF
$(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)/\1/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' "$fragment")
EOF
	[ -z "$bad" ] ||
		die "options of $fragment not in the final .config:$bad; fix the fragment (look at the option's 'depends on' in this kernel's Kconfig)"
}

# -------------------------------------------------------------- KERNEL_SRC
if [ -n "${KERNEL_SRC-}" ]; then
	src=$(abs "$KERNEL_SRC")
	if [ ! -f "$src/Makefile" ] || [ ! -f "$src/Kconfig" ]; then
		die "KERNEL_SRC=$KERNEL_SRC is not a kernel source tree (no Makefile and Kconfig)"
	fi
	version=$(kmake -s -C "$src" kernelversion 2>/dev/null) ||
		die "make kernelversion failed in $src"
	version_ok "$version" ||
		die "KERNEL_SRC=$src is Linux $version; the iommufd backend needs $min_major.$min_minor or later (IOMMU_VIOMMU_ALLOC and IOMMU_VDEVICE_ALLOC)"
	if [ -n "${KERNEL_SERIES-}" ]; then
		case $version in
		"$KERNEL_SERIES" | "$KERNEL_SERIES".* | "$KERNEL_SERIES"-*) ;;
		*) say "warning: KERNEL_SERIES=$KERNEL_SERIES is ignored: KERNEL_SRC is Linux $version" ;;
		esac
	fi
	# The user's tree is never edited here: it must have the edit already.
	if [ "$arch" = arm64 ] &&
		! why=$(sh "$edit" --check "$src" 2>&1 >/dev/null); then
		die "KERNEL_SRC=$src: ${why#s2fwb-param.sh: }"
	fi
	src_hash=$(echo "$src" | sha256sum | cut -c1-8)
	out=$cache/$out_prefix$version-src$src_hash-$frag_hash
	mkdir -p "$out" || die "cannot create $out"
	say "KERNEL_SRC=$src (Linux $version): building in $out/build (incremental: a tree you changed is rebuilt)"
	build "$src" "$out" "$out/build"
	echo "$out/$image_name"
	echo "Linux $version from KERNEL_SRC=$src$for_arch"
	exit 0
fi

# ------------------------------------------------------- Debian sid, experimental
# The series: linux-source-$series, in the first of the suites (sid,
# experimental; apt_setup) that has it.  sid first: it is what Debian
# ships; experimental carries the next series as release candidates.
series=${KERNEL_SERIES:-7.2}
echo "$series" | grep -qx '[0-9]\{1,\}\.[0-9]\{1,\}' ||
	die "KERNEL_SERIES=$series is not a series: give MAJOR.MINOR, such as 7.2 or 7.3"
version_ok "$series" ||
	die "KERNEL_SERIES=$series is older than $min_major.$min_minor: the iommufd backend needs IOMMU_VIOMMU_ALLOC and IOMMU_VDEVICE_ALLOC"
pkg=linux-source-$series

apt_setup "or give KERNEL_SRC or KERNEL_IMAGE"

# use_cached_anyway: without the mirror, the newest image of this series
# already built from Debian with this fragment is better than nothing
# (offline work).  Debian versions of the series start with "X.Y." (a
# release) or "X.Y~" (a release candidate).
use_cached_anyway() {
	old=$(for f in "$cache/$out_prefix$series."*"-$frag_hash/$image_name" \
		"$cache/$out_prefix$series~"*"-$frag_hash/$image_name"; do
		case $f in
		*/kernel-*-src*) ;; # a KERNEL_SRC build
		*) [ -f "$f" ] && echo "$f" ;;
		esac
	done | sort -V | tail -n 1)
	[ -n "$old" ] || return 1
	say "using the cached image $old instead: it may not be Debian's newest $pkg"
	echo "$old"
	echo "$pkg $(basename "$(dirname "$old")" | sed -e "s/^$out_prefix//" -e "s/-$frag_hash\$//")$for_arch (cached; the mirror is not reachable)"
	exit 0
}

# find_source: sets suite and version (the Debian version) of $pkg from
# the first suite of $suites that has it.
find_source() {
	found=$(madison "$pkg")
	for suite in $suites; do
		version=$(echo "$found" |
			${AWK:-awk} -v s="$suite" '$3 == s { print $2 }' |
			sort -V | tail -n 1)
		[ -n "$version" ] && return 0
	done
	suite=
	return 1
}

# offers: what each suite has, one "SUITE: PACKAGE VERSION, ..." line
# each, for the error message.
offers() {
	names=$(apt_opts apt-cache search --names-only '^linux-source-[0-9]+\.[0-9]+$' 2>/dev/null |
		sed -n 's/^\(linux-source-[0-9]*\.[0-9]*\) .*/\1/p')
	# shellcheck disable=SC2086 # one word per package name
	all=$(madison $names)
	for s in $suites; do
		list=$(echo "$all" | ${AWK:-awk} -v s="$s" '
			$3 == s { printf "%s%s %s", sep, $1, $2; sep = ", " }')
		echo "  $s: ${list:-no linux-source-X.Y package}"
	done
}

if ! apt_lists_young; then
	apt_update || use_cached_anyway ||
		die "no Debian lists and no cached $pkg image: give KERNEL_SRC or KERNEL_IMAGE, or retry when $mirror is reachable"
else
	say "apt lists of $(echo "$suites" | sed 's/ /, /g') are less than a day old, not updated"
fi
if ! find_source && [ -z "$updated" ]; then
	# The lists are young, but the series may have arrived since.
	say "$pkg is in neither suite's lists; refreshing them once"
	apt_update || use_cached_anyway ||
		die "cannot refresh the Debian lists to look for $pkg; give KERNEL_SRC or KERNEL_IMAGE, or retry when $mirror is reachable"
	find_source
fi
if [ -z "$suite" ]; then
	die "KERNEL_SERIES=$series: $pkg is in none of the suites tried ($(echo "$suites" | sed 's/ /, then /g'), from $mirror). They offer:
$(offers)
Set KERNEL_SERIES to one of those series, or give KERNEL_SRC or KERNEL_IMAGE"
fi
if [ "$suite" = sid ]; then
	say "kernel source: $pkg $version from sid"
else
	say "kernel source: $pkg $version from $suite (sid has no $pkg)"
fi

out=$cache/$out_prefix$version-$frag_hash
if [ -f "$out/$image_name" ]; then
	say "reusing the cached image $out/$image_name ($pkg $version$for_arch, fragment $frag_hash)"
	echo "$out/$image_name"
	echo "$pkg $version from $suite$for_arch (cached)"
	exit 0
fi

work=$out/work
rm -rf "$work"
mkdir -p "$work/deb" || die "cannot create $work"
phase_begin "downloading $pkg $version from $suite (about 160 MB)"
if ! (cd "$work" && apt_opts apt-get -q download "$pkg=$version") \
	>"$out/download.log" 2>&1; then
	# The lists were young but the suite moved under them: refresh once.
	say "download failed, refreshing the lists and retrying"
	apt_update || die "cannot download $pkg $version (log: $out/download.log) nor refresh the lists"
	find_source || die "$pkg is in neither $(echo "$suites" | sed 's/ / nor /g') after apt-get update"
	say "kernel source now: $pkg $version from $suite"
	out_new=$cache/$out_prefix$version-$frag_hash
	if [ "$out_new" != "$out" ]; then
		rm -rf "$out"
		out=$out_new
		work=$out/work
		mkdir -p "$work/deb" || die "cannot create $work"
	fi
	(cd "$work" && apt_opts apt-get -q download "$pkg=$version") \
		>"$out/download.log" 2>&1 || {
		tail -n 10 "$out/download.log" >&2
		die "apt-get download $pkg=$version failed (log: $out/download.log)"
	}
fi
phase_end "downloading"
phase_begin "unpacking $pkg (dpkg-deb -x, then the tarball: 1.8 GB)"
deb=$(find "$work" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
[ -n "$deb" ] || die "apt-get download left no ${pkg}_*.deb in $work"
dpkg-deb -x "$deb" "$work/deb" ||
	die "dpkg-deb -x $deb failed (is the download complete? remove $work and retry)"
tarball=$work/deb/usr/src/$pkg.tar.xz
[ -f "$tarball" ] || die "$deb holds no usr/src/$pkg.tar.xz"
tar -xJf "$tarball" -C "$work" ||
	die "unpacking $tarball failed (tar needs xz-utils; is the disk full?)"
rm -rf "$work/deb" "$deb"
src=$work/$pkg
[ -f "$src/Makefile" ] || die "the tarball did not unpack to $src"
phase_end "unpacking"
if [ "$arch" = arm64 ]; then
	# nestref's one change to a stock kernel (docs/kernel.md), on the
	# fresh tree ($work is removed before each download).
	if ! sh "$edit" "$src" >"$out/s2fwb-param.log" 2>&1; then
		cat "$out/s2fwb-param.log" >&2
		die "$edit failed on $pkg $version (log: $out/s2fwb-param.log); its patterns need adapting to this kernel (docs/kernel.md)"
	fi
	sed 's/^/  /' "$out/s2fwb-param.log" >&2
	say "applied $(basename "$edit") (log: $out/s2fwb-param.log)"
fi

build "$src" "$out" "$work/build"
if [ "${NESTREF_KEEP_KERNEL_WORK-}" = 1 ]; then
	say "kept the source and build folders in $work"
else
	rm -rf "$work"
fi
say "kernel ready: $out/$image_name ($(wc -c <"$out/$image_name") bytes)"
echo "$out/$image_name"
echo "$pkg $version from $suite$for_arch (built)"

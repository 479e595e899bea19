#!/bin/sh
# tests/kernel/kernel.sh FRAGMENT: finds or builds the kernel that
# `make check-kernel` boots, a tiny x86_64 Linux 6.13 or later with the
# iommufd selftest mock (FRAGMENT is tests/kernel/iommufd-vm.config).
#
# Prints two lines on stdout, the bzImage's path and a description of it
# (package, version and suite, or where the image came from), and
# progress with elapsed seconds on stderr: a build from nothing takes
# minutes.  Exits 1 with the reason on stderr.  In order of preference:
#
#   KERNEL_IMAGE=PATH  a ready bzImage, used as it is;
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
# apt/ holds the private apt state (sid and experimental) and
# kernel-VERSION-HASH/ the image, its .config and the build logs, keyed by
# the package's Debian version (which starts with the series) and a hash
# of FRAGMENT.  KERNEL_JOBS (default 2) is make's -j; DEBIAN_MIRROR
# overrides the mirror read from /etc/apt/sources.list{,.d};
# NESTREF_KEEP_KERNEL_WORK=1 keeps the unpacked tree (1.8 GB) and the
# build folder after a build.
# shellcheck disable=SC2016 # awk programs in single quotes
set -u

min_major=6
min_minor=13
t_start=$(date +%s)

say() {
	echo "kernel.sh: [$(($(date +%s) - t_start)) s] $*" >&2
}

die() {
	echo "kernel.sh: error: $*" >&2
	exit 1
}

phase_begin() {
	phase_t0=$(date +%s)
	say "$1"
}

phase_end() {
	say "$1 done in $(($(date +%s) - phase_t0)) s"
}

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

# ------------------------------------------------------------ KERNEL_IMAGE
if [ -n "${KERNEL_IMAGE-}" ]; then
	image=$(abs "$KERNEL_IMAGE")
	if [ ! -f "$image" ] || [ ! -r "$image" ]; then
		die "KERNEL_IMAGE=$KERNEL_IMAGE is not a readable file; give the path of a bzImage built with $fragment"
	fi
	say "using KERNEL_IMAGE=$image as it is (not built, not checked against the fragment${KERNEL_SERIES:+; KERNEL_SERIES=$KERNEL_SERIES is ignored})"
	echo "$image"
	echo "KERNEL_IMAGE=$image"
	exit 0
fi

if [ -n "${XDG_CACHE_HOME-}" ]; then
	cache=$XDG_CACHE_HOME/nestref
elif [ -n "${HOME-}" ]; then
	cache=$HOME/.cache/nestref
else
	die "neither XDG_CACHE_HOME nor HOME is set: set one to say where the kernel cache goes"
fi
mkdir -p "$cache" || die "cannot create the cache folder $cache"
jobs=${KERNEL_JOBS:-2}
frag_hash=$(sha256sum <"$fragment" | cut -c1-12) ||
	die "sha256sum failed on $fragment (coreutils)"

# One kernel.sh at a time per cache: two runs would share the apt state
# and could build into the same folder.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$cache/kernel.lock" || die "cannot open $cache/kernel.lock"
	if ! flock -n 9; then
		say "waiting for another kernel.sh to release $cache/kernel.lock"
		flock 9 || die "flock on $cache/kernel.lock failed"
	fi
fi

# make for the kernel tree, without what an outer make (make check-kernel)
# passes down in MAKEFLAGS: its variables, -w and its jobserver.
kmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		-u GNUMAKEFLAGS make --no-print-directory "$@"
}

# build SRC OUTDIR BUILDDIR: tinyconfig + fragment, every fragment line
# checked, then bzImage.  Leaves OUTDIR/bzImage, OUTDIR/config and the
# logs OUTDIR/config.log and OUTDIR/build.log.
build() {
	src=$1
	out=$2
	obj=$3
	mkdir -p "$obj" || die "cannot create the build folder $obj"

	phase_begin "configuring: ARCH=x86_64 tinyconfig + $(basename "$fragment") + olddefconfig"
	# ARCH=x86_64 matters: on x86 a plain tinyconfig is a 32-bit kernel.
	{
		kmake -C "$src" O="$obj" ARCH=x86_64 tinyconfig &&
			(cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh \
				-m -O "$obj" "$obj/.config" "$fragment") &&
			kmake -C "$src" O="$obj" ARCH=x86_64 olddefconfig
	} >"$out/config.log" 2>&1 || {
		tail -n 20 "$out/config.log" >&2
		die "configuring the kernel failed; the whole log is $out/config.log"
	}
	check_config "$src" "$obj/.config"
	phase_end "configuring"

	phase_begin "building bzImage with make -j$jobs (1.5 to 2.5 minutes from nothing on 2 cores; log: $out/build.log)"
	kmake -C "$src" O="$obj" ARCH=x86_64 -j"$jobs" bzImage \
		>"$out/build.log" 2>&1 || {
		tail -n 30 "$out/build.log" >&2
		die "the kernel build failed; the whole log is $out/build.log (a tree configured in place needs 'make mrproper' first; flex, bison, bc, libelf-dev and libssl-dev must be installed)"
	}
	phase_end "building"
	# Copied then renamed: a bzImage in the cache is always a whole one.
	if ! { cp "$obj/arch/x86/boot/bzImage" "$out/bzImage.tmp" &&
		cp "$obj/.config" "$out/config" &&
		mv "$out/bzImage.tmp" "$out/bzImage"; }; then
		die "cannot copy the bzImage into $out"
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
	src_hash=$(echo "$src" | sha256sum | cut -c1-8)
	out=$cache/kernel-$version-src$src_hash-$frag_hash
	mkdir -p "$out" || die "cannot create $out"
	say "KERNEL_SRC=$src (Linux $version): building in $out/build (incremental: a tree you changed is rebuilt)"
	build "$src" "$out" "$out/build"
	echo "$out/bzImage"
	echo "Linux $version from KERNEL_SRC=$src"
	exit 0
fi

# ------------------------------------------------------- Debian sid, experimental
# The mirror this machine's apt already uses: deb822 .sources first, then
# one-line .list files.  Security and -updates suites are not mirrors of
# sid.
debian_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
		function flush() {
			if (!found && types ~ /(^|[ \t])deb([ \t]|$)/ &&
			    enabled != "no" && uri ~ /^https?:\/\// && suite_ok &&
			    uri !~ /security/) {
				print uri
				found = 1
			}
			types = ""; uri = ""; suite_ok = 0; enabled = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		tolower($1) == "types:" { types = $0; sub(/^[^:]*:/, "", types) }
		tolower($1) == "uris:" { uri = $2 }
		tolower($1) == "suites:" {
			for (i = 2; i <= NF; i++)
				if ($i !~ /-/)
					suite_ok = 1
		}
		tolower($1) == "enabled:" { enabled = tolower($2) }
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\(https\{0,1\}:\/\/[^[:space:]]*\)[[:space:]]\{1,\}[^[:space:]-]\{1,\}[[:space:]].*/\2/p' "$f" |
			grep -v security
	done
}


# The series: linux-source-$series, in the first of these suites that has
# it.  sid first: it is what Debian ships; experimental carries the next
# series as release candidates.
series=${KERNEL_SERIES:-7.2}
suites="sid experimental"
echo "$series" | grep -qx '[0-9]\{1,\}\.[0-9]\{1,\}' ||
	die "KERNEL_SERIES=$series is not a series: give MAJOR.MINOR, such as 7.2 or 7.3"
version_ok "$series" ||
	die "KERNEL_SERIES=$series is older than $min_major.$min_minor: the iommufd backend needs IOMMU_VIOMMU_ALLOC and IOMMU_VDEVICE_ALLOC"
pkg=linux-source-$series

apt_dir=$cache/apt
mirror=${DEBIAN_MIRROR:-$(debian_mirror | head -n 1)}
[ -n "$mirror" ] ||
	die "no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d; set DEBIAN_MIRROR to the one you use (or give KERNEL_SRC or KERNEL_IMAGE)"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] ||
	die "$keyring is missing: apt-get install debian-archive-keyring"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" ||
	die "cannot create $apt_dir"
for s in $suites; do
	echo "deb [signed-by=$keyring] $mirror $s main"
done >"$apt_dir/debian.list.new" ||
	die "cannot write $apt_dir/debian.list.new"
# A changed mirror or suite invalidates the lists fetched before.
if ! cmp -s "$apt_dir/debian.list.new" "$apt_dir/debian.list"; then
	rm -f "$apt_dir"/lists/*_dists_* "$apt_dir"/cache/*.bin \
		"$apt_dir/updated.stamp" "$apt_dir/sid.list"
	mv "$apt_dir/debian.list.new" "$apt_dir/debian.list"
else
	rm -f "$apt_dir/debian.list.new"
fi

# Only these options point apt at the private state: the sources list, the
# lists and the binary caches (else apt would rewrite the system's
# /var/cache/apt/*.bin from these lists).  experimental is NotAutomatic
# in its Release file, but nothing here relies on apt's choice: the suite
# is picked by find_source and the version is given exactly.
apt_opts() {
	"$@" -o Dir::Etc::sourcelist="$apt_dir/debian.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" \
		-o APT::Sandbox::User="$(id -un)"
}

# apt_update: refreshes the private lists; on failure shows why and
# returns 1.  The stamp, not the lists' own times (apt gives them the
# mirror's Last-Modified), says when that last worked.
updated=
apt_update() {
	phase_begin "apt-get update of $(echo "$suites" | sed 's/ /, /g') from $mirror (private state in $apt_dir)"
	# --error-on=any: by default a list that failed to download is only a
	# warning, and apt-get update exits 0.
	if ! apt_opts apt-get -q --error-on=any update >"$apt_dir/update.log" 2>&1; then
		tail -n 10 "$apt_dir/update.log" >&2
		say "apt-get update failed (log: $apt_dir/update.log): check access to $mirror"
		return 1
	fi
	touch "$apt_dir/updated.stamp"
	updated=1
	phase_end "apt-get update"
}

# use_cached_anyway: without the mirror, the newest image of this series
# already built from Debian with this fragment is better than nothing
# (offline work).  Debian versions of the series start with "X.Y." (a
# release) or "X.Y~" (a release candidate).
use_cached_anyway() {
	old=$(for f in "$cache/kernel-$series."*"-$frag_hash/bzImage" \
		"$cache/kernel-$series~"*"-$frag_hash/bzImage"; do
		case $f in
		*/kernel-*-src*) ;; # a KERNEL_SRC build
		*) [ -f "$f" ] && echo "$f" ;;
		esac
	done | sort -V | tail -n 1)
	[ -n "$old" ] || return 1
	say "using the cached image $old instead: it may not be Debian's newest $pkg"
	echo "$old"
	echo "$pkg $(basename "$(dirname "$old")" | sed -e 's/^kernel-//' -e "s/-$frag_hash\$//") (cached; the mirror is not reachable)"
	exit 0
}

# madison [PACKAGE...]: "package version suite" lines from the lists.
madison() {
	[ $# -gt 0 ] || return 0
	apt_opts apt-cache madison "$@" 2>/dev/null |
		${AWK:-awk} -F'|' '{
			p = $1; v = $2
			gsub(/ /, "", p); gsub(/ /, "", v)
			split($3, w, " ")
			split(w[2], d, "/")
			if (p != "" && v != "" && d[1] != "")
				print p, v, d[1]
		}'
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

# Lists older than a day are refreshed: sid moves, and an old version
# disappears from the mirror.
if [ -z "$(find "$apt_dir/updated.stamp" -mmin -1440 2>/dev/null)" ]; then
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

out=$cache/kernel-$version-$frag_hash
if [ -f "$out/bzImage" ]; then
	say "reusing the cached image $out/bzImage ($pkg $version, fragment $frag_hash)"
	echo "$out/bzImage"
	echo "$pkg $version from $suite (cached)"
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
	out_new=$cache/kernel-$version-$frag_hash
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

build "$src" "$out" "$work/build"
if [ "${NESTREF_KEEP_KERNEL_WORK-}" = 1 ]; then
	say "kept the source and build folders in $work"
else
	rm -rf "$work"
fi
say "kernel ready: $out/bzImage ($(wc -c <"$out/bzImage") bytes)"
echo "$out/bzImage"
echo "$pkg $version from $suite (built)"

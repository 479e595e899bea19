#!/bin/sh
# tests/kernel/kernel.sh FRAGMENT: finds or builds the kernel that
# `make check-kernel` boots, a tiny x86_64 Linux 6.13 or later with the
# iommufd selftest mock (FRAGMENT is tests/kernel/iommufd-vm.config).
#
# Prints two lines on stdout, the bzImage's path and a description of it,
# and progress with elapsed seconds on stderr: a build from nothing takes
# minutes.  Exits 1 with the reason on stderr.  In order of preference:
#
#   KERNEL_IMAGE=PATH  a ready bzImage, used as it is;
#   KERNEL_SRC=DIR     an unpacked kernel tree, built out of tree into the
#                      cache (incrementally, so edits to the tree count);
#   neither            the newest linux-source-X.Y of Debian sid, fetched
#                      with apt through a private state folder (the
#                      system's apt configuration is left alone), unpacked
#                      without installing, built once and cached.
#
# The cache is $XDG_CACHE_HOME/nestref (default ~/.cache/nestref):
# apt/ holds the private apt state and kernel-VERSION-HASH/ the image, its
# .config and the build logs, keyed by the source version and a hash of
# FRAGMENT.  KERNEL_JOBS (default 2) is make's -j; DEBIAN_MIRROR overrides
# the mirror read from /etc/apt/sources.list{,.d}; NESTREF_KEEP_KERNEL_WORK=1
# keeps the unpacked sid tree (1.8 GB) and the build folder after a build.
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
	say "using KERNEL_IMAGE=$image as it is (not built, not checked against the fragment)"
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
	src_hash=$(echo "$src" | sha256sum | cut -c1-8)
	out=$cache/kernel-$version-src$src_hash-$frag_hash
	mkdir -p "$out" || die "cannot create $out"
	say "KERNEL_SRC=$src (Linux $version): building in $out/build (incremental: a tree you changed is rebuilt)"
	build "$src" "$out" "$out/build"
	echo "$out/bzImage"
	echo "Linux $version from KERNEL_SRC=$src"
	exit 0
fi

# ------------------------------------------------------------ Debian sid
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

apt_dir=$cache/apt
mirror=${DEBIAN_MIRROR:-$(debian_mirror | head -n 1)}
[ -n "$mirror" ] ||
	die "no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d; set DEBIAN_MIRROR to the one you use (or give KERNEL_SRC or KERNEL_IMAGE)"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] ||
	die "$keyring is missing: apt-get install debian-archive-keyring"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" ||
	die "cannot create $apt_dir"
echo "deb [signed-by=$keyring] $mirror sid main" >"$apt_dir/sid.list.new" ||
	die "cannot write $apt_dir/sid.list.new"
# A changed mirror invalidates the lists fetched from the old one.
if ! cmp -s "$apt_dir/sid.list.new" "$apt_dir/sid.list"; then
	rm -f "$apt_dir"/lists/*_dists_* "$apt_dir"/cache/*.bin \
		"$apt_dir/updated.stamp"
	mv "$apt_dir/sid.list.new" "$apt_dir/sid.list"
else
	rm -f "$apt_dir/sid.list.new"
fi

# Only these options point apt at the private state: the sources list, the
# lists and the binary caches (else apt would rewrite the system's
# /var/cache/apt/*.bin from sid's lists).
apt_opts() {
	"$@" -o Dir::Etc::sourcelist="$apt_dir/sid.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" \
		-o APT::Sandbox::User="$(id -un)"
}

# apt_update: refreshes the private lists; on failure shows why and
# returns 1.  The stamp, not the lists' own times (apt gives them the
# mirror's Last-Modified), says when that last worked.
apt_update() {
	phase_begin "apt-get update of sid from $mirror (private state in $apt_dir)"
	# --error-on=any: by default a list that failed to download is only a
	# warning, and apt-get update exits 0.
	if ! apt_opts apt-get -q --error-on=any update >"$apt_dir/update.log" 2>&1; then
		tail -n 10 "$apt_dir/update.log" >&2
		say "apt-get update of sid failed (log: $apt_dir/update.log): check access to $mirror"
		return 1
	fi
	touch "$apt_dir/updated.stamp"
	phase_end "apt-get update"
}

# use_cached_anyway: without the mirror, the newest image already built
# from sid with this fragment is better than nothing (offline work).
use_cached_anyway() {
	old=$(for f in "$cache"/kernel-*-"$frag_hash"/bzImage; do
		case $f in
		*/kernel-*-src*) ;; # a KERNEL_SRC build
		*) [ -f "$f" ] && echo "$f" ;;
		esac
	done | sort -V | tail -n 1)
	[ -n "$old" ] || return 1
	say "using the cached image $old instead: it may not be sid's newest"
	echo "$old"
	echo "$(basename "$(dirname "$old")") (cached; sid not reachable)"
	exit 0
}

# newest_source: sets pkg (linux-source-X.Y) and version (its Debian
# version) from the lists.
newest_source() {
	pkg=$(apt_opts apt-cache search --names-only '^linux-source-[0-9]+\.[0-9]+$' |
		sed -n 's/^\(linux-source-[0-9]*\.[0-9]*\) .*/\1/p' | sort -V | tail -n 1)
	[ -n "$pkg" ] || return 1
	version=$(apt_opts apt-cache show --no-all-versions "$pkg" |
		sed -n 's/^Version: //p' | head -n 1)
	[ -n "$version" ]
}

# Lists older than a day are refreshed: sid moves, and an old version
# disappears from the mirror.
if [ -z "$(find "$apt_dir/updated.stamp" -mmin -1440 2>/dev/null)" ]; then
	apt_update || use_cached_anyway ||
		die "no sid lists and no cached kernel: give KERNEL_SRC or KERNEL_IMAGE, or retry when $mirror is reachable"
else
	say "apt lists of sid are less than a day old, not updated"
fi
newest_source ||
	die "no linux-source-X.Y package in sid's lists ($apt_dir/lists); remove $apt_dir and retry, or give KERNEL_SRC or KERNEL_IMAGE"
upstream=${pkg#linux-source-}
version_ok "$upstream" ||
	die "the newest kernel source in sid is $pkg ($version), older than $min_major.$min_minor; give KERNEL_SRC or KERNEL_IMAGE"
say "newest kernel source in sid: $pkg $version"

out=$cache/kernel-$version-$frag_hash
if [ -f "$out/bzImage" ]; then
	say "reusing the cached image $out/bzImage ($pkg $version, fragment $frag_hash)"
	echo "$out/bzImage"
	echo "$pkg $version (cached)"
	exit 0
fi

work=$out/work
rm -rf "$work"
mkdir -p "$work/deb" || die "cannot create $work"
phase_begin "downloading $pkg $version (about 160 MB)"
if ! (cd "$work" && apt_opts apt-get -q download "$pkg=$version") \
	>"$out/download.log" 2>&1; then
	# The lists were young but sid moved under them: refresh once.
	say "download failed, refreshing the lists and retrying"
	apt_update || die "cannot download $pkg $version (log: $out/download.log) nor refresh the lists"
	newest_source || die "no linux-source-X.Y package in sid after apt-get update"
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
echo "$pkg $version (built)"

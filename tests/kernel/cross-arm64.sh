#!/bin/sh
# make kernel-arm64 (tests/kernel/arm64/stamp): the static guest programs
# of make check-kernel-arm64, cross-built for aarch64.
#
# Configures a sub-build of this same source tree (VPATH, through
# $abs_top_srcdir/configure) for --host=aarch64-linux-gnu in
# $abs_top_builddir/tests/kernel/arm64, with pkg-config reading only the
# arm64 .pc files and the Check library bypassed (the guest runs no unit
# tests), then builds in it only the PROGRAMs given as arguments, such as
# tests/kernel/init.  Each ends up at
# $abs_top_builddir/tests/kernel/arm64/PROGRAM, is checked to be a static
# aarch64 ELF executable, and is listed (absolute path, one a line) in
# tests/kernel/arm64/stamp, written last.
#
# configure runs again only when the configure script is newer than the
# sub-build's config.status or the configure command line below changed
# (kept in tests/kernel/arm64/cross-arm64.args); after that the sub-build's
# own make rules keep it up to date.  Environment (make passes its
# command-line variables down, so `make kernel-arm64 ARM64_CFLAGS=-O0`
# works):
#   ARM64_HOST    the configure --host triplet (default aarch64-linux-gnu)
#   ARM64_CC      the cross compiler (default $ARM64_HOST-gcc)
#   ARM64_CFLAGS  its CFLAGS (default -g -O2)
#   MAKE          the make to run the sub-build with (make passes its own,
#                 with its jobserver: make -j2 kernel-arm64 shares 2 jobs)
#   V             the sub-build's V (silent rules), when set
set -u
# shellcheck disable=SC2154 # abs_top_srcdir, abs_top_builddir: from make
if [ -z "${abs_top_srcdir-}" ] || [ -z "${abs_top_builddir-}" ]; then
	echo "cross-arm64.sh: run it through make kernel-arm64 (abs_top_srcdir and abs_top_builddir are not set)" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	echo "cross-arm64.sh: usage: cross-arm64.sh PROGRAM... (such as tests/kernel/init)" >&2
	exit 2
fi

host=${ARM64_HOST:-aarch64-linux-gnu}
cc=${ARM64_CC:-$host-gcc}
cflags=${ARM64_CFLAGS:--g -O2}
pcdir=/usr/lib/$host/pkgconfig:/usr/share/pkgconfig
dir=$abs_top_builddir/tests/kernel/arm64
make=${MAKE:-make}
apt="dpkg --add-architecture arm64 && apt-get update && apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross libyaml-dev:arm64 libjansson-dev:arm64"

fail() {
	echo "cross-arm64.sh: $*" >&2
	exit 1
}

# The stamp says the programs are there: not after a failure.
rm -f "$dir/stamp"

# ----------------------------------------------------------- prerequisites
# All of them at once, in one message with the commands that install them.
missing=
if ! command -v "${cc%% *}" >/dev/null 2>&1; then
	missing="$missing ${cc%% *}"
elif ! printf 'int main(void) { return 0; }\n' |
	$cc -static -x c -o /dev/null - >/dev/null 2>&1; then
	missing="$missing static-libc-for-$host"
fi
if ! command -v pkg-config >/dev/null 2>&1; then
	missing="$missing pkg-config"
	apt="$apt pkg-config"
fi
for pc in yaml-0.1 jansson; do
	if ! PKG_CONFIG_PATH='' PKG_CONFIG_LIBDIR=$pcdir \
		pkg-config --exists "$pc" >/dev/null 2>&1; then
		missing="$missing $pc.pc($host)"
	fi
done
for a in libyaml.a libjansson.a; do
	[ -f "/usr/lib/$host/$a" ] || missing="$missing /usr/lib/$host/$a"
done
if [ -n "$missing" ]; then
	fail "missing for the $host cross build:$missing.  Install them with: $apt"
fi

# ------------------------------------------------------------- configure
# What the sub-build is configured with: nothing from the caller's
# environment (a host CC, CFLAGS or PKG_CONFIG_PATH would leak in).
unset CC CFLAGS CPP CPPFLAGS LDFLAGS LIBS PKG_CONFIG_PATH \
	PKG_CONFIG_SYSROOT_DIR YAML_CFLAGS YAML_LIBS JANSSON_CFLAGS \
	JANSSON_LIBS CHECK_CFLAGS CHECK_LIBS
# The Check library: PKG_CHECK_MODULES([CHECK]) takes non-empty
# CHECK_CFLAGS and CHECK_LIBS as given, without looking for check.pc.
set -- "$@" -- "$abs_top_srcdir/configure" --quiet --host="$host" \
	--build="$("$abs_top_srcdir/build-aux/config.guess")" \
	CC="$cc" CFLAGS="$cflags" PKG_CONFIG=pkg-config \
	PKG_CONFIG_LIBDIR="$pcdir" CHECK_CFLAGS=' ' CHECK_LIBS=' '
# "$@" is now PROGRAM... -- CONFIGURE-COMMAND...; the programs first.
programs=
while [ "$1" != -- ]; do
	programs="$programs $1"
	shift
done
shift

mkdir -p "$dir" || fail "cannot create $dir"
args_file=$dir/cross-arm64.args
new_args=$(printf '%s\n' "$@")
if [ ! -f "$dir/config.status" ] || [ ! -f "$dir/Makefile" ] ||
	[ -n "$(find "$abs_top_srcdir/configure" -newer "$dir/config.status")" ] ||
	[ "$(cat "$args_file" 2>/dev/null)" != "$new_args" ]; then
	echo "cross-arm64.sh: configuring $dir for $host" >&2
	rm -f "$args_file"
	if ! (cd "$dir" && "$@") >"$dir/configure.out" 2>&1; then
		cat "$dir/configure.out" >&2
		fail "configure failed in $dir (see $dir/config.log)"
	fi
	printf '%s\n' "$new_args" >"$args_file" ||
		fail "cannot write $args_file"
fi

# ----------------------------------------------------------------- build
# Not the caller's command-line variables (after " -- " in MAKEFLAGS): a
# CC=gcc given to the host build would replace the cross compiler.
case ${MAKEFLAGS-} in
*' -- '*) MAKEFLAGS=${MAKEFLAGS%% -- *} ;;
'-- '*) MAKEFLAGS= ;;
esac
export MAKEFLAGS
unset MAKEOVERRIDES
set --
[ -z "${V-}" ] || set -- "V=$V"
echo "cross-arm64.sh: building$programs in $dir" >&2
# shellcheck disable=SC2086 # the programs: names without spaces
"$make" -C "$dir" "$@" $programs || fail "the $host build failed in $dir"

# ----------------------------------------------------------------- check
list=
for p in $programs; do
	path=$dir/$p
	[ -x "$path" ] || fail "no $path after the build"
	if command -v file >/dev/null 2>&1; then
		what=$(file -b "$path")
		case $what in
		*'ELF 64-bit LSB executable, ARM aarch64'*'statically linked'*) ;;
		*) fail "$path is not a static aarch64 ELF executable: $what" ;;
		esac
	else
		# ELF, 64-bit, little-endian, ET_EXEC (2), EM_AARCH64 (183).
		hdr=$(od -A n -t u1 -N 20 "$path" | tr -s ' \n' '  ')
		case $hdr in
		' 127 69 76 70 2 1 '*' 2 0 183 0 '*) ;;
		*) fail "$path is not an aarch64 ELF executable (ELF header:$hdr)" ;;
		esac
	fi
	list="$list$path
"
done
if ! { printf '%s' "$list" >"$dir/stamp.tmp" &&
	mv "$dir/stamp.tmp" "$dir/stamp"; }; then
	fail "cannot write $dir/stamp"
fi
printf '%s' "$list" | sed 's/^/cross-arm64.sh: built /' >&2

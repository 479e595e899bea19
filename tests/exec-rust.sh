#!/bin/sh
# examples/exec-rust, the SMMUv3 host rewrite of the released kernels in
# Rust, behind the exec backend (docs/spec/protocol.md): under linux-7.2,
# and the other profiles it announces (linux-6.13, rfc-v3), it passes
# every SMMUv3 and common vector but those that need observe-caches,
# attach-nested or inject-event (skipped for those capabilities, nothing
# else skipped), and each verdict is the built-in smmuv3-sim's, test by
# test.
#
# The crate is built with Debian's toolchain and Debian's packaged crates,
# offline (cargo, rustc, librust-serde-json-dev); a missing one is a
# failure that says what to install.  The build is slow next to the rest
# of make check, so the binary is kept in a cache shared by every build
# flavour on the machine (plain, valgrind, ASan, distcheck):
# $XDG_CACHE_HOME/nestref/exec-rust-HASH (default ~/.cache/nestref), HASH
# covering the crate's sources, its Cargo.lock, the rustc and the
# packaged crates' versions.  A miss builds in this build folder
# (examples/exec-rust/target and a CARGO_HOME beside it) and fills the
# cache.  NESTREF_EXEC_RUST=PATH uses a binary built elsewhere instead.
. "${top_srcdir:-.}/tests/lib.sh"

crate=$top_srcdir/examples/exec-rust
cargo=/usr/bin/cargo
rustc=/usr/bin/rustc
registry=/usr/share/cargo/registry
install_hint="apt-get install cargo rustc librust-serde-json-dev"

say() {
	echo "exec-rust: $*" >&2
}

# bail REASON: a failure the TAP driver reports as such (never a skip).
bail() {
	echo "Bail out! exec-rust: $*"
	exit 1
}

# The packaged crates the lock file names, as NAME-VERSION folders.
crates="serde_json serde itoa ryu"

check_toolchain() {
	for tool in "$cargo" "$rustc"; do
		[ -x "$tool" ] ||
			bail "$tool is missing (Debian's toolchain is used, offline): $install_hint"
	done
	for c in $crates; do
		set -- "$registry/$c"-[0-9]*
		[ -d "$1" ] ||
			bail "the Debian crate $c is missing from $registry: $install_hint"
	done
}

# The cache key: every file of the crate, the compiler, the crates.
crate_hash() {
	(
		cd "$crate" || exit 1
		for f in Cargo.toml Cargo.lock cargo-config.toml src/*.rs; do
			echo "== $f"
			cat "$f" || exit 1
		done
		"$rustc" --version
		"$cargo" --version
		for c in $crates; do
			for d in "$registry/$c"-[0-9]*; do basename "$d"; done
		done
	) | sha256sum | cut -c1-12
}

# cargo as Debian ships it: another cargo or rustc earlier in PATH, or a
# rustup toolchain variable, must not take over.
debian_cargo() {
	env -u RUSTUP_TOOLCHAIN -u RUSTC_WRAPPER -u RUSTC_WORKSPACE_WRAPPER \
		-u RUSTFLAGS -u CARGO_BUILD_TARGET -u CARGO_ENCODED_RUSTFLAGS \
		PATH=/usr/bin:/bin RUSTC="$rustc" RUSTDOC=/usr/bin/rustdoc \
		CARGO_HOME="$work/cargo-home" CARGO_TARGET_DIR="$work/target" \
		"$cargo" "$@" --manifest-path "$crate/Cargo.toml" --release \
		--offline --locked
}

# build OUT: the crate built and unit-tested in this build folder, the
# binary copied to OUT (whole or not at all).
build() {
	work=$abs_top_builddir/examples/exec-rust
	mkdir -p "$work/cargo-home" || bail "cannot create $work/cargo-home"
	# The source may be read-only (make distcheck): only CARGO_HOME and
	# the target folder are written, both here.
	cp "$crate/cargo-config.toml" "$work/cargo-home/config.toml" ||
		bail "cannot write $work/cargo-home/config.toml"
	log=$work/build.log
	say "building $crate with $("$cargo" --version), $("$rustc" --version) (log: $log)"
	t0=$(date +%s)
	if ! debian_cargo build >"$log" 2>&1; then
		sed 's/^/# /' "$log"
		bail "cargo build failed (log: $log); the crates are Debian's: $install_hint"
	fi
	if ! debian_cargo test >>"$log" 2>&1; then
		sed 's/^/# /' "$log"
		bail "cargo test (the crate's unit tests) failed (log: $log)"
	fi
	say "built in $(($(date +%s) - t0)) s"
	cp "$work/target/release/nestref-exec-rust" "$1.tmp.$$" &&
		mv -f "$1.tmp.$$" "$1" || bail "cannot copy the binary to $1"
}

if [ -n "${NESTREF_EXEC_RUST-}" ]; then
	bin=$NESTREF_EXEC_RUST
	[ -x "$bin" ] || bail "NESTREF_EXEC_RUST=$bin is not an executable file"
else
	check_toolchain
	[ -r "$crate/Cargo.toml" ] && [ -r "$crate/Cargo.lock" ] ||
		bail "cannot read the crate in $crate"
	hash=$(crate_hash)
	if [ -n "${XDG_CACHE_HOME-}" ]; then
		cache=$XDG_CACHE_HOME/nestref
	elif [ -n "${HOME-}" ]; then
		cache=$HOME/.cache/nestref
	else
		cache=$abs_top_builddir/examples/exec-rust/cache
	fi
	dir=$cache/exec-rust-$hash
	bin=$dir/nestref-exec-rust
	mkdir -p "$dir" || bail "cannot create the cache folder $dir"
	# One build per cache at a time: parallel flavours wait for it.
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$dir/lock" || bail "cannot open $dir/lock"
		flock 9 || bail "flock on $dir/lock failed"
	fi
	if [ -x "$bin" ]; then
		say "using the cached $bin"
	else
		build "$bin"
	fi
	exec 9>&-
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vectors="$top_srcdir/vectors/smmuv3 $top_srcdir/vectors/common"
caps=inv-arm-smmuv3,observe-issued,raw-user-data,observe-hw-info
# What the crate cannot do: model caches, make nested HWPTs and raise the
# SMMU's events (the exec protocol has no such requests,
# docs/writing-backends.md 5.1): a skip that lists only those.
cannot='\(observe-caches\|attach-nested\|inject-event\)'
unable="# SKIP missing $cannot\(, $cannot\)*\$"

# linux-7.2 first: the kernel the crate is the driver of.  rfc-v3 and
# linux-6.13 have the same released driver with other rules.
for profile in linux-7.2 linux-6.13 rfc-v3; do
	# shellcheck disable=SC2086 # two folders
	run_capture run --quiet --profile "$profile" \
		--backend "exec:'$bin'" --expect-caps "$caps" $vectors
	printf '%s\n' "$out" >"$tmp/exec.tap"
	tests=$(grep -c '^ok\|^not ok' "$tmp/exec.tap")
	passed=$(grep '^ok' "$tmp/exec.tap" | grep -vc '# SKIP')
	caches=$(grep -c "$unable" "$tmp/exec.tap")
	if [ "$rc" -eq 0 ] && [ "$passed" -gt 0 ]; then
		ok "$profile: exec-rust passes the SMMUv3 and common vectors ($tests tests: $passed passed, $caches skipped for observe-caches, attach-nested or inject-event, the rest for the profile)"
	else
		not_ok "$profile: exec-rust fails the SMMUv3 and common vectors (exit $rc, $passed passed)" \
			"$(grep -A 12 '^not ok' "$tmp/exec.tap" | head -n 80)$nl$err"
	fi
	# Any other skip would be a test left unchecked.
	others=$(grep '# SKIP' "$tmp/exec.tap" |
		grep -v "$unable" |
		grep -v "# SKIP profile $profile not covered by this file\$" |
		head -n 5)
	if [ -z "$others" ]; then
		ok "$profile: nothing skipped but for observe-caches, attach-nested, inject-event or the profile"
	else
		not_ok "$profile: tests skipped for another reason" "$others"
	fi
	# The reference: smmuv3-sim, outside valgrind (not under test).  The
	# same verdict for every test, but those exec-rust cannot check.
	# shellcheck disable=SC2086
	"$NESTREF" run --quiet --profile "$profile" --backend smmuv3-sim \
		$vectors >"$tmp/sim.tap" 2>/dev/null
	grep "$unable" "$tmp/exec.tap" | sed -n 's/^ok \([0-9]*\) .*/\1/p' \
		>"$tmp/caches"
	for f in exec sim; do
		awk 'FILENAME == ARGV[1] { skip[$1] = 1; next }
			/^(not )?ok / { n = ($1 == "ok") ? $2 : $3; if (n in skip) next }
			{ print }' "$tmp/caches" "$tmp/$f.tap" >"$tmp/$f.cmp"
	done
	if diff -u "$tmp/sim.cmp" "$tmp/exec.cmp" >"$tmp/diff"; then
		ok "$profile: every verdict is smmuv3-sim's, test by test"
	else
		not_ok "$profile: verdicts differ from smmuv3-sim's" \
			"$(head -n 40 "$tmp/diff")"
	fi
done
finish

# tests/mutate-lib.sh: what the mutant scripts share (sourced by
# tests/kernel/mutants.sh and tests/event-mutants.sh): a copy of the tree
# with one deliberate bug, applied by a pattern that must match.
# The sourcing script sets me (its name for messages) and top (the tree)
# first; sourcing sets up the work folder, $work: MUTANTS_DIR, or a
# temporary folder removed at the end unless MUTANTS_KEEP=1.

die() {
	echo "$me: $*" >&2
	exit 2
}

command -v perl >/dev/null 2>&1 || die "perl is needed to apply the mutations (apt-get install perl)"
work=${MUTANTS_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/nestref-${me%.sh}.XXXXXX")} ||
	die "mktemp -d failed"
if [ "${MUTANTS_KEEP-}" != 1 ] && [ -z "${MUTANTS_DIR-}" ]; then
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 1' INT TERM HUP

# mutate NAME FILE PERL-SUBSTITUTION: applies it in the copy; it must
# change the file, or the model moved and the script must follow.
mutate() {
	f=$2
	cp "$f" "$f.orig" || die "$1: cannot copy $f"
	perl -0pi -e "$3" "$f" || die "$1: perl failed on $f"
	if cmp -s "$f" "$f.orig"; then
		die "$1: the pattern did not match $f: the model changed; adapt this script"
	fi
	echo "$me: $1: in $(basename "$f"):"
	diff -u "$f.orig" "$f" | sed -n 's/^\([-+]\)\([^-+]\)/  \1\2/p'
	rm -f "$f.orig"
}

# copy_tree TOP DEST: git's tracked files of TOP as they are in its
# working tree (uncommitted changes included) into DEST, made afresh.
copy_tree() {
	rm -rf "$2"
	mkdir -p "$2" || die "cannot create $2"
	(cd "$1" && git ls-files -z | xargs -0 tar -cf - 2>/dev/null) |
		(cd "$2" && tar -xf -) || die "copying the tree into $2 failed"
}

# build_tree DIR [TARGET...]: configures and builds the copy in
# DIR/build (everything, or the targets given), quietly, the log in
# DIR/build.log.
build_tree() {
	d=$1
	shift
	echo "$me: $(basename "$d"): configuring and building (log: $d/build.log)"
	if ! (cd "$d" && ./autogen.sh && mkdir -p build && cd build &&
		../configure --quiet && make -j2 --quiet "$@") >"$d/build.log" 2>&1; then
		tail -n 20 "$d/build.log" >&2
		die "$(basename "$d"): the mutant does not build"
	fi
}

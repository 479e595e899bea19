#!/bin/sh
# What a run reads from a folder (lib/vectors/paths.c, spec/vectors.md
# 5): a FIFO or device named like a vector is passed over with a note,
# never opened for reading (it could block for ever); dangling links,
# links that loop, leave the folder or lead to a folder are passed over
# with a note; a link to a vector file inside the folder is read, and a
# file reached under two names is read once; a selection with no vector
# file is an error (exit 2) that says why.
# Every run is under a generous timeout: a hang is a failure, not a wait.
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# nestref under a timeout: 124 means it hung.
tnestref() {
	capture timeout 60 "$NESTREF" "$@"
}

v=$tmp/v
mkdir -p "$v/sub" "$tmp/empty" "$tmp/loop" || exit 99
cp "$top/vectors/mock/rfc-set-unset.yaml" "$v/a.yaml" &&
	cp "$top/vectors/mock/check-cache.yaml" "$tmp/outside.yaml" &&
	mkfifo "$v/fifo.yaml" &&
	ln -s nowhere.yaml "$v/dangling.yaml" &&
	ln -s loop2.yaml "$v/loop1.yaml" && ln -s loop1.yaml "$v/loop2.yaml" &&
	ln -s . "$v/self" &&
	ln -s / "$v/root" &&
	ln -s ../outside.yaml "$v/out.yaml" &&
	ln -s ../a.yaml "$v/sub/inside.yml" &&
	cp "$top/vectors/mock/check-cache.yaml" "$v/sub/zz.yaml" &&
	ln -s zz.yaml "$v/sub/aa.yaml" &&
	echo "not a vector" >"$v/README" &&
	touch "$tmp/empty/notes.txt" &&
	ln -s .. "$tmp/loop/up" || exit 99

tnestref lint "$v"
expect_rc "lint of a folder with a FIFO, links and a README: no hang, exit 0" 0
expect_in "the FIFO is passed over, never read" "$err" \
	"$v/fifo.yaml: not a regular file (a FIFO, device or socket is never read), passed over"
expect_in "a dangling link is passed over" "$err" \
	"$v/dangling.yaml: a dangling symbolic link, passed over"
expect_in "a link that loops is passed over" "$err" \
	"$v/loop1.yaml: a symbolic link that loops, passed over"
expect_in "a link to the folder itself is not followed" "$err" \
	"$v/self: a symbolic link to a folder (not followed), passed over"
expect_in "a link to / is not followed" "$err" \
	"$v/root: a symbolic link out of the folder given, passed over"
expect_in "a link to a file out of the folder is not followed" "$err" \
	"$v/out.yaml: a symbolic link out of the folder given, passed over"
# a.yaml, and in sub/ the link aa.yaml, the link inside.yml and zz.yaml:
# four names of two files, each file read once under its first name in
# sorted order, whatever the order the folder lists them in.
expect_in "a link to a vector inside the folder is read" "$err" \
	"nestref: 2 file(s), no load errors"
expect_in "a file reached through a link and its own name is read once" \
	"$err" "$v/sub/inside.yml: the same file as $v/a.yaml, read once"
expect_in "under the first of its names" "$err" \
	"$v/sub/zz.yaml: the same file as $v/sub/aa.yaml, read once"
tnestref run --quiet --backend mock "$v" "$v/a.yaml"
expect_rc "a file given twice is run once: its id does not clash" 0
case $err in
*README*) not_ok "a file that is no vector is passed over silently" "$err" ;;
*) ok "a file that is no vector is passed over silently" ;;
esac

tnestref run --quiet --backend mock "$tmp/empty"
expect_rc "run of a folder with no vector file: exit 2" 2
expect_in "it says why" "$err" \
	"nestref: no vector file in $tmp/empty: a folder is searched for *.yaml and *.yml files"
tnestref lint "$tmp/empty"
expect_rc "lint of it: exit 2 too" 2
tnestref lint "$tmp/loop"
expect_rc "a folder whose only entry links to its parent: no walk up, exit 2" 2
expect_in "the link is named" "$err" \
	"$tmp/loop/up: a symbolic link out of the folder given, passed over"

tnestref lint "$v/fifo.yaml"
expect_rc "a FIFO named on the command line: refused at once, exit 2" 2
expect_in "with the reason" "$err" \
	"$v/fifo.yaml: not a regular file (a FIFO, device or socket is never read)"
tnestref run --quiet --backend mock /dev/null
expect_rc "a device named on the command line: exit 2" 2
finish

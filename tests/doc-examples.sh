#!/bin/sh
# The shell examples of README.md and docs/ run as documented: each fenced
# block that opens with "```sh" is one test, run with /bin/sh -e (the first
# failing line ends it, so a later line cannot hide it) in a scratch folder
# that looks like the top of the source tree (its files as symlinks, build
# as the build tree) with the built nestref and nestref-bench first in
# PATH.  A block exits 0 unless the line above it says otherwise; a block
# that must not run here says why.  The markers (README.md,
# "Tests"):
#   *Not run by the examples test (tests/doc-examples.sh): REASON*
#   *Exits with status N ...*
# Nothing is written into the source tree (make distcheck's is read-only).
# Under make check-valgrind too the examples run the programs directly,
# as a reader would: the other tests cover the same commands under it.
. "${top_srcdir:-.}/tests/lib.sh"

src=$(cd "${top_srcdir:-.}" && pwd) || exit 99
bld=$(cd "${abs_top_builddir:-$src/build}" && pwd) || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# A block that takes longer than this is a long example: mark it not run.
block_timeout=30

# extract MARKDOWN DIR: one DIR/N.sh per "```sh" block and DIR/N.meta, its
# line in MARKDOWN and "run STATUS" or "skip REASON" from the last
# non-empty line above the block.
extract() {
	mkdir -p "$2" || return 1
	awk -v dir="$2" '
		/^```/ {
			if (inblock) {
				if (inblock == 1)
					close(f)
				inblock = 0
			} else if ($0 == "```sh") {
				n++
				f = dir "/" n ".sh"
				meta = "run 0"
				if (last ~ /^\*Not run by the examples test/) {
					meta = last
					sub(/^[^:]*: */, "", meta)
					sub(/\*$/, "", meta)
					meta = "skip " meta
				} else if (last ~ /^\*Exits with status [0-9]+/) {
					meta = last
					sub(/^\*Exits with status /, "", meta)
					sub(/[^0-9].*/, "", meta)
					meta = "run " meta
				}
				print NR, meta > (dir "/" n ".meta")
				close(dir "/" n ".meta")
				printf "" > f
				inblock = 1
			} else {
				inblock = 2
			}
			last = $0
			next
		}
		inblock == 1 { print > f; next }
		inblock { next }
		NF { last = $0 }
	' "$1"
}

# scratch DIR: DIR looks like the top of the source tree, build being the
# build tree; the block may write new files there, not into the sources.
scratch() {
	mkdir "$1" || return 1
	for e in "$src"/* "$src"/.[!.]*; do
		[ -e "$e" ] || continue
		case ${e##*/} in build) continue ;; esac
		ln -s "$e" "$1/${e##*/}" || return 1
	done
	ln -s "$bld" "$1/build"
}

# run_block BLOCK WANT: runs BLOCK in a new scratch folder and sets
# $verdict to "" when it exits WANT, else to what went wrong.
run_block() {
	runs=$((runs + 1))
	dir=$tmp/run.$runs
	scratch "$dir" || { verdict="cannot make $dir"; return; }
	to=
	command -v timeout >/dev/null 2>&1 && to="timeout $block_timeout"
	(cd "$dir" && PATH=$bld/cli:$bld/bench:$PATH $to /bin/sh -e "$1") \
		>"$dir.out" 2>"$dir.err" </dev/null
	brc=$?
	verdict=
	[ "$brc" -eq "$2" ] && return
	verdict="exit $brc, want $2$nl$(cat "$1")$nl--- stderr:$nl$(tail -n 15 "$dir.err")"
	[ "$brc" -eq 124 ] && [ -n "$to" ] &&
		verdict="took more than $block_timeout s (mark it not run)$nl$verdict"
}

# check_doc MARKDOWN: one test per block of the file (named relative to
# the source tree).
check_doc() {
	name=${1#"$src"/}
	out=$tmp/blocks/$name
	extract "$1" "$out" || { not_ok "$name: extract its blocks"; return; }
	i=1
	while [ -f "$out/$i.meta" ]; do
		read -r line what rest <"$out/$i.meta"
		if [ "$what" = skip ]; then
			ok "$name:$line # SKIP not run: $rest"
		else
			run_block "$out/$i.sh" "$rest"
			if [ -z "$verdict" ]; then
				ok "$name:$line exits $rest"
			else
				not_ok "$name:$line exits $rest" "$verdict"
			fi
		fi
		i=$((i + 1))
	done
}

# The test must be able to fail: a made-up page with a wrong command, a
# wrong status and a marked block goes through the same extraction.
self_test() {
	page=$tmp/self-test.md
	cat >"$page" <<'EOF'
# A page

```sh
build/cli/nestref lint vectors/mock/invalidate-array.yaml
```

```sh
build/cli/nestref no-such-command
build/cli/nestref --help
```

*Exits with status 3 here: it does not.*

```sh
true
```

*Not run by the examples test (tests/doc-examples.sh): boots a kernel.*

```sh
false
```

```c
false
```
EOF
	extract "$page" "$tmp/self" || { not_ok "self-test: extract"; return; }
	got=$(cat "$tmp/self/1.meta" "$tmp/self/2.meta" "$tmp/self/3.meta" \
		"$tmp/self/4.meta" 2>&1)
	want="3 run 0${nl}7 run 0${nl}14 run 3${nl}20 skip boots a kernel."
	if [ "$got" = "$want" ] && [ ! -e "$tmp/self/5.meta" ]; then
		ok "self-test: four sh blocks, their lines and markers"
	else
		not_ok "self-test: four sh blocks, their lines and markers" \
			"want:$nl$want${nl}got:$nl$got"
	fi
	run_block "$tmp/self/1.sh" 0
	check "self-test: a right example passes" [ -z "$verdict" ]
	run_block "$tmp/self/2.sh" 0
	check "self-test: a wrong first line fails the block" [ -n "$verdict" ]
	run_block "$tmp/self/3.sh" 3
	check "self-test: a block that exits 0 where 3 is documented fails" \
		[ -n "$verdict" ]
}

runs=0
self_test
for doc in "$src"/README.md $(find "$src/docs" -name '*.md' | LC_ALL=C sort); do
	check_doc "$doc"
done
finish

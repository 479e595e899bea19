#!/bin/sh
# Hostile inputs against the loader's and the runner's limits
# (docs/spec/vectors.md 1.5), each generated here, never stored: a few
# aliases of a long string, a flood of errors under a 4 KiB path, millions
# of empty entries, and a folder of large files.  Memory is the number of
# bytes the libraries asked their allocator for at the peak, counted by
# tests/peak-heap through nestref_set_allocator, and must stay within 20
# times the file's size (64 KiB at least).  Every command runs under a
# generous timeout: a hang fails, it is not waited for.  Not run under
# valgrind (check-valgrind), which would take minutes for nothing more.
. "${top_srcdir:-.}/tests/lib.sh"

PEAK=${abs_top_builddir:-.}/tests/peak-heap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
FLOOR=65536

# peak NAME run|lint ARGS...: peak-heap under a timeout; $rc, $err, $peak.
peak() {
	name=$1
	shift
	capture timeout 300 "$PEAK" "$tmp/$name.peak" "$@"
	peak=$(cut -d' ' -f1 "$tmp/$name.peak" 2>/dev/null)
	left=$(cut -d' ' -f2 "$tmp/$name.peak" 2>/dev/null)
}

# expect_bounded DESCRIPTION FILE: $peak <= 20 * max(size, 64 KiB), and
# nothing left allocated.
expect_bounded() {
	size=$(wc -c <"$2")
	[ "$size" -lt $FLOOR ] && size=$FLOOR
	if [ -n "$peak" ] && [ "$peak" -le $((20 * size)) ] &&
		[ "$left" = 0 ]; then
		ok "$1 ($peak bytes at the peak, $((peak / size)).$((peak * 10 / size % 10)) times)"
	else
		not_ok "$1" "peak ${peak:-?} bytes, ${left:-?} left, limit $((20 * size)) (rc $rc)$nl$err"
	fi
}

head_mock() { # ID
	printf 'format: nestref/vectors-1\nid: %s\ntitle: generated\n' "$1"
	printf 'requires: [inv-selftest]\n'
	printf 'setup:\n  devices:\n    - {name: d0, psid: 0x1000}\n'
}

# 1. A 1 MiB string and 2000 aliases of it: 2 GB had it been copied.
{
	head_mock alias-text
	printf 'references:\n  - &s "'
	awk 'BEGIN { for (i = 0; i < 1048576; i += 64) printf "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }'
	printf '"\n'
	awk 'BEGIN { for (i = 0; i < 2000; i++) print "  - *s" }'
	printf 'tests: []\n'
} >"$tmp/alias-text.yaml" || exit 99
peak alias-text lint "$tmp/alias-text.yaml"
expect_rc "aliases of a long string: a load error" 2
expect_in "naming the limit" "$err" \
	"alias-text.yaml:13:5: aliases expand the file's text beyond $((4 * $(wc -c <"$tmp/alias-text.yaml"))) bytes (4 times its size, at least 64 KiB): limit of the loader"
expect_bounded "aliases of a long string: memory bounded" "$tmp/alias-text.yaml"

# 2. 2.2 M entries, each with a key the format does not have, in a file
# whose path is 4 KiB long: the errors stop at 100, the path is kept once.
deep=$tmp
while [ ${#deep} -lt 3900 ]; do
	deep=$deep/$(printf '%0200d' 0)
done
mkdir -p "$deep" || exit 99
{
	head_mock unknown-keys
	printf 'tests:\n  - tc: 1\n    steps:\n      - invalidate:\n'
	printf '          type: selftest\n          entries: ['
	awk 'BEGIN { for (i = 0; i < 2200000; i++) printf "{a: 0},"; print "{a: 0}]" }'
} >"$deep/unknown-keys.yaml" || exit 99
peak unknown-keys lint "$deep/unknown-keys.yaml"
expect_rc "a flood of errors: a load error" 2
lines=$(printf '%s\n' "$err" | grep -c '^/')
if [ "$lines" -le 101 ]; then
	ok "a flood of errors: at most 100 kept and one line for the rest ($lines lines)"
else
	not_ok "a flood of errors: $lines lines" "$(printf '%s\n' "$err" | tail -3)"
fi
expect_in "the rest are counted" "$err" "more errors (the first 100 of a file are shown)"
expect_bounded "a flood of errors under a 4 KiB path: memory bounded" \
	"$deep/unknown-keys.yaml"

# 3. 5.5 M empty entries, 16.5 MB: just under the 16 MiB a file may have.
{
	head_mock empty-entries
	printf 'tests:\n  - tc: 1\n    steps:\n      - invalidate:\n'
	printf '          type: selftest\n          entries: ['
	awk 'BEGIN { for (i = 0; i < 5500000; i++) printf "{},"; print "{}]" }'
} >"$tmp/empty-entries.yaml" || exit 99
peak empty-entries lint "$tmp/empty-entries.yaml"
expect_rc "5.5 M empty entries: a load error" 2
expect_in "naming the limit" "$err" "limit of the loader"
expect_bounded "5.5 M empty entries: memory bounded" "$tmp/empty-entries.yaml"

# 4. Aliases of a test with a hundred empty steps, in a file padded with
# comments so that the loader's memory budget (which grows with the size)
# is not what stops it: the walk's own budget of mappings and lists does,
# and says so although the errors before it fill the cap.
{
	printf 'format: nestref/vectors-1\nid: alias-lists\ntitle: generated\n'
	awk 'BEGIN { for (i = 0; i < 30000; i++) print "# padding: the memory budget grows with the file, the walk budget does not" }'
	printf 'tests:\n  - &t {tc: 1, steps: ['
	awk 'BEGIN { for (i = 0; i < 99; i++) printf "{}, "; print "{}]}" }'
	awk 'BEGIN { for (i = 0; i < 999; i++) print "  - *t" }'
} >"$tmp/alias-lists.yaml" || exit 99
peak alias-lists lint "$tmp/alias-lists.yaml"
expect_rc "aliases of many lists: a load error" 2
expect_in "the walk's limit is said past the cap of 100 errors" "$err" \
	"aliases expand the file by more than 65536 mappings and lists"
expect_bounded "aliases of many lists: memory bounded" "$tmp/alias-lists.yaml"

# 5. The bundled vectors that claim 262145 entries and hold one: the
# backends check the copy before they allocate it
# (nestref_user_array_check), so the claim costs nothing.
for pair in mock:vectors/mock/invalidate-array-whole-16k.yaml \
	smmuv3-sim:vectors/smmuv3/whole-array.yaml; do
	be=${pair%%:*}
	f=${top_srcdir:-.}/${pair#*:}
	peak whole run --backend "$be" "$f"
	expect_rc "$be: ${pair#*:} runs" 0
	expect_bounded "$be: an entry_num claim costs no memory" "$f"
done

# 6. A folder of four large files that load and run: memory is that of
# one file, not of four (files are read one at a time).
mkdir "$tmp/four" || exit 99
for k in 1 2 3 4; do
	{
		head_mock "large-$k"
		printf 'tests:\n'
		awk 'BEGIN { for (i = 1; i <= 6000; i++) {
			printf "  - tc: %d\n    comment: set and unset d0 once more, a test among many to make the file large\n", i
			print "    steps:\n      - set_dev_user_data: {dev: d0, sid: 0x77}\n      - unset_dev_user_data: {dev: d0}" } }'
	} >"$tmp/four/large-$k.yaml" || exit 99
done
peak one run --backend mock "$tmp/four/large-1.yaml"
expect_rc "one large file runs" 0
one=$peak
expect_bounded "one large file: memory bounded" "$tmp/four/large-1.yaml"
peak four run --backend mock "$tmp/four"
expect_rc "four large files run" 0
expect_bounded "four large files: memory bounded by one file's size" \
	"$tmp/four/large-1.yaml"
if [ -n "$one" ] && [ -n "$peak" ] && [ "$peak" -le $((one + one / 4)) ]; then
	ok "four files take the memory of one ($one and $peak bytes)"
else
	not_ok "four files take the memory of one" "one ${one:-?}, four ${peak:-?}"
fi
finish

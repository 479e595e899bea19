#!/bin/sh
# The `nestref explain` examples in docs/nesting.md are real output: each
# fenced block that starts with a test name must match what explain prints
# for that test now (a block may cut lines between its step and its answer
# with one "    ..." line).  Regenerate a block by running the command.
. "${top_srcdir:-.}/tests/lib.sh"

doc="$top_srcdir/docs/nesting.md"
tmp=$(mktemp -d)
# One file per example block: block.1, block.2, ...
awk -v dir="$tmp" '
	/^```/ { if (inblock) { close(f); inblock = 0 } else { inblock = 1; n++; f = dir "/block." n; first = 1 } next }
	inblock { print > f }
' "$doc"
for block in "$tmp"/block.*; do
	name=$(sed -n '1s/^\(smmuv3-[a-z0-9-]*\/[0-9]*\)  .*/\1/p' "$block")
	[ -n "$name" ] || continue
	id=${name%/*}
	tc=${name#*/}
	file=$(grep -l "^id: $id\$" "$top_srcdir"/vectors/*/*.yaml | head -n 1)
	# The default profile unless the file leaves it out: then linux-7.4.
	profile=linux-7.2
	grep -q '^profiles: .*linux-7\.2' "$file" || profile=linux-7.4
	# Paths in the doc are relative to the top of the tree.
	(cd "$top_srcdir" && nestref explain --profile "$profile" \
		"${file#"$top_srcdir"/}:$tc") >"$tmp/got" 2>&1
	sed -i '${/^$/d}' "$tmp/got"
	if grep -q '^    \.\.\.' "$block"; then
		cut_line=$(grep '^    \.\.\.' "$block")
		awk -v cut="$cut_line" '
			/^  step / { print; skipping = 1; print cut; next }
			/^    answer/ { skipping = 0 }
			!skipping { print }
		' "$tmp/got" >"$tmp/got.cut"
		mv "$tmp/got.cut" "$tmp/got"
	fi
	if diff -u "$block" "$tmp/got" >"$tmp/diff"; then
		ok "docs/nesting.md example $name matches explain"
	else
		not_ok "docs/nesting.md example $name differs from explain" "$(cat "$tmp/diff")"
	fi
done
rm -rf "$tmp"
finish

#!/bin/sh
# docs/profiles.md and the library's profile table (lib/profiles.c, as
# `nestref backends` prints it) say the same: every profile's kernels and
# how they were checked (section 1), and for every rule which profiles
# follow it (section 2).  A rule or profile added to one and not the other
# fails here.
. "${top_srcdir:-.}/tests/lib.sh"

doc="$top_srcdir/docs/profiles.md"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

capture "$NESTREF" backends
if [ "$rc" -ne 0 ]; then
	not_ok "nestref backends exits 0" "$err"
	finish
	exit 1
fi
printf '%s\n' "$out" >"$tmp/backends"

# From the library: "profile|kernels|checked" and "rule|profile" lines.
awk '
	/^Profiles / { section = "p"; next }
	/^Rules / { section = "r"; next }
	section == "p" && /^[a-z]/ { name = $1; next }
	section == "p" && /^  kernels: / { sub(/^  kernels: /, ""); kern[name] = $0; next }
	section == "p" && /^  checked: / {
		sub(/^  checked: /, ""); print name "|" kern[name] "|" $0 > "'"$tmp"'/lib.profiles"
		next
	}
	section == "p" && /^  rules: / {
		sub(/^  rules: /, ""); n = split($0, r, /, */)
		for (i = 1; i <= n; i++) if (r[i] != "none") print r[i] "|" name > "'"$tmp"'/lib.rules"
	}
' "$tmp/backends"

# From the page: the rows of the two tables.
awk -F'|' '
	/^## 1\./ { section = 1; next }
	/^## 2\./ { section = 2; next }
	/^## 3\./ { section = 0; next }
	section == 1 && /^\| `/ {
		name = $2; gsub(/[` ]|\(default\)/, "", name)
		k = $3; sub(/^ /, "", k); sub(/ $/, "", k)
		c = $4; gsub(/ /, "", c)
		print name "|" k "|" c > "'"$tmp"'/doc.profiles"
	}
	section == 2 && /^\| `/ {
		rule = $2; gsub(/[` ]/, "", rule)
		split("rfc-v3 linux-6.13 linux-7.2 linux-7.4", prof, " ")
		for (i = 1; i <= 4; i++) {
			x = $(i + 2); gsub(/ /, "", x)
			if (x == "x") print rule "|" prof[i] > "'"$tmp"'/doc.rules"
		}
	}
' "$doc"

for what in profiles rules; do
	sort -o "$tmp/lib.$what" "$tmp/lib.$what" 2>/dev/null
	sort -o "$tmp/doc.$what" "$tmp/doc.$what" 2>/dev/null
	if [ ! -s "$tmp/lib.$what" ]; then
		not_ok "nestref backends lists $what" "$(cat "$tmp/backends")"
	elif diff -u "$tmp/lib.$what" "$tmp/doc.$what" >"$tmp/diff"; then
		ok "docs/profiles.md and the library agree on $what ($(wc -l <"$tmp/lib.$what") lines)"
	else
		not_ok "docs/profiles.md and the library disagree on $what" \
			"$(cat "$tmp/diff")"
	fi
done

# Every rule the library knows has a row, and its name parses back.
for rule in $(sed -n '/^Rules /,$p' "$tmp/backends" | grep '^[a-z]'); do
	if grep -q "^| \`$rule\` |" "$doc"; then
		ok "rule $rule has a row in docs/profiles.md"
	else
		not_ok "rule $rule has no row in docs/profiles.md"
	fi
done
finish

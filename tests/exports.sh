#!/bin/sh
# The shared library exports exactly the functions the public headers
# declare with NESTREF_API (style.md 0.10: jansson's check-exports).
. "${top_srcdir:-.}/tests/lib.sh"

if [ ! -f "$NESTREF_LIB" ]; then
	echo "1..0 # SKIP no shared library at $NESTREF_LIB (static build)"
	exit 0
fi
tmp=$(mktemp -d)
# The preprocessor drops comments; NESTREF_API becomes a marker that
# starts each exported declaration.
for h in nestref.h backend.h smmuv3.h; do
	$CC -E -P -DNESTREF_API=NESTREF_EXPORT_MARK -I"$NESTREF_HEADERS" \
		"$NESTREF_HEADERS/nestref/$h"
done | tr '\n' ' ' | grep -o 'NESTREF_EXPORT_MARK[^;]*;' |
	sed 's/^[^(]*[^a-z0-9_]\(nestref_[a-z0-9_]*\)[[:space:]]*(.*/\1/' |
	sort -u >"$tmp/declared"
nm -D --defined-only "$NESTREF_LIB" | awk '$2 == "T" { print $3 }' |
	sort -u >"$tmp/exported"

if [ -s "$tmp/declared" ]; then
	ok "headers declare $(wc -l <"$tmp/declared") exported functions"
else
	not_ok "no NESTREF_API declaration found in the headers"
fi
missing=$(comm -23 "$tmp/declared" "$tmp/exported")
if [ -z "$missing" ]; then
	ok "every declared function is exported"
else
	not_ok "declared but not exported" "$missing"
fi
extra=$(comm -13 "$tmp/declared" "$tmp/exported")
if [ -z "$extra" ]; then
	ok "nothing else is exported"
else
	not_ok "exported but not declared" "$extra"
fi
bad=$(grep -v '^nestref_' "$tmp/exported")
if [ -z "$bad" ]; then
	ok "every exported symbol has the nestref_ prefix"
else
	not_ok "exported without the prefix" "$bad"
fi
rm -rf "$tmp"
finish

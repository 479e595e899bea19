#!/bin/sh
# libnestref-vectors exports exactly the nestref_vec_ functions that
# <nestref/vectors.h> declares with NESTREF_API, and nothing of the loader
# or the runner inside it (tests/exports.sh does the same for libnestref).
. "${top_srcdir:-.}/tests/lib.sh"

lib=${NESTREF_VECTORS_LIB:-$abs_top_builddir/lib/.libs/libnestref-vectors.so}
if [ ! -f "$lib" ]; then
	echo "1..0 # SKIP no shared library at $lib (static build)"
	exit 0
fi
tmp=$(mktemp -d)
# vectors.h includes nestref.h, whose declarations are marked too: keep
# the nestref_vec_ ones.
$CC -E -P -DNESTREF_API=NESTREF_EXPORT_MARK -I"$NESTREF_HEADERS" \
	"$NESTREF_HEADERS/nestref/vectors.h" |
	tr '\n' ' ' | grep -o 'NESTREF_EXPORT_MARK[^;]*;' |
	sed 's/^[^(]*[^a-z0-9_]\(nestref_[a-z0-9_]*\)[[:space:]]*(.*/\1/' |
	grep '^nestref_vec_' | sort -u >"$tmp/declared"
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' |
	sort -u >"$tmp/exported"

if [ -s "$tmp/declared" ]; then
	ok "vectors.h declares $(wc -l <"$tmp/declared") exported functions"
else
	not_ok "no NESTREF_API declaration of nestref_vec_ in vectors.h"
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
# Data and functions alike: nothing of the loader or the runner shows.
bad=$(nm -D --defined-only "$lib" | awk '{ print $3 }' | grep -v '^nestref_vec_')
if [ -z "$bad" ]; then
	ok "every symbol it defines has the nestref_vec_ prefix"
else
	not_ok "defined without the prefix" "$bad"
fi
rm -rf "$tmp"
finish

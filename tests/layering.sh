#!/bin/sh
# The seams of the tree hold (docs/writing-backends.md, "Layers"):
#  - nothing outside lib/ includes "lib/..." (the library's private
#    headers), except the white-box unit tests tests/check-*.c, which
#    link the internal library on purpose;
#  - the core (lib/core/) includes no architecture's header;
#  - a backend includes only public headers and its own folder's: no
#    other backend's private header;
#  - the bench, the command and the examples include only public headers.
# Each offending line is printed as file:line.
. "${top_srcdir:-.}/tests/lib.sh"

cd "$top_srcdir" || exit 99
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# rule NAME FILES...: every "file:line: include" in $tmp/bad is a failure.
rule() {
	name=$1
	shift
	if [ -s "$tmp/bad" ]; then
		not_ok "$name" "$(cat "$tmp/bad")"
	else
		ok "$name"
	fi
}

includes() { # FILES...: file:line:#include "..." lines
	grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$@" 2>/dev/null
}

files=$(find backends bench cli examples -name '*.[ch]' 2>/dev/null | sort)
[ -n "$files" ] || { not_ok "sources found" "no files under backends bench cli examples"; finish; exit 1; }
# shellcheck disable=SC2086 # word splitting of the file list is wanted
includes $files | grep '"lib/' >"$tmp/bad"
rule "no file of backends/, bench/, cli/ or examples/ includes lib/"

core=$(find lib/core -name '*.[ch]' | sort)
# shellcheck disable=SC2086
{ includes $core; grep -Hn '#[[:space:]]*include[[:space:]]*<nestref/\(smmuv3\|iommufd\)\.h>' $core; } |
	grep -e 'smmuv3' -e 'iommufd' -e '"\.\./' -e '"backends/' >"$tmp/bad"
rule "lib/core includes no architecture's header and no backend"

: >"$tmp/bad"
for f in $(find backends -name '*.[ch]' | sort); do
	own=${f#backends/}
	own=${own%%/*}
	includes "$f" | grep '"backends/' | grep -v "\"backends/$own/" >>"$tmp/bad"
	includes "$f" | grep '"\.\./' >>"$tmp/bad"
done
rule "no backend includes another backend's private header"

# shellcheck disable=SC2086
includes $(find bench cli examples -name '*.[ch]' 2>/dev/null | sort) |
	grep '"backends/' >"$tmp/bad"
rule "bench/, cli/ and examples/ include no backend's private header"
finish

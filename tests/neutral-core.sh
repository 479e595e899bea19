#!/bin/sh
# The core is hardware-neutral (docs/writing-backends.md, "Layers"):
#  - no identifier of <nestref/nestref.h> names an SMMUv3 concept (whole
#    identifiers, comments and strings left out);
#  - every file of lib/core/ compiles with only nestref.h and backend.h on
#    the include path, so an architecture's header cannot creep in.
. "${top_srcdir:-.}/tests/lib.sh"

hdr="$NESTREF_HEADERS/nestref/nestref.h"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Identifiers: the preprocessor drops comments; strings are removed.
${CC:-cc} -E -P -fpreprocessed -dD "$hdr" 2>/dev/null |
	sed 's/"\([^"\\]\|\\.\)*"//g' | tr -c 'A-Za-z0-9_' '\n' | grep -v '^$' |
	grep -v '^[0-9]' | sort -u >"$tmp/idents"
if [ ! -s "$tmp/idents" ]; then
	not_ok "identifiers of nestref.h read" "the preprocessor gave nothing for $hdr"
	finish
	exit 1
fi
ok "nestref.h has $(wc -l <"$tmp/idents") distinct identifiers"
# SMMUv3's vocabulary: the architecture, its commands, caches and fields.
# "nested" (a nested HWPT, IOMMU_DOMAIN_NESTED) is iommufd's word: an
# identifier is judged without it.
vocab='smmu|arm|cfgi|tlbi|atc|vmid|asid|cerror|ste|cmdq|idr[0-9]|ssid|tg$|ttl'
grep -i -E "$vocab" "$tmp/idents" |
	grep -v -x -i -E 'last|test|stream[s]?|nestref_dev_streams_max|nestref_dev_add_streams|streams' |
	while read -r id; do
		printf '%s\n' "$id" | sed 's/[Nn][Ee][Ss][Tt][Ee][Dd]//g' |
			grep -q -i -E "$vocab" && printf '%s\n' "$id"
	done >"$tmp/arch"
if [ -s "$tmp/arch" ]; then
	not_ok "no identifier of nestref.h names an SMMUv3 concept" "$(cat "$tmp/arch")"
else
	ok "no identifier of nestref.h names an SMMUv3 concept"
fi

mkdir -p "$tmp/include/nestref"
cp "$NESTREF_HEADERS/nestref/nestref.h" "$NESTREF_HEADERS/nestref/backend.h" \
	"$tmp/include/nestref/"
for c in "$top_srcdir"/lib/core/*.c; do
	if ${CC:-cc} -std=c11 -fsyntax-only -D_GNU_SOURCE -I"$tmp/include" \
		-I"$top_builddir" -I"$abs_top_builddir" "$c" 2>"$tmp/err"; then
		ok "lib/core/$(basename "$c") compiles without smmuv3.h"
	else
		not_ok "lib/core/$(basename "$c") compiles without smmuv3.h" "$(cat "$tmp/err")"
	fi
done
finish

#!/bin/sh
# make check-failnth, after the sweep (tests/failnth.sh): the allocation
# call sites it reached.  A site is a line of lib/**.c or backends/**.c
# that calls nestref_malloc, nestref_calloc, nestref_realloc,
# nestref_reallocarray, nestref_strdup, nestref_strndup or
# nestref_asprintf (lib/core/alloc.c, the allocator itself, aside).  Its
# gcov line count in the coverage build (configure --enable-coverage),
# whose counters make check-failnth zeroes before the sweep, must be
# non-zero: a line per source file, every site not reached named, and the
# total in a comment at the end.  A file no object was built from (its
# backend configured out) is said and not counted.
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
build=${abs_top_builddir:-.}
gcov=${GCOV:-gcov}

if ! command -v "$gcov" >/dev/null 2>&1; then
	not_ok "gcov is installed" \
		"install the Debian package gcc (gcov comes with it)"
	finish
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every site, as FILE:LINE:TEXT, FILE relative to the source tree.
(cd "$top" && find lib backends -name '*.c' ! -path lib/core/alloc.c |
	sort | xargs grep -nE \
		'(^|[^a-z_])nestref_(malloc|calloc|realloc|reallocarray|strdup|strndup|asprintf)\(') \
	>"$tmp/sites"
total=0
reached=0
for src in $(cut -d: -f1 "$tmp/sites" | uniq); do
	dir=$(dirname "$src")
	base=$(basename "$src" .c)
	n=$(grep -c "^$src:" "$tmp/sites")
	# The objects built from it (libtool's .libs, a target's prefix).
	gcno=$(find "$build/$dir" -name "$base.gcno" -o \
		-name "*-$base.gcno" 2>/dev/null)
	if [ -z "$gcno" ]; then
		echo "# $src: not built here (its backend configured out?), $n site(s) not counted"
		continue
	fi
	: >"$tmp/counts"
	for g in $gcno; do
		gcda=${g%.gcno}.gcda
		[ -f "$gcda" ] || continue
		# "  count:  line: text", count "-" (no code) or "#####".
		(cd "$build" && "$gcov" -t -o "$gcda" "$top/$src" 2>/dev/null) |
			sed -n 's/^ *\([^:]*\): *\([0-9][0-9]*\):.*/\2 \1/p' \
			>>"$tmp/counts"
	done
	missed=
	hit=0
	while IFS=: read -r file line text; do
		[ "$file" = "$src" ] || continue
		count=$(awk -v l="$line" '$1 == l { c = $2; sub(/\*$/, "", c);
			if (c ~ /^[0-9]+$/ && c + 0 > best) best = c + 0;
			seen = 1 }
			END { if (!seen) print "none"; else print best + 0 }' \
			"$tmp/counts")
		if [ "$count" != none ] && [ "$count" -gt 0 ]; then
			hit=$((hit + 1))
		else
			missed="$missed$src:$line:$(echo "$text" |
				sed 's/^[[:space:]]*//')$nl"
		fi
	done <"$tmp/sites"
	total=$((total + n))
	reached=$((reached + hit))
	if [ -z "$missed" ]; then
		ok "$src: $hit of $n allocation site(s) reached"
	else
		not_ok "$src: $hit of $n allocation site(s) reached; not reached:" \
			"$(printf '%s' "$missed")"
	fi
done
if [ "$total" -eq 0 ]; then
	not_ok "allocation sites found" "no line of lib/ or backends/ calls nestref_malloc and the rest: grep found nothing"
fi
echo "# failnth-sites: $reached of $total allocation call sites of lib/ and backends/ reached ($((total ? 100 * reached / total : 0))%)"
finish

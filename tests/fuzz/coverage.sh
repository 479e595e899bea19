#!/bin/sh
# The lines of lib/, backends/ and cli/ a fuzz corpus reaches
# (docs/fuzzing.md section 8), measured with gcov on a build of the
# replay harnesses configured with
#   CFLAGS='-O0 -g --coverage' LDFLAGS=--coverage
# in which `make tests/fuzz/replay-NAME cli/nestref` has run:
#
#   tests/fuzz/coverage.sh BUILD HARNESS FILE-OR-FOLDER...
#
# replays the inputs with BUILD/tests/fuzz/replay-HARNESS and prints, for
# lib/, backends/ and cli/ and each folder in the first two, the lines
# run and the lines there are (each source file once; a file the replay
# does not link counts as 0 of its lines).  The counts start from zero
# unless FUZZ_COVERAGE_KEEP=1: then they add up over several runs, for
# the lines all the harnesses reach together.
set -eu
if [ $# -lt 3 ]; then
	echo "usage: coverage.sh BUILD HARNESS FILE-OR-FOLDER..." >&2
	exit 2
fi
build=$1
h=$2
shift 2
[ "${FUZZ_COVERAGE_KEEP-}" = 1 ] ||
	find "$build" -name '*.gcda' -exec rm -f {} +
"$build/tests/fuzz/replay-$h" "$@" >/dev/null
cd "$build"
# The objects of the internal archives and of the command; not those of
# the installed libraries (the same sources again, *libnestref_la-* and
# *libnestref_vectors_la-*).
find lib backends cli -name '*.gcno' ! -name '*libnestref_la-*' \
	! -name '*libnestref_vectors_la-*' | sort | while read -r g; do
	gcov -n -o "$(dirname "$g")" "$g" 2>/dev/null
done | awk '
	/^File / {
		f = $2
		gsub(/\047/, "", f)
		keep = f ~ /\.c$/ && f ~ /\/(lib|backends|cli)\// && !(f in seen)
		next
	}
	keep && /^Lines executed:/ {
		split($2, a, ":")
		pct = a[2]
		sub(/%$/, "", pct)
		n = $4
		# lib/core, backends/mock, ..., cli
		d = f
		sub(/^.*\/(lib|backends|cli)\//, "", d)
		top = substr(f, 1, length(f) - length(d) - 1)
		sub(/^.*\//, "", top)
		sub(/\/[^\/]*$/, "", d)
		sub(/\/.*$/, "", d)
		if (top != "cli") {
			d = top "/" d
			run[d] += int(pct * n / 100 + 0.5)
			all[d] += n
		}
		run[top "/"] += int(pct * n / 100 + 0.5)
		all[top "/"] += n
		seen[f] = 1
		keep = 0
	}
	END {
		for (d in all)
			printf "%-20s %5d of %5d lines (%5.1f%%)\n", d ":", run[d],
				all[d], 100 * run[d] / all[d] | "sort"
	}'

#!/bin/sh
# The public headers stand alone, compile as strict C99 and as C++
# (libgit2's headertest, style.md 1.6).
. "${top_srcdir:-.}/tests/lib.sh"

for h in nestref.h backend.h smmuv3.h iommufd.h vectors.h; do
	msg=$(printf '#include <nestref/%s>\nint main(void) { return 0; }\n' "$h" |
		$CC -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only \
			-I"$NESTREF_HEADERS" -x c - 2>&1)
	if [ $? -eq 0 ]; then ok "$h compiles alone as C99"; else not_ok "$h as C99" "$msg"; fi
	cxx=${CXX:-g++}
	if command -v "$cxx" >/dev/null 2>&1; then
		msg=$(printf '#include <nestref/%s>\nint main() { return 0; }\n' "$h" |
			$cxx -Wall -Wextra -Werror -fsyntax-only \
				-I"$NESTREF_HEADERS" -x c++ - 2>&1)
		if [ $? -eq 0 ]; then ok "$h compiles as C++"; else not_ok "$h as C++" "$msg"; fi
	else
		echo "ok $((tap_n + 1)) - $h as C++ # SKIP no C++ compiler ($cxx)"
		tap_n=$((tap_n + 1))
	fi
done
finish

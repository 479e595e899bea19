#!/bin/sh
# The manual pages (docs/man/*.scd, issue 16): every option that a
# program's --help prints, and each subcommand's --help for nestref, is
# in its page; every page renders without a warning from groff and with
# man -l; make install puts them in man1, man3 and man5 beside the
# documents they point to.  A missing tool fails the test, naming the
# Debian package: a page nobody could check is not skipped as passed.
. "${top_srcdir:-.}/tests/lib.sh"

bench="$abs_top_builddir/bench/nestref-bench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A built page: in the build tree from docs/man/*.scd, or shipped in the
# source tree of a release tarball.
page_path() { # NAME.SECTION
	for d in "$abs_top_builddir/docs/man" "$top_srcdir/docs/man"; do
		if [ -f "$d/$1" ]; then
			echo "$d/$1"
			return 0
		fi
	done
	return 1
}

# The page's roff as plain words: font changes, \& and \- undone, so
# that an option reads as it is typed.
page_text() { # FILE
	sed -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\-/-/g' "$1"
}

# Every long option anywhere in a --help text, and every short one that
# starts an option line ("  -b, --backend=...").
help_options() { # FILE
	{
		grep -o -- '--[a-z][a-z0-9-]*' "$1"
		sed -n 's/^ *\(-[A-Za-z]\),.*/\1/p' "$1"
	} | sort -u
}

# check_options LABEL HELP-FILE PAGE-TEXT PAGE-NAME [none-ok]: one result
# for the options and NESTREF_* variables of one --help in one page.  A
# --help with none fails unless none-ok says it may (nestref lint prints
# none), so that a change of the help's layout cannot pass unseen.
check_options() {
	missing=
	n=0
	for opt in $(help_options "$2") $(grep -o 'NESTREF_[A-Z_]*' "$2" | sort -u); do
		n=$((n + 1))
		grep -Eq -- "(^|[^A-Za-z0-9_-])$opt([^A-Za-z0-9_-]|\$)" "$3" ||
			missing="$missing $opt"
	done
	if [ "$n" -eq 0 ] && [ "${5-}" = none-ok ]; then
		ok "$1: prints no option"
	elif [ "$n" -eq 0 ]; then
		not_ok "$1: no option found in its --help (is the test broken?)"
	elif [ -z "$missing" ]; then
		ok "$1: its $n options and variables are all in $4"
	else
		not_ok "$1: not in $4:$missing"
	fi
}

tools_ok=yes
for tool in man:man-db groff:groff-base; do
	if command -v "${tool%%:*}" >/dev/null 2>&1; then
		ok "${tool%%:*} is installed"
	else
		not_ok "${tool%%:*} is missing: install the Debian package ${tool#*:}"
		tools_ok=no
	fi
done

for page in nestref.1 nestref-bench.1 nestref-vectors.5 libnestref.3; do
	if ! file=$(page_path "$page"); then
		not_ok "$page was not built (make builds it from docs/man/$page.scd with scdoc)"
		continue
	fi
	page_text "$file" >"$tmp/$page.txt"
	[ "$tools_ok" = yes ] || continue
	groff -man -Tutf8 -ww -z "$file" >"$tmp/groff" 2>&1
	if [ -s "$tmp/groff" ]; then
		not_ok "$page renders with groff warnings" "$(cat "$tmp/groff")"
	else
		ok "$page renders with no groff warning"
	fi
	# The NAME line as man shows it: "name - what it is".
	name=${page%.*}
	if MANWIDTH=80 man -l "$file" >"$tmp/man" 2>"$tmp/man.err" &&
		grep -q "^ *$name - " "$tmp/man" &&
		! [ -s "$tmp/man.err" ]; then
		ok "man -l $page shows its NAME line"
	else
		not_ok "man -l $page" "$(cat "$tmp/man.err" "$tmp/man")"
	fi
	# No word, and so no option, broken across two lines (Makefile.am's
	# rule switches hyphenation off).
	if grep -E -n '[A-Za-z0-9](-|‐)$' "$tmp/man" >"$tmp/broken"; then
		not_ok "man -l $page breaks words across lines" "$(cat "$tmp/broken")"
	else
		ok "man -l $page breaks no word across lines"
	fi
done

# nestref(1): the command's options, each command's, and each command
# in the page's synopsis.
if [ -f "$tmp/nestref.1.txt" ]; then
	run_program "$NESTREF" --help >"$tmp/help" 2>&1
	check_options "nestref --help" "$tmp/help" "$tmp/nestref.1.txt" nestref.1
	cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$tmp/help")
	if [ -z "$cmds" ]; then
		not_ok "nestref --help lists no command (is the test broken?)"
	fi
	for cmd in $cmds; do
		run_program "$NESTREF" "$cmd" --help >"$tmp/help.$cmd" 2>&1
		check_options "nestref $cmd --help" "$tmp/help.$cmd" \
			"$tmp/nestref.1.txt" nestref.1 none-ok
		if grep -q "^nestref $cmd\\b" "$tmp/nestref.1.txt"; then
			ok "nestref.1 has a synopsis of nestref $cmd"
		else
			not_ok "nestref.1 has no synopsis line 'nestref $cmd'"
		fi
	done
fi

# nestref-bench(1).
if [ -f "$tmp/nestref-bench.1.txt" ]; then
	run_program "$bench" --help >"$tmp/help.bench" 2>&1
	check_options "nestref-bench --help" "$tmp/help.bench" \
		"$tmp/nestref-bench.1.txt" nestref-bench.1
fi

# libnestref(3): every function of <nestref/nestref.h> is in its map of
# the API.
if [ -f "$tmp/libnestref.3.txt" ]; then
	header="$NESTREF_HEADERS/nestref/nestref.h"
	missing=
	n=0
	for fn in $(grep -o 'nestref_[a-z0-9_]*(' "$header" | tr -d '(' | sort -u); do
		n=$((n + 1))
		grep -q "$fn()" "$tmp/libnestref.3.txt" || missing="$missing $fn"
	done
	if [ "$n" -lt 20 ]; then
		not_ok "nestref.h: only $n functions found (is the test broken?)"
	elif [ -z "$missing" ]; then
		ok "libnestref.3 names all $n functions of nestref.h"
	else
		not_ok "libnestref.3 does not name:$missing"
	fi
fi

# make install: the pages in their sections, and the documents that
# they name in FILES.
dest="$tmp/dest"
if env MAKEFLAGS= MFLAGS= "${MAKE:-make}" -s -C "$abs_top_builddir" \
	install-man install-docDATA install-specdocDATA DESTDIR="$dest" \
	>"$tmp/install" 2>&1; then
	ok "make install-man DESTDIR=... succeeds"
else
	not_ok "make install-man DESTDIR=... fails" "$(cat "$tmp/install")"
fi
for page in man1/nestref.1 man1/nestref-bench.1 man5/nestref-vectors.5 \
	man3/libnestref.3; do
	inst=$(find "$dest" -path "*/share/man/$page" 2>/dev/null | head -n 1)
	if [ -z "$inst" ]; then
		not_ok "make install puts no $page under the man folder"
	elif [ "$tools_ok" = yes ] &&
		! MANWIDTH=80 man -l "$inst" >/dev/null 2>&1; then
		not_ok "man -l of the installed $page fails"
	else
		ok "make install puts $page in place"
	fi
done
for doc in spec/vectors.md bench.md writing-backends.md; do
	if [ -n "$(find "$dest" -path "*/share/doc/nestref/$doc" 2>/dev/null)" ]; then
		ok "make install puts the $doc that the pages name"
	else
		not_ok "make install puts no share/doc/nestref/$doc"
	fi
done

finish

# Sourced by the shell tests: TAP output and running the built nestref.
# Each test prints "ok N - ..." or "not ok N - ..." and the plan last.

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	if [ -n "${2-}" ]; then
		printf '%s\n' "$2" | sed 's/^/# /'
	fi
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

finish() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# run_program PROGRAM ARGS...: runs a built program; under `make
# check-valgrind` (VALGRIND is set) through libtool and valgrind, whose
# errors exit 99 so they cannot pass.
run_program() {
	if [ -n "${VALGRIND-}" ]; then
		$LIBTOOL --mode=execute "$VALGRIND" -q --error-exitcode=99 \
			--leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			"$@"
	else
		"$@"
	fi
}

# Under valgrind nestref answers slowly, and so waits longer for the
# children of its exec backend: their per-request timeout (10 s by
# default, docs/spec/protocol.md section 6) is raised unless a test sets it.
if [ -n "${VALGRIND-}" ] && [ -z "${NESTREF_EXEC_TIMEOUT-}" ]; then
	NESTREF_EXEC_TIMEOUT=120
	export NESTREF_EXEC_TIMEOUT
fi

nestref() {
	run_program "$NESTREF" "$@"
}

# capture PROGRAM ARGS...: runs it, sets $out, $err and $rc.
capture() {
	tmp_out=$(mktemp)
	tmp_err=$(mktemp)
	run_program "$@" >"$tmp_out" 2>"$tmp_err"
	rc=$?
	out=$(cat "$tmp_out")
	err=$(cat "$tmp_err")
	rm -f "$tmp_out" "$tmp_err"
}

# run_capture ARGS...: capture of nestref.
run_capture() {
	capture "$NESTREF" "$@"
}

nl='
'

expect_rc() { # DESCRIPTION WANT: the last capture exited WANT
	if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1: exit $rc, want $2" "$err"; fi
}

expect_out() { # DESCRIPTION TEXT: its stdout equals TEXT exactly
	if [ "$out" = "$2" ]; then ok "$1"; else
		not_ok "$1" "want:$nl$2${nl}got:$nl$out"
	fi
}

expect_in() { # DESCRIPTION HAYSTACK NEEDLE
	case $2 in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "missing: $3${nl}in: $2" ;;
	esac
}

expect_not_in() { # DESCRIPTION HAYSTACK NEEDLE
	case $2 in
	*"$3"*) not_ok "$1" "unexpected: $3${nl}in: $2" ;;
	*) ok "$1" ;;
	esac
}

# run_vectors BACKEND PROFILE CAPS: the bundled vectors, nestref's own
# TAP.  CAPS are the capabilities the backend declares (--expect-caps): a
# backend that loses one fails instead of turning its tests into skips.
# Only the files the backend can run (--only-applicable): the other
# backend's files are its tests, not skips here, so what this run skips
# is only what does not apply to the profile.
run_vectors() {
	nestref run --quiet --only-applicable --backend "$1" --profile "$2" \
		--expect-caps "$3" \
		"$top_srcdir/vectors"
}

# need_python MODULE:PACKAGE...: sets py to /usr/bin/python3 and makes sure
# it imports each MODULE; if not, the test fails naming the Debian PACKAGE
# to install (a missing tool is never a skip) and the script exits 1.
need_python() {
	py=/usr/bin/python3
	if [ ! -x "$py" ]; then
		not_ok "/usr/bin/python3 is present" \
			"install the Debian package python3 (apt-get install -y python3)"
		finish
		exit 1
	fi
	for mod in "$@"; do
		if ! "$py" -c "import ${mod%%:*}" 2>/dev/null; then
			not_ok "python3 can import ${mod%%:*}" \
				"install the Debian package ${mod#*:} (apt-get install -y ${mod#*:})"
			finish
			exit 1
		fi
	done
}

# page_check DESCRIPTION PAGE TAP [html-check.py options]: an HTML report
# against the TAP of its run (tests/html-check.py; docs/spec/report.md 7).
# Needs need_python first.
page_check() {
	desc=$1
	shift
	if msg=$("$py" "${top_srcdir:-.}/tests/html-check.py" "$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "$msg"
	fi
}

#!/bin/sh
# The exec backend against broken children (docs/spec/protocol.md section
# 6): adapters under tests/data/exec/ that answer as the mock until their
# first invalidation, then crash, hang, write garbage, a 100 MB line,
# stray output, exit, give a wrong id, close their stdin or carry
# malformed vEVENTs.  Each must give test 2 of tests/data/exec/broken.yaml
# a clear error naming the request, leave tests 1 and 3 passing (a new
# child per test), make nestref exit 1 within the timeout, and leave no
# process behind.  Then the children that cannot even open a context,
# and one that checks it inherited no descriptor and has no unreaped
# sibling.  Under `make check-valgrind` every run is under valgrind,
# leaks included.
#
# Needs /usr/bin/python3 (Debian: python3): without it the test fails and
# says what to install.
. "${top_srcdir:-.}/tests/lib.sh"

# The adapters import their neighbours: no __pycache__ in the source tree.
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

top=${top_srcdir:-.}
py=/usr/bin/python3
data="$top/tests/data/exec"
vec="$data/broken.yaml"

if [ ! -x "$py" ]; then
	not_ok "/usr/bin/python3 is present" \
		"install the Debian package python3 (apt-get install -y python3)"
	finish
	exit 1
fi

NESTREF_EXEC_TIMEOUT=2
export NESTREF_EXEC_TIMEOUT
# Seconds a run may take: the 2 s timeout once, plus room for valgrind.
if [ -n "${VALGRIND-}" ]; then limit=60; else limit=15; fi

# Each adapter gets this run's token as an argument, so that only its own
# processes are looked for (make distcheck may run this test meanwhile).
token=exec-broken-$$

# left NAME: the processes still running adapter NAME, if any.
left() {
	ps -eo pid=,args= | grep -F -- "$1.py' $token" | grep -v -e grep -e ' ps '
	ps -eo pid=,args= | grep -F -- "$1.py $token" | grep -v -e grep -e ' ps '
}

# broken NAME REQUEST WHAT...: adapter NAME fails test 2 at request
# REQUEST with a message containing one of WHAT.
broken() {
	name=$1
	request=$2
	shift 2
	start=$(date +%s)
	run_capture run --backend "exec:$prefix$py '$data/$name.py' $token" "$vec"
	took=$(($(date +%s) - start))
	expect_rc "$name: nestref exits 1" 1
	expect_in "$name: test 1 passes" "$out" "${nl}ok 1 - exec-broken/1"
	expect_in "$name: test 3 passes on a new child" "$out" \
		"${nl}ok 3 - exec-broken/3"
	found=
	for what in "$@"; do
		case $out in
		*"message: \"exec: request $request: $what"*) found=$what ;;
		esac
	done
	if [ -n "$found" ]; then
		ok "$name: test 2 fails with 'exec: request $request: $found'"
	else
		not_ok "$name: test 2 fails naming request $request and what happened" \
			"want one of: $*${nl}got:$nl$out"
	fi
	if [ "$took" -le "$limit" ]; then
		ok "$name: done in ${took} s"
	else
		not_ok "$name: took ${took} s, more than $limit"
	fi
	if [ -z "$(left "$name")" ]; then
		ok "$name: no process left behind"
	else
		not_ok "$name: processes left behind" "$(left "$name")"
	fi
}

# Through sh, which reports its child's signal as a status, or with exec.
prefix=
broken crash "6 (cache_invalidate_user)" \
	"the child exited with status 139 before it replied" \
	"the child was killed by signal 11 (SIGSEGV) before it replied"
prefix="exec "
broken crash "6 (cache_invalidate_user)" \
	"the child was killed by signal 11 (SIGSEGV) before it replied"
prefix=
broken hang "6 (cache_invalidate_user)" \
	"no reply within 2 s (NESTREF_EXEC_TIMEOUT)"
broken garbage "6 (cache_invalidate_user)" \
	"the reply is not a JSON object: 'this is not JSON'"
broken huge "6 (cache_invalidate_user)" \
	"the reply is longer than 1048576 bytes"
broken stray "6 (cache_invalidate_user)" \
	"the reply is not a JSON object: 'mock: handling request 6'"
broken early-exit "6 (cache_invalidate_user)" \
	"the child exited with status 0 before it replied"
broken wrong-id "6 (cache_invalidate_user)" "the reply's id is not 6"
prefix="exec "
broken closed-stdin "7 (check_cache)" \
	"the child closed its stdin and was killed before it read the request"
prefix=
# vEVENTs in a reply (protocol.md section 4.7): malformed ones are the
# child's failure and none is reported; a well-formed one for a vIOMMU
# without a queue is dropped by the core and changes no answer.
broken vevents-unknown "6 (cache_invalidate_user)" \
	"vevent 0 needs a vIOMMU of the context, a u32 type and 1 to 256 bytes of hex data"
broken vevents-scalar "6 (cache_invalidate_user)" "vevents is not an array"
run_capture run --backend "exec:$py '$data/vevents-dropped.py' $token" "$vec"
expect_rc "vevents-dropped: an event without a queue fails nothing" 0
expect_in "vevents-dropped: every test passed" "$err" "3 passed"

# No context at all: a usage error (exit 2) with the reason.
run_capture run --backend "exec:$py '$data/hello-exit.py'" "$vec"
expect_rc "hello-exit: nestref exits 2" 2
expect_in "hello-exit: says why" "$err" \
	"exec: request 1 (hello): the child exited with status 3"
run_capture run --backend "exec:$data/no-such-adapter" "$vec"
expect_rc "a missing command: nestref exits 2" 2
expect_in "a missing command: says why" "$err" \
	"exec: request 1 (hello): the child exited with status 127"
run_capture run --backend "exec:$py '$data/no-profile.py'" "$vec"
expect_rc "no-profile: nestref exits 2" 2
expect_in "no-profile: says which profiles it has" "$err" \
	"exec: exec-python-mock does not answer as linux-7.2 (it announces rfc-v3)"
run_capture run --backend "exec:" "$vec"
expect_rc "exec: without a command is a usage error" 2
NESTREF_EXEC_TIMEOUT=soon
run_capture run --backend "exec:$py '$data/hang.py'" "$vec"
NESTREF_EXEC_TIMEOUT=2
expect_rc "a bad NESTREF_EXEC_TIMEOUT is a usage error" 2
expect_in "a bad NESTREF_EXEC_TIMEOUT: says why" "$err" \
	"NESTREF_EXEC_TIMEOUT must be a positive number of seconds, not 'soon'"

# Descriptors and zombies: the adapter refuses hello when it inherited a
# descriptor nestref did not inherit itself, or when nestref has an
# unreaped child; 26 tests start 27 children, one after the other.
EXEC_INSPECT_INHERITED=$("$py" - <<'PY'
import os

fds = []
for name in os.listdir("/proc/self/fd"):
    try:
        target = os.readlink("/proc/self/fd/" + name)
    except OSError:
        continue
    if not target.startswith("/proc/"):
        fds.append(name)
print(" ".join(fds))
PY
)
export EXEC_INSPECT_INHERITED
run_capture run --backend "exec:exec $py '$data/inspect.py'" \
	"$top/vectors/mock/check-cache.yaml" "$top/vectors/mock/vdevice-cache.yaml" \
	"$vec"
expect_rc "inspect: no descriptor leaks into a child, no child stays unreaped" 0
expect_in "inspect: every test passed" "$err" "26 passed"
finish

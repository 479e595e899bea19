#!/bin/sh
# Loadable modules through the command: --backend PATH, --load and
# $NESTREF_BACKEND_PATH in run, explain and backends; the origin each
# backend shows; each way a module fails to load, with its exact message
# and exit 2; and --expect-caps.  The modules are tests/test-module.c's
# and the example's (examples/backend-module), built by make check.
. "${top_srcdir:-.}/tests/lib.sh"

mods="$abs_top_builddir/tests/.libs"
example="$abs_top_builddir/examples/backend-module/.libs/libnestref-example-mock.so"
vectors="$top_srcdir/vectors"
cache="$vectors/mock/check-cache.yaml"
unset NESTREF_BACKEND NESTREF_BACKEND_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect_err() { # DESCRIPTION TEXT: its stderr equals TEXT exactly
	if [ "$err" = "$2" ]; then ok "$1"; else
		not_ok "$1" "want:$nl$2${nl}got:$nl$err"
	fi
}

# The out-of-tree example, loaded as a module, passes the mock's vectors.
run_capture run --backend "$example" "$vectors/mock" "$vectors/common"
expect_rc "the example module passes the mock's vectors" 0
expect_in "the summary names the module's backend and its path" "$err" \
	"tests on backend example-mock (from $example), profile linux-7.2: "
case $err in
*": 0 passed, 0 passed with"*) not_ok "tests passed on the example module" "$err" ;;
*) ok "tests passed on the example module" ;;
esac
run_capture run --quiet --backend "$example" \
	--expect-caps inv-selftest,check-cache "$vectors/mock"
expect_rc "the example module has the capabilities it declares" 0

# --backend PATH runs the first backend the module registered, which is
# not the first by name; without a capability, the tests are skips, and
# a run that only skipped is "nothing ran": 77, with what would run them.
run_capture run --backend "$mods/test-module-ok.so" "$cache"
expect_rc "skips only: exit 77" 77
expect_err "--backend PATH runs the first backend registered" \
	"nestref: 5 tests on backend test-module-z (from $mods/test-module-ok.so), profile linux-7.2: 0 passed, 0 passed with unchecked parts, 0 failed, 5 skipped
nestref: 5 skipped: they need inv-selftest, check-cache, which backend test-module-z lacks; run them with --backend mock
nestref: nothing ran: every test was skipped (exit 77)"

# --expect-caps: the skips fail the run, naming the capability.
run_capture run --quiet --backend "$mods/test-module-ok.so" \
	--expect-caps check-cache,inv-selftest "$cache"
expect_rc "a missing expected capability fails the run" 1
expect_err "each missing expected capability is named" \
	"nestref: backend test-module-z lacks expected capability inv-selftest (5 tests skipped, 0 checked only in part)
nestref: backend test-module-z lacks expected capability check-cache (5 tests skipped, 0 checked only in part)"
run_capture run --quiet --backend "$example" --expect-caps raw-user-data \
	"$vectors/mock"
expect_rc "the example module lacks raw-user-data" 1
expect_in "the skips and the partly checked tests are counted" "$err" \
	"nestref: backend example-mock lacks expected capability raw-user-data ("
run_capture run --quiet --backend mock --expect-caps observe-issued "$cache"
expect_rc "an expected capability that no test needs still counts" 1
expect_err "it is named with no test skipped" \
	"nestref: backend mock lacks expected capability observe-issued (0 tests skipped, 0 checked only in part)"
run_capture run --quiet --backend mock \
	--expect-caps inv-selftest,check-cache,raw-user-data "$vectors/mock"
expect_rc "the mock has the capabilities it declares" 0
run_capture run --expect-caps frob "$cache"
expect_rc "an unknown capability: usage error" 2
expect_err "the unknown capability is named" \
	"nestref run: unknown capability 'frob' (see 'nestref backends')"
run_capture run --expect-caps check-cache, "$cache"
expect_rc "an empty capability name: usage error" 2

# The origin of each backend.
run_capture backends --load "$mods/test-module-ok.so"
expect_rc "backends --load exits 0" 0
expect_in "backends shows a module's backend and its origin" "$out" \
	"${nl}test-module-z$nl  a test module's backend (tests/test-module.c)$nl  capabilities: none$nl  profiles: linux-7.2$nl  origin: $mods/test-module-ok.so$nl"
expect_in "every backend of the module has it" "$out" \
	"${nl}test-module-a$nl  a test module's backend (tests/test-module.c)$nl  capabilities: none$nl  profiles: linux-7.2$nl  origin: $mods/test-module-ok.so$nl"
expect_in "a built-in backend is built in" "$out" \
	"profiles: rfc-v3, linux-6.13, linux-7.2, linux-7.4$nl  origin: built in$nl"

# $NESTREF_BACKEND_PATH: every *.so of each folder, nothing else.
mkdir "$tmp/mods" "$tmp/more"
ln -s "$mods/test-module-ok.so" "$tmp/mods/ok.so"
ln -s "$example" "$tmp/more/example.so"
ln -s "$mods/test-module-fail.so" "$tmp/more/fail.so.off"
printf 'not a module\n' >"$tmp/more/.hidden.so"
NESTREF_BACKEND_PATH="$tmp/mods::$tmp/more"
export NESTREF_BACKEND_PATH
run_capture backends
expect_rc "backends with NESTREF_BACKEND_PATH exits 0" 0
expect_in "the path's modules are listed" "$out" \
	"origin: $tmp/mods/ok.so$nl"
expect_in "from each folder" "$out" \
	"example-mock$nl  the selftest mock, built out of tree (version 1)$nl  capabilities: inv-selftest, check-cache$nl  profiles: linux-7.2$nl  origin: $tmp/more/example.so$nl"
# A module the path loaded and --backend names again is loaded once.
run_capture run --quiet --backend "$tmp/more/example.so" "$cache"
expect_rc "--backend PATH of a module already loaded" 0
run_capture explain --backend example-mock "$cache:1"
expect_rc "explain runs a module's backend by name" 0
expect_in "explain shows its answers" "$out" "(as the vector expects)"
NESTREF_BACKEND_PATH="$tmp/none"
run_capture run "$cache"
expect_rc "a folder that cannot be read: exit 2" 2
expect_err "the folder is named" \
	"nestref run: NESTREF_BACKEND_PATH: $tmp/none: cannot read the folder: No such file or directory"
NESTREF_BACKEND_PATH="$tmp/more:$mods"
run_capture backends
expect_rc "a bad module in the path: exit 2" 2
expect_err "the first bad module of the path is named" \
	"nestref backends: NESTREF_BACKEND_PATH: $mods/test-module-abi.so: built for another module ABI: its nestref_module_init refused ABI 1 (EPROTO)"
unset NESTREF_BACKEND_PATH

# $NESTREF_BACKEND may be a module's path too.
NESTREF_BACKEND=$example
export NESTREF_BACKEND
run_capture run --quiet "$cache"
expect_rc "NESTREF_BACKEND may name a module" 0
unset NESTREF_BACKEND

# Each way a module fails to load: "nestref CMD: PATH: why", exit 2, and
# nothing run.
expect_load_error() { # DESCRIPTION MESSAGE ARGS...
	desc=$1
	want=$2
	shift 2
	run_capture "$@"
	expect_rc "$desc: exit 2" 2
	expect_err "$desc: the message" "$want"
	expect_out "$desc: nothing runs" ""
}
m="$mods/test-module"
expect_load_error "no entry point" \
	"nestref run: $m-nosym.so: not a nestref module: it has no nestref_module_init" \
	run --backend "$m-nosym.so" "$cache"
expect_load_error "another ABI" \
	"nestref run: $m-abi.so: built for another module ABI: its nestref_module_init refused ABI 1 (EPROTO)" \
	run --backend "$m-abi.so" "$cache"
expect_load_error "init fails" \
	"nestref run: $m-fail.so: nestref_module_init failed: -5 (Input/output error)" \
	run --backend "$m-fail.so" "$cache"
expect_load_error "a name a built-in backend has" \
	"nestref run: $m-taken.so: backend name 'mock' is taken (built in)" \
	run --backend "$m-taken.so" "$cache"
expect_load_error "a name another module has" \
	"nestref run: $m-dup.so: backend name 'test-module-a' is taken (by $m-ok.so)" \
	run --load "$m-ok.so" --backend "$m-dup.so" "$cache"
expect_load_error "no backend registered" \
	"nestref run: $m-none.so: nestref_module_init registered no backend" \
	run --load "$m-none.so" "$cache"
printf '%s\n' "this text file is long enough to be read as an ELF header, and is none" \
	>"$tmp/text.so"
expect_load_error "not a shared object" \
	"nestref run: $tmp/text.so: cannot load: invalid ELF header" \
	run --backend "$tmp/text.so" "$cache"
expect_load_error "no such file" \
	"nestref run: $tmp/missing.so: cannot load: cannot open shared object file: No such file or directory" \
	run --backend "$tmp/missing.so" "$cache"
expect_load_error "explain loads as run does" \
	"nestref explain: $m-fail.so: nestref_module_init failed: -5 (Input/output error)" \
	explain --load "$m-fail.so" "$cache:1"
expect_load_error "backends loads as run does" \
	"nestref backends: $m-taken.so: backend name 'mock' is taken (built in)" \
	backends --load "$m-taken.so"
finish

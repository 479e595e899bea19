#!/bin/sh
# `nestref run`'s progress line: on a terminal only once the run has taken
# two seconds (the tests and files done, the failures so far); never when
# stderr is not a terminal, unless --progress; never with --no-progress.
# The terminal is a pty of python3's pty module.
. "${top_srcdir:-.}/tests/lib.sh"

need_python pty:python3
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
slow="exec:$py '$top_srcdir/tests/data/exec/slow.py'"
vec="$top_srcdir/tests/data/exec/broken.yaml"
quick="$top_srcdir/tests/data/cli/wrong.yaml"

# on_pty FILE ARGS...: nestref ARGS with stderr (only) on a pty, whose
# bytes go to FILE; stdout to FILE.out.
on_pty() {
	file=$1
	shift
	"$py" - "$file" "$NESTREF" "$@" <<'PYEOF'
import os, pty, subprocess, sys

path, argv = sys.argv[1], sys.argv[2:]
master, slave = pty.openpty()
with open(path + ".out", "wb") as out:
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=slave)
os.close(slave)
got = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:  # EIO: the child closed its side
        break
    if not chunk:
        break
    got += chunk
with open(path, "wb") as f:
    f.write(got)
sys.exit(child.wait())
PYEOF
}

# has FILE TEXT: FILE holds TEXT (bytes, fixed string).
has() {
	LC_ALL=C grep -qF -- "$2" "$1"
}

esc=$(printf '\033')
on_pty "$tmp/slow" run --backend "$slow" "$vec"
check "a slow run on a terminal exits 0" [ $? -eq 0 ]
if has "$tmp/slow" "${esc}[K[2/3 tests, 0/1 files, 0 failed] $vec"; then
	ok "a slow run on a terminal shows the tests and files done and the failures"
else
	not_ok "a slow run on a terminal shows no progress" "$(od -c "$tmp/slow")"
fi
check "the progress line is cleared before the summary" \
	has "$tmp/slow" "${esc}[Knestref: 3 tests on backend exec"
if has "$tmp/slow" "[0/3 tests"; then
	not_ok "no progress before two seconds" "$(od -c "$tmp/slow")"
else
	ok "no progress before two seconds"
fi
check "stdout stays TAP" has "$tmp/slow.out" "ok 3 - exec-broken/3"

on_pty "$tmp/quick" run --backend mock "$quick"
if has "$tmp/quick" "$esc"; then
	not_ok "a quick run on a terminal shows no progress" "$(od -c "$tmp/quick")"
else
	ok "a quick run on a terminal shows no progress"
fi

on_pty "$tmp/off" run --no-progress --backend "$slow" "$vec"
if has "$tmp/off" "$esc"; then
	not_ok "--no-progress shows none on a terminal" "$(od -c "$tmp/off")"
else
	ok "--no-progress shows none on a terminal"
fi

# Not a terminal: nothing but the summary, however slow the run.
nestref run --backend "$slow" "$vec" >/dev/null 2>"$tmp/file"
if has "$tmp/file" "$esc" || has "$tmp/file" "$(printf '\r')"; then
	not_ok "a slow run shows no progress when stderr is a file" "$(od -c "$tmp/file")"
else
	ok "a slow run shows no progress when stderr is a file"
fi

# --progress: anywhere, from the first test.
nestref run --progress --backend mock "$quick" >/dev/null 2>"$tmp/forced"
check "--progress shows progress in a file from the first test" \
	has "$tmp/forced" "${esc}[K[0/2 tests, 0/1 files, 0 failed] $quick"
check "--progress counts the failures so far" \
	has "$tmp/forced" "${esc}[K[1/2 tests, 0/1 files, 1 failed] $quick"
capture "$NESTREF" run --progress --no-progress --backend mock "$quick"
expect_rc "--progress with --no-progress: usage error" 2
expect_in "--progress with --no-progress says why" "$err" \
	"nestref run: --progress and --no-progress exclude each other"
finish

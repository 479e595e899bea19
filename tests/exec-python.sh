#!/bin/sh
# examples/exec-python/mock.py, the iommufd selftest mock driver in Python
# behind the exec backend (docs/spec/protocol.md), passes every mock
# vector under every profile with the very TAP of the built-in mock, the
# way back included (nested attach and TRIGGER_VEVENT, whose events come
# back in the replies: protocol.md section 4.7); and every line of its
# sessions with nestref is valid against docs/spec/protocol.schema.json.
#
# Needs /usr/bin/python3 with jsonschema (Debian: python3,
# python3-jsonschema).  Without them the test fails and says what to
# install: it never skips.
. "${top_srcdir:-.}/tests/lib.sh"

# The adapters import their neighbours: no __pycache__ in the source tree.
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

top=${top_srcdir:-.}
need_python jsonschema:python3-jsonschema

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vectors="$top/vectors/mock $top/vectors/common"

for profile in linux-7.2 linux-6.13 rfc-v3 linux-7.4; do
	# shellcheck disable=SC2086 # two folders
	run_capture run --quiet --profile "$profile" \
		--backend "exec:$py '$top/examples/exec-python/mock.py'" $vectors
	printf '%s\n' "$out" >"$tmp/exec.tap"
	tests=$(grep -c '^ok\|^not ok' "$tmp/exec.tap")
	skipped=$(grep -c '# SKIP' "$tmp/exec.tap")
	expect_rc "$profile: the Python mock passes the mock vectors ($tests tests, $skipped skipped as on the built-in mock)" 0
	# The reference: the built-in mock, outside valgrind (not under test).
	# shellcheck disable=SC2086
	"$NESTREF" run --quiet --profile "$profile" --backend mock $vectors \
		>"$tmp/mock.tap" 2>/dev/null
	if diff -u "$tmp/mock.tap" "$tmp/exec.tap" >"$tmp/diff"; then
		ok "$profile: its TAP is the built-in mock's, test by test"
	else
		not_ok "$profile: its TAP differs from the built-in mock's" \
			"$(head -n 40 "$tmp/diff")"
	fi
done

# The child's options are its own, and it refuses those it does not
# understand (protocol.md section 6): a usage error naming the key.
run_capture run --quiet --backend "exec:$py '$top/examples/exec-python/mock.py'" \
	--backend-options fast=1 "$top/vectors/mock"
expect_rc "the Python mock refuses an unknown option: usage error" 2
expect_in "the unknown option is named" "$err" \
	"exec-python-mock: unknown backend option 'fast': it takes none"
case $out in
*"ok "*) not_ok "no test runs with an unknown option" "$out" ;;
*) ok "no test runs with an unknown option" ;;
esac

# One session per test, recorded under two profiles, checked line by line.
EXEC_RECORD="$tmp/record"
export EXEC_RECORD
for profile in linux-7.2 rfc-v3; do
	# shellcheck disable=SC2086
	run_capture run --quiet --profile "$profile" \
		--backend "exec:$py '$top/tests/data/exec/record.py'" $vectors
	expect_rc "$profile: the recording mock passes too" 0
done
if check=$("$py" - "$top/docs/spec/protocol.schema.json" "$EXEC_RECORD" 2>&1 <<'PY'
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)


def validator(ref):
    return jsonschema.Draft202012Validator(dict(schema, **{"$ref": ref}))


request = validator("#/$defs/request")
replies = {}
ops = {}
seen = set()
n = 0
for number, line in enumerate(open(sys.argv[2]), 1):
    mark, text = line[:2], line[2:]
    message = json.loads(text)
    if mark == "> ":
        request.validate(message)
        ops[message["id"]] = message["op"]
        seen.add(message["op"])
    else:
        op = ops[message["id"]]
        if op not in replies:
            replies[op] = validator("#/$defs/replies/" + op)
        replies[op].validate(message)
    n += 1
print("%d lines, %d ops" % (n, len(seen)))
PY
); then
	ok "every request and reply is valid against protocol.schema.json ($check)"
else
	not_ok "a line breaks protocol.schema.json" "$check"
fi
finish

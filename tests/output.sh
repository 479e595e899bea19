#!/bin/sh
# Safe output (docs/spec/report.md 6): a string from a vector, a path or a
# report reaches the TAP, its YAML blocks, the JSON report, the export and
# the terminal escaped, so that no input forges a TAP line or drives the
# terminal.  Every input is made here: a folder whose name holds a newline
# and a forged "not ok ... # TODO" line, comments, references and a flag
# with ESC, BEL, CR, C1, a leading '#' and " # TODO", a file name that is
# not UTF-8, a report written by "another implementation" with such names.
#
# Needs /usr/bin/python3 with PyYAML (Debian: python3-yaml), to read the
# YAML blocks and the JSON back.  Without it the test fails and says what
# to install: it never skips.
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
need_python yaml:python3-yaml

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# C0 but tab and newline, and DEL: what must never be written raw (the
# newlines of the TAP and of messages are nestref's own).
raw_controls() { # FILE: true when FILE holds one
	LC_ALL=C grep -q -P '[\x00-\x08\x0b-\x1f\x7f]' "$1"
}
# C1 written as UTF-8 (U+0080 to U+009F; U+009B is CSI).
raw_c1() { # FILE
	LC_ALL=C grep -q -P '\xc2[\x80-\x9f]' "$1"
}
no_raw() { # DESCRIPTION FILE
	if raw_controls "$2" || raw_c1 "$2"; then
		not_ok "$1: a raw control byte" "$(od -c "$2" | head -n 20)"
	else
		ok "$1: no raw control byte"
	fi
}

# tap_results NAME FILE: FILE through automake's TAP driver, as `make
# check` reads it; sets $results to the .trs's result lines.
tap_results() {
	AM_TAP_AWK=${AWK:-awk} "${SHELL:-/bin/sh}" \
		"$top/build-aux/tap-driver.sh" --test-name "$1" \
		--log-file "$tmp/$1.log" --trs-file "$tmp/$1.trs" \
		--color-tests no --enable-hard-errors yes --expect-failure no \
		-- cat "$2" >/dev/null 2>&1
	results=$(sed -n 's/^:test-result: \([A-Z]*\).*/\1/p' "$tmp/$1.trs" |
		sort | uniq -c | awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1 }')
}

# A failing test (the mock refuses vdev_id 0x7) and a passing one, with
# every string the format lets through holding what a terminal or a TAP
# reader would act on.  $1: the id.
vector() {
	cat <<EOF
format: nestref/vectors-1
id: $1
title: "a title with \\e[31m ESC and \\a BEL"
references: ["ref \\r CR \\nnot ok 97 - forged reference # TODO \\e]0;title\\a", "# a leading hash"]
setup:
  devices:
    - {name: d0, psid: 0x1234, vsid: 0x99}
tests:
  - tc: 1
    comment: "# TODO \\e[2J\\e[31m red \\a bell \\x9b2J csi \\x7f del \\\\ back \\u2028 ls"
    flags: ["# odd, flag]"]
    steps:
      - invalidate:
          type: selftest
          entries:
            - {flags: 0, vdev_id: 0x7, cache_id: 0}
        expect: {result: ok}
  - tc: 2
    comment: "ok 2 # SKIP forged"
    steps:
      - check_cache: {dev: d0, index: 0, value: 0xbaddad}
notes:
  "# odd, flag]":
    bug: "none \\e[0m"
    description: "a flag whose name YAML and TAP must quote"
EOF
}

v=$tmp/v
evil="$v/x${nl}not ok 99 - forged # TODO"
bad_name=$(printf 'bad\377name.yaml')
mkdir -p "$evil" "$tmp/lint" || exit 99
vector output-evil >"$evil/w.yaml" &&
	vector output-latin1 >"$v/$bad_name" || exit 99

# ------------------------------------------------------------ the run
nestref run --backend mock --report "$tmp/run.json" --junit "$tmp/run.xml" \
	"$v" >"$tmp/run.tap" 2>"$tmp/run.err"
rc=$?
if [ "$rc" -eq 1 ]; then ok "run: exit 1 (two tests fail)"; else
	not_ok "run: exit $rc, want 1" "$(cat "$tmp/run.err")"
fi
no_raw "run's TAP" "$tmp/run.tap"
no_raw "run's stderr" "$tmp/run.err"
no_raw "run's JSON report" "$tmp/run.json"
no_raw "run's JUnit XML" "$tmp/run.xml"
tap_results run "$tmp/run.tap"
# Without the escaping: 5 results (a forged FAIL) or an XFAIL (a TODO).
if [ "$results" = "FAIL=2 PASS=2" ]; then
	ok "the TAP driver reads 2 FAIL and 2 PASS, no forged line or directive"
else
	not_ok "the TAP driver reads $results, want FAIL=2 PASS=2" \
		"$(cat "$tmp/run.tap")"
fi
lines=$(grep -c '^\(not \)\{0,1\}ok ' "$tmp/run.tap")
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tmp/run.tap")
check "as many test lines ($lines) as the plan says (${plan:-none})" \
	[ "$lines" = "${plan:-x}" ]
expect_in "the comment's '#' is \\# and its controls are escapes" \
	"$(cat "$tmp/run.tap")" \
	"not ok 1 - output-latin1/1 \\# TODO \\e[2J\\e[31m red \\a bell \\u009b2J csi \\x7f del \\\\ back \\u2028 ls"
expect_in "a comment cannot skip its test" "$(cat "$tmp/run.tap")" \
	"ok 2 - output-latin1/2 ok 2 \\# SKIP forged"
# Its escaped form, quoted: YAML reads back the string the JSON holds.
expect_in "a path that is not UTF-8 is its escaped form, quoted" \
	"$(cat "$tmp/run.tap")" "  file: \"$v/bad\\\\xffname.yaml:13:9\""
expect_in "a path with a newline stays on its line" "$(cat "$tmp/run.tap")" \
	"  file: \"$v/x\\nnot ok 99 - forged # TODO/w.yaml:13:9\""

# The YAML blocks read back as the strings, and the JSON report holds them.
"$py" - "$top" "$tmp" "$evil" "$tap_n" "$tap_failed" <<'PYEOF'
import json
import sys
import xml.etree.ElementTree as ET

import yaml

top, tmp, evil = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, top + "/tests")
from tap import Tap  # noqa: E402

tap = Tap(int(sys.argv[4]), int(sys.argv[5]))
ok, not_ok = tap.ok, tap.not_ok

comment = ("# TODO \x1b[2J\x1b[31m red \x07 bell \x9b2J csi \x7f del "
           "\\ back \u2028 ls")
reference = "ref \r CR \nnot ok 97 - forged reference # TODO \x1b]0;title\x07"
v = evil.rsplit("/", 1)[0]

blocks, block = [], None
with open(tmp + "/run.tap", encoding="utf-8") as f:
    for line in f:
        if line == "  ---\n":
            block = []
        elif line == "  ...\n" and block is not None:
            blocks.append(yaml.safe_load("".join(block)))
            block = None
        elif block is not None:
            block.append(line[2:])
files = sorted(b.get("file", "") for b in blocks)
want = sorted([v + "/bad\\xffname.yaml:13:9", evil + "/w.yaml:13:9"])
if len(blocks) == 2 and files == want:
    ok("the YAML blocks parse; file reads back as the path")
else:
    not_ok("the YAML blocks: %r, want files %r" % (blocks, want))
if all(b.get("flags") == ["# odd, flag]"] for b in blocks) and blocks:
    ok("flags read back as the flag's name")
else:
    not_ok("flags: %r" % [b.get("flags") for b in blocks])

with open(tmp + "/run.json", encoding="utf-8") as f:
    report = json.load(f)
tests = {t["name"]: t for t in report["tests"]}
t = tests.get("output-evil/1", {})
if t.get("comment") == comment and t.get("references") == [
        reference, "# a leading hash"]:
    ok("the JSON report holds the comment and references as written")
else:
    not_ok("JSON comment %r references %r" % (t.get("comment"),
                                               t.get("references")))
if t.get("file") == evil + "/w.yaml":
    ok("the JSON report holds a path with a newline as it is")
else:
    not_ok("JSON file %r" % t.get("file"))
t = tests.get("output-latin1/1", {})
if t.get("file") == v + "/bad\\xffname.yaml" and \
        t.get("failure", {}).get("position") == v + "/bad\\xffname.yaml:13:9":
    ok("a path that is not UTF-8 is its escaped form in the JSON report")
else:
    not_ok("JSON file %r" % t.get("file"))
try:
    cases = ET.parse(tmp + "/run.xml").getroot().findall(".//testcase")
    names = [c.get("name") for c in cases]
    if len(cases) == 4 and ("output-evil/1 " + comment.replace(
            "\x1b", "\ufffd").replace("\x07", "\ufffd")) in names:
        ok("the JUnit XML parses, the comment's DEL and C1 kept")
    else:
        not_ok("JUnit test cases %r" % names)
except ET.ParseError as e:
    not_ok("the JUnit XML does not parse: %s" % e)
with open(tmp + "/py.state", "w") as f:
    print("tap_n=%d tap_failed=%d" % (tap.n, tap.failed), file=f)
PYEOF
. "$tmp/py.state"

# --progress names each file on stderr: the path escaped, only nestref's
# own "\r\e[K" raw.
nestref run --backend mock --progress "$v" >/dev/null 2>"$tmp/progress.err"
LC_ALL=C sed 's/\r\x1b\[K//g' "$tmp/progress.err" >"$tmp/progress.rest"
no_raw "run --progress's stderr, but for its own \\r\\e[K" "$tmp/progress.rest"
expect_in "run --progress shows the path escaped" \
	"$(cat "$tmp/progress.rest")" "] $v/x\\nnot ok 99 - forged # TODO/w.yaml"

# ------------------------------------------------ lint and load errors
lint_name=$(printf 'l\033[2Jint\007.yaml')
printf 'format: nestref/vectors-1\nid: lint\n' >"$tmp/lint/$lint_name"
nestref lint "$tmp/lint" >"$tmp/lint.out" 2>"$tmp/lint.err"
rc=$?
check "lint of a broken file with ESC and BEL in its name: exit 2" \
	[ "$rc" -eq 2 ]
no_raw "lint's stderr" "$tmp/lint.err"
expect_in "a load error names the path escaped" "$(cat "$tmp/lint.err")" \
	"$tmp/lint/l\\e[2Jint\\a.yaml:1:1: missing required key 'title'"
nestref explain --backend mock "$tmp/lint/$lint_name" >"$tmp/lint-ex.out" \
	2>"$tmp/lint-ex.err"
no_raw "explain's load errors" "$tmp/lint-ex.err"
nestref run --backend mock "$tmp/no$(printf '\033')such" >/dev/null \
	2>"$tmp/missing.err"
no_raw "run of a missing path: its message" "$tmp/missing.err"

# ------------------------------------------------------------ explain
nestref explain --backend mock "$evil/w.yaml" >"$tmp/explain.out" \
	2>"$tmp/explain.err"
rc=$?
check "explain: exit 1 (a step is not what the vector expects)" [ "$rc" -eq 1 ]
no_raw "explain's output" "$tmp/explain.out"
no_raw "explain's stderr" "$tmp/explain.err"
expect_in "explain shows the comment escaped" "$(cat "$tmp/explain.out")" \
	"output-evil/1  # TODO \\e[2J\\e[31m red \\a bell \\u009b2J csi"
expect_in "explain shows the path escaped" "$(cat "$tmp/explain.out")" \
	"($v/x\\nnot ok 99 - forged # TODO/w.yaml:13:9)"

# ------------------------------------------------------------- export
nestref export --quiet "$v/$bad_name" "$evil/w.yaml" >"$tmp/export.jsonl" \
	2>"$tmp/export.err"
rc=$?
check "export of the two files: exit 0" [ "$rc" -eq 0 ]
no_raw "export's JSON" "$tmp/export.jsonl"
"$py" - "$top" "$tmp" "$tap_n" "$tap_failed" <<'PYEOF'
import json
import sys

top, tmp = sys.argv[1], sys.argv[2]
sys.path.insert(0, top + "/tests")
from tap import Tap  # noqa: E402

tap = Tap(int(sys.argv[3]), int(sys.argv[4]))
try:
    with open(tmp + "/export.jsonl", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
except ValueError as e:
    docs = []
    tap.not_ok("the export is JSON lines: %s" % e)
sources = sorted(d["source"] for d in docs)
if sources == ["bad\\xffname.yaml", "w.yaml"]:
    tap.ok("export: a source that is not UTF-8 is its escaped form")
else:
    tap.not_ok("export sources %r" % sources)
comments = [d["tests"][0].get("comment") for d in docs]
want = ("# TODO \x1b[2J\x1b[31m red \x07 bell \x9b2J csi \x7f del \\ back "
        "\u2028 ls")
if comments == [want, want]:
    tap.ok("export: the comments as written")
else:
    tap.not_ok("export comments %r" % comments)
with open(tmp + "/py.state", "w") as f:
    print("tap_n=%d tap_failed=%d" % (tap.n, tap.failed), file=f)
PYEOF
. "$tmp/py.state"

# ----------------------------------------------- nestref report of them
# A report "another implementation" wrote: every string may hold anything.
"$py" - "$tmp/run.json" "$tmp/other.json" <<'PYEOF'
import json
import sys

r = json.load(open(sys.argv[1], encoding="utf-8"))
r["implementation"]["backend"] = "other\x1b[2J # TODO"
r["implementation"]["system"] = "Linux\x07 \x9b"
r["profile"] = "linux-7.2\nnot ok 96 - forged"
for t in r["tests"]:
    t["name"] = t["name"] + " # TODO\nnot ok 95 - forged \x1b[31m"
    if t["verdict"] == "fail":
        t["verdict"] = "pass"
    else:
        t["verdict"] = "fail"
        t["reason"] = "why\r\x1b[2K # SKIP"
        t["failure"] = {"position": "p\n# x", "message": "m\x1b]0;t\x07"}
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"))
PYEOF
nestref report --tap "$tmp/other.json" "$tmp/other.json" >"$tmp/cmp.tap" \
	2>"$tmp/cmp.err"
rc=$?
check "report --tap of the crafted report: exit 0 (it agrees with itself)" \
	[ "$rc" -eq 0 ]
no_raw "report --tap" "$tmp/cmp.tap"
tap_results cmp "$tmp/cmp.tap"
# 4 rows and the 2 failures of each of the 2 reports.
if [ "$results" = "FAIL=4 PASS=4" ]; then
	ok "report --tap: the TAP driver reads 4 FAIL and 4 PASS, nothing forged"
else
	not_ok "report --tap: the TAP driver reads $results, want FAIL=4 PASS=4" \
		"$(cat "$tmp/cmp.tap")"
fi
nestref report "$tmp/other.json" "$tmp/run.json" >"$tmp/cmp.txt" \
	2>"$tmp/cmp.err"
no_raw "report's table" "$tmp/cmp.txt"
expect_in "the table shows the crafted names escaped" "$(cat "$tmp/cmp.txt")" \
	"output-evil/1 # TODO\\nnot ok 95 - forged \\e[31m"

# ------------------------------------------------------------- bench
bench=${abs_top_builddir:-.}/bench/nestref-bench
if [ -x "$bench" ]; then
	run_program "$bench" --repetitions "$(printf '\033[2J\007')" \
		>/dev/null 2>"$tmp/bench.err"
	no_raw "nestref-bench's message quoting its argument" "$tmp/bench.err"
	expect_in "it shows the argument escaped" "$(cat "$tmp/bench.err")" \
		"--repetitions: '\\e[2J\\a' is not a whole number"
else
	not_ok "nestref-bench is built at $bench"
fi
finish

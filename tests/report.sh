#!/bin/sh
# The reports of a run (docs/spec/report.md): `nestref run --report`
# writes JSON valid against docs/spec/report.schema.json whose verdicts are
# the TAP's, `--junit` well-formed JUnit XML with the same counts and the
# text escaped, and `nestref report` compares reports: exit 0 when they
# agree, 1 when two disagree on a test both ran, 2 for bad input.
#
# Needs /usr/bin/python3 with jsonschema (Debian: python3-jsonschema).
# Without it the test fails and says what to install: it never skips.
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
need_python jsonschema:python3-jsonschema

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_report NAME EXPECTED-STATUS ARGS...: nestref run --report and
# --junit into $tmp/NAME.{json,xml,tap}, its status in $tmp/NAME.rc.
run_report() {
	name=$1
	want=$2
	shift 2
	nestref run --quiet --report "$tmp/$name.json" --junit "$tmp/$name.xml" \
		"$@" >"$tmp/$name.tap" 2>"$tmp/$name.err"
	got=$?
	echo "$got" >"$tmp/$name.rc"
	if [ "$got" -eq "$want" ]; then
		ok "run $name: exit $got"
	else
		not_ok "run $name: exit $got, want $want" "$(cat "$tmp/$name.err")"
	fi
}

run_capture report --help
expect_rc "report --help exits 0" 0
expect_in "report --help prints its usage" "$out" "Usage: nestref report"
run_capture run --help
expect_in "run --help has --report and --junit" "$out" "--junit=FILE"
run_report mock 0 --backend mock "$top/vectors"
run_report sim 0 --backend smmuv3-sim "$top/vectors"
run_report applicable 0 --backend smmuv3-sim --only-applicable "$top/vectors"
# Ablations: the rules off give failures, with the rule a message names.
run_report mock-ablation 1 --backend mock \
	--without-rule one-vdevice-per-device "$top/vectors"
run_report sim-ablation 1 --backend smmuv3-sim \
	--without-rule one-vdevice-per-device,vdevice-one-stream,invalidate-bounds \
	"$top/vectors"
# Text that XML must escape, and a control character it cannot hold.
cat >"$tmp/escape.yaml" <<'EOF'
format: nestref/vectors-1
id: report-escape
title: a comment and a reference with <, &, quotes and a control character
references: ["a <b> & \"c\" 'd'"]
requires: [inv-selftest]
setup:
  devices:
    - {name: d0, psid: 0x1234, vsid: 0x99}
tests:
  - tc: 1
    comment: "<fail> & \"quoted\" 'single' \x01 end"
    steps:
      - invalidate:
          type: selftest
          entries:
            - {flags: 0, vdev_id: 0x7, cache_id: 0}
        expect: {result: ok}
  - tc: 2
    comment: "a skip: <check_cache> & more"
    steps:
      - hw_info: {dev: d0}
EOF
run_report escape 1 --backend mock "$tmp/escape.yaml"
# Nothing runs: the report says why.
run_report unavailable 77 --backend iommufd \
	--backend-options "mode=selftest,iommufd=$tmp/no-such-iommu" \
	"$top/vectors/mock"
# Two files with one id: a load error of the run (a file given twice is
# read once, so the copy is another file).
cp "$tmp/escape.yaml" "$tmp/escape-copy.yaml" || exit 99
run_report load-error 2 --backend mock "$tmp/escape.yaml" "$tmp/escape-copy.yaml"

run_capture run --report "$tmp/no-such-dir/r.json" --backend mock "$top/vectors/mock"
expect_rc "run --report into a folder that does not exist: usage error" 2

# ------------------------------------------------------- nestref report
compare() { # DESCRIPTION WANT-STATUS ARGS...
	desc=$1
	want=$2
	shift 2
	run_capture report "$@"
	if [ "$rc" -eq "$want" ]; then
		ok "$desc: exit $rc"
	else
		not_ok "$desc: exit $rc, want $want" "$out$nl$err"
	fi
}
compare "report mock sim (they agree)" 0 "$tmp/mock.json" "$tmp/sim.json"
# Every test of the vectors, once: the count is the TAP plan of the run.
n_tests=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tmp/sim.tap" | head -n 1)
expect_in "its counts" "$out" "nestref report: ${n_tests:-?} tests, "
expect_in "no disagreement" "$out" " 0 disagree,"
echo "$out" >"$tmp/table.txt"
compare "report mock mock-ablation (they disagree)" 1 \
	"$tmp/mock.json" "$tmp/mock-ablation.json"
expect_in "the disagreements are listed with the failure" "$out" \
	"fail: step 1, set_dev_user_data: expected {result: error, errno: EEXIST}, got {result: ok}"
compare "report of one report" 0 "$tmp/mock.json"
compare "report --tap of three reports" 1 --tap "$tmp/mock.json" \
	"$tmp/sim.json" "$tmp/mock-ablation.json"
echo "$out" >"$tmp/three.tap"
compare "report --tap-from=5" 0 --tap-from=5 "$tmp/mock.json" "$tmp/sim.json"
case $out in
"# [1] mock"*) ok "--tap-from: no version line and no plan" ;;
*) not_ok "--tap-from: no version line and no plan" "$(echo "$out" | head -n 3)" ;;
esac
first=$(echo "$out" | sed -n 's/^\(not \)\{0,1\}ok \([0-9]*\) .*/\2/p' | head -n 1)
check "--tap-from=5 numbers from 5" [ "$first" = 5 ]
compare "report without a file" 2
echo "not json" >"$tmp/not.json"
compare "report of a file that is not JSON" 2 "$tmp/mock.json" "$tmp/not.json"
echo '{"format": "nestref/export-1"}' >"$tmp/export.json"
compare "report of JSON that is not a report" 2 "$tmp/export.json"
compare "report of a missing file" 2 "$tmp/mock.json" "$tmp/missing.json"
compare "report --tap-from=0" 2 --tap-from=0 "$tmp/mock.json"

# ------------------------------------------------------- the documents
"$py" - "$top" "$tmp" "$tap_n" "$tap_failed" <<'PYEOF'
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

import jsonschema

top, tmp = sys.argv[1], sys.argv[2]
sys.path.insert(0, top + "/tests")
from tap import Tap  # noqa: E402

tap = Tap(int(sys.argv[3]), int(sys.argv[4]))
ok, not_ok = tap.ok, tap.not_ok


def check(desc, cond, detail=""):
    if cond:
        ok(desc)
    else:
        not_ok(desc, detail)


spec = os.path.join(top, "docs", "spec")
schemas = {}
try:
    for name in ("vectors.schema.json", "report.schema.json"):
        with open(os.path.join(spec, name), encoding="utf-8") as f:
            schemas[name] = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schemas[name])
    ok("docs/spec/report.schema.json is a valid draft 2020-12 schema")
except Exception as e:
    not_ok("docs/spec/report.schema.json is a valid draft 2020-12 schema", str(e))
    print("1..%d" % tap.n)
    sys.exit(1)
report_schema = schemas["report.schema.json"]
try:
    from referencing import Registry, Resource
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    validator = jsonschema.Draft202012Validator(report_schema, registry=registry)
except ImportError:
    resolver = jsonschema.RefResolver.from_schema(
        report_schema, store={s["$id"]: s for s in schemas.values()})
    validator = jsonschema.Draft202012Validator(report_schema, resolver=resolver)


def load(name):
    with open(os.path.join(tmp, name), encoding="utf-8") as f:
        return json.load(f)


def tap_verdicts(name):
    """The TAP's verdict of each test, as the report must give it."""
    verdicts = {}
    last = None
    with open(os.path.join(tmp, name), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(not ok|ok) \d+ - (\S+)", line)
            if m:
                last = m.group(2)
                verdicts[last] = ("fail" if m.group(1) == "not ok" else
                                  "skip" if " # SKIP " in line else "pass")
            elif line.startswith("# not checked:") and last:
                verdicts[last] = "pass-partly"
    return verdicts


reports = {}
for name in ("mock", "sim", "mock-ablation", "sim-ablation", "escape",
             "unavailable", "load-error", "applicable"):
    try:
        doc = load(name + ".json")
    except Exception as e:
        not_ok("%s.json is JSON" % name, str(e))
        continue
    reports[name] = doc
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    check("%s.json is valid against report.schema.json" % name, not errs,
          "\n".join("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
                    for e in errs[:10]))
    with open(os.path.join(tmp, name + ".rc")) as f:
        status = int(f.read())
    totals = {"tests": len(doc["tests"])}
    for v in ("pass", "pass-partly", "fail", "skip"):
        totals[v] = sum(1 for t in doc["tests"] if t["verdict"] == v)
    check("%s.json: status %d and totals match its tests" % (name, status),
          doc["status"] == status and doc["totals"] == totals,
          "status %s, totals %s, counted %s" % (doc["status"], doc["totals"], totals))
    got = {t["name"]: t["verdict"] for t in doc["tests"]}
    want = tap_verdicts(name + ".tap")
    check("%s.json: the verdict of every test is the TAP's (%d)" % (name, len(want)),
          got == want,
          "\n".join("%s: report %s, TAP %s" % (k, got.get(k), want.get(k))
                    for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k))[:2000])

mock = reports.get("mock", {})
check("the implementation names the backend, its capabilities and the library",
      mock.get("implementation", {}).get("backend") == "mock"
      and "inv-selftest" in mock["implementation"]["capabilities"]
      and mock["implementation"]["library"].startswith("libnestref ")
      and mock.get("profile") == "linux-7.2" and mock.get("rules_off") == [])
abl = reports.get("sim-ablation", {})
check("an ablation lists its rules off",
      abl.get("rules_off") == ["one-vdevice-per-device", "vdevice-one-stream",
                               "invalidate-bounds"]
      or sorted(abl.get("rules_off", [])) == sorted(
          ["one-vdevice-per-device", "vdevice-one-stream", "invalidate-bounds"]))
fails = [t for t in abl.get("tests", []) if t["verdict"] == "fail"]
check("a failure cites expected, got, position and the test's references",
      fails and all("expected" in t["failure"] or "step" not in t["failure"]
                    for t in fails)
      and all(t["references"] for t in fails))
check("a failure whose message ends with a rule cites the rule",
      any(t["failure"].get("rule") == "invalidate-whole-array" for t in fails),
      "rules: %s" % sorted({t["failure"].get("rule") for t in fails} - {None}))
skips = [t for t in mock.get("tests", []) if t["verdict"] == "skip"]
check("a skip says why", skips and all(t["reason"] for t in skips))
sim = reports.get("sim", {})
groups = sim.get("skips", [])
check("report.md 2.2: the skip groups add up to the skips, each with why",
      groups and sum(g["tests"] for g in groups) == sim["totals"]["skip"]
      and sim.get("left_out") is None,
      "skips %s, totals %s" % (groups, sim.get("totals")))
app = reports.get("applicable", {})
left = app.get("left_out") or {}
check("report.md 2.2: --only-applicable's files left out, with what runs them",
      left.get("files", 0) > 0
      and left.get("tests", 0) + app["totals"]["tests"] == sim["totals"]["tests"]
      and "--backend mock" in left.get("why", ""),
      "left_out %s" % left)
check("report.md 2.2: a skip group names the backend that runs them",
      any(g["why"].endswith("run them with --backend mock") for g in groups),
      "skips %s" % groups)
una = reports.get("unavailable", {})
check("a run that could not start: no tests, status 77, and why",
      una.get("tests") == [] and una.get("status") == 77
      and "backend unavailable" in (una.get("stopped") or ""))
le = reports.get("load-error", {})
check("a run stopped by a load error says so",
      le.get("tests") == [] and le.get("status") == 2 and le.get("stopped"))

# JUnit: well-formed, the report's counts, the text as it was.
for name in ("mock", "mock-ablation", "escape", "unavailable"):
    try:
        root = ET.parse(os.path.join(tmp, name + ".xml")).getroot()
    except Exception as e:
        not_ok("%s.xml is well-formed XML" % name, str(e))
        continue
    doc = reports.get(name, {"totals": {}, "tests": []})
    cases = root.findall("./testsuite/testcase")
    fail_cases = [c for c in cases if c.find("failure") is not None]
    skip_cases = [c for c in cases if c.find("skipped") is not None]
    extra = 1 if doc.get("stopped") else 0
    check("%s.xml: testsuites with a testcase per test and the counts" % name,
          root.tag == "testsuites"
          and len(cases) == len(doc["tests"]) + extra
          and int(root.get("tests")) == len(cases)
          and len(fail_cases) == doc["totals"].get("fail")
          and int(root.get("failures")) == len(fail_cases)
          and int(root.get("skipped")) == len(skip_cases)
          and sum(int(s.get("tests")) for s in root.findall("testsuite")) == len(cases),
          "tests %s, cases %d, failures %s, skipped %s" %
          (root.get("tests"), len(cases), root.get("failures"), root.get("skipped")))

try:
    root = ET.parse(os.path.join(tmp, "escape.xml")).getroot()
    cases = root.findall("./testsuite/testcase")
    failure = cases[0].find("failure")
    check("escape.xml: the comment survives <, &, quotes; the control character is U+FFFD",
          cases[0].get("name") ==
          "report-escape/1 <fail> & \"quoted\" 'single' \ufffd end"
          and cases[1].get("name") == "report-escape/2 a skip: <check_cache> & more",
          repr([c.get("name") for c in cases]))
    check("escape.xml: the failure's message and body",
          failure is not None
          and failure.get("message").startswith("step 1, invalidate: expected {result: ok")
          and "references:\n  - a <b> & \"c\" 'd'\n" in failure.text
          and "position: " in failure.text,
          repr(failure.attrib if failure is not None else None))
except Exception as e:
    not_ok("escape.xml can be read", str(e))

# nestref report's TAP: its plan is its number of test lines.
with open(os.path.join(tmp, "three.tap"), encoding="utf-8") as f:
    lines = f.read().splitlines()
plan = [l for l in lines if re.match(r"^1\.\.\d+$", l)]
tests = [l for l in lines if re.match(r"^(not )?ok \d+ ", l)]
check("report --tap: TAP version 13, a plan that counts its lines",
      lines[0] == "TAP version 13" and plan == ["1..%d" % len(tests)]
      and [int(l.split()[2 if l.startswith("not") else 1]) for l in tests] ==
      list(range(1, len(tests) + 1)))
check("report --tap: a not ok line for each failure of a report",
      sum(1 for l in tests if l.endswith("does not give the vector's answer"))
      == reports.get("mock-ablation", {}).get("totals", {}).get("fail"))
with open(os.path.join(tmp, "table.txt"), encoding="utf-8") as f:
    table = f.read()
check("report: a row per test, a column per report",
      re.search(r"^common-tombstone/1 +pass +pass$", table, re.M) is not None
      and re.search(r"^TEST +mock +smmuv3-sim$", table, re.M) is not None,
      table[:600])

print("1..%d" % tap.n)
sys.exit(1 if tap.failed else 0)
PYEOF

#!/bin/sh
# nestref export (docs/spec/vectors.md section 7): every bundled vector,
# exported, is valid against docs/spec/export.schema.json (which takes
# setup, notes and steps from docs/spec/vectors.schema.json), says what
# its YAML says, and names each test <id>/<tc>; the three outputs (a
# folder, JSON lines, an array) and --profile agree; broken exports are
# refused by the schema; a file that does not load exports nothing.
#
# Needs /usr/bin/python3 with PyYAML and jsonschema (Debian: python3-yaml,
# python3-jsonschema).  Without them the test fails and says what to
# install: it never skips.
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
need_python yaml:python3-yaml jsonschema:python3-jsonschema

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ------------------------------------------------------------ the command
run_capture export --help
expect_rc "export --help exits 0" 0
expect_in "export --help prints its usage" "$out" "Usage: nestref export"
expect_in "export --help names the schema" "$out" "docs/spec/export.schema.json"
run_capture export --quiet --format json --output "$tmp/json" "$top/vectors"
expect_rc "export --output exits 0" 0
nyaml=$(find "$top/vectors" -name '*.yaml' | wc -l)
njson=$(find "$tmp/json" -name '*.json' | wc -l)
if [ "$nyaml" -eq "$njson" ] && [ "$njson" -gt 0 ]; then
	ok "export --output wrote one .json per vector file ($njson)"
else
	not_ok "export --output wrote $njson .json files for $nyaml vector files"
fi
missing=
for f in $(cd "$top/vectors" && find . -name '*.yaml' | sort); do
	[ -f "$tmp/json/${f%.yaml}.json" ] || missing="$missing ${f#./}"
done
if [ -z "$missing" ]; then
	ok "the .json files mirror the folders of vectors/"
else
	not_ok "no .json in the mirrored place for:$missing"
fi

nestref export "$top/vectors" >"$tmp/lines" 2>"$tmp/lines.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^nestref: exported $nyaml file(s)" "$tmp/lines.err"; then
	ok "export without --output writes JSON lines and a summary on stderr"
else
	not_ok "export to stdout: exit $rc" "$(cat "$tmp/lines.err")"
fi
nestref export --quiet --array "$top/vectors" >"$tmp/array.json" 2>"$tmp/err"
check "export --array exits 0" [ $? -eq 0 ]
nestref export --quiet -p rfc-v3 "$top/vectors" >"$tmp/rfc.lines" 2>"$tmp/err"
check "export --profile rfc-v3 exits 0" [ $? -eq 0 ]

run_capture export --format xml "$top/vectors"
expect_rc "export --format xml: usage error" 2
run_capture export --array --output "$tmp/x" "$top/vectors"
expect_rc "export --array with --output: usage error" 2
cat >"$tmp/bad.yaml" <<'EOF'
format: nestref/vectors-1
id: export-bad
title: a test whose step has an unknown key
tests:
  - tc: 1
    steps:
      - hw_info: {dev: d0}
EOF
run_capture export --output "$tmp/bad-out" "$top/vectors/mock/bad-inputs.yaml" "$tmp/bad.yaml"
expect_rc "a vector file that does not load: exit 2" 2
expect_in "its load error is printed" "$err" "bad.yaml:7:"
if [ ! -e "$tmp/bad-out" ]; then
	ok "nothing is exported when a file does not load"
else
	not_ok "a load error still exported" "$(find "$tmp/bad-out")"
fi

# ---------------------------------------------------- the documents
# The Python part numbers its lines after this script's and prints the
# plan for both; it fails when this script's part failed too.
"$py" - "$top" "$tmp" "$tap_n" "$tap_failed" <<'PYEOF'
import copy
import glob
import json
import os
import re
import sys

import jsonschema
import yaml

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


class Loader(yaml.SafeLoader):
    """YAML typed as the vector loader types it (tests/schema.sh)."""


Loader.yaml_implicit_resolvers = {}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:0|[1-9][0-9]*|0x[0-9A-Fa-f]+)$"), list("0123456789"))
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))

spec = os.path.join(top, "docs", "spec")
schemas = {}
try:
    for name in ("vectors.schema.json", "export.schema.json"):
        with open(os.path.join(spec, name), encoding="utf-8") as f:
            schemas[name] = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schemas[name])
    ok("docs/spec/export.schema.json is a valid draft 2020-12 schema")
except Exception as e:
    not_ok("docs/spec/export.schema.json is a valid draft 2020-12 schema", str(e))
    print("1..%d" % tap.n)
    sys.exit(1)

export_schema = schemas["export.schema.json"]
try:
    # jsonschema 4.18 and later resolve references through a registry.
    from referencing import Registry, Resource
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    validator = jsonschema.Draft202012Validator(export_schema, registry=registry)
except ImportError:
    resolver = jsonschema.RefResolver.from_schema(
        export_schema, store={s["$id"]: s for s in schemas.values()})
    validator = jsonschema.Draft202012Validator(export_schema, resolver=resolver)


def errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def where(e):
    return "/".join(str(p) for p in e.absolute_path) or "(top)"


# Every exported file: valid, and what its YAML says.
docs = {}
tc_ids = {}
for path in sorted(glob.glob(os.path.join(tmp, "json", "*", "*.json"))):
    rel = os.path.relpath(path, os.path.join(tmp, "json"))
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except Exception as e:
        not_ok("%s is JSON" % rel, str(e))
        continue
    errs = errors(doc)
    if errs:
        not_ok("%s is valid against export.schema.json" % rel,
               "\n".join("%s: %s" % (where(e), e.message) for e in errs[:10]))
        continue
    docs[doc["source"]] = doc
    src = os.path.join(top, "vectors", doc["source"])
    with open(src, encoding="utf-8") as f:
        y = json.loads(json.dumps(yaml.load(f, Loader=Loader)))
    problems = []
    if doc["source"][:-len(".yaml")] + ".json" != rel:
        problems.append("source %s is not where the file is" % doc["source"])
    for key in ("id", "title", "description", "setup"):
        if y.get(key) != doc.get(key):
            problems.append("%s differs from the YAML" % key)
    for key, empty in (("references", []), ("requires", []), ("notes", {})):
        if y.get(key, empty) != doc[key]:
            problems.append("%s differs from the YAML" % key)
    every = ["rfc-v3", "linux-6.13", "linux-7.2", "linux-7.4"]
    want = [p for p in every
            if p in [q.replace("linux-next", "linux-7.4")
                     for q in y.get("profiles", every)]]
    if doc["profiles"] != want:
        problems.append("profiles %s, the YAML says %s" % (doc["profiles"], want))
    if doc["numberOfTests"] != len(doc["tests"]) or len(doc["tests"]) != len(y["tests"]):
        problems.append("numberOfTests %d for %d tests" %
                        (doc["numberOfTests"], len(doc["tests"])))
    for yt, t in zip(y["tests"], doc["tests"]):
        name = "%s/%d" % (y["id"], yt["tc"])
        if t["tcId"] != name or t["tc"] != yt["tc"]:
            problems.append("tcId %s for %s" % (t["tcId"], name))
        if name in tc_ids:
            problems.append("tcId %s also in %s" % (name, tc_ids[name]))
        tc_ids[name] = rel
        for key, empty in (("comment", None), ("flags", []), ("steps", None)):
            if yt.get(key, empty) != t.get(key, empty):
                problems.append("%s: %s differs from the YAML" % (name, key))
        results = [s.get("expect", {}).get("result", "ok") for s in yt["steps"]]
        want = ("invalid" if "error" in results else
                "acceptable" if "either" in results else "valid")
        if t["result"] != want:
            problems.append("%s: result %s, want %s" % (name, t["result"], want))
    check("%s is valid and says what its YAML says" % rel, not problems,
          "\n".join(problems[:10]))

check("every bundled vector file was exported (%d)" % len(docs),
      len(docs) == len(glob.glob(os.path.join(top, "vectors", "*", "*.yaml"))))

# The other outputs: the same documents.
with open(os.path.join(tmp, "lines"), encoding="utf-8") as f:
    lines = [json.loads(line) for line in f]
check("JSON lines: one document per line, the same as the files",
      {d["source"]: d for d in lines} == docs and len(lines) == len(docs))
with open(os.path.join(tmp, "array.json"), encoding="utf-8") as f:
    array = json.load(f)
check("--array: one array of the same documents, in the same order",
      array == lines)
with open(os.path.join(tmp, "rfc.lines"), encoding="utf-8") as f:
    rfc = [json.loads(line) for line in f]
want = [d for d in lines if "rfc-v3" in d["profiles"]]
check("--profile rfc-v3: exactly the files that cover rfc-v3 (%d)" % len(want),
      rfc == want and 0 < len(want) < len(lines))

# Broken exports: each must be refused.
base = next(d for d in lines if d["id"] == "mock-bad-inputs")


def variant(path, value):
    doc = copy.deepcopy(base)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


t0 = ["tests", 0]
broken = [
    ("another format", ["format"], "nestref/export-2"),
    ("no tcId", t0 + ["tcId"], KeyError),
    ("a tcId without a tc", t0 + ["tcId"], "mock-bad-inputs"),
    ("a result Wycheproof does not have", t0 + ["result"], "maybe"),
    ("no result", t0 + ["result"], KeyError),
    ("no profiles", ["profiles"], []),
    ("a deprecated profile name", ["profiles"], ["linux-next"]),
    ("an unknown top-level key", ["header"], []),
    ("an unknown key in a test", t0 + ["expected"], {}),
    ("no tests", ["tests"], []),
    ("a step of an unknown action", t0 + ["steps"], [{"reboot": {}}]),
    ("an unknown errno in an expect", t0 + ["steps", 0, "expect", "errno"], "EWHAT"),
    ("a string where an integer is due", t0 + ["tc"], "1"),
    ("a note without its bug", ["notes", "UnknownVdev"], {"description": "x"}),
    ("setup with an unknown key", ["setup", "iommu"], 1),
    ("no source", ["source"], KeyError),
]
check("the base of the broken variants is valid", not errors(base))
for desc, path, value in broken:
    check("refused: %s" % desc, errors(variant(path, value)),
          "the schema accepts it")

print("1..%d" % tap.n)
sys.exit(1 if tap.failed else 0)
PYEOF

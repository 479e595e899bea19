#!/bin/sh
# Every bundled vector, read as JSON, is valid against the JSON Schema of
# the format (docs/spec/vectors.schema.json, docs/spec/vectors.md section
# 6), and broken variants of a vector are not.
#
# YAML is read with the loader's typing, not YAML 1.1's: a plain scalar is
# an integer only as 0, decimal without leading zeros or 0x hex, a boolean
# only as true or false, and a string otherwise (so `010`, `yes` and `~`
# stay strings, which the schema then refuses where a number, a boolean or
# an object is due, as the loader does).
#
# Needs /usr/bin/python3 with PyYAML and jsonschema (Debian: python3-yaml,
# python3-jsonschema).  Without them the test fails and says what to
# install: it never skips.
. "${top_srcdir:-.}/tests/lib.sh"

top=${top_srcdir:-.}
need_python yaml:python3-yaml jsonschema:python3-jsonschema

"$py" - "$top" <<'EOF'
import copy
import glob
import json
import os
import re
import sys

import jsonschema
import yaml

top = sys.argv[1]
sys.path.insert(0, top + "/tests")
from tap import Tap  # noqa: E402

tap = Tap(0, 0)
ok, not_ok = tap.ok, tap.not_ok


class Loader(yaml.SafeLoader):
    """YAML typed as the vector loader types it (cli/vector-yaml.c)."""


Loader.yaml_implicit_resolvers = {}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:0|[1-9][0-9]*|0x[0-9A-Fa-f]+)$"), list("0123456789"))
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)


schema_path = os.path.join(top, "docs", "spec", "vectors.schema.json")
try:
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    ok("docs/spec/vectors.schema.json is a valid draft 2020-12 schema")
except Exception as e:  # a broken schema fails every check below
    not_ok("docs/spec/vectors.schema.json is a valid draft 2020-12 schema", str(e))
    print("1..%d" % tap.n)
    sys.exit(1)
validator = jsonschema.Draft202012Validator(schema)


def errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def where(e):
    return "/".join(str(p) for p in e.absolute_path) or "(top)"


files = sorted(glob.glob(os.path.join(top, "vectors", "*", "*.yaml")))
if not files:
    not_ok("bundled vectors found under vectors/")
for path in files:
    name = os.path.relpath(path, top)
    try:
        doc = load(path)
        # JSON has no other types: a file must survive the round trip
        doc = json.loads(json.dumps(doc))
    except Exception as e:
        not_ok("%s reads as JSON" % name, str(e))
        continue
    errs = errors(doc)
    if errs:
        not_ok("%s is valid against the schema" % name,
               "\n".join("%s: %s" % (where(e), e.message) for e in errs[:10]))
    else:
        ok("%s is valid against the schema" % name)

# Broken variants of a small valid file: each must be refused.
base = {
    "format": "nestref/vectors-1",
    "id": "schema-selftest",
    "title": "a valid file the broken variants start from",
    "profiles": ["linux-7.2"],
    "requires": ["inv-arm-smmuv3"],
    "notes": {"Bug": {"bug": "a bug", "description": "what is right"}},
    "setup": {"vmid": 5, "devices": [{"name": "d0", "psid": 0x1234, "vsid": 0x99}]},
    "tests": [{"tc": 1, "comment": "c", "flags": ["Bug"], "steps": [
        {"invalidate": {"type": "arm-smmuv3",
                        "entries": [{"op": "CFGI_CD", "sid": 0x99, "ssid": 3, "leaf": 1}]},
         "expect": {"result": "ok", "entry_num": 1,
                    "issued": [{"op": "CFGI_CD", "sid": 0x1234, "ssid": 3, "leaf": 1},
                               {"op": "SYNC"}]}},
        {"hw_info": {"dev": "d0"}, "expect": {"result": "ok", "flags": 0}}]}],
}


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


step0 = ["tests", 0, "steps", 0]
broken = [
    ("format of another version", ["format"], "nestref/vectors-2"),
    ("an id with an upper-case letter", ["id"], "Schema"),
    ("no tests", ["tests"], []),
    ("an unknown top-level key", ["extra"], 1),
    ("an unknown profile", ["profiles"], ["linux-9.9"]),
    ("a capability listed twice", ["requires"], ["check-cache", "check-cache"]),
    ("page_size 8192", ["setup", "page_size"], 8192),
    ("a VMID above 16 bits", ["setup", "vmid"], 0x10000),
    ("nine StreamIDs", ["setup", "devices", 0, "psid"], list(range(9))),
    ("a device without psid", ["setup", "devices", 0, "psid"], KeyError),
    ("tc 0", ["tests", 0, "tc"], 0),
    ("a field the opcode lacks (asid on CFGI_CD)",
     step0 + ["invalidate", "entries", 0, "asid"], 1),
    ("an SSID above 20 bits", step0 + ["invalidate", "entries", 0, "ssid"], 1 << 20),
    ("an unknown opcode name", step0 + ["invalidate", "entries", 0, "op"], "CFGI_XX"),
    ("an entry of two forms", step0 + ["invalidate", "entries", 0, "raw"], [0, 0]),
    ("bytes that are not hex pairs", step0 + ["invalidate", "entries"], [{"bytes": "123"}]),
    ("an invalidate without type", step0 + ["invalidate", "type"], KeyError),
    ("two actions in a step", step0 + ["check_cache"], {"dev": "d0", "index": 0, "value": 0}),
    ("result error without errno", step0 + ["expect"], {"result": "error"}),
    ("errno with result ok", step0 + ["expect", "errno"], "EIO"),
    ("an unknown errno", step0 + ["expect"], {"result": "error", "errno": "EWHAT"}),
    ("flags in an invalidate's expect", step0 + ["expect", "flags"], 1),
    ("entry_num in a hw_info's expect", ["tests", 0, "steps", 1, "expect", "entry_num"], 1),
    ("a raw command with one word",
     step0 + ["expect", "issued"], [{"raw": [1]}]),
    ("a global TLB entry with an ASID", ["setup", "caches"],
     {"tlb": [{"vmid": 5, "global": True, "asid": 1, "va": 0, "level": 3}]}),
    ("a TLB granule of 8192", ["setup", "caches"],
     {"tlb": [{"vmid": 5, "asid": 1, "va": 0, "level": 3, "tg": 8192}]}),
    ("an address with low bits set", step0 + ["invalidate", "entries"],
     [{"op": "TLBI_NH_VA", "addr": 0x80000001}]),
    ("a destroy of dev and vdevice_of", step0,
     {"destroy": {"dev": "d0", "vdevice_of": "d0"}}),
    ("set_dev_user_data with sid and bytes", step0,
     {"set_dev_user_data": {"dev": "d0", "sid": 1, "bytes": "01"}}),
    ("a string where an integer is due", ["setup", "vmid"], "5"),
    ("a setup vEVENTQ of depth 0", ["setup", "veventqs"],
     [{"name": "q0", "type": "selftest", "depth": 0}]),
    ("a setup vEVENTQ with flags", ["setup", "veventqs"],
     [{"name": "q0", "type": "selftest", "depth": 1, "flags": 1}]),
    ("alloc_veventq with viommu and viommu_id", step0,
     {"alloc_veventq": {"name": "q1", "type": 1, "depth": 1, "viommu": 0, "viommu_id": 1}}),
    ("alloc_veventq without depth", step0,
     {"alloc_veventq": {"name": "q1", "type": "arm-smmuv3"}}),
    ("a read of count above 2^20", step0,
     {"read_vevents": {"veventq": "q0", "count": 0x100001}}),
    ("a read of veventq and veventq_id", step0,
     {"read_vevents": {"veventq": "q0", "veventq_id": 1}}),
    ("a record of two forms", step0,
     {"read_vevents": {"veventq": "q0"},
      "expect": {"records": [{"sequence": 0, "lost": True, "virt_id": 1}]}}),
    ("a record without sequence", step0,
     {"read_vevents": {"veventq": "q0"}, "expect": {"records": [{"virt_id": 1}]}}),
    ("a sequence above 0x7fffffff", step0,
     {"read_vevents": {"veventq": "q0"},
      "expect": {"records": [{"sequence": 0x80000000, "lost": True}]}}),
    ("records with result error", step0,
     {"read_vevents": {"veventq": "q0"},
      "expect": {"result": "error", "errno": "EINVAL", "records": []}}),
    ("records in an invalidate's expect", step0 + ["expect", "records"], []),
    ("a fault with dev and sid", step0,
     {"fault": {"dev": "d0", "sid": 1, "event": "F_TRANSLATION"}}),
    ("a fault of raw and fields", step0,
     {"fault": {"dev": "d0", "raw": [0, 0, 0, 0], "event": "F_TRANSLATION"}}),
    ("an event field too wide (ssid)", step0,
     {"fault": {"dev": "d0", "event": "F_TRANSLATION", "ssid": 1 << 20}}),
    ("an IPA with low bits set", step0,
     {"fault": {"dev": "d0", "event": "F_TRANSLATION", "ipa": 0x1001}}),
    ("an unknown event name", step0, {"fault": {"dev": "d0", "event": "F_BOGUS"}}),
    ("a destroy of veventq and dev", step0,
     {"destroy": {"veventq": "q0", "dev": "d0"}}),
]
if errors(base):
    not_ok("the base of the broken variants is valid",
           "\n".join("%s: %s" % (where(e), e.message) for e in errors(base)))
else:
    ok("the base of the broken variants is valid")
for desc, path, value in broken:
    if errors(variant(path, value)):
        ok("refused: %s" % desc)
    else:
        not_ok("refused: %s" % desc, "the schema accepts it")

# The loader's typing: what YAML 1.1 reads as numbers or booleans is text.
typed = yaml.load("a: 010\nb: yes\nc: 0x1F\nd: true\ne: ~\n", Loader=Loader)
if typed == {"a": "010", "b": "yes", "c": 0x1F, "d": True, "e": "~"}:
    ok("YAML is typed as the loader types it")
else:
    not_ok("YAML is typed as the loader types it", repr(typed))

print("1..%d" % tap.n)
sys.exit(1 if tap.failed else 0)
EOF

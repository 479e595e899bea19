#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The comparison of `make check-kernel-arm64` (docs/kernel.md section 5).

Reads what the real arm-smmu-v3 driver answered in the guest
(nestref-steps --markers on iommufd, mode=vfio), what QEMU's SMMUv3
consumed (its trace), and what smmuv3-sim answers and issues for the same
steps (nestref-steps on the host), and prints TAP: one line per SMMUv3
test of the profile, compared or not expressible on this rig with the
reason, then the counts.  The full report, per step the verdict and the
issued-command comparison, goes to --report.

A disagreement is a failure unless tests/kernel/arm64-expected.txt lists
it as an emulator fault (then it is a TODO, and an entry that no longer
disagrees fails: the list must stay true).
"""
import argparse
import json
import re
import sys

import yaml

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from tap import Tap  # noqa: E402  (tests/tap.py)

# The markers of nestref-steps (tests/kernel/steps.c): TLBI_NH_VA with
# these ASIDs and the marker's number as the page address.
MARK_BEGIN, MARK_END = 0xFEED, 0xFEEE

# What QEMU's SMMUv3 is, in the terms of setup.smmu (spec/vectors.md 1.2),
# for the keys a vector may set: a test whose setup.smmu sets one of them
# to another value describes an SMMU this rig does not have.
RIG_SMMU = {"asid16": True, "vmid16": True, "ril": True, "ats": False,
            "ds": False, "repeat_tlbi_cfgi": False}

# Per opcode, the fields QEMU's trace shows, as (trace key, nestref field)
# pairs; an opcode absent here shows nothing but its name.  The trace keys
# are those of QEMU 11's trace events (docs/kernel.md 5.4).
SHOWN = {
    # smmuv3_cmdq_cfgi_cd "sid=0x%x" (CFGI_CD and CFGI_CD_ALL)
    "CFGI_CD": [("sid", "sid")],
    "CFGI_CD_ALL": [("sid", "sid")],
    # smmuv3_cmdq_cfgi_ste "streamid= 0x%x"
    "CFGI_STE": [("sid", "sid")],
    # smmuv3_range_inval "vmid=%d asid=%d addr=0x%x tg=%d num_pages=0x%x
    # ttl=%d leaf=%d stage=%d" (tg and num_pages are QEMU's own units)
    "TLBI_NH_VA": [("vmid", "vmid"), ("asid", "asid"), ("addr", "addr"),
                   ("ttl", "ttl"), ("leaf", "leaf")],
    "TLBI_NH_VAA": [("vmid", "vmid"), ("addr", "addr"), ("ttl", "ttl"),
                    ("leaf", "leaf")],
    # smmuv3_cmdq_tlbi_nh_asid "asid=%d"
    "TLBI_NH_ASID": [("asid", "asid")],
    # smmuv3_cmdq_tlbi_nh "vmid=%d"
    "TLBI_NH_ALL": [("vmid", "vmid")],
}
# What the trace cannot show at all, per opcode, with the reason.
HIDDEN = {
    "ATC_INV": "QEMU's SMMUv3 has no ATS and logs ATC_INV as an unhandled "
               "command type, without its fields",
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sim-steps", required=True)
    p.add_argument("--guest-steps", required=True)
    p.add_argument("--sim-report", required=True)
    p.add_argument("--guest-report", required=True)
    p.add_argument("--trace", required=True)
    p.add_argument("--sids", required=True,
                   help="the real StreamIDs of the guest's devices, in order, comma-separated (0x10,0x18)")
    p.add_argument("--expected", required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--profile", default="linux-7.2")
    p.add_argument("--tap-from", type=int, default=0)
    return p.parse_args()


def read_steps(path):
    tests, steps = {}, {}
    end = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                o = json.loads(line)
            except ValueError as e:
                raise SystemExit("%s:%d: not JSON: %s" % (path, n, e))
            name = "%s/%s" % (o.get("id"), o.get("tc"))
            if o.get("kind") == "test":
                tests[name] = o
            elif o.get("kind") == "step":
                steps[(name, o["step"])] = o
            elif o.get("kind") == "end":
                end = o
    if end is None:
        raise SystemExit("%s: no end line: the run was cut" % path)
    return tests, steps


# --------------------------------------------------------------- the trace
EVENT = re.compile(r"^(?:\d+@[\d.]+:)?(smmuv?3?_\w+)\s?(.*)$")
FIELD = re.compile(r"(\w+)\s*[=:]\s*(0x[0-9a-fA-F]+|-?\d+)")
KEYS = {"streamid": "sid", "sid": "sid", "vmid": "vmid", "asid": "asid",
        "addr": "addr", "leaf": "leaf", "ttl": "ttl", "type": "type"}


def read_trace(path):
    """The commands QEMU consumed, in order: dicts with op, fields, error."""
    cmds = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = EVENT.match(line.strip())
            if not m:
                continue
            event, rest = m.group(1), m.group(2)
            if event == "smmuv3_cmdq_opcode":
                op = rest.replace("<---", "").strip()
                if op.startswith("SMMU_CMD_"):
                    op = op[len("SMMU_CMD_"):]
                cmds.append({"op": op, "fields": {}, "events": [],
                             "error": None})
                continue
            if not cmds:
                continue
            cur = cmds[-1]
            if event == "smmuv3_cmdq_consume_error":
                cur["error"] = rest.strip()
                continue
            if not event.startswith(("smmuv3_cmdq_", "smmuv3_range_inval",
                                     "smmuv3_unhandled_cmd")):
                continue
            cur["events"].append(event)
            for k, v in FIELD.findall(rest):
                key = KEYS.get(k.lower())
                if key and key not in cur["fields"]:
                    cur["fields"][key] = int(v, 0)
    return cmds


def split_by_markers(cmds):
    """{marker: (vmids, [commands])}, and a list of problems with the
    markers.  vmids are the VMIDs QEMU saw on the begin markers, one per
    vIOMMU of the test in the setup's order: the VMIDs the driver gave
    them, which the vector's map onto."""
    segs, problems = {}, []
    vmids = []
    open_n, seg = None, None
    i = 0
    while i < len(cmds):
        c = cmds[i]
        asid = c["fields"].get("asid")
        if c["op"] == "TLBI_NH_VA" and asid in (MARK_BEGIN, MARK_END):
            n = c["fields"].get("addr", 0) >> 12
            if asid == MARK_BEGIN and open_n == n and not seg:
                # the same begin marker on the test's next vIOMMU
                vmids.append(c["fields"].get("vmid"))
                if i + 1 < len(cmds) and cmds[i + 1]["op"] == "SYNC":
                    i += 1
                else:
                    problems.append("marker %d: no CMD_SYNC after it" % n)
            elif asid == MARK_BEGIN:
                if open_n is not None:
                    problems.append("marker %d begins inside marker %d" % (n, open_n))
                open_n, seg = n, []
                vmids = [c["fields"].get("vmid")]
                # The marker's own call ends with the host's CMD_SYNC.
                if i + 1 < len(cmds) and cmds[i + 1]["op"] == "SYNC":
                    i += 1
                else:
                    problems.append("marker %d: no CMD_SYNC after it" % n)
            else:
                if open_n != n:
                    problems.append("marker %d ends, %s was open" % (n, open_n))
                elif n in segs:
                    problems.append("marker %d twice" % n)
                else:
                    segs[n] = (vmids, seg)
                open_n, seg = None, None
        elif seg is not None:
            seg.append(c)
        i += 1
    if open_n is not None:
        problems.append("marker %d never ended (the trace was cut)" % open_n)
    return segs, problems


# ------------------------------------------------------- the sim's commands
def parse_formatted(text):
    """"CFGI_CD sid=0x1234 leaf=1" -> ("CFGI_CD", {"sid": 0x1234, ...})."""
    words = text.split()
    fields = {}
    for w in words[1:]:
        if "=" in w:
            k, v = w.split("=", 1)
            try:
                fields[k] = int(v, 0)
            except ValueError:
                fields[k] = v
    return (words[0] if words else "?"), fields


def answer(step):
    """"ok", "EIO", with ", entry_num N" for an invalidation."""
    text = step.get("errno") or step.get("error") or "ok"
    if step.get("entry_num") is not None:
        text += ", entry_num %d" % step["entry_num"]
    return text


def compare_issued(sim_cmds, qemu_cmds, sid_map, vmid_map):
    """(verdict, lines): verdict is agree, disagree or hidden; lines say
    what differs, or else what could not be seen."""
    lines, hidden = [], []
    verdict = "agree"
    if len(sim_cmds) != len(qemu_cmds):
        lines.append("%d commands on smmuv3-sim, %d consumed by QEMU" %
                     (len(sim_cmds), len(qemu_cmds)))
        verdict = "disagree"
    for i, (s, q) in enumerate(zip(sim_cmds, qemu_cmds)):
        op, fields = parse_formatted(s[2])
        qop = q["op"]
        if op != qop and not (op == "CFGI_ALL" and qop == "CFGI_STE_RANGE"):
            lines.append("command %d: %s on smmuv3-sim, %s on QEMU" %
                         (i, s[2], qop))
            verdict = "disagree"
            continue
        if op in HIDDEN:
            hidden.append("command %d: %s: not observable on QEMU (%s)" %
                          (i, s[2], HIDDEN[op]))
            continue
        for tkey, nkey in SHOWN.get(op, []):
            want = fields.get(nkey, 0)
            if nkey == "sid":
                want = sid_map.get(want, want)
            elif nkey == "vmid":
                want = vmid_map.get(want, want)
            got = q["fields"].get(tkey)
            if got is None:
                hidden.append("command %d: %s: QEMU's trace has no %s" %
                              (i, op, tkey))
            elif got != want:
                lines.append("command %d: %s: %s=%#x on smmuv3-sim (mapped), %#x on QEMU" %
                             (i, op, tkey, want, got))
                verdict = "disagree"
        if q["error"]:
            hidden.append("command %d: %s: QEMU raised %s" % (i, op, q["error"]))
    if verdict == "disagree":
        if hidden:
            lines.append("%d other checks not observable on QEMU" % len(hidden))
        return verdict, lines
    return ("hidden" if hidden else "agree"), hidden


# ------------------------------------------------------------ expressible
# Capabilities only a model has: on this rig the SMMU's events come from
# a device's DMA (the edu fault, docs/kernel.md 5.12), not from a fault
# step, and no kernel presets a vEVENTQ's sequence number (vectors.md 1.2).
MODEL_ONLY = {
    "inject-event": "a fault step; the real SMMU's events come from a device's DMA (the edu fault check)",
    "veventq-sequence": "a preset sequence number, a simulation aid no kernel offers",
    "trigger-vevent": "TRIGGER_VEVENT, the selftest mock's",
}


def not_expressible(vector, n_sids, guest_test):
    setup = vector.get("setup") or {}
    smmu = setup.get("smmu") or {}
    for key, value in sorted(smmu.items()):
        if key in RIG_SMMU and value != RIG_SMMU[key]:
            return "an SMMU with %s: %s; QEMU's SMMUv3 has %s" % (
                key, json.dumps(value), json.dumps(RIG_SMMU[key]))
    page = setup.get("page_size", 4096)
    if page != 4096:
        return "PAGE_SIZE %d; the guest kernel's is 4096" % page
    devs = setup.get("devices") or []
    for d in devs:
        if isinstance(d.get("psid"), list) and len(d["psid"]) > 1:
            return "device %s has %d StreamIDs; a PCI function has one" % (
                d.get("name"), len(d["psid"]))
    if len(devs) > n_sids:
        return "%d devices; the guest has %d" % (len(devs), n_sids)
    requires = vector.get("requires") or []
    for cap in sorted(MODEL_ONLY):
        if cap in requires:
            return MODEL_ONLY[cap]
    if "raw-user-data" in requires:
        return "raw user data; the kernel takes a virt_id, not bytes"
    if guest_test is None:
        return "not run in the guest"
    if guest_test.get("status") != "ran":
        return "the guest could not run it: %s" % guest_test.get("reason")
    return None


def read_verdicts(path):
    """{test name: (verdict, reason)} from a nestref/report-1 file."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format") != "nestref/report-1":
        raise SystemExit("%s: not a nestref/report-1 report" % path)
    return {t["name"]: (t["verdict"], t.get("reason")) for t in doc["tests"]}


def read_expected(path):
    """{(test, check): (qemu function, reason)} from the emulator-fault list."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4:
                raise SystemExit("%s:%d: want TEST CHECK QEMU-FUNCTION REASON" % (path, n))
            out[(parts[0], parts[1])] = (parts[2], parts[3], n)
    return out


def main():
    a = parse_args()
    tap = Tap(a.tap_from)
    sids = [int(s, 0) for s in a.sids.split(",") if s]
    sim_tests, sim_steps = read_steps(a.sim_steps)
    guest_tests, guest_steps = read_steps(a.guest_steps)
    segs, problems = split_by_markers(read_trace(a.trace))
    expected = read_expected(a.expected)
    sim_verdicts = read_verdicts(a.sim_report)
    guest_verdicts = read_verdicts(a.guest_report)
    used = set()
    vectors = {}
    counts = dict(tests=0, compared=0, agree=0, disagree=0, listed=0,
                  not_expressible=0, steps=0, issued_agree=0,
                  issued_disagree=0, hidden=0)
    report = []

    if problems:
        tap.not_ok("the markers in QEMU's trace pair up", "\n".join(problems))
    else:
        tap.ok("the markers in QEMU's trace pair up (%d steps)" % len(segs))

    for name, st in sim_tests.items():
        if st["status"] != "ran":
            continue  # not a test of this profile
        counts["tests"] += 1
        path = st["file"]
        if path not in vectors:
            with open(path, encoding="utf-8") as f:
                vectors[path] = yaml.safe_load(f)
        why = not_expressible(vectors[path], len(sids), guest_tests.get(name))
        if why:
            counts["not_expressible"] += 1
            report.append("%s: not expressible on this rig: %s" % (name, why))
            tap.ok("%s # SKIP not expressible: %s" % (name, why))
            continue
        counts["compared"] += 1
        sid_map = {}
        for i, d in enumerate(st["devices"]):
            for p in d["psids"]:
                sid_map[p] = sids[i]
        vmid_map = {}
        lines, failures = [], []
        # The test's verdict in each conformance report: pass and
        # pass-partly (checks the kernel cannot make) are both passes.
        sv, gv = sim_verdicts.get(name), guest_verdicts.get(name)
        passes = ("pass", "pass-partly")
        if sv is None or gv is None:
            failures.append(("verdict", "not in both reports"))
        elif (sv[0] in passes) != (gv[0] in passes):
            failures.append(("verdict", "report: smmuv3-sim %s, kernel %s (%s)" % (
                sv[0], gv[0], gv[1] or sv[1])))
        else:
            lines.append("report: smmuv3-sim %s, kernel %s" % (sv[0], gv[0]))
        k = 1
        while (name, k) in sim_steps:
            s, g = sim_steps[(name, k)], guest_steps.get((name, k))
            k += 1
            if g is None:
                failures.append(("verdict", "step %d: not run in the guest" % s["step"]))
                continue
            desc = "step %d %s: " % (s["step"], s["action"])
            if (s.get("rc"), s.get("entry_num")) != (g.get("rc"), g.get("entry_num")):
                failures.append(("verdict", desc + "smmuv3-sim %s, kernel %s" % (
                    answer(s), answer(g))))
            else:
                lines.append(desc + "%s on both" % answer(s))
            if s["action"] != "invalidate":
                continue
            counts["steps"] += 1
            if g.get("marker") not in segs:
                failures.append(("issued", desc + "no marked segment in QEMU's trace"))
                continue
            real_vmids, seg = segs[g["marker"]]
            for want, real in zip(st["vmids"], real_vmids):
                if real is not None:
                    vmid_map[want] = real
            verdict, why_lines = compare_issued(s.get("issued") or [], seg,
                                                sid_map, vmid_map)
            if verdict == "agree":
                counts["issued_agree"] += 1
                lines.append(desc + ("issued: %d commands agree" % len(seg)
                                     if seg else "issued: nothing, on both"))
            elif verdict == "hidden":
                counts["hidden"] += 1
                lines.append(desc + "issued: not observable on QEMU: " + "; ".join(why_lines))
            else:
                counts["issued_disagree"] += 1
                failures.append(("issued", desc + "issued: " + "; ".join(why_lines)))
        mapping = "map: %s; vmid %s" % (
            ", ".join("psid %#x -> sid %#x" % kv for kv in sorted(sid_map.items())),
            ", ".join("%d -> %d" % kv for kv in sorted(vmid_map.items())) or "not seen")
        report.append("%s: compared (%s)" % (name, mapping))
        report.extend("  " + x for x in lines)
        listed = [c for c, _ in failures if (name, c) in expected]
        for c, _ in failures:
            if (name, c) in expected:
                used.add((name, c))
        report.extend("  DISAGREE " + t for _, t in failures)
        if not failures:
            counts["agree"] += 1
            tap.ok("%s: the kernel and smmuv3-sim agree (%s)" % (name, mapping))
        elif len(listed) == len(failures):
            counts["listed"] += 1
            fn = expected[(name, failures[0][0])][0]
            tap.not_ok("%s: disagrees # TODO emulator fault in QEMU's %s" % (name, fn),
                       "\n".join(t for _, t in failures))
            tap.failed -= 1
        else:
            counts["disagree"] += 1
            tap.not_ok("%s: the kernel and smmuv3-sim disagree" % name,
                       "\n".join(t for _, t in failures) + "\n" + mapping)
    for key, (fn, reason, line) in sorted(expected.items(), key=lambda kv: kv[1][2]):
        # An entry about a test of the other run is that run's to check.
        ran = sim_tests.get(key[0], {}).get("status") == "ran"
        if ran and key not in used:
            tap.not_ok("arm64-expected.txt:%d: %s %s is listed as an emulator fault (%s) but did not disagree" %
                       (line, key[0], key[1], fn), reason)
    summary = ("%d SMMUv3 tests under %s: %d compared (%d agree, %d disagree, %d emulator faults listed), "
               "%d not expressible; %d invalidate steps: issued %d agree, %d disagree, %d not observable on QEMU") % (
        counts["tests"], a.profile, counts["compared"], counts["agree"],
        counts["disagree"], counts["listed"], counts["not_expressible"],
        counts["steps"], counts["issued_agree"], counts["issued_disagree"],
        counts["hidden"])
    report.append(summary)
    with open(a.report, "w", encoding="utf-8") as f:
        f.write("\n".join(report) + "\n")
    print("# " + summary)
    share = counts["compared"] * 100 // max(counts["tests"], 1)
    if share >= 80:
        tap.ok("%d%% of the SMMUv3 tests under %s compared (at least 80%%)" % (share, a.profile))
    else:
        tap.not_ok("only %d%% of the SMMUv3 tests under %s compared (at least 80%%)" % (share, a.profile))
    print("TAPCOUNT %d %d" % (tap.n, tap.failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

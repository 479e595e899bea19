#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""One run, all peers (docs/bench.md, "Summary"): the summary table and plot.

  peers.py merge OUT.json --host H.json [--kernel K.json] [--arm64 A.json]
                          [--skip NAME=REASON ...]
      one file from the JSON of one `make bench-peers` run: the host's
      nestref-bench (rewrite, sim, mock, qemu-smmu), the selftest kernel's
      guest (bench-kernel) and the arm-smmu-v3 guest (bench-kernel-arm64).
      A guest that could not run is recorded with its reason (--skip).
  peers.py table PEERS.json
      the summary table, in Markdown, on stdout.
  peers.py doc PEERS.json DOC.md [--update]
      whether DOC.md's summary (between the two marker lines) is the
      table of PEERS.json; --update writes it there.  Exit 1 when it is not.
  peers.py plot PEERS.json DIR
      DIR/peers.dat and DIR/peers.gp, then gnuplot: DIR/peers.svg, .png.

Every figure comes from PEERS.json: medians of one run, each divided by
the baseline the row names (a peer measured in the same run, on the same
CPU).  A peer that was not measured is a row that says why, never an
estimate.  Exit status: 0, 1 (a check or gnuplot failed), 2 (usage, or a
file that is not what it should be).
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys

BEGIN = "<!-- peers.py table: begin (generated from docs/bench/peers.json) -->"
END = "<!-- peers.py table: end -->"

# The host rows' common point: linux-7.2, CFGI_CD commands (one vSID
# lookup each) or selftest entries, batch 64, 64k vSIDs.
HOST_BATCH = 64
HOST_POPULATED = 65536
GUEST_BATCH = 64


class Usage(Exception):
    pass


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise Usage("%s: %s" % (path, e))


def median(results, name, **params):
    """The median of the one benchmark called name with these params."""
    for b in results.get("benchmarks", []):
        if b.get("name") != name or b.get("status") != "ok":
            continue
        p = b.get("params", {})
        if all(p.get(k) == v for k, v in params.items()):
            return b.get("median")
    return None


def guest_ratio(results, batch, mix):
    """The kernel object's row of one batch (and mix, in mode=vfio)."""
    rows = [r for r in (results or {}).get("kernel", {}).get("ratios", [])
            if r.get("batch") == batch and r.get("mix", mix) == mix]
    # The largest population: the selftest guest has 1 and 256 vSIDs.
    rows.sort(key=lambda r: r.get("populated") or 0)
    return rows[-1] if rows else None


def qemu_row(host):
    """The qemu-smmu kind's object (docs/bench.md section 12) and its
    CFGI_CD row at the host rows' batch: (object, QEMU's median, the
    model's median, why not), the medians None when not measured."""
    q = host.get("qemu_smmu") or {}
    if q.get("status") != "ok":
        return q, None, None, q.get("reason") or "not in this run"
    for r in q.get("rows") or []:
        if r.get("mix") == "cfgi-cd" and r.get("batch") == HOST_BATCH:
            qm = (r.get("qemu") or {}).get("median")
            mm = (r.get("model") or {}).get("median")
            if qm:
                return q, qm, mm, None
    return q, None, None, "no cfgi-cd row at batch %d" % HOST_BATCH


def rows_of(peers):
    """(group, peer, where, what, rate, unit, baseline name, baseline
    rate, note) for each row of the table."""
    host = peers["host"]
    out = []
    q, q_rate, model_rate, q_why = qemu_row(host)
    q_name = "QEMU's SMMUv3 (host)"
    common = dict(profile="linux-7.2", batch=HOST_BATCH,
                  populated=HOST_POPULATED)
    out.append(("host", "nestref rewrite (smmuv3-sim's host layer alone)",
                "host CPU", "CFGI_CD, 64k vSIDs",
                median(host, "rewrite", mix="cfgi-cd", **common),
                "commands/s", q_name, q_rate, q_why))
    out.append(("host", "nestref sim (core, rewrite, modelled SMMU)",
                "host CPU", "CFGI_CD, 64k vSIDs",
                median(host, "sim", mix="cfgi-cd", cached_tlb_entries=0,
                       **common),
                "commands/s", q_name, q_rate, q_why))
    out.append(("host", "smmuv3-sim's modelled SMMU alone", "host CPU",
                "QEMU's stream: CFGI_CD of pSIDs",
                model_rate,
                "commands/s", q_name, q_rate, q_why))
    out.append(("host", "nestref mock (the selftest driver, in memory)",
                "host CPU", "selftest entries, 64k vSIDs",
                median(host, "mock", mix="selftest", **common),
                "entries/s", q_name, q_rate, q_why))
    out.append(("host", "QEMU 11's emulated SMMUv3 (qtest)", "host CPU",
                "CFGI_CD of %s edu devices" % (len(q.get("stream_ids") or [])
                                               or "its"),
                q_rate, "commands/s", q_name, q_rate, q_why))
    for key, label, mix in (("kernel_x86", "selftest", "cfgi-cd"),
                            ("kernel_arm64", "arm-smmu-v3", "cfgi-cd")):
        g = peers.get(key) or {}
        where = ("x86_64 guest (TCG)" if key == "kernel_x86" else
                 "aarch64 guest (TCG)")
        r = guest_ratio(g.get("results"), GUEST_BATCH, mix)
        why = g.get("reason") if g.get("status") != "ok" else None
        if not why and not r:
            why = "no batch-%d row in its results" % GUEST_BATCH
        ioctl = r.get("ioctl") if r else None
        what = ("selftest entries" if key == "kernel_x86" else
                "CFGI_CD, %s devices" % (r or {}).get("populated", "its"))
        base = "the bare ioctl, same guest"
        if key == "kernel_x86":
            peer = "Linux 7.2 iommufd selftest, through nestref"
            bare = "Linux 7.2 iommufd selftest, bare ioctl"
        else:
            peer = "Linux 7.2 arm-smmu-v3 on QEMU's SMMUv3, through nestref"
            bare = "Linux 7.2 arm-smmu-v3 on QEMU's SMMUv3, bare ioctl"
        out.append((key, peer, where, what, r.get("kernel") if r else None,
                    "per second", base, ioctl, why))
        out.append((key, bare, where, what, ioctl, "per second", base, ioctl,
                    why))
        out.append((key, "nestref sim in the same guest", where,
                    "CFGI_CD", r.get("sim") if r else None, "commands/s",
                    base, ioctl, why))
    return out


def fmt_rate(x):
    if x is None:
        return "—"
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            return "%.3g%s" % (x / div, suffix)
    return "%.3g" % x


def fmt_ratio(x):
    if x is None:
        return "—"
    return "%.3g×" % x


def table(peers):
    run = peers.get("run", {})
    lines = [
        "Run of %s, git `%s`, on %s. Medians per second; each ratio "
        "is the row's median over its baseline's, both from this run. "
        "Host rows: linux-7.2, batch %d; guest rows: batch %d. Source: "
        "[`bench/peers.json`](bench/peers.json) (`make bench-peers`)."
        % (run.get("date", "?"), run.get("git", "?"),
           run.get("machine", "?"), HOST_BATCH, GUEST_BATCH),
        "",
        "| Peer | Where | Stream | Median | Baseline | Ratio |",
        "|---|---|---|---:|---|---:|",
    ]
    for _, peer, where, what, rate, unit, bname, brate, why in rows_of(peers):
        if rate is None:
            lines.append("| %s | %s | %s | not measured: %s | %s | — |" % (
                peer, where, what, why or "no such row in the run", bname))
            continue
        ratio = rate / brate if brate else None
        lines.append("| %s | %s | %s | %s %s | %s | %s |" % (
            peer, where, what, fmt_rate(rate), unit, bname,
            fmt_ratio(ratio)))
    return "\n".join(lines) + "\n"


def merge(args):
    peers = {"schema": "nestref-peers", "version": 1}
    host = load(args.host)
    ctx = host.get("context", {})
    machine = ctx.get("machine", {})
    peers["run"] = {
        "date": ctx.get("date"),
        "git": ctx.get("git_describe"),
        "machine": "%s, %s CPUs" % (machine.get("cpu_model", "?"),
                                    machine.get("nproc", "?")),
    }
    peers["host"] = host
    skips = {}
    for s in args.skip or []:
        name, _, reason = s.partition("=")
        if name not in ("kernel", "arm64") or not reason:
            raise Usage("--skip takes kernel=REASON or arm64=REASON, not %r"
                        % s)
        skips[name] = reason
    for key, path, name in (("kernel_x86", args.kernel, "kernel"),
                            ("kernel_arm64", args.arm64, "arm64")):
        if path:
            peers[key] = {"status": "ok", "results": load(path)}
        else:
            peers[key] = {"status": "not-measured",
                          "reason": skips.get(name, "not run")}
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(peers, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, args.out)
    return 0


def doc(args):
    want = table(load(args.peers))
    try:
        with open(args.doc, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise Usage("%s: %s" % (args.doc, e))
    if text.count(BEGIN) != 1 or text.count(END) != 1 or \
            text.index(BEGIN) > text.index(END):
        raise Usage("%s: needs one line %s and, after it, one line %s"
                    % (args.doc, BEGIN, END))
    head, rest = text.split(BEGIN + "\n", 1)
    have, tail = rest.split(END, 1)
    if have == want:
        return 0
    if args.update:
        with open(args.doc, "w", encoding="utf-8") as f:
            f.write(head + BEGIN + "\n" + want + END + tail)
        return 0
    print("peers.py: %s: the summary is not the table of %s; run "
          "bench/peers.py doc %s %s --update" % (args.doc, args.peers,
                                                 args.peers, args.doc),
          file=sys.stderr)
    return 1


def plot(args):
    peers = load(args.peers)
    os.makedirs(args.dir, exist_ok=True)
    dat = os.path.join(args.dir, "peers.dat")
    n = 0
    with open(dat, "w", encoding="utf-8") as f:
        f.write("# index ratio \"peer [where]\" group (1 host, 2 x86_64 "
                "guest, 3 aarch64 guest)\n")
        drawn = [r for r in rows_of(peers) if r[4] is not None and r[7]]
        # The table's first row at the top.
        groups = {"host": 1, "kernel_x86": 2, "kernel_arm64": 3}
        for i, row in enumerate(drawn):
            label = "%s [%s]" % (row[1], row[2])
            f.write('%d %.6g "%s" %d\n' % (len(drawn) - 1 - i,
                                            row[4] / row[7],
                                            label.replace('"', "'"),
                                            groups.get(row[0], 1)))
        n = len(drawn)
    # Whole decades around the ratios, 1 always inside.
    ratios = [r[4] / r[7] for r in drawn] + [1.0]
    lo = 10 ** math.floor(math.log10(min(ratios) / 1.5))
    hi = 10 ** math.ceil(math.log10(max(ratios) * 1.5))
    gp = os.path.join(args.dir, "peers.gp")
    with open(gp, "w", encoding="utf-8") as f:
        f.write("\n".join([
            "# bench/peers.py: run in this folder: gnuplot peers.gp",
            "set termoption noenhanced",
            "set style fill solid 0.6",
            "set boxwidth 0.7",
            "set logscale x 10",
            "set xlabel 'ratio to its baseline (log scale)'",
            "set yrange [-1:%d]" % max(n, 1),
            "set ytics font ',9'",
            "set grid xtics",
            "set key off",
            "set label 1 'nestref and its peers, one run of %s: host rows "
            "over QEMU''s SMMUv3, guest rows over the bare ioctl in the same "
            "guest' at screen 0.01, screen 0.96 left" %
            (peers.get("run", {}).get("date") or "?")[:10],
            "set xrange [%g:%g]" % (lo, hi),
            "set lmargin at screen 0.52",
            "set tmargin at screen 0.91",
            "plot 'peers.dat' using 2:1:(%g):2:($1-0.35):($1+0.35):4:" % lo +
            "ytic(3) with boxxyerror lc variable",
            ""]))
    if not n:
        print("peers.py: nothing measured to plot", file=sys.stderr)
        return 1
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print("peers.py: gnuplot not found (Debian: gnuplot-nox): wrote "
              "the data and the script only", file=sys.stderr)
        return 1
    for term, ext in (("svg size 1200,520", "svg"),
                      ("pngcairo size 1200,520", "png")):
        script = "set terminal %s; set output 'peers.%s'; load 'peers.gp'" \
            % (term, ext)
        if subprocess.call([gnuplot, "-e", script], cwd=args.dir) != 0:
            print("peers.py: gnuplot failed for peers.%s" % ext,
                  file=sys.stderr)
            return 1
    return 0


def main(argv):
    ap = argparse.ArgumentParser(
        prog="peers.py",
        description="The summary of one `make bench-peers` run "
        "(docs/bench.md, Summary).")
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("merge", help="one file from one run's JSON files")
    m.add_argument("out")
    m.add_argument("--host", required=True)
    m.add_argument("--kernel")
    m.add_argument("--arm64")
    m.add_argument("--skip", action="append",
                   help="kernel=REASON or arm64=REASON: not measured")
    t = sub.add_parser("table", help="the summary table on stdout")
    t.add_argument("peers")
    d = sub.add_parser("doc", help="check (or --update) a page's table")
    d.add_argument("peers")
    d.add_argument("doc")
    d.add_argument("--update", action="store_true")
    p = sub.add_parser("plot", help="the summary plot with gnuplot")
    p.add_argument("peers")
    p.add_argument("dir")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "merge":
            return merge(args)
        if args.cmd == "table":
            sys.stdout.write(table(load(args.peers)))
            return 0
        if args.cmd == "doc":
            return doc(args)
        return plot(args)
    except Usage as e:
        print("peers.py: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

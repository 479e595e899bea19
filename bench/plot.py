#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Plots a nestref-bench results file with gnuplot (docs/bench.md section 7).

    bench/plot.py RESULTS.json DIR

writes into DIR one data file per line of a chart (NAME-SERIES-PROFILE.dat:
x, median, min, max in millions per second), one gnuplot script per chart
(NAME.gp, which can be run again by hand: cd DIR && gnuplot NAME.gp), then
runs gnuplot (Debian's gnuplot-nox) for NAME.svg and NAME.png:

 - throughput-vs-batch: operations per second against the batch size, one
   line per backend path (rewrite and sim of the unmap mix on smmuv3-sim,
   the mock's selftest entries), 64k vSIDs, the default working set; the
   targets as grey lines;
 - throughput-vs-vsids: operations per second against the populated vSIDs
   at batch 64 (rewrite and sim of cfgi-cd, a lookup per command; the
   mock), with the default working set (solid), one device in the stream
   (dotted) and the whole population as working set (dashed).

Both have one panel per profile of the run.  A short run (--quick) plots
its own sizes.  A file with memory rows (docs/bench.md section 11) also
gets

 - memory-per-vdevice: bytes per linked device (vDEVICE) against the
   vSIDs, one line per backend, bars from the least to the most while
   the tables grew, and the kernel's bytes for the same vSIDs
   (memory-per-vdevice-BACKEND.dat: x, bytes, least, most).
  Without gnuplot nothing is drawn: that is a failure, after
the data and scripts are written, unless --no-images asks for them alone.

    bench/plot.py --check DIR

checks, before a long bench run (make bench-plot), what would fail at its
end: that gnuplot is there and DIR can be written (it is created).

Exit status: 0, 1 when the file cannot be read, DIR cannot be written,
gnuplot is missing (without --no-images) or fails, 2 for a usage error.
Standard library only.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

import results as bench_results
from results import count

BATCH_POP = 65536
POP_BATCH = 64

DEFAULT, EVERY, SINGLE = "default", "every", "single"

BATCH_SERIES = (
    ("rewrite", "unmap", DEFAULT, "rewrite alone (unmap mix)",
     "lc rgb '#1f77b4' lw 2 pt 7"),
    ("sim", "unmap", DEFAULT, "whole simulated path (unmap mix)",
     "lc rgb '#d62728' lw 2 pt 5"),
    ("mock", "selftest", DEFAULT, "mock (selftest entries)",
     "lc rgb '#2ca02c' lw 2 pt 9"),
)

VSID_SERIES = (
    ("rewrite", "cfgi-cd", DEFAULT, "rewrite alone (cfgi-cd)",
     "lc rgb '#1f77b4' lw 2 pt 7"),
    ("sim", "cfgi-cd", DEFAULT, "whole simulated path (cfgi-cd)",
     "lc rgb '#d62728' lw 2 pt 5"),
    ("mock", "selftest", DEFAULT, "mock (selftest entries)",
     "lc rgb '#2ca02c' lw 2 pt 9"),
    ("rewrite", "cfgi-cd", SINGLE, "rewrite, one device in the stream",
     "lc rgb '#1f77b4' lw 1 dt 3 pt 1"),
    ("mock", "selftest", SINGLE, "mock, one device in the stream",
     "lc rgb '#2ca02c' lw 1 dt 3 pt 1"),
    ("rewrite", "cfgi-cd", EVERY, "rewrite, every vSID in the stream",
     "lc rgb '#1f77b4' lw 2 dt 2 pt 6"),
    ("sim", "cfgi-cd", EVERY, "sim, every vSID in the stream",
     "lc rgb '#d62728' lw 2 dt 2 pt 4"),
    ("mock", "selftest", EVERY, "mock, every vSID in the stream",
     "lc rgb '#2ca02c' lw 2 dt 2 pt 8"),
)

# name, x label, x is the batch (else populated vSIDs), series, targets, key
CHARTS = (
    ("throughput-vs-batch", "batch size (commands or entries per call)",
     True, BATCH_SERIES, True, "bottom right"),
    ("throughput-vs-vsids", "populated vSIDs (spread over 32 bits)",
     False, VSID_SERIES, False, "bottom left"),
)

TARGET_LINES = (
    "set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead dt 3 "
    "lc rgb '#888888'\n"
    "set label 1 'rewrite target 100 M/s' at graph 0.98, first 80 right "
    "tc rgb '#666666' font ',9'\n"
    "set arrow 2 from graph 0, first 10 to graph 1, first 10 nohead dt 3 "
    "lc rgb '#888888'\n"
    "set label 2 'sim target 10 M/s' at graph 0.98, first 8 right "
    "tc rgb '#666666' font ',9'\n")

UNITS = {"mock": "entries/s", "kernel": "entries/s", "ioctl": "entries/s",
         "churn": "pairs/s"}


class Row:
    def __init__(self, b, asked_ws):
        p = b.get("params") or {}
        self.kind = b.get("name")
        self.backend = p.get("backend")
        self.profile = p.get("profile")
        self.mix = p.get("mix")
        self.batch = p.get("batch") or 0
        self.populated = p.get("populated") or 0
        ws = p.get("working_set")
        self.every = ws == "all"
        # A row asked for one device (not merely a population of 1).
        self.single_asked = ws == 1 and (self.populated > 1 or asked_ws == 1)
        self.ws = ws
        self.cached = p.get("cached_tlb_entries") or 0
        self.ok = b.get("status") == "ok" and b.get("median") is not None
        self.median = b.get("median")
        self.min = b.get("min")
        self.max = b.get("max")

    def in_class(self, ws):
        """The 1-vSID rows belong to the default and the single-device
        lines alike: they start both."""
        if self.every:
            return ws == EVERY
        if ws == SINGLE:
            return self.ws == 1
        return ws == DEFAULT and not self.single_asked


def in_series(r, by_batch, series, profile, fixed):
    kind, mix, ws = series[0], series[1], series[2]
    if (not r.ok or r.kind != kind or r.mix != mix or r.profile != profile or
            r.cached or not r.in_class(ws)):
        return False
    return (r.populated if by_batch else r.batch) == fixed


def chart_fixed(rows, by_batch):
    """64k vSIDs or batch 64 when the run has them, else the first
    benchmark's (a short run)."""
    want = BATCH_POP if by_batch else POP_BATCH
    measured = [r for r in rows if r.ok and r.kind != "churn"]
    if any((r.populated if by_batch else r.batch) == want for r in measured):
        return want
    if measured:
        return measured[0].populated if by_batch else measured[0].batch
    return want


def write_series(path, by_batch, series, profile, fixed, rows):
    """One line's data file, sorted by x; the number of points."""
    points = [r for r in rows if in_series(r, by_batch, series, profile,
                                           fixed)]
    xs = sorted((r.batch if by_batch else r.populated) for r in points)
    if not xs:
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("# %s, %s: x median min max (million %s)\n" % (
            series[3], profile, UNITS.get(series[0], "commands/s")))
        for x in xs:
            r = next(r for r in points
                     if (r.batch if by_batch else r.populated) == x)
            f.write("%d %.6g %.6g %.6g\n" % (x, r.median / 1e6,
                                              r.min / 1e6, r.max / 1e6))
    return len(xs)


def plot_commands(chart, profiles, have, title, terminal, output, footnote):
    name, _, _, series, targets, key = chart
    out = ["set terminal %s\nset output '%s'\n" % (terminal, output),
           "set multiplot layout 1,%d title \"%s\\n{/*0.8 %s}\"\n" % (
               len(profiles), title, footnote)]
    for p, profile in enumerate(profiles):
        out.append("set title '%s'\n" % profile)
        if targets:
            out.append(TARGET_LINES)
        lines = ["'%s-%d-%s.dat' using 1:2:3:4 with yerrorlines %s title '%s'"
                 % (name, s, profile, series[s][4], series[s][3])
                 for s in range(len(series)) if have[s][p]]
        if lines:
            out.append("plot " + ", \\\n     ".join(lines))
        else:
            # gnuplot refuses a plot without points: say so instead.
            out.append("set label 3 'no data' at graph 0.5, graph 0.6 center\n"
                       "unset key\nplot 1 lc rgb 'white' notitle\n"
                       "unset label 3\nset key %s box opaque font ',9'" % key)
        out.append("\n")
    out.append("unset multiplot\nunset output\n")
    return "".join(out)


def write_chart(outdir, chart, profiles, context, source, rows):
    name, xlabel, by_batch, series, _, key = chart
    fixed = chart_fixed(rows, by_batch)
    have = [[write_series(os.path.join(outdir, "%s-%d-%s.dat" %
                                       (name, s, profile)),
                          by_batch, series[s], profile, fixed, rows) > 0
             for profile in profiles] for s in range(len(series))]
    if by_batch:
        title = ("Throughput against batch size (smmuv3-sim and mock, %s "
                 "vSIDs)" % count(fixed))
    else:
        title = "Throughput against populated vSIDs (batch %s)" % count(fixed)
    machine = context.get("machine") or {}
    build = context.get("build") or {}
    foot = ("median of the samples, bars from min to max; %.60s, %.60s, %.24s"
            % (machine.get("cpu_model") or "unknown",
               build.get("compiler") or "unknown",
               context.get("date") or "unknown"))
    with open(os.path.join(outdir, name + ".gp"), "w",
              encoding="utf-8") as f:
        f.write("# %s: written by bench/plot.py from %s (nestref-bench %s); "
                "run in this folder: gnuplot %s.gp\n" % (
                    name, os.path.basename(source),
                    context.get("bench_version") or "?", name))
        f.write("set logscale x %d\nset logscale y 10\n" %
                (2 if by_batch else 10))
        f.write("set xlabel '%s'\nset ylabel 'million operations per "
                "second'\n" % xlabel)
        f.write("set key %s box opaque font ',9'\n" % key)
        f.write("set grid xtics ytics mytics lc rgb '#dddddd'\n"
                "set format y '%g'\nset yrange [*:*]\n"
                "set offsets graph 0.04, graph 0.04, 0, 0\n")
        if by_batch:
            f.write("set xtics ('1' 1, '16' 16, '' 63, '64' 64, '256' 256, "
                    "'4096' 4096)\n")
        else:
            f.write("set xtics ('1' 1, '1k' 1024, '64k' 65536, "
                    "'1M' 1048576)\n")
        f.write(plot_commands(
            chart, profiles, have, title,
            "svg size 1100,500 dynamic enhanced font 'sans,11' "
            "background rgb 'white'", name + ".svg", foot))
        f.write(plot_commands(
            chart, profiles, have, title,
            "pngcairo size 1100,500 enhanced font 'sans,10' "
            "background rgb 'white'", name + ".png", foot))


MEMORY_CHART = "memory-per-vdevice"
MEMORY_STYLES = {"mock": "lc rgb '#2ca02c' lw 2 pt 9",
                 "smmuv3-sim": "lc rgb '#d62728' lw 2 pt 5",
                 "kernel": "lc rgb '#444444' lw 2 dt 2 pt 6"}


def memory_lines(results):
    """{name: [(vSIDs, bytes, least, most)]} of the file's memory rows,
    the kernel's from the first backend's; {} without memory rows."""
    lines = {}
    for r in ((results.get("memory") or {}).get("rows")) or []:
        if r.get("status") != "ok" or r.get("per_vdevice") is None:
            continue
        g = r.get("growth") or {}
        per = r["per_vdevice"]
        lines.setdefault(r["backend"], []).append(
            (r["populated"], per, min(per, g.get("min", per)),
             max(per, g.get("max", per))))
        k = (r.get("kernel") or {}).get("per_vdevice")
        kernel = lines.setdefault("kernel", [])
        if k is not None and r["populated"] not in [x[0] for x in kernel]:
            kernel.append((r["populated"], k, k, k))
    return {name: sorted(pts) for name, pts in lines.items() if pts}


def write_memory_chart(outdir, lines, context, source):
    """The memory chart's data and script; the names of its lines."""
    names = [n for n in ("mock", "smmuv3-sim", "kernel") if n in lines]
    for name in names:
        with open(os.path.join(outdir, "%s-%s.dat" % (MEMORY_CHART, name)),
                  "w", encoding="utf-8") as f:
            f.write("# %s: vSIDs, bytes per vDEVICE, least and most while "
                    "the tables grew\n" % name)
            for x, per, lo, hi in lines[name]:
                f.write("%d %.6g %.6g %.6g\n" % (x, per, lo, hi))
    plot = ", \\\n     ".join(
        "'%s-%s.dat' using 1:2:3:4 with yerrorlines %s title '%s'" % (
            MEMORY_CHART, n, MEMORY_STYLES[n],
            "kernel (iommufd\\_vdevice + xarrays)" if n == "kernel" else n)
        for n in names)
    foot = "nestref-bench %s, %.24s" % (context.get("bench_version") or "?",
                                        context.get("date") or "unknown")
    with open(os.path.join(outdir, MEMORY_CHART + ".gp"), "w",
              encoding="utf-8") as f:
        f.write("# %s: written by bench/plot.py from %s; run in this "
                "folder: gnuplot %s.gp\n" % (
                    MEMORY_CHART, os.path.basename(source), MEMORY_CHART))
        f.write("set logscale x 10\nset logscale y 10\n"
                "set xlabel 'linked vSIDs (spread over 32 bits)'\n"
                "set ylabel 'bytes per linked device (vDEVICE)'\n"
                "set key top right box opaque font ',9'\n"
                "set grid xtics ytics mytics lc rgb '#dddddd'\n"
                "set format y '%%g'\n"
                "set offsets graph 0.04, graph 0.04, 0, 0\n"
                "set xtics ('1' 1, '64' 64, '1k' 1024, '64k' 65536, "
                "'1M' 1048576)\n"
                "set title \"Memory per linked device\\n{/*0.8 %s}\"\n"
                % foot)
        for term, out in (("svg size 800,500 dynamic enhanced font "
                           "'sans,11' background rgb 'white'",
                           MEMORY_CHART + ".svg"),
                          ("pngcairo size 800,500 enhanced font 'sans,10' "
                           "background rgb 'white'", MEMORY_CHART + ".png")):
            f.write("set terminal %s\nset output '%s'\nplot %s\n"
                    "unset output\n" % (term, out, plot))
    return names


def last_line(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [ln.strip() for ln in f if ln.strip()]
        return lines[-1] if lines else ""
    except OSError:
        return ""


NO_GNUPLOT = ("plot.py: gnuplot not found in $PATH: no images (Debian: "
              "apt-get install gnuplot-nox; --no-images writes the data and "
              "scripts alone)")


def check(outdir):
    """--check: 0 when gnuplot is there and outdir can be written."""
    rc = 0
    if not shutil.which("gnuplot"):
        print(NO_GNUPLOT, file=sys.stderr)
        rc = 1
    try:
        os.makedirs(outdir, exist_ok=True)
        probe = os.path.join(outdir, ".plot-check")
        with open(probe, "w", encoding="utf-8"):
            pass
        os.remove(probe)
    except OSError as e:
        print("plot.py: cannot write %s: %s" % (outdir, e), file=sys.stderr)
        rc = 1
    return rc


def main(argv):
    ap = argparse.ArgumentParser(
        prog="plot.py",
        usage="%(prog)s [--no-images] RESULTS DIR\n       %(prog)s --check DIR",
        description="Plot a nestref-bench JSON file with gnuplot.")
    ap.add_argument("paths", nargs="+", metavar="PATH",
                    help="RESULTS, nestref-bench --json output ('-': stdin), "
                    "then DIR, where the data, scripts and images go")
    ap.add_argument("--no-images", action="store_true",
                    help="write the data and the gnuplot scripts only; "
                    "without it a missing gnuplot is an error")
    ap.add_argument("--check", action="store_true",
                    help="with DIR alone: check that gnuplot is there and "
                    "DIR can be written, and draw nothing")
    args = ap.parse_args(argv)
    if args.check:
        if len(args.paths) != 1:
            ap.error("--check takes DIR alone")
        return check(args.paths[0])
    if len(args.paths) != 2:
        ap.error("give RESULTS and DIR")
    args.results, args.dir = args.paths
    results = bench_results.load(args.results, "plot.py")
    if results is None:
        return 1
    context = results.get("context") or {}
    asked_ws = (context.get("method") or {}).get("working_set")
    rows = [Row(b, asked_ws) for b in results["benchmarks"]]
    # One panel per profile of the in-memory paths, in the run's order.
    profiles = []
    for r in rows:
        if r.ok and r.backend != "iommufd" and r.kind != "churn" and \
                r.profile not in profiles:
            profiles.append(r.profile)
    charts = [chart[0] for chart in CHARTS]
    try:
        os.makedirs(args.dir, exist_ok=True)
        for chart in CHARTS:
            write_chart(args.dir, chart, profiles, context, args.results,
                        rows)
        memory = memory_lines(results)
        if memory:
            write_memory_chart(args.dir, memory, context, args.results)
            charts.append(MEMORY_CHART)
    except OSError as e:
        print("plot.py: writing %s: %s" % (args.dir, e), file=sys.stderr)
        return 1
    if args.no_images:
        print("plot.py: data and scripts written to %s (--no-images)" %
              args.dir, file=sys.stderr)
        return 0
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print(NO_GNUPLOT + "; the data and scripts are in %s" % args.dir,
              file=sys.stderr)
        return 1
    log = os.path.join(args.dir, "gnuplot.log")
    for chart in charts:
        with open(log, "w", encoding="utf-8") as err:
            rc = subprocess.call([gnuplot, chart + ".gp"], cwd=args.dir,
                                 stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err)
        if rc != 0:
            line = last_line(log)
            print("plot.py: gnuplot %s.gp failed (exit %d)%s" % (
                chart, rc, ": " + line if line else ""), file=sys.stderr)
            return 1
    os.remove(log)
    print("plot.py: plots written to %s (SVG and PNG)" % args.dir,
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

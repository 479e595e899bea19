# SPDX-License-Identifier: MIT
"""Reading a nestref-bench results file, for targets.py and plot.py."""

import json
import sys


def load(path, prog):
    """The results of PATH ('-': stdin), or None after a message on
    stderr naming PROG when the file cannot be read or is not a
    nestref-bench results file (docs/bench.md section 4)."""
    try:
        if path == "-":
            results = json.load(sys.stdin)
        else:
            with open(path, encoding="utf-8") as f:
                results = json.load(f)
        if not isinstance(results, dict) or \
                not isinstance(results.get("benchmarks"), list):
            raise ValueError("no \"benchmarks\" list: not a nestref-bench "
                             "results file")
    except (OSError, ValueError) as e:
        print("%s: %s: %s" % (prog, path, e), file=sys.stderr)
        return None
    return results


def count(n):
    """1, 1k, 64k, 1M: powers of 1024 get a suffix when exact."""
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return "%dM" % (n >> 20)
    if n >= 1024 and n % 1024 == 0:
        return "%dk" % (n >> 10)
    return "%d" % n

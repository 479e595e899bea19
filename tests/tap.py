# SPDX-License-Identifier: MIT
"""TAP lines for the Python parts of the shell tests, numbered on from
what tests/lib.sh's ok/not_ok already printed."""


class Tap:
    def __init__(self, n=0, failed=0):
        self.n = n
        self.failed = failed

    def ok(self, desc):
        self.n += 1
        print("ok %d - %s" % (self.n, desc))

    def not_ok(self, desc, detail=""):
        self.n += 1
        self.failed += 1
        print("not ok %d - %s" % (self.n, desc))
        for line in detail.splitlines():
            print("# " + line)

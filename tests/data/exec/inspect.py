# The mock, refusing hello when it inherited a descriptor other than 0, 1,
# 2 and those nestref inherited itself ($EXEC_INSPECT_INHERITED), or when
# nestref (its parent; run it with `exec`) has a child that was never
# reaped: what the exec backend leaks shows up in the next child it starts.
import os

from broken import run
from nestref_exec import Fail


def leaks():
    found = []
    inherited = os.environ.get("EXEC_INSPECT_INHERITED", "").split()
    for name in os.listdir("/proc/self/fd"):
        if name in inherited:
            continue
        fd = int(name)
        try:
            target = os.readlink("/proc/self/fd/" + name)
        except OSError:
            continue  # the listing's own descriptor, closed by now
        if fd > 2 and not target.startswith("/proc/"):
            found.append("fd %d -> %s" % (fd, target))
    parent = os.getppid()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z" and int(fields[1]) == parent:
            found.append("zombie %s" % pid)
    return found


def check(reply):
    found = leaks()
    if found:
        raise Fail("EIO", "inspect: " + ", ".join(found))
    return reply


run(lambda req: None, hello=check)

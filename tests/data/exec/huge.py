# A 100 MB reply line to the first invalidation.
import sys

from broken import run


def huge(req):
    sys.stdout.write('{"id": %d, "rc": 0, "pad": "%s"}\n'
                     % (req["id"], "x" * 100_000_000))
    sys.stdout.flush()


run(huge)

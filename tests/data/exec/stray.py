# Stray output: a log line on stdout before the reply to the first
# invalidation.
import sys

from broken import run


def stray(req):
    sys.stdout.write("mock: handling request %d\n" % req["id"])
    sys.stdout.flush()


run(stray)

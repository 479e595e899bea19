# A garbage reply to the first invalidation.
import sys

from broken import run


def garbage(req):
    sys.stdout.write("this is not JSON\n")
    sys.stdout.flush()


run(garbage)

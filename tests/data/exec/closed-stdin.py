# Answers the first invalidation, then closes its stdin and waits with
# its stdout open: the next request meets a closed pipe (EPIPE for
# nestref, never a SIGPIPE that would end it).
import os
import sys
import time

from broken import run


class Lines:
    """stdin's lines until the adapter closes it, then nothing, ever."""

    closed = False

    def __iter__(self):
        for line in sys.stdin:
            yield line
            if self.closed:
                break
        while True:
            time.sleep(3600)


lines = Lines()


def close_stdin(req):
    os.close(0)
    lines.closed = True


run(close_stdin, stdin=lines)

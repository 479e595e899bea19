# The mock of examples/exec-python, appending every line it reads to
# $EXEC_RECORD as "> LINE" and every line it writes as "< LINE", for
# tests/exec-python.sh to check against docs/spec/protocol.schema.json.
import os
import sys

from broken import Mock, serve

log = open(os.environ["EXEC_RECORD"], "a")


class Requests:
    def __iter__(self):
        for line in sys.stdin:
            log.write("> " + line)
            yield line


class Replies:
    def write(self, text):
        log.write("< " + text)
        sys.stdout.write(text)

    def flush(self):
        log.flush()
        sys.stdout.flush()


serve(Mock(), stdin=Requests(), stdout=Replies())

# An early exit: status 0 at the first invalidation, without a reply.
import sys

from broken import run

run(lambda req: sys.exit(0))

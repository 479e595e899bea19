# A crash mid-file: SIGSEGV at the first invalidation.
import os
import signal

from broken import run

run(lambda req: os.kill(os.getpid(), signal.SIGSEGV))

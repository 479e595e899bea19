# A hang: no reply to the first invalidation, ever.
import time

from broken import run

run(lambda req: time.sleep(3600))

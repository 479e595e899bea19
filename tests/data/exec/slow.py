# SPDX-License-Identifier: MIT
# Slow, not broken: each invalidation takes 2.5 s, so that a run of
# broken.yaml takes longer than the two seconds after which `nestref run`
# shows progress on a terminal (tests/progress.sh).
import time

from broken import run

run(lambda req: time.sleep(2.5))

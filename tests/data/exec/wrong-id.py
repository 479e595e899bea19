# Replies to the first invalidation with another request's id.
import json
import sys

from broken import run


def wrong_id(req):
    sys.stdout.write(json.dumps({"id": req["id"] + 7, "rc": 0}) + "\n")
    sys.stdout.flush()


run(wrong_id)

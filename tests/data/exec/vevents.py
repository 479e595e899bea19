# SPDX-License-Identifier: MIT
"""The mock of examples/exec-python with vEVENTs in the reply to its
first invalidation (docs/spec/protocol.md section 4.7): the vevents
adapters of tests/exec-broken.sh call run() with what to carry."""
from broken import Mock
from nestref_exec import serve


def run(vevents):
    class VEvents(Mock):
        def op_cache_invalidate_user(self, req):
            reply = super().op_cache_invalidate_user(req)
            reply["vevents"] = vevents
            return reply

    serve(VEvents())

# SPDX-License-Identifier: MIT
"""The mock of examples/exec-python, made to misbehave at its first
invalidation: the broken adapters of tests/exec-broken.sh import it."""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_here, "..", "..", "..", "examples", "exec-python"))

from mock import Mock  # noqa: E402
from nestref_exec import serve  # noqa: E402


def run(misbehave, hello=None, stdin=None):
    """Serves the mock; misbehave(request) runs when an invalidation
    arrives, hello(reply) may change the hello reply, stdin may replace
    sys.stdin's lines."""

    class Broken(Mock):
        def op_hello(self, req):
            reply = super().op_hello(req)
            return hello(reply) if hello else reply

        def op_cache_invalidate_user(self, req):
            misbehave(req)
            return super().op_cache_invalidate_user(req)

    serve(Broken(), stdin=stdin)

# SPDX-License-Identifier: MIT
"""The child's side of nestref's exec protocol, protocol 1.

nestref (`nestref run --backend exec:COMMAND`) starts COMMAND, writes one
JSON request per line on its stdin and reads one JSON reply per line from
its stdout (docs/spec/protocol.md).  serve() is that loop: it calls the
driver's method op_NAME(request) for each request and turns what it
returns, or the Fail it raises, into the reply.  Python 3, standard
library only.
"""
import errno as _errno
import json
import sys

PROTOCOL = 1
_EXACT = 1 << 53


class Fail(Exception):
    """A driver's error: the errno by name ("EINVAL"), a sentence for
    people, the profile rule that decided it, and reply members to add
    (entry_num)."""

    def __init__(self, name, message=None, rule=None, **members):
        super().__init__(name)
        self.name = name
        self.message = message
        self.rule = rule
        self.members = members


def u64(value):
    """A 64-bit value as the protocol writes it: a number below 2^53,
    else a "0x..." string."""
    return value if value < _EXACT else "0x%x" % value


def get_u64(value):
    """Reads a 64-bit value written either way."""
    if isinstance(value, str):
        return int(value, 16)
    return int(value)


def le32(data, offset=0):
    """The little-endian u32 at offset of a bytes object."""
    return int.from_bytes(data[offset:offset + 4], "little")


def _reply(request_id, driver, request):
    reply = {"id": request_id, "rc": 0}
    op = request.get("op")
    handler = getattr(driver, "op_" + op, None) if isinstance(op, str) else None
    try:
        if handler is None:
            raise Fail("EOPNOTSUPP", "%s: no request %r" % (driver.name, op))
        reply.update(handler(request) or {})
    except Fail as fail:
        reply["rc"] = -getattr(_errno, fail.name)
        reply["errno"] = fail.name
        if fail.message:
            reply["message"] = fail.message
        if fail.rule:
            reply["rule"] = fail.rule
        reply.update(fail.members)
    return reply


def serve(driver, stdin=None, stdout=None):
    """Answers requests until close or the end of stdin."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for line in stdin:
        request = json.loads(line)
        reply = _reply(request.get("id"), driver, request)
        stdout.write(json.dumps(reply, separators=(",", ":")) + "\n")
        stdout.flush()
        if request.get("op") == "close":
            break

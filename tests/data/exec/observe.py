# The mock of examples/exec-python with every observation of the exec
# protocol (docs/spec/protocol.md section 4.6) answered from fixed data:
# issued commands, cache entries, a trace with its strings, counters and
# hw_info.  tests/check-failnth.c fails the exec backend's allocations
# around each of them.
from broken import Mock
from nestref_exec import serve

SYNC = "46" + "00" * 15  # CMD_SYNC, little-endian uAPI layout


class Observe(Mock):
    name = "exec-observe"

    def __init__(self):
        super().__init__()
        self.caches = []

    def op_hello(self, req):
        reply = super().op_hello(req)
        reply["caps"] = reply["caps"] + [
            "observe-issued", "observe-caches", "observe-hw-info"]
        return reply

    def op_hw_info(self, req):
        return {"flags": 1}

    def op_counters(self, req):
        return {"counters": [{"name": "exec.requests", "value": 7},
                             {"name": "exec.big", "value": "0x20000000000000"}]}

    def op_issued(self, req):
        return {"cmds": [SYNC, SYNC]}

    def op_issued_clear(self, req):
        pass

    def op_caches_fill(self, req):
        self.caches = req["entries"]

    def op_caches_get(self, req):
        return {"entries": self.caches}

    def op_trace(self, req):
        return {"events": [
            {"kind": "rewrite", "index": 0, "in": SYNC, "out": SYNC,
             "rule": "a rule", "section": "a section",
             "function": "a function"},
            {"kind": "reject", "index": 1, "errno": "EIO",
             "removed": [1, 2, 3], "rule": "another rule"},
            {"kind": "note"},
        ]}

    def op_trace_clear(self, req):
        pass


serve(Observe())

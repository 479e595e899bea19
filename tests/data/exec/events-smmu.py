# SPDX-License-Identifier: MIT
"""The way back of an SMMUv3 host, as an exec child (docs/spec/
protocol.md section 4.7), for tests/exec-events.sh: the mock's user data
(a 4-byte vSID, linked once per vIOMMU) with vdevice-one-stream, nested
HWPTs of bypass, abort and stage-1 vSTEs, the vmaster of an attach, and
raise_event handled as arm_smmu_handle_event does (kernel-facts 3.11):
the eight forwardable events of a device with a vmaster and S2 clear go
back in the reply's vevents with the vSID, everything else is dropped.
Only what the event vectors need: no invalidation, no caches."""
import struct

from broken import Mock
from nestref_exec import Fail, get_u64, serve

HWPT_DATA_ARM_SMMUV3 = 2
VEVENTQ_TYPE_ARM_SMMUV3 = 1
# C_BAD_STE, F_STREAM_DISABLED, C_BAD_SUBSTREAMID, C_BAD_CD,
# F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION
FORWARDED = {0x04, 0x06, 0x08, 0x0A, 0x10, 0x11, 0x12, 0x13}
STALL = 1 << 31  # dw1
S2 = 1 << 39     # dw1


class EventHost(Mock):
    name = "exec-events-smmu"

    def __init__(self):
        super().__init__()
        self.psids = {}     # device ID -> its StreamIDs
        self.vmasters = {}  # device ID -> (vIOMMU ID, vSID)

    def op_hello(self, req):
        reply = super().op_hello(req)
        reply["caps"] = ["raw-user-data", "attach-nested", "inject-event"]
        reply["profiles"] = ["linux-7.2", "linux-7.4"]
        del reply["invalidate"]
        return reply

    def op_dev_init(self, req):
        super().op_dev_init(req)
        self.psids[req["dev"]] = req["psids"]

    def op_dev_destroy(self, req):
        super().op_dev_destroy(req)
        self.psids.pop(req["dev"], None)
        self.vmasters.pop(req["dev"], None)

    def op_set_dev_user_data(self, req):
        reply = super().op_set_dev_user_data(req)
        if ("vdevice-one-stream" in self.rules
                and len(self.psids[req["dev"]]) != 1):
            self.viommus[req["viommu"]].pop(reply["link"], None)
            raise Fail("EOPNOTSUPP", "events-smmu: the device has %u "
                       "StreamIDs; a vSID can name only one"
                       % len(self.psids[req["dev"]]),
                       rule="vdevice-one-stream")
        return reply

    def op_hwpt_nested_init(self, req):
        if req["data_type"] != HWPT_DATA_ARM_SMMUV3:
            raise Fail("EOPNOTSUPP", "events-smmu: not a vSTE")
        if req["data"] is None:
            raise Fail("EFAULT", "events-smmu: no vSTE")

    # The vmaster (kernel-facts 3.11): the vIOMMU and the vSID of the
    # device's vDEVICE at the attach, none without one.
    def op_dev_attach(self, req):
        if req["virt_id"] is None:
            self.vmasters.pop(req["dev"], None)
        else:
            self.vmasters[req["dev"]] = (req["viommu"],
                                        get_u64(req["virt_id"]) & 0xFFFFFFFF)

    def op_raise_event(self, req):
        record = bytes.fromhex(req["event"])
        dw0, dw1 = struct.unpack_from("<QQ", record)
        if dw0 & 0xFF not in FORWARDED:
            return None
        dev = next((d for d, sids in self.psids.items()
                    if dw0 >> 32 in sids), None)
        if dev is None or dw1 & STALL:
            return None
        vmaster = self.vmasters.get(dev)
        if vmaster is None or dw1 & S2:
            return None
        viommu, vsid = vmaster
        out = struct.pack("<Q", dw0 & 0xFFFFFFFF | vsid << 32) + record[8:]
        return {"vevents": [{"viommu": viommu,
                             "type": VEVENTQ_TYPE_ARM_SMMUV3,
                             "data": out.hex()}]}


serve(EventHost())

#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The Linux iommufd selftest mock driver, as a child of nestref's exec
backend (docs/spec/protocol.md).  It answers what backends/mock/mock.c
answers, rules included (rfc-user-data, invalidate-whole-array), and
passes every mock vector:

    nestref run --backend exec:'/usr/bin/python3 examples/exec-python/mock.py' \\
        --profile linux-7.2 vectors/mock vectors/common

Each device holds four cache words that start at 0xbaddad (kernel-facts
5.2).  A selftest invalidation entry {flags, vdev_id, cache_id} names a
device by the virtual ID its user data linked (kernel-facts 5.4) and
zeroes one word, or all four with FLAG_ALL; check_cache reads a word back
(kernel-facts 5.5).

The way back (kernel-facts 5.10): a nested HWPT on a vIOMMU takes the
selftest's data; a device attached to it remembers its vDEVICE's virt_id,
which trigger_vevent reports as the event {virt_id} on that vIOMMU, in
its reply's vevents (protocol.md section 4.7): nestref's core keeps the
queues.  nestref's core has already done the core's checks: this file is
only the driver.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nestref_exec import Fail, get_u64, le32, serve  # noqa: E402

CACHE_NUM = 4
CACHE_ID_MAX = 3
CACHE_DEFAULT = 0xBADDAD
FLAG_ALL = 1 << 0
INV_TYPE_SELFTEST = 0xDEADBEEF
# struct iommu_viommu_invalidate_selftest: flags, vdev_id, cache_id
ENTRY_LEN = 12
# The RFC mock's 4-byte user data: here the virtual ID.
USER_DATA_LEN = 4
# IOMMU_HWPT_DATA_SELFTEST: struct iommu_hwpt_selftest {u32 iotlb;
# u32 pagetable_type}, of which iotlb is the first version's.
HWPT_DATA_SELFTEST = 0xDEAD
HWPT_DATA_MIN = 4
HWPT_DATA_LEN = 8
# IOMMU_VEVENTQ_TYPE_SELFTEST: struct iommu_viommu_event_selftest {u32 virt_id}
VEVENTQ_TYPE_SELFTEST = 0xBEEFBEEF


class Mock:
    name = "exec-python-mock"

    def __init__(self):
        self.rules = set()
        self.kmalloc_max = 0
        self.viommus = {}  # vIOMMU ID -> {virtual ID: device ID}
        self.devs = {}  # device ID -> {"cache": [...], "data": value}

    def op_hello(self, req):
        return {
            "protocol": 1,
            "name": self.name,
            "version": "1",
            "caps": ["inv-selftest", "check-cache", "raw-user-data",
                     "attach-nested", "trigger-vevent"],
            "profiles": ["rfc-v3", "linux-6.13", "linux-7.2", "linux-7.4"],
            "dev_user_data_len": USER_DATA_LEN,
            "invalidate": {"type": INV_TYPE_SELFTEST, "entry_size": ENTRY_LEN},
        }

    def op_open(self, req):
        # It takes no options: refuse them, never ignore a typo
        # (protocol.md section 6).
        if req["options"]:
            key = req["options"].split(",")[0].split("=")[0]
            raise Fail("EINVAL", "%s: unknown backend option '%s': it takes "
                       "none" % (self.name, key))
        self.rules = set(req["rules"])
        self.kmalloc_max = get_u64(req["kmalloc_max"])

    def op_close(self, req):
        pass

    def op_viommu_init(self, req):
        self.viommus[req["viommu"]] = {}

    def op_viommu_destroy(self, req):
        self.viommus.pop(req["viommu"], None)

    def op_dev_init(self, req):
        # viommu, vdev_id: what the last attach that changed the vIOMMU
        # remembered (kernel-facts 5.10); None while never attached.
        self.devs[req["dev"]] = {"cache": [CACHE_DEFAULT] * CACHE_NUM,
                                 "data": 0, "viommu": None, "vdev_id": 0}

    def op_dev_destroy(self, req):
        self.devs.pop(req["dev"], None)

    # Upstream's mock links the virtual ID, unique per vIOMMU
    # (kernel-facts 2.9).  The RFC's stored the value and nothing else
    # (rfc-user-data, kernel-facts 1.4): two devices may hold the same
    # one, and no invalidation can name them.
    def op_set_dev_user_data(self, req):
        virt_id = le32(bytes.fromhex(req["data"]))
        if "rfc-user-data" in self.rules:
            self.devs[req["dev"]]["data"] = virt_id
            return None
        table = self.viommus[req["viommu"]]
        if virt_id in table:
            raise Fail("EEXIST",
                       "mock: virtual ID 0x%x is already linked in this vIOMMU"
                       % virt_id)
        table[virt_id] = req["dev"]
        return {"link": virt_id}

    def op_unset_dev_user_data(self, req):
        # The RFC mock's unset wrote 0 (kernel-facts 1.4).
        self.devs[req["dev"]]["data"] = 0
        if "rfc-user-data" not in self.rules and req["virt_id"] is not None:
            self.viommus[req["viommu"]].pop(get_u64(req["virt_id"]), None)

    def _invalidate_one(self, viommu, entry, index):
        flags, vdev_id, cache_id = struct.unpack("<III", entry)
        if flags & ~FLAG_ALL:
            raise Fail("EOPNOTSUPP",
                       "mock: entry %u: flags 0x%x has bits other than FLAG_ALL"
                       % (index, flags))
        if cache_id > CACHE_ID_MAX:
            raise Fail("EINVAL", "mock: entry %u: cache_id %u exceeds %u"
                       % (index, cache_id, CACHE_ID_MAX))
        dev_id = self.viommus[viommu].get(vdev_id)
        if dev_id is None:
            raise Fail("EINVAL", "mock: entry %u: no device has virtual ID 0x%x"
                       % (index, vdev_id))
        cache = self.devs[dev_id]["cache"]
        if flags & FLAG_ALL:
            cache[:] = [0] * CACHE_NUM
        else:
            cache[cache_id] = 0

    def op_cache_invalidate_user(self, req):
        n = req["entry_num"]
        # The probe: an empty array of the right type succeeds (5.4 step 1).
        if n == 0 and req["type"] == INV_TYPE_SELFTEST:
            return {"entry_num": 0}
        # invalidate-whole-array: the allocation comes first, and its
        # failure returns before entry_num is set (left out: unchanged).
        if ("invalidate-whole-array" in self.rules
                and n * ENTRY_LEN > self.kmalloc_max):
            raise Fail("ENOMEM",
                       "mock: %u entries need more than the kernel's largest"
                       " kmalloc (%u bytes)" % (n, self.kmalloc_max),
                       rule="invalidate-whole-array")
        # The whole array is copied before any entry is applied (step 2):
        # the core's copy helper did it for us.
        copy = req["copy"]
        if copy["rc"]:
            raise Fail(copy["errno"], entry_num=0)
        entries = bytes.fromhex(copy["entries"])
        handled = 0
        for i in range(n):
            try:
                self._invalidate_one(req["viommu"],
                                     entries[i * ENTRY_LEN:(i + 1) * ENTRY_LEN], i)
            except Fail as fail:
                fail.members["entry_num"] = handled
                raise
            handled += 1
        return {"entry_num": handled}

    # kernel-facts 5.5: a bad index and a mismatch are both EINVAL.
    def op_check_cache(self, req):
        index, value = req["index"], req["value"]
        if index > CACHE_ID_MAX:
            raise Fail("EINVAL", "check_cache: index %u exceeds %u"
                       % (index, CACHE_ID_MAX))
        word = self.devs[req["dev"]]["cache"][index]
        if word != value:
            raise Fail("EINVAL", "check_cache: word %u is 0x%x, expected 0x%x"
                       % (index, word, value))

    # __mock_domain_alloc_nested: the selftest's data type only, read by
    # the single-struct copy (kernel-facts 5.10, 2.6); data null is a
    # pointer that copy cannot read.
    def op_hwpt_nested_init(self, req):
        if req["data_type"] != HWPT_DATA_SELFTEST:
            raise Fail("EOPNOTSUPP",
                       "mock: nested HWPT data type 0x%x; the mock takes "
                       "IOMMU_HWPT_DATA_SELFTEST (0xdead) only "
                       "(kernel-facts 5.10)" % req["data_type"])
        if not HWPT_DATA_MIN <= req["data_len"] <= HWPT_DATA_LEN:
            raise Fail("EINVAL",
                       "mock: %u bytes of struct iommu_hwpt_selftest; it "
                       "takes %d to %d (kernel-facts 5.10)"
                       % (req["data_len"], HWPT_DATA_MIN, HWPT_DATA_LEN))
        if req["data"] is None:
            raise Fail("EFAULT", "mock: the nested HWPT's data pointer is "
                       "NULL (kernel-facts 2.6)")

    def op_hwpt_nested_destroy(self, req):
        pass

    # mock_domain_nop_attach: the core looked up the device's vDEVICE in
    # the HWPT's vIOMMU (virt_id, null for none).  The virt_id is taken
    # only when the vIOMMU changes (kernel-facts 5.10).
    def op_dev_attach(self, req):
        if req["virt_id"] is None and "attach-needs-vdevice" in self.rules:
            raise Fail("ENOENT", "mock: device %u has no vDEVICE in vIOMMU "
                       "%u (kernel-facts 5.10)" % (req["dev"], req["viommu"]),
                       rule="attach-needs-vdevice")
        dev = self.devs[req["dev"]]
        if dev["viommu"] != req["viommu"]:
            dev["viommu"] = req["viommu"]
            dev["vdev_id"] = (0 if req["virt_id"] is None
                              else get_u64(req["virt_id"]))

    # iommufd_test_trigger_vevent (kernel-facts 5.10): the event goes back
    # in the reply, and nestref's core answers what its report returned.
    def op_trigger_vevent(self, req):
        dev = self.devs[req["dev"]]
        if dev["viommu"] is None or not dev["vdev_id"]:
            raise Fail("ENOENT", "mock: device %u %s (kernel-facts 5.10)"
                       % (req["dev"], "is attached to no nested HWPT"
                          if dev["viommu"] is None
                          else "was attached without a virt_id"))
        data = struct.pack("<I", dev["vdev_id"] & 0xFFFFFFFF)
        return {"vevents": [{"viommu": dev["viommu"],
                             "type": VEVENTQ_TYPE_SELFTEST,
                             "data": data.hex()}]}


if __name__ == "__main__":
    serve(Mock())

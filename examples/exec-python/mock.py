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
(kernel-facts 5.5).  nestref's core has already done the core's checks:
this file is only the driver.
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
            "caps": ["inv-selftest", "check-cache", "raw-user-data"],
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
        self.devs[req["dev"]] = {"cache": [CACHE_DEFAULT] * CACHE_NUM, "data": 0}

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


if __name__ == "__main__":
    serve(Mock())

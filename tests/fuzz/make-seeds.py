#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpus of fuzz-core, fuzz-exec and fuzz-codec
(tests/fuzz/corpus/, docs/fuzzing.md section 5): a few call sequences in
ops.c's byte code, the same with the replies of an exec child, and a few
SMMUv3 commands.  The files are in the repository; run this again only
after changing the byte code, from the top of the source tree:

    python3 tests/fuzz/make-seeds.py tests/fuzz/corpus
"""
import os
import struct
import sys

# ops.c's calls, in the order of its enum
(VIOMMU_ALLOC, DEV_ADD, DEV_ADD_STREAMS, SET, SET_AGAIN, UNSET, DESTROY,
 INVALIDATE, INVALIDATE_AGAIN, CHECK_CACHE, HW_INFO, HWPT_ALLOC, ATTACH,
 OBSERVE, CACHES_FILL) = range(15)
# the call number is taken modulo 15: 25 is HW_INFO without the byte 0x0a,
# which ends fuzz-exec's program line
HW_INFO += 15

# profiles (enum nestref_profile)
LINUX_7_2, RFC_V3, LINUX_7_4, LINUX_6_13 = range(4)

FIRST = 0x00       # pick_id: the first object of the kind
VALUE_FIRST = 0x00  # pick_value: the first vDEVICE's value


def small(v):
    """pick_value of a small vSID (below 0x40)."""
    return 0x80 | v


def header(profile, extra=b""):
    return bytes([profile]) + extra


def set_data(vsid):
    """SET: vIOMMU, device, 4 bytes of user data holding vsid."""
    return bytes([SET, FIRST, FIRST, 4, small(vsid), 0, 0, 0, 0])


def inv_selftest():
    """One selftest entry naming the first vDEVICE's value, cache word 0."""
    return bytes([INVALIDATE, FIRST, 0x00, 0x20, 0x60, 0x00,
                  VALUE_FIRST, 0x00])


def inv_smmu(op_index, fields):
    """One 16-byte SMMUv3 command: opcode index into ops.c's smmu_ops,
    then one byte per field the opcode has (pick_value for sid)."""
    return bytes([INVALIDATE, FIRST, 9, 0x20, 0x00, op_index]) + \
        bytes(fields)


MOCK_SEQ = (bytes([VIOMMU_ALLOC, 1, DEV_ADD, 0x10]) + set_data(0x19) +
            inv_selftest() + bytes([CHECK_CACHE, FIRST, 0x00]) +
            bytes([UNSET, FIRST, DESTROY, 0xa0, DESTROY, 0xa0]))

# CFGI_CD (index 4): sid, ssid, ssec, leaf; TLBI_NH_ASID (index 8): vmid, asid
SIM_SEQ = (bytes([VIOMMU_ALLOC, 1, DEV_ADD, 0x10]) + set_data(0x19) +
           inv_smmu(4, [VALUE_FIRST, 0x00, 0x00, 0x00]) +
           inv_smmu(8, [0x61, 0x62]) +
           bytes([OBSERVE, 0, OBSERVE, 2, OBSERVE, 3, OBSERVE, 5,
                  HW_INFO, FIRST]) +
           bytes([HWPT_ALLOC, FIRST, 0x24] + [0] * 16) +
           bytes([ATTACH, FIRST, FIRST]) +
           bytes([CACHES_FILL, 1, 0x00, 1, 2, 0, 0, 1, 0, VALUE_FIRST, 0,
                  0, 0, 0]) +
           bytes([DESTROY, 0xa0, DESTROY, 0xa1]))

TWO_VIOMMUS = (bytes([VIOMMU_ALLOC, 1, VIOMMU_ALLOC, 2, DEV_ADD, 0x10,
                      DEV_ADD, 0x11]) +
               bytes([SET, 0x00, 0x00, 4, small(5), 0, 0, 0, 0]) +
               bytes([SET, 0x01, 0x01, 4, small(5), 0, 0, 0, 0]) +
               bytes([SET, 0x00, 0x01, 4, small(5), 0, 0, 0, 0]) +
               bytes([DESTROY, 0xa0, DESTROY, 0xa2, UNSET, 0x01]))

NESTED_SEQ = (bytes([VIOMMU_ALLOC, 1, DEV_ADD, 0x10]) + set_data(0x19) +
              bytes([HWPT_ALLOC, FIRST, 0x24] + [0] * 16) +
              bytes([ATTACH, FIRST, FIRST]))

STREAMS = (bytes([VIOMMU_ALLOC, 1, DEV_ADD_STREAMS, 2, 0x10, 0x11]) +
           set_data(0x7) + bytes([DEV_ADD_STREAMS, 0, DEV_ADD_STREAMS, 9]))

CORE = {
    # backend byte: even mock, odd smmuv3-sim
    "mock-7.2": b"\x00" + header(LINUX_7_2) + MOCK_SEQ,
    "mock-rfc": b"\x00" + header(RFC_V3) + MOCK_SEQ,
    "mock-6.13": b"\x00" + header(LINUX_6_13) + MOCK_SEQ + set_data(0x1a),
    "mock-7.4-two-viommus": b"\x00" + header(LINUX_7_4) + TWO_VIOMMUS,
    "sim-7.2": b"\x01" + header(LINUX_7_2) + SIM_SEQ,
    "sim-7.4": b"\x01" + header(LINUX_7_4) + SIM_SEQ,
    "sim-rfc": b"\x01" + header(RFC_V3) + SIM_SEQ,
    "sim-6.13-streams": b"\x01" + header(LINUX_6_13) + STREAMS,
    # SMMU features (0x20): all on, SIDSIZE 16, SSIDSIZE 8
    "sim-7.4-features": b"\x01" + header(LINUX_7_4 | 0x20,
                                         bytes([0x3f, 16, 8])) + SIM_SEQ,
    # the 40th allocation fails (0x40), then every one after it (0x80)
    "mock-7.2-fail-40": b"\x00" + header(LINUX_7_2 | 0x40,
                                         struct.pack("<H", 39)) + MOCK_SEQ,
    "sim-7.2-fail-from-60": b"\x01" + header(LINUX_7_2 | 0xc0,
                                             struct.pack("<H", 59)) +
    SIM_SEQ,
}

HELLO_MOCK = (b'*"rc":0,"protocol":1,"name":"seed","version":"1",'
              b'"caps":["inv-selftest","check-cache","raw-user-data"],'
              b'"profiles":["rfc-v3","linux-6.13","linux-7.2","linux-7.4"],'
              b'"dev_user_data_len":4,'
              b'"invalidate":{"type":3735928559,"entry_size":12}}')
HELLO_SMMU = (b'*"rc":0,"protocol":1,"name":"seed","version":"1",'
              b'"caps":["inv-arm-smmuv3","observe-issued","observe-caches",'
              b'"raw-user-data","observe-hw-info"],'
              b'"profiles":["linux-7.2","linux-7.4"],'
              b'"dev_user_data_len":4,'
              b'"invalidate":{"type":1,"entry_size":16}}')
HELLO_NESTED = HELLO_MOCK.replace(b'"raw-user-data"',
                                  b'"raw-user-data","attach-nested",'
                                  b'"trigger-vevent"')
OK = b'*"rc":0}'
# A vEVENT in a reply (protocol.md section 4.7): the selftest's {0x19} on
# vIOMMU 1, which has no queue, so the core drops it.
VEVENTS = b'"vevents":[{"viommu":1,"type":3203383023,"data":"19000000"}]'


def exec_seed(program, replies):
    assert b"\n" not in program
    return program + b"\n" + b"\n".join(replies) + b"\n"


EXEC = {
    "mock-7.2": exec_seed(
        header(LINUX_7_2) + MOCK_SEQ,
        [HELLO_MOCK, OK, OK, OK,
         b'*"rc":0,"link":25}',
         b'*"rc":0,"entry_num":1}',
         b'*"rc":-22,"errno":"EINVAL","message":"check_cache: no"}',
         OK, OK, OK, OK, OK]),
    "mock-rfc-no-link": exec_seed(
        header(RFC_V3) + MOCK_SEQ,
        [HELLO_MOCK, OK, OK, OK, OK,
         b'*"rc":-22,"errno":"EINVAL","rule":"rfc-user-data",'
         b'"entry_num":0}',
         OK, OK, OK, OK, OK]),
    "smmu-7.4": exec_seed(
        header(LINUX_7_4) + SIM_SEQ,
        [HELLO_SMMU, OK, OK, OK,
         b'*"rc":0,"link":"0x19"}',
         b'*"rc":0,"entry_num":1}',
         b'*"rc":0}',
         b'*"rc":0,"cmds":["05000000190000000000000000000000",'
         b'"46000000000000000000000000000000"]}',
         b'*"rc":0,"entries":[{"kind":"tlb","flags":["global"],"vmid":1,'
         b'"va":"0x20000000000000","level":3,"tg":4096},'
         b'{"kind":"cfg","sid":16},{"kind":"atc","sid":16,"addr":4096,'
         b'"span":4096,"flags":["ssid"],"ssid":1}]}',
         b'*"rc":0,"events":[{"kind":"rewrite","index":0,'
         b'"in":"05000000190000000000000000000000",'
         b'"out":"05000000100000000000000000000000","rule":"vsid",'
         b'"section":"3.2","function":"f"},{"kind":"reject","errno":'
         b'"EIO"},{"kind":"exec","removed":[1,0,0],"cerror":0}]}',
         b'*"rc":0,"counters":[{"name":"smmu.commands","value":2}]}',
         b'*"rc":0,"flags":1}',
         OK, OK, OK, OK, OK, OK, OK]),
    "smmu-7.2-child-gone": exec_seed(
        header(LINUX_7_2) + SIM_SEQ,
        [HELLO_SMMU, OK, OK, OK, b'*"rc":0,"link":"0x19"}',
         b'not json']),
    "mock-7.2-vevents": exec_seed(
        header(LINUX_7_2) + NESTED_SEQ,
        [HELLO_NESTED, OK, OK, OK, b'*"rc":0,"link":25}', OK,
         b'*"rc":0,' + VEVENTS + b'}', OK, OK, OK, OK, OK, OK]),
    "mock-7.2-vevents-bad": exec_seed(
        header(LINUX_7_2) + NESTED_SEQ,
        [HELLO_NESTED, OK, OK, OK, b'*"rc":0,"link":25}',
         b'*"rc":0,"vevents":[{"viommu":9,"type":1,"data":"00"}]}']),
    "hello-refused": exec_seed(
        header(LINUX_7_2) + MOCK_SEQ,
        [b'*"rc":-19,"errno":"ENODEV","message":"no device here"}']),
    "wrong-id": exec_seed(
        header(LINUX_7_2) + MOCK_SEQ,
        [HELLO_MOCK, b'{"id":7,"rc":0}']),
}

CODEC = {
    "cfgi-cd": bytes.fromhex("05000000341200000100000000000000"),
    "cfgi-all": bytes.fromhex("04000000000000001f00000000000000"),
    "tlbi-nh-va": bytes.fromhex("12f05100010001000d0f0000ff0f0000") + b"\x00\x05",
    "atc-inv-rest": bytes.fromhex("40080000100000003f00ffffffffffff") + b"\x0d\x20\x00\x10",
    "sync": bytes.fromhex("4630c000efbeadde04000000010000ff"),
    "unnamed": bytes.fromhex("8f000000000000000000000000000001"),
    "prefetch-addr": bytes.fromhex("02000000010000000a10000000000000"),
}


def write(top, name, files):
    d = os.path.join(top, name)
    os.makedirs(d, exist_ok=True)
    for f, data in files.items():
        with open(os.path.join(d, f), "wb") as out:
            out.write(data)


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus"
    write(top, "core", CORE)
    write(top, "exec", EXEC)
    write(top, "codec", CODEC)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# Writes the seeds of fuzz-hcall that walk the guest's side of the
# connector protocol (tests/fuzz/corpus/fuzz-hcall/drc-*): a hot-plug's
# event, allocation, unisolation and configure-connector's walk of the
# node; a hot-unplug's event and release; a boot device released and
# taken again. Input layout: tests/fuzz/fuzz-hcall.c. Run from anywhere:
#   python3 tests/fuzz/drc-seeds.py
import os
import struct

RAM = 8192
H_RTAS_SELECTOR = 15        # index of H_RTAS in fuzz-hcall.c's hcalls[]
EVENT_SCAN, CHECK_EXCEPTION = 0x2008, 0x2009
GET_SENSOR, SET_INDICATOR, CONFIGURE_CONNECTOR = 0x200f, 0x2010, 0x2011
ISOLATION, ALLOCATION = 9001, 9003
ISOLATE, UNISOLATE, UNUSABLE, USABLE = 0, 1, 0, 1
MASK_HOTPLUG = 0x10000000
DRC = [0x90000000, 0x90000001]
ARGS_AT, EVENT_BUF, EVENT_LEN, WORK_AREA = 0x0, 0x800, 0x400, 0x1000
# kinds byte: bits 4-5 the connectors' mode, both devices page-cache files
MODE_BOOT, MODE_PLUG, MODE_UNPLUG = 0x18, 0x24, 0x30


def seed(kinds, drc, calls):
    ram = bytearray(RAM)
    regs = []
    for i, (token, args, nret) in enumerate(calls):
        at = ARGS_AT + 0x40 * i
        block = struct.pack(">3I", token, len(args), nret)
        block += struct.pack(">%dI" % len(args), *args) + bytes(4 * nret)
        ram[at:at + len(block)] = block
        regs.append(at)
    # configure-connector's work area starts with the connector's index
    ram[WORK_AREA:WORK_AREA + 4] = struct.pack(">I", drc)
    out = struct.pack("<H", RAM - 1) + bytes(ram) + bytes([kinds])
    for at in regs:
        out += bytes([H_RTAS_SELECTOR]) + struct.pack("<9Q", at, *([0] * 8))
    return out


def walk(steps):
    return [(CONFIGURE_CONNECTOR, [WORK_AREA, 0], 1)] * steps


def check_exception():
    return (CHECK_EXCEPTION, [0x500, 0, MASK_HOTPLUG, 1, EVENT_BUF, EVENT_LEN], 1)


seeds = {
    "drc-plug": (MODE_PLUG, DRC[1], [
        check_exception(),
        (GET_SENSOR, [ALLOCATION, DRC[1]], 2),
        (SET_INDICATOR, [ALLOCATION, DRC[1], USABLE], 1),
        (SET_INDICATOR, [ISOLATION, DRC[1], UNISOLATE], 1),
    ] + walk(16)),
    "drc-unplug": (MODE_UNPLUG, DRC[0], [
        check_exception(),
        (SET_INDICATOR, [ISOLATION, DRC[0], ISOLATE], 1),
        (SET_INDICATOR, [ALLOCATION, DRC[0], UNUSABLE], 1),
        (GET_SENSOR, [ALLOCATION, DRC[0]], 2),
        (SET_INDICATOR, [ALLOCATION, DRC[0], USABLE], 1),
        (EVENT_SCAN, [0x500, 0, EVENT_BUF, EVENT_LEN], 1),
    ] + walk(2)),
    "drc-boot": (MODE_BOOT, DRC[0], [
        (SET_INDICATOR, [ISOLATION, DRC[0], ISOLATE], 1),
        (SET_INDICATOR, [ALLOCATION, DRC[0], UNUSABLE], 1),
        (SET_INDICATOR, [ALLOCATION, DRC[0], USABLE], 1),
        (SET_INDICATOR, [ISOLATION, DRC[0], UNISOLATE], 1),
    ] + walk(16)),
}

here = os.path.dirname(os.path.abspath(__file__))
for name, (kinds, drc, calls) in seeds.items():
    assert len(calls) <= 32, name      # the harness makes at most 32 calls
    with open(os.path.join(here, "corpus", "fuzz-hcall", name), "wb") as f:
        f.write(seed(kinds, drc, calls))

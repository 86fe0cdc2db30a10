#!/usr/bin/env python3
"""tests/fuzz/make_seeds.py [--build BUILD_DIR]: (re)writes the seed corpora
of tests/fuzz/corpus/ (docs/testing.md "Fuzzing").

The record-based targets (mmio_decode, sbi, uart16550, plic, guest_mmio)
get seeds built here from real uses: the instructions, SBI calls and
register sequences of our guests, Linux's 8250 and PLIC drivers and the
unit tests. With --build (a default build with rvh-vp and sw/), the
file-based ones get real artefacts too: the --dump-config output and the
--dump-dtb output of rvh-vp (timing_config, dtb) and a small sw/ ELF with
its debug information stripped (elf_loader). Seeds are named seed_*;
inputs found by fuzzing are kept under other names (crash-*, ...) and are
never touched here.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed_" + name), "wb") as f:
        f.write(data)


# ------------------------------------------------------------ mmio_decode
def mmio_decode():
    def rec(bits, htinst, raw=0x8081828384858687):
        return struct.pack("<IBQ", bits, 1 if htinst else 0, raw)

    insns = {
        "lb_a0": (0x00058503, False),    # lb a0, 0(a1)
        "lbu_a0": (0x0005c503, False),   # lbu a0, 0(a1)
        "lw_a5": (0x0087a783, False),    # lw a5, 8(a5)
        "ld_s0": (0x0004b403, False),    # ld s0, 0(s1)
        "sb_a1": (0x00b50023, False),    # sb a1, 0(a0)
        "sw_a4": (0x00e7a223, False),    # sw a4, 4(a5)
        "sd_ra": (0x00113423, False),    # sd ra, 8(sp)
        "c_lw": (0x4188, False),         # c.lw a0, 0(a1)
        "c_sw": (0xc18c, False),         # c.sw a1, 0(a1)
        "c_ldsp": (0x6502, False),       # c.ldsp a0, 0(sp)
        "amoswap_w": (0x08b5252f, False),  # amoswap.w a0, a1, (a0)
        "flw": (0x0005a007, False),      # flw ft0, 0(a1)
        "hlv_w": (0x6805c573, False),    # hlv.w a0, (a1)
        "ht_sb_a1": (0x00b00023, True),  # transformed sb a1 (hyp_exit_test.cpp)
        "ht_lw_a0": (0x00002503, True),
        "ht_c_sw_a1": (0x00b02021, True),  # transformed c.sw: bit 1 clear
        "ht_c_lw_a0": (0x00002501, True),
        "ht_pseudo": (0x00003000, True),   # implicit VS-stage access
    }
    for name, (bits, ht) in insns.items():
        write("mmio_decode", name, rec(bits, ht))


# ------------------------------------------------------------ sbi
BASE, TIME, IPI, RFENCE = 0x10, 0x54494D45, 0x735049, 0x52464E43
HSM, SRST, DBCN = 0x48534D, 0x53525354, 0x4442434E
# The old benchmark-region extension's EID, served no more (regions are marker
# HINTs now, cpu/marker.h): an unknown extension in the experimental range.
BENCH = 0x08525648
GUEST = 0x80000000
SV39_VSATP = (8 << 60) | (GUEST >> 12)            # Sv39, root table at GUEST
SV39_IDENTITY_GIGAPAGE = ((GUEST >> 12) << 10) | 0xcf  # V R W X A D


def guest_data():
    d = bytearray(64)
    d[0:9] = b"region_a\0"           # benchmark region name at GUEST
    d[16:22] = b"hello\n"            # DBCN buffer at GUEST + 16
    d[32:40] = struct.pack("<Q", 3)  # legacy hart mask at GUEST + 32
    return bytes(d)


def call(eid, fid, *args, vcpu=0):
    a = list(args) + [0] * (6 - len(args))
    return struct.pack("<B8Q", vcpu, *a, fid, eid)


def sbi():
    seeds = {
        "base": [call(BASE, f) for f in range(7)] + [call(BASE, 3, e) for e in (HSM, DBCN, 0x504d55)],
        "time": [call(TIME, 0, 1000), call(TIME, 0, 2**64 - 1), call(TIME, 0, 0)],
        "ipi": [call(IPI, 0, 1, 0), call(IPI, 0, 0, 2**64 - 1), call(IPI, 0, 4, 0)],
        "rfence": [call(RFENCE, 0, 3, 0), call(RFENCE, 1, 1, 0, GUEST, 4096),
                   call(RFENCE, 2, 1, 0, GUEST, 2**64 - 1, 1), call(RFENCE, 3, 1, 0, 0, 0, 1),
                   call(RFENCE, 4, 1, 0, 0, 0), call(RFENCE, 5, 3, 0, 0, 4096, 7), call(RFENCE, 6, 3, 0, 0, 4096)],
        "hsm": [call(HSM, 0, 1, GUEST, 0x1234), call(HSM, 2, 1), call(HSM, 3, 0, vcpu=1),
                call(HSM, 2, 1), call(HSM, 1, vcpu=1), call(HSM, 3, 0x80000000), call(HSM, 3, 0)],
        "srst": [call(SRST, 0, 0, 0)],
        "srst_warm": [call(SRST, 0, 2, 1)],
        "dbcn": [call(DBCN, 0, 6, GUEST + 16, 0), call(DBCN, 1, 4, GUEST + 48, 0), call(DBCN, 2, ord("x"))],
        "legacy": [call(0, 0, 5000), call(1, 0, ord("A")), call(2, 0), call(3, 0), call(4, 0, GUEST + 32),
                   call(5, 0, GUEST + 32), call(6, 0, GUEST + 32, 0, 4096), call(7, 0, GUEST + 32, 0, 4096, 1),
                   call(8, 0)],
        "bench": [call(BENCH, 0, GUEST), call(BASE, 0), call(BENCH, 2, 0), call(BENCH, 1, 1),
                  call(BENCH, 3, 100)],
        "unknown": [call(0x12345678, 0), call(TIME, 9), call(HSM, 2**63)],
    }
    for name, calls in seeds.items():
        write("sbi", name, struct.pack("<Q", 0) + guest_data() + b"".join(calls))
    # The guest's own Sv39 tables: root at GUEST, PTE[2] an identity gigapage
    # for 0x80000000-0xbfffffff; a name and a hart mask after it.
    d = bytearray(64)
    d[16:24] = struct.pack("<Q", SV39_IDENTITY_GIGAPAGE)
    d[32:41] = b"region_b\0"
    d[56:64] = struct.pack("<Q", 1)
    calls = [call(BENCH, 0, GUEST + 32), call(BENCH, 1, 1), call(4, 0, GUEST + 56), call(6, 0, GUEST + 56, 0, 4096),
             call(BENCH, 0, 0x40000000)]
    write("sbi", "sv39_guest_tables", struct.pack("<Q", SV39_VSATP) + bytes(d) + b"".join(calls))


# ------------------------------------------------------------ uart16550
def uart_op(kind, offset, value=0, size=1, settle_after=False):
    sizes = {1: 0, 2: 1, 4: 2, 8: 3}
    op = {"r": 0, "w": 1, "rx": 2, "settle": 3}[kind] | (sizes[size] << 2) | (0x20 if settle_after else 0)
    return struct.pack("<BBB", op, offset & 0xff, value & 0xff)


def uart():
    # Linux 8250 probe and setup, then a received line and an echo.
    linux = [uart_op("w", 3, 0x80), uart_op("w", 0, 1), uart_op("w", 1, 0), uart_op("w", 3, 0x03),
             uart_op("w", 2, 0xc7), uart_op("w", 4, 0x0b), uart_op("w", 1, 0x05, settle_after=True),
             uart_op("r", 2), uart_op("r", 5)]
    linux += [uart_op("rx", 0, c) for c in b"ls\r"] + [uart_op("settle", 0), uart_op("r", 2)]
    linux += [uart_op("r", 0), uart_op("r", 0), uart_op("r", 0), uart_op("r", 5), uart_op("w", 0, ord("l")),
              uart_op("w", 1, 0x07, settle_after=True), uart_op("r", 2, settle_after=True)]
    write("uart16550", "linux_8250", b"".join(linux))
    loop = [uart_op("w", 4, 0x1f, settle_after=True), uart_op("r", 6), uart_op("w", 0, 0x55), uart_op("r", 5),
            uart_op("r", 0), uart_op("w", 4, 0x00), uart_op("r", 6)]
    write("uart16550", "loopback", b"".join(loop))
    over = [uart_op("w", 2, 0x01), uart_op("w", 1, 0x05)] + [uart_op("rx", 0, i) for i in range(20)]
    over += [uart_op("settle", 0), uart_op("r", 2), uart_op("r", 5), uart_op("w", 2, 0x03), uart_op("r", 5)]
    write("uart16550", "overrun", b"".join(over))
    bad = [uart_op("r", 0, size=4), uart_op("w", 7, 0xaa, size=2), uart_op("r", 8), uart_op("w", 0xff, 1),
           uart_op("r", 7), uart_op("w", 7, 0x5a), uart_op("r", 7)]
    write("uart16550", "bad_accesses", b"".join(bad))


# ------------------------------------------------------------ plic
def plic_op(kind, offset=0, value=0, size=4, where=5, line_high=False):
    sizes = {1: 0, 2: 1, 4: 2, 8: 3}
    op = {"r": 0, "w": 1, "line": 2, "settle": 3}[kind] | (sizes[size] << 2) | (where << 4) | (0x80 if line_high else 0)
    return struct.pack("<BII", op, offset, value)


def plic():
    prio = lambda s: 4 * s
    enable = lambda c, w=0: 0x2000 + 0x80 * c + 4 * w
    thr = lambda c: 0x200000 + 0x1000 * c
    claim = lambda c: thr(c) + 4
    # Linux's PLIC driver: S-mode context of hart 0 (1), UART source 10.
    linux = [plic_op("w", prio(10), 1), plic_op("w", enable(1), 1 << 10), plic_op("w", thr(1), 0),
             plic_op("line", 0, 10, line_high=True), plic_op("settle"), plic_op("r", 0x1000), plic_op("r", claim(1)),
             plic_op("line", 0, 10), plic_op("w", claim(1), 10), plic_op("settle"), plic_op("r", claim(1))]
    write("plic", "linux_uart_irq", b"".join(linux))
    many = [plic_op("w", prio(s), s % 8) for s in (1, 31, 32, 33, 63, 64, 95)]
    many += [plic_op("w", enable(c, w), 0xffffffff) for c in range(4) for w in range(3)]
    many += [plic_op("line", 0, s, line_high=True) for s in (1, 31, 32, 33, 63, 64, 95)] + [plic_op("settle")]
    many += [plic_op("w", thr(2), 3), plic_op("r", claim(0)), plic_op("r", claim(2)), plic_op("r", claim(3)),
             plic_op("w", claim(0), 95), plic_op("w", claim(3), 1), plic_op("settle")]
    write("plic", "many_sources", b"".join(many))
    bad = [plic_op("r", 0, size=1), plic_op("w", 2, 7, size=2), plic_op("r", prio(96)), plic_op("w", 0x1000, 1),
           plic_op("r", enable(4)), plic_op("r", claim(4)), plic_op("w", claim(0), 0), plic_op("w", claim(0), 1000),
           plic_op("r", 0x5ffffc), plic_op("r", 0x600000, size=8)]
    write("plic", "bad_accesses", b"".join(bad))


# ------------------------------------------------------------ guest_mmio
def mmio(where, offset, htinst, insn, value, store=False, from_vu=False):
    return struct.pack("<BQIIQ", where | (4 if store else 0) | (8 if from_vu else 0), offset, htinst, insn, value)


def bare(*records):
    """vsatp = 0 (no guest translation), guest data zero, then the records."""
    return struct.pack("<Q", 0) + bytes(64) + b"".join(records)


def guest_mmio():
    UART, PLIC, RAM, GPA = 0, 1, 2, 3
    write("guest_mmio", "uart_htinst", bare(*[
        mmio(UART, 7, 0x00b00023, 0, 0x5a, store=True),   # sb a1 -> SCR
        mmio(UART, 7, 0x00004503, 0, 0),                  # lbu a0 <- SCR
        mmio(UART, 5, 0x00000503, 0, 0),                  # lb a0 <- LSR
        mmio(UART, 0, 0x00b00023, 0, ord("h"), store=True),
        mmio(UART, 0, 0x00b02023, 0, 0, store=True),      # sw: too wide for the UART
    ]))
    write("guest_mmio", "uart_raw_insn", bare(*[
        mmio(UART, 3, 0, 0x00b50023, 0x83, store=True),   # sb a1, 0(a0) fetched from guest memory
        mmio(UART, 0, 0, 0x00058503, 0),                  # lb a0, 0(a1)
        mmio(UART, 4, 0, 0xc18c, 0x10, store=True),       # c.sw: 4 bytes to a 1-byte register
        mmio(UART, 1, 0, 0x4188, 0),                      # c.lw
    ]))
    write("guest_mmio", "plic", bare(*[
        mmio(PLIC, 0x28, 0x00b02023, 0, 1, store=True),   # priority[10] = 1
        mmio(PLIC, 0x2080, 0x00b02023, 0, 1 << 10, store=True),  # enable for context 1
        mmio(PLIC, 0x201004, 0x00002503, 0, 0),           # claim context 1
        mmio(PLIC, 0x201004, 0x00b02023, 0, 10, store=True),  # complete
        mmio(PLIC, 0x201000, 0x00003503, 0, 0),           # ld: too wide
    ]))
    write("guest_mmio", "unmapped_and_ram", bare(*[
        mmio(GPA, 0x20000000, 0x00002503, 0, 0),          # no device: reads 0
        mmio(GPA, 0x20000000, 0x00b02023, 0, 1, store=True),
        mmio(RAM, 0x3000, 0x00002503, 0, 0),              # guest RAM: a G-stage map
        mmio(GPA, 2**41, 0x00002503, 0, 0),               # beyond Sv39x4
        mmio(UART, 1, 0x00001503, 0, 0),                  # lh at an odd address: misaligned
    ]))
    write("guest_mmio", "unsupported", bare(mmio(UART, 0, 0, 0x08b5252f, 0)))  # amoswap.w on MMIO
    # The instruction fetched through the guest's Sv39 tables (an identity
    # gigapage with U set: HLVX from VS faults, from VU reads it); and with
    # an empty root table, where the fetch faults and goes to the guest.
    d = bytearray(64)
    d[16:24] = struct.pack("<Q", SV39_IDENTITY_GIGAPAGE | 0x10)
    write("guest_mmio", "sv39_fetch", struct.pack("<Q", SV39_VSATP) + bytes(d) + b"".join([
        mmio(UART, 7, 0, 0x00b50023, 0x77, store=True),
        mmio(UART, 7, 0, 0x00058503, 0, from_vu=True),
    ]))
    write("guest_mmio", "sv39_fetch_fault", struct.pack("<Q", SV39_VSATP) + bytes(64) + mmio(UART, 7, 0, 0, 0))


# ------------------------------------------------------------ artefacts
# ------------------------------------------------------------ virtio_queue
def virtio_queue():
    # Guest RAM (at 0x80000000): descriptor table 0x000, available ring
    # 0x100, used ring 0x200, an indirect table 0x300, data from 0x400.
    base = 0x80000000
    POP, IRQ, ENABLE, HAS, BUMP, DRAIN = 0, 3, 4, 5, 6, 7

    def desc(addr, length, flags=0, nxt=0):
        return struct.pack("<QIHH", base + addr, length, flags, nxt)

    def seed(name, size, heads, descs, table=(), ops=(), event_idx=False, indirect=False,
             avail_flags=0, used_event=0):
        ram = bytearray(0x800)
        for i, d in descs.items():
            ram[16 * i:16 * i + 16] = d
        for i, d in enumerate(table):
            ram[0x300 + 16 * i:0x310 + 16 * i] = d
        ring = struct.pack("<HH", avail_flags, len(heads)) + b"".join(
            struct.pack("<H", h) for h in heads)
        ram[0x100:0x100 + len(ring)] = ring
        ram[0x104 + 2 * size:0x106 + 2 * size] = struct.pack("<H", used_event)
        flags = (1 if event_idx else 0) | (2 if indirect else 0) | (size.bit_length() - 1) << 4
        ops = (list(ops) + [POP] * 16)[:16]
        write("virtio_queue", name,
              struct.pack("<BHHH", flags, 0, 0x100, 0x200) + bytes(ops) + bytes(ram))

    R, W, N, I = 0, 2, 1, 4  # readable, VIRTQ_DESC_F_WRITE, _NEXT, _INDIRECT
    blk = {0: desc(0x400, 16, N, 1), 1: desc(0x500, 512, N | W, 2), 2: desc(0x700, 1, W)}
    seed("blk_request", 8, [0], blk, ops=[POP, IRQ, ENABLE, HAS, POP])
    seed("blk_event_idx", 8, [0, 0, 0], blk, event_idx=True, used_event=1,
         ops=[POP, IRQ, POP, IRQ, ENABLE, POP, IRQ, HAS])
    seed("no_interrupt", 8, [0], blk, avail_flags=1, ops=[POP, IRQ, BUMP | 1 << 3, POP])
    seed("indirect", 8, [5], {5: desc(0x300, 3 * 16, I)},
         table=[desc(0x400, 16, N, 2), desc(0x700, 1, W), desc(0x500, 512, N | W, 1)],
         indirect=True, event_idx=True, ops=[POP, IRQ, ENABLE, DRAIN])
    seed("direct_then_indirect", 8, [0], {0: desc(0x400, 16, N, 1), 1: desc(0x300, 32, I)},
         table=[desc(0x500, 64, N | W, 1), desc(0x700, 1, W)], indirect=True)
    seed("full_ring", 8, list(range(8)), {i: desc(0x400 + 0x40 * i, 0x40, W) for i in range(8)},
         ops=[DRAIN, IRQ, HAS, BUMP | 8 << 3, DRAIN])
    seed("rng_one_entry", 1, [0], {0: desc(0x400, 64, W)}, ops=[POP, IRQ, BUMP | 1 << 3, POP, IRQ])
    seed("loop", 8, [0], {0: desc(0x400, 16, N, 1), 1: desc(0x400, 16, N, 0)})
    seed("outside_ram", 8, [0], {0: desc(0x10000, 16)})


def artefacts(build, sw):
    rvhvp = os.path.join(build, "rvh-vp")
    dump = subprocess.run([rvhvp, "--dump-config"], check=True, capture_output=True).stdout
    write("timing_config", "dump_config.json", dump)
    dump = subprocess.run([rvhvp, "--dump-config", "--set", "hart.clock_hz=2GHz", "--set", "hyp.mmio_user=6000"],
                          check=True, capture_output=True).stdout
    write("timing_config", "dump_config_set.json", dump)
    for name, args in {"default": [], "smp4_append": ["--smp", "4", "--append", "console=ttyS0 earlycon"]}.items():
        out = os.path.join("/tmp", "rvh-seed.dtb")
        subprocess.run([rvhvp, "--no-stdin", "-m", "64M", *args, "--dump-dtb", out, "--max-insns", "1",
                        os.path.join(sw, "htif_exit_0.elf")], capture_output=True)
        with open(out, "rb") as f:
            write("dtb", name + ".dtb", f.read())
        os.unlink(out)
    out = os.path.join("/tmp", "rvh-seed.elf")
    subprocess.run(["riscv64-unknown-elf-strip", "--strip-debug", "-o", out,
                    os.path.join(sw, "htif_exit_0.elf")], check=True)
    with open(out, "rb") as f:
        write("elf_loader", "htif_exit_0.elf", f.read())
    os.unlink(out)


TINY_S = """
  .section .text.init
  .globl _start
_start:
  li a0, 0x100000
  li a1, 0x5555
  sw a1, 0(a0)
1: j 1b
  .data
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
  .bss
buf: .space 256
"""


def tiny_elves():
    """A 1 KiB RV64 ELF (text, data, bss, tohost) and its RV32 build."""
    src = "/tmp/rvh-seed-tiny.S"
    with open(src, "w") as f:
        f.write(TINY_S)
    for name, march, mabi, strip in (("tiny_rv64.elf", "rv64gc", "lp64d", "--strip-debug"),
                                     ("tiny_rv32.elf", "rv32imac", "ilp32", "-s")):
        elf = "/tmp/rvh-seed-tiny.elf"
        subprocess.run(["riscv64-unknown-elf-gcc", "-march=" + march, "-mabi=" + mabi, "-nostdlib",
                        "-nostartfiles", "-Wl,-Ttext=0x80000000", "-Wl,--build-id=none", "-Wl,-N",
                        "-Wl,--no-warn-rwx-segments", "-o", elf, src], check=True)
        subprocess.run(["riscv64-unknown-elf-strip", strip, "-R", ".riscv.attributes", "-o", elf + ".s", elf],
                       check=True)
        with open(elf + ".s", "rb") as f:
            write("elf_loader", name, f.read())
        os.unlink(elf)
        os.unlink(elf + ".s")
    os.unlink(src)
    write("elf_loader", "raw_binary", struct.pack("<4I", 0x00100537, 0x0005559b, 0x00b52023, 0x0000006f))


def config_text():
    write("timing_config", "nested.json", b'{"hart": {"clock_hz": "1.5GHz", "cpi": {"div": 30}}, "quantum_ns": 500}\n')
    write("timing_config", "dotted.json", b'{"hyp.sbi_call": 200, "ram.dmi_read_ns": 2, "hart.cpi.csr": 3}\n')
    write("timing_config", "stats_report.json", b'{"schema": 2, "config": {"bus": {"latency_ns": 7}}}\n')
    write("timing_config", "set_lines.txt", b"hart.clock_hz=2GHz\nhyp.mmio_user=0x10\ntimebase_hz=10MHz\n")


# ------------------------------------------------------------- gdb_packet
def gdb_packet():
    """Streams a GDB client sends (the packets of a gdb-multiarch 13
    session: connect, threads, stepi, break, watch, memory and register
    writes, monitor, detach), framed, in ack and no-ack mode, plus the bad
    input the stub must survive. Record: chunk-size byte, stop-choice byte,
    the stream."""
    def frame(payload):
        body = b""
        for c in payload:
            body += bytes([0x7d, c ^ 0x20]) if c in b"#$}*" else bytes([c])
        return b"$" + body + b"#" + b"%02x" % (sum(body) & 0xff)

    def stream(packets, acks=True):
        out = b""
        for p in packets:
            out += frame(p) + (b"+" if acks else b"")
        return out

    connect = [b"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;"
               b"vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+",
               b"vMustReplyEmpty", b"Hg0", b"qXfer:features:read:target.xml:0,1000",
               b"qXfer:features:read:target.xml:1000,1000", b"qTStatus", b"?", b"qfThreadInfo",
               b"qsThreadInfo", b"qAttached", b"Hc-1", b"g", b"qThreadExtraInfo,1",
               b"qThreadExtraInfo,2", b"Hg2", b"g", b"Hg1", b"m0,2", b"vCont?"]
    work = [b"vCont;s:1;c", b"g", b"m1000,40", b"Z0,1020,4", b"vCont;c", b"g", b"z0,1020,4",
            b"Z2,1200,4", b"vCont;c", b"z2,1200,4", b"vCont;s:1", b"X1100,0:",
            b"X1100,4:\xaa\x55\x00\x00", b"Pa=0700000000000000", b"p341", b"p1041",
            b"M1100,2:abcd", b"qRcmd,7374617473", b"D"]
    write("gdb_packet", "session_acks", b"\xff\x00" + stream(connect + work))
    write("gdb_packet", "session_noack_chunks",
          b"\x06\x85" + stream([b"QStartNoAckMode"]) + stream(connect + work, acks=False))
    binary = bytes(range(256))
    write("gdb_packet", "binary_write", b"\x00\x01" + stream([b"X1000,100:" + binary, b"m1000,100"]))
    write("gdb_packet", "vcont_threads", b"\x10\x07" + stream(
        [b"vCont;S05:1;C02:-1;s", b"Hc2", b"s", b"c1010", b"C0f;1020", b"vCont;c:1f",
         b"T1f", b"T3", b"Hg1f", b"G" + b"0" * (65 * 16 + 24), b"vCont;t", b"vKill;1"]))
    write("gdb_packet", "bad_input", b"\xff\x42" + b"junk\r\n$g#00-+-" + b"\x03" +
          b"$" + b"a" * 20000 + b"#00" + b"$qfoo$g#67" + stream([b"Z9,0,0", b"m", b"qRcmd,6", b"k"]))
    write("gdb_packet", "interrupt", b"\x03\x02" + stream([b"c"]) + b"\x03" + stream([b"?", b"c"]) +
          b"\x03\x03")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", help="a build directory with rvh-vp (and sw/) for the artefact seeds")
    ap.add_argument("--sw", help="where the sw/ ELFs are (default: BUILD/sw)")
    args = ap.parse_args()
    mmio_decode()
    sbi()
    uart()
    plic()
    guest_mmio()
    config_text()
    gdb_packet()
    virtio_queue()
    if args.build:
        artefacts(args.build, args.sw or os.path.join(args.build, "sw"))
        tiny_elves()
    return 0


if __name__ == "__main__":
    sys.exit(main())

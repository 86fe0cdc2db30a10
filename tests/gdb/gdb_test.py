#!/usr/bin/env python3
"""tests/gdb/gdb_test.py: the GDB stub (--gdb, -S) driven as users drive it,
with Debian's gdb-multiarch in batch mode, and by a raw Remote Serial
Protocol client where timing or malformed input is the point.

usage: gdb_test.py CASE --vp RVH_VP --sw SW_DIR [--bios FW --uboot U_BOOT]
CASE: bare, smp, determinism, uboot, guest, ctrl_c, bad_input
Exit status 0 = pass, 1 = fail, 77 = skipped (firmware not installed)."""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

GDB = "gdb-multiarch"


class Fail(Exception):
    pass


def check(cond, what, context=""):
    if not cond:
        raise Fail(what + ("\n--- context ---\n" + context[-4000:] if context else ""))
    print("ok:", what)


class Simulator:
    """rvh-vp with --gdb 0 (any free port, read back from its stderr)."""

    def __init__(self, vp, args):
        self.proc = subprocess.Popen([vp, "--gdb", "0", "--no-stdin", *args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = bytearray()
        self.err = bytearray()
        self._threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.out), daemon=True),
                         threading.Thread(target=self._pump, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self._threads:
            t.start()
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline and self.port is None:
            m = re.search(rb"GDB stub on 127\.0\.0\.1:(\d+)", bytes(self.err))
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None:
                break
            time.sleep(0.02)
        if self.port is None:
            raise Fail("rvh-vp did not print its GDB port", self.stderr())

    @staticmethod
    def _pump(stream, buf):
        while True:
            chunk = stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096)
            if not chunk:
                return
            buf.extend(chunk)

    def stdout(self):
        return self.out.decode(errors="replace")

    def stderr(self):
        return self.err.decode(errors="replace")

    def wait_stdout(self, pattern, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if re.search(pattern, self.stdout()):
                return True
            if self.proc.poll() is not None:
                return bool(re.search(pattern, self.stdout()))
            time.sleep(0.05)
        return False

    def wait(self, timeout=120):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Fail("rvh-vp did not end", self.stdout() + self.stderr())
        for t in self._threads:
            t.join(5)
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def gdb_batch(port, commands, elf=None, timeout=180, extra=()):
    # No other setting: the stub's target description says what the target is.
    args = [GDB, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off"]
    args += ["-ex", "target remote 127.0.0.1:%d" % port]
    for c in commands:
        args += ["-ex", c]
    if elf:
        args.append(elf)
    p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout, *extra)
    return p.stdout.decode(errors="replace")


def stats_of(path):
    with open(path) as f:
        s = json.load(f)
    return s["instructions"], s["sim_time_ns"], [(h.get("cycles"), h.get("instructions")) for h in s["harts"]]


# ---------------------------------------------------------------- cases


def case_bare(a):
    """Breakpoint, backtrace, step, registers and memory (read and write),
    hardware breakpoint, write and read watchpoints with their address."""
    elf = os.path.join(a.sw, "gdb_demo.elf")
    sim = Simulator(a.vp, [elf, "-S"])
    out = gdb_batch(sim.port, [
        "info registers pc priv",
        "break gdb_bump",
        "continue",
        "bt",
        "p $a0",
        "x/2i $pc",
        "stepi",
        "p/x $pc",
        "x/gx &gdb_magic",
        "set {unsigned long}&gdb_magic = 0xfeedfacecafebeef",
        "x/gx &gdb_magic",
        "set {unsigned long}&gdb_magic = 0x1122334455667788",
        "set $t3 = 0x1234abcd",
        "p/x $t3",
        "p/x $mhartid",
        "p/x $misa",
        "delete",
        "hbreak gdb_bump",
        "continue",
        "p $a0",
        "delete",
        "set debug remote 1",
        "watch gdb_counter",
        "continue",
        "set debug remote 0",
        "p &gdb_counter",
        "delete",
        "rwatch gdb_magic",
        "continue",
        "delete",
        "break gdb_illegal",
        "continue",
        "stepi",
        "p $pc",
        "p/x $mcause",
        "p/x $mepc == (unsigned long)&gdb_illegal",
        "delete",
        "continue",
    ], elf=elf)
    code = sim.wait()
    check("priv           0x3" in out and "prv:3 [Machine]" in out, "priv shows M-mode before the first instruction", out)
    check(re.search(r"Breakpoint 1, gdb_bump \(i=(i@entry=)?0\)", out), "the software breakpoint stops in gdb_bump(0)", out)
    check(re.search(r"#1 .* main \(\)", out), "the backtrace reaches main", out)
    second = re.findall(r"\n   (0x[0-9a-f]+) <gdb_bump\+\d+>:", out)
    check(second and re.search(r"\$\d+ = %s\n" % second[0], out), "stepi runs exactly one instruction", out)
    check(re.search(r"0x1122334455667788", out), "memory reads gdb_magic", out)
    check("0xfeedfacecafebeef" in out, "a memory write reads back", out)
    check("0x1234abcd" in out, "a register write reads back", out)
    check(re.search(r"\$\d+ = 0x0\n", out) is not None, "mhartid reads 0 through the CSR feature", out)
    check(re.search(r"Breakpoint 2, gdb_bump \(i=(i@entry=)?1\)", out), "the hardware breakpoint stops in gdb_bump(1)", out)
    m = re.search(r"\(volatile uint64_t \*\) (0x[0-9a-f]+) <gdb_counter>", out)
    check(m is not None, "the address of gdb_counter is known", out)
    addr = int(m.group(1), 16)
    check(re.search(r"T05thread:0*1;watch:0*%x;" % addr, out), "the stop reply names the watched address", out)
    check(re.search(r"Hardware watchpoint 3: gdb_counter\s+Old value = 0\s+New value = 1", out),
          "the write watchpoint fires with old and new value", out)
    check(re.search(r"Hardware read watchpoint 4: gdb_magic\s+Value = 1234605616436508552", out),
          "the read watchpoint fires on the read of gdb_magic", out)
    check(re.search(r"\$\d+ = \(void \(\*\)\(\)\) 0x[0-9a-f]+ <rvh_m_trap_entry>\n", out),
          "stepi on an illegal instruction stops at the trap handler's first instruction", out)
    check(re.search(r"\$\d+ = 0x2\n\$\d+ = 0x1\n", out), "mcause is 2 and mepc the illegal instruction", out)
    check("exited normally" in out, "the program runs to its end under GDB", out)
    check(code == 0 and "PASS: gdb_demo" in sim.stdout(), "the program still passes its own checks",
          sim.stdout() + sim.stderr())


def case_smp(a):
    """Each hart is a thread: info threads, thread N, registers per thread."""
    elf = os.path.join(a.sw, "gdb_demo.elf")
    sim = Simulator(a.vp, [elf, "-S", "--smp", "2"])
    out = gdb_batch(sim.port, [
        "info threads",
        "break main",
        "continue",
        "info threads",
        "thread 2",
        "p/x $mhartid",
        "thread 1",
        "p/x $mhartid",
        "delete",
        "continue",
    ], elf=elf)
    code = sim.wait()
    check(re.search(r"Thread 1 \(hart 0 \(M\)\)", out) and re.search(r"Thread 2 \(hart 1 \(M", out),
          "info threads lists both harts", out)
    check(re.search(r"Switching to thread 2[^$]*\$\d+ = 0x1\n", out), "thread 2 is hart 1 (mhartid 1)", out)
    check(re.search(r"Switching to thread 1[^$]*\$\d+ = 0x0\n", out), "thread 1 is hart 0 (mhartid 0)", out)
    check(code == 0, "the run ends normally", sim.stdout() + sim.stderr())
    # Two vCPUs of a --hyp guest: a thread each, both stopped at the breakpoint.
    elf = os.path.join(a.sw, "g_ipi.elf")
    sim = Simulator(a.vp, ["--hyp", "--smp", "2", "--kernel", elf, "-S"])
    out = gdb_batch(sim.port, ["break main", "continue", "info threads", "delete", "continue"], elf=elf)
    code = sim.wait()
    check(re.search(r"Thread 1 \(vCPU 0 on hart 0 \(VS\)\)", out) and re.search(r"Thread 2 \(hart 1 \(no vCPU on it\)", out),
          "a --hyp run's two harts are two threads, vCPU 0 on hart 0, hart 1 idle before hart_start", out)
    check(code == 0 and "exited normally" in out and "PASS: g_ipi" in sim.stdout(), "the SMP guest passes under GDB",
          out + sim.stdout())


def run_plain(a, args, stats):
    p = subprocess.run([a.vp, "--no-stdin", "--stats", stats, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return p.returncode


def case_determinism(a):
    """A run stopped at breakpoints (and stepped) and continued ends with
    the instruction count, simulated time and per-hart cycles of a run
    without GDB: bare, and a guest with timer interrupts under --hyp."""
    with tempfile.TemporaryDirectory() as tmp:
        runs = [
            ("bare", [os.path.join(a.sw, "gdb_demo.elf")], "gdb_bump",
             os.path.join(a.sw, "gdb_demo.elf")),
            ("guest", ["--hyp", "--kernel", os.path.join(a.sw, "g_timer.elf")], "g_test_begin",
             os.path.join(a.sw, "g_timer.elf")),
        ]
        for name, args, where, elf in runs:
            plain = os.path.join(tmp, name + "-plain.json")
            debugged = os.path.join(tmp, name + "-gdb.json")
            check(run_plain(a, args, plain) == 0, name + ": the plain run passes")
            sim = Simulator(a.vp, [*args, "-S", "--stats", debugged])
            out = gdb_batch(sim.port, ["break " + where, "continue", "continue", "stepi", "stepi", "continue",
                                        "delete", "continue"], elf=elf)
            code = sim.wait()
            check(code == 0 and "exited normally" in out, name + ": the debugged run passes", out + sim.stderr())
            p, g = stats_of(plain), stats_of(debugged)
            check(p == g, name + ": same instructions, simulated time and cycles per hart (%s vs %s)" % (p, g))


def case_uboot(a):
    """OpenSBI + U-Boot: break at U-Boot's entry, backtrace, continue to the
    prompt, Ctrl-C (SIGINT to gdb) stops it, kill ends the run."""
    if not (os.path.exists(a.bios) and os.path.exists(a.uboot)):
        print("skip: firmware not installed")
        return 77
    sim = Simulator(a.vp, ["--bios", a.bios, "--kernel", a.uboot, "-S"])
    args = [GDB, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
            "-ex", "target remote 127.0.0.1:%d" % sim.port]
    for c in ["break *0x80200000", "continue", "bt", "info registers priv", "p/x $a0", "delete", "continue",
              "info registers priv", "monitor stats", "kill"]:
        args += ["-ex", c]
    g = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        reached = sim.wait_stdout(r"\n=> ", 240)
        check(reached, "U-Boot reaches its prompt under GDB", sim.stdout())
        time.sleep(0.5)
        g.send_signal(signal.SIGINT)
        out = g.communicate(timeout=60)[0].decode(errors="replace")
    finally:
        if g.poll() is None:
            g.kill()
    code = sim.wait(60)
    check(re.search(r"Breakpoint 1, 0x0*80200000 in \?\? \(\)", out), "the breakpoint at U-Boot's entry hits", out)
    check(re.search(r"#0\s+0x0*80200000 in \?\? \(\)", out), "backtrace shows the entry frame", out)
    check("prv:1 [Supervisor]" in out, "U-Boot runs in S-mode", out)
    check("received signal SIGINT" in out, "Ctrl-C in GDB stops the running simulation", out)
    check("instructions:" in out, "monitor stats prints the run statistics so far", out)
    check(code == 137 and "gdb-kill" in sim.stderr(), "kill ends the run (status 137, reason gdb-kill)",
          sim.stderr())


def case_guest(a):
    """A --hyp guest through its vCPU: break in the guest, read a
    guest-virtual address that needs both stages, stop on the next MMIO
    exit (which names its cause), exit statistics, continue to the end."""
    elf = os.path.join(a.sw, "g_debug.elf")
    sim = Simulator(a.vp, ["--hyp", "--kernel", elf, "-S"])
    out = gdb_batch(sim.port, [
        "break g_debug_here",
        "continue",
        "info registers priv",
        "info threads",
        "p/x $vsatp",
        "p/x $hgatp",
        "x/gx 0x40000000 + ((unsigned long)&g_debug_value - 0x80000000)",
        "monitor phys",
        "x/gx 0x40000000 + ((unsigned long)&g_debug_value - 0x80000000)",
        "monitor virt",
        "monitor stop-on-exit 23",
        "continue",
        "x/i $pc",
        "stepi",
        "x/i $pc",
        "info registers priv",
        "monitor exits",
        "delete",
        "continue",
    ], elf=elf)
    code = sim.wait()
    check(re.search(r"Breakpoint 1, .*g_debug_here", out), "the breakpoint in the guest hits", out)
    check(re.search(r"priv\s+0x101\s+prv:1 \[Supervisor\]", out), "priv shows VS (S with the V bit, 0x101)", out)
    check("vCPU 0 on hart 0 (VS)" in out, "the thread is the vCPU, in VS-mode", out)
    check(re.search(r":\s+0x5eed5eedc0ffee00", out), "a guest-virtual alias is read through two stages", out)
    check(re.search(r"Cannot access memory at address 0x4", out), "monitor phys: the same address is not RAM", out)
    check(re.search(r"VM exit on hart 0: store guest-page fault \(scause 0x17", out),
          "the stop on the next MMIO exit names its cause", out)
    m = re.search(r"=> (0x[0-9a-f]+) <main\+\d+>:\s+sb\s", out)
    check(m is not None, "it stops at the guest's store to the UART", out)
    after = int(m.group(1), 16) + 4
    check(re.search(r"=> 0x0*%x <main\+\d+>:" % after, out), "stepi across the VM exit stops at the next instruction", out)
    check(len(re.findall(r"priv\s+0x101", out)) == 2, "after the step the vCPU is back in VS-mode", out)
    check(re.search(r"exits", out) and "mmio" in out.lower(), "monitor exits shows the hypervisor's exit statistics",
          out)
    check(code == 0 and "exited normally" in out and "PASS: g_debug" in sim.stdout(), "the guest passes", out)


class RawClient:
    """A minimal RSP client (acks on) for timing and malformed input."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""

    def send_raw(self, data):
        self.s.sendall(data)

    def packet(self, body):
        cs = sum(body.encode()) & 0xff
        self.send_raw(b"$" + body.encode() + b"#%02x" % cs)

    def read_until(self, pred, timeout=30):
        self.s.settimeout(timeout)
        while not pred(self.buf):
            chunk = self.s.recv(4096)
            if not chunk:
                raise Fail("the stub closed the connection", self.buf.decode(errors="replace"))
            self.buf += chunk

    def reply(self, timeout=30):
        """The next $...#xx packet (acked), skipping acks."""
        self.read_until(lambda b: re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", b) is not None, timeout)
        m = re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", self.buf)
        self.buf = self.buf[m.end():]
        self.send_raw(b"+")
        return m.group(1).decode(errors="replace")

    def ask(self, body):
        self.packet(body)
        return self.reply()

    def close(self):
        self.s.close()


def case_ctrl_c(a):
    """0x03 while running stops the simulation within 100 ms of host time
    (U-Boot spinning at its prompt), and the stop reply says SIGINT."""
    if not (os.path.exists(a.bios) and os.path.exists(a.uboot)):
        print("skip: firmware not installed")
        return 77
    sim = Simulator(a.vp, ["--bios", a.bios, "--kernel", a.uboot, "-S"])
    try:
        c = RawClient(sim.port)
        check(c.ask("?").startswith("T05"), "the target is stopped when GDB attaches")
        c.packet("vCont;c")
        check(sim.wait_stdout(r"\n=> ", 240), "U-Boot reaches its prompt", sim.stdout())
        worst = 0.0
        for _ in range(5):
            time.sleep(0.3)
            t0 = time.monotonic()
            c.send_raw(b"\x03")
            stop = c.reply()
            worst = max(worst, time.monotonic() - t0)
            check(stop.startswith("T02"), "Ctrl-C stops with SIGINT (%s)" % stop)
            c.packet("vCont;c")
        print("worst Ctrl-C latency: %.1f ms" % (worst * 1000))
        check(worst < 0.1, "Ctrl-C latency %.1f ms < 100 ms" % (worst * 1000))
        c.send_raw(b"\x03")
        c.reply()
        c.packet("k")
        c.close()
    finally:
        code = sim.wait(60)
    check(code == 137, "k ends the run", sim.stderr())


def case_bad_input(a):
    """Junk, bad checksums, oversized and unknown packets, unmapped memory,
    a second client and a client that vanishes: clear messages, the
    simulation stays consistent and runs on to its own end."""
    elf = os.path.join(a.sw, "gdb_demo.elf")
    sim = Simulator(a.vp, [elf, "-S"])
    c = RawClient(sim.port)
    c.send_raw(b"garbage without framing")
    c.send_raw(b"$g#00")  # wrong checksum
    c.read_until(lambda b: b"-" in b, 10)
    check(True, "a bad checksum gets a nack")
    c.buf = b""
    check(c.ask("qThisIsNotAPacket") == "", "an unknown packet gets the empty reply")
    check(c.ask("m0,8").startswith("E"), "reading unmapped memory is an error reply")
    check(c.ask("mffffffffffff0000,10").startswith("E"), "reading a wild address is an error reply")
    check(c.ask("M80000000,zz:12").startswith("E"), "a malformed write is an error reply")
    check(c.ask("p99999").startswith("E") or c.ask("p99999") == "", "an unknown register is refused")
    c.packet("X" + "1" * 70000)  # more than PacketSize
    check(c.reply().startswith("E"), "an oversized packet gets an error reply")
    check(c.ask("g").startswith("0000"), "the stub still answers after an oversized packet")
    # A second client is refused while the first is connected.
    second = socket.create_connection(("127.0.0.1", sim.port), timeout=10)
    second.settimeout(10)
    try:
        data = second.recv(100)
    except ConnectionResetError:
        data = b""
    second.close()
    check(data == b"", "a second client is refused")
    check(c.ask("qC").startswith("QC"), "the first client keeps working")
    c.close()  # vanishes while the target is halted
    code = sim.wait()
    err = sim.stderr()
    check("refused" in err, "the refusal is reported on stderr", err)
    check("disconnected" in err, "the disconnect is reported on stderr", err)
    check(code == 0 and "PASS: gdb_demo" in sim.stdout(), "the simulation runs on to its own end", err)
    # Bad option values.
    p = subprocess.run([a.vp, "--gdb", "70000", elf], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 2 and b"--gdb 70000" in p.stderr, "--gdb 70000 is refused with a clear message")
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    busy = blocker.getsockname()[1]
    p = subprocess.run([a.vp, "--gdb", str(busy), elf], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    blocker.close()
    check(p.returncode != 0 and b"--gdb" in p.stderr and b"in use" in p.stderr,
          "a port in use is a clear error", p.stderr.decode())


CASES = {"bare": case_bare, "smp": case_smp, "determinism": case_determinism, "uboot": case_uboot,
         "guest": case_guest, "ctrl_c": case_ctrl_c, "bad_input": case_bad_input}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("--vp", required=True)
    ap.add_argument("--sw", required=True)
    ap.add_argument("--bios", default="/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf")
    ap.add_argument("--uboot", default="/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin")
    a = ap.parse_args()
    try:
        rc = CASES[a.case](a)
    except Fail as e:
        print("FAIL:", e)
        return 1
    except subprocess.TimeoutExpired as e:
        print("FAIL: timeout:", e)
        return 1
    if rc == 77:
        return 77
    print("PASS:", a.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())

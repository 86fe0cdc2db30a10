#!/usr/bin/env python3
"""tests/vms_test.py: several VMs on shared harts (--vm; docs/hypervisor.md
"Several VMs"), checked as a user sees them: each VM's console, its exit
status in the summary and --stats, the scheduler's counters.

usage: vms_test.py CASE --vp RVH_VP --sw DIR [--uboot U_BOOT] [--linux IMAGE]
CASE: uboot_pair_1hart, uboot_pair_2harts, linux_uboot, three_vms, consoles, per_vm_config, busy_neighbour, isolation,
      failing_vm, determinism, vmid_whatif
Exit status 0 = pass, 1 = fail, 77 = skipped (firmware or image missing)."""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_test import Fail, PipeRun, SocketClient, check, to_prompt  # noqa: E402


def stats_of(path):
    with open(path) as f:
        return json.load(f)


def connect_unix(path, timeout=30):
    deadline = time.time() + timeout
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return SocketClient(s)
        except OSError:
            s.close()
            if time.time() > deadline:
                raise Fail("nobody listens on %s" % path)
            time.sleep(0.1)


def run(vp, args, timeout=300):
    p = subprocess.run([vp, "--hyp", "--no-stdin", *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def vm_stats(st, n):
    return st["hypervisor"]["vms"][n]


def uboot_pair(a, tmp, harts):
    """Two U-Boot guests, each driven through its own console to 'version' and 'poweroff'."""
    socks = [os.path.join(tmp, "vm%d.sock" % n) for n in range(2)]
    stats = os.path.join(tmp, "stats.json")
    r = PipeRun(a.vp, ["--hyp", "--no-stdin", "--smp", str(harts), "--stats", stats] +
                sum((["--vm", "kernel=%s,console=unix:%s,server" % (a.uboot, s)] for s in socks), []))
    try:
        clients = []
        for n, s in enumerate(socks):
            r.err.expect(rb"listening on unix:.*vm%d\.sock, waiting" % n, 30, "vm%d's console listening" % n)
            clients.append(connect_unix(s))
        for n, c in enumerate(clients):
            to_prompt(c, "vm%d's U-Boot prompt" % n)
        for n, c in enumerate(clients):
            c.send(b"version\r")
            c.expect(rb"U-Boot 20\d\d\.\d\d", 20, "vm%d answers 'version'" % n)
            c.expect(rb"=> ", 20, "vm%d's prompt again" % n)
        clients[1].send(b"poweroff\r")
        r.err.expect(rb"vm1 stopped: shutdown \(exit status 0\)", 60, "vm1 powered off on its own")
        clients[0].send(b"echo still-here\r")
        clients[0].expect(rb"\r\nstill-here\r\n", 30, "vm0 runs on after vm1 stopped")
        clients[0].send(b"poweroff\r")
        rc = r.wait(120)
        check(rc == 0, "both powered off: exit status 0 (got %d)" % rc, r.err.text())
        check(b"stopped by: vms: every VM stopped" in r.err.buf, "the run ends when every VM has stopped")
        st = stats_of(stats)
        for n in range(2):
            check(vm_stats(st, n)["stopped"]["exit_code"] == 0 and vm_stats(st, n)["stopped"]["reason"] == "shutdown",
                  "--stats: vm%d stopped by shutdown, exit 0" % n)
        sch = st["hypervisor"]["scheduler"]
        check(sch["harts"] == harts and sch["vcpus"] == 2, "--stats: scheduler of %d harts, 2 vCPUs" % harts)
        if harts == 1:
            check(sch["vm_switches"] > 0, "one hart: VM switches counted (%d)" % sch["vm_switches"])
        for c in clients:
            c.sock.close()
    finally:
        r.close()
    return 0


def case_linux_uboot(a, tmp):
    """A Linux guest next to a U-Boot guest on one hart."""
    if not a.linux or not os.path.exists(a.linux):
        print("skipped: no Linux image (the linux_image fixture)")
        return 77
    sock = os.path.join(tmp, "uboot.sock")
    stats = os.path.join(tmp, "stats.json")
    r = PipeRun(a.vp, ["--hyp", "--no-stdin", "--stats", stats,
                       "--vm", "kernel=%s,mem=256M,append=console=ttyS0 earlycon=sbi" % a.linux,
                       "--vm", "kernel=%s,console=unix:%s,server,nowait" % (a.uboot, sock)])
    try:
        c = connect_unix(sock)
        c.send(b"\r")  # its autoboot countdown may be over already: a key or the prompt
        c.expect(rb"=> ", 120, "U-Boot's prompt next to Linux")
        c.send(b"version\r")
        c.expect(rb"U-Boot 20\d\d\.\d\d", 60, "U-Boot answers 'version'")
        r.out.expect(rb"RVH-LINUX-INIT: done", 600, "Linux's /init finished")
        r.err.expect(rb"vm0 stopped: shutdown \(exit status 0\)", 120, "Linux powered off")
        c.send(b"poweroff\r")
        rc = r.wait(120)
        check(rc == 0, "exit status 0 (got %d)" % rc, r.err.text())
        out = r.out.text()
        for marker in ("RVH-LINUX-INIT: hello from /init", "RVH-LINUX-INIT: child ok", "RVH-LINUX-INIT: processors: 1"):
            check(marker in out, "Linux printed '%s'" % marker, out)
        check("RVH-LINUX-INIT: FAIL" not in out, "/init reported no failure", out)
        st = stats_of(stats)
        check(st["hypervisor"]["scheduler"]["vm_switches"] > 0, "VM switches counted")
        c.sock.close()
    finally:
        r.close()
    return 0


def case_three_vms(a, tmp):
    """Three VMs of two vCPUs each on two harts: every guest passes."""
    stats = os.path.join(tmp, "stats.json")
    rc, out, err = run(a.vp, ["--smp", "2", "--stats", stats,
                              "--vm", "kernel=%s/g_ipi.elf,smp=2" % a.sw,
                              "--vm", "kernel=%s/g_hsm_suspend.elf,smp=2" % a.sw,
                              "--vm", "kernel=%s/g_ipi.elf,smp=2" % a.sw])
    check(rc == 0, "exit status 0 (got %d)" % rc, err)
    lines = out.splitlines()
    check("PASS: g_ipi (31 checks)" in lines, "vm0 (g_ipi) passes on the terminal", out)
    check(any(l.startswith("vm1| PASS: g_hsm_suspend") for l in lines), "vm1 (g_hsm_suspend) passes, prefixed", out)
    check("vm2| PASS: g_ipi (31 checks)" in lines, "vm2 (g_ipi) passes, prefixed", out)
    st = stats_of(stats)
    check(len(st["hypervisor"]["vms"]) == 3 and st["hypervisor"]["scheduler"]["vcpus"] == 6, "--stats: 3 VMs, 6 vCPUs")
    vmids = [v["config"]["vmid"] for v in st["hypervisor"]["vms"]]
    check(len(set(vmids)) == 3, "each VM has its own VMID (%s)" % vmids)
    check(len(st["hypervisor"]["vcpus"]) == 6 and all("vm" in v for v in st["hypervisor"]["vcpus"]),
          "--stats: every vCPU listed with its VM")
    return 0


def case_consoles(a, tmp):
    """console=stdio takes the terminal from VM 0; console=file:PATH goes to the file."""
    path = os.path.join(tmp, "vm2.txt")
    rc, out, err = run(a.vp, ["--vm", "kernel=%s/g_timer.elf" % a.sw,
                              "--vm", "kernel=%s/g_smoke_all.elf,console=stdio" % a.sw,
                              "--vm", "kernel=%s/g_sbi_base.elf,console=file:%s" % (a.sw, path)])
    check(rc == 0, "exit status 0 (got %d)" % rc, err)
    lines = out.splitlines()
    check("vm0| PASS: g_timer (25 checks)" in lines, "vm0 on the terminal with its prefix", out)
    check(any(l.startswith("PASS: g_smoke_all") for l in lines), "vm1 (console=stdio) unprefixed", out)
    check("g_sbi_base" not in out, "vm2's console is not on the terminal", out)
    with open(path) as f:
        text = f.read()
    check("PASS: g_sbi_base" in text, "vm2's console went to its file", text)
    return 0


def case_per_vm_config(a, tmp):
    """config=FILE: hyp.* keys for one VM's exits only."""
    cfg = os.path.join(tmp, "slow.json")
    with open(cfg, "w") as f:
        json.dump({"hyp": {"mmio_user": 6000}}, f)
    stats = os.path.join(tmp, "stats.json")
    rc, out, err = run(a.vp, ["--stats", stats,
                              "--vm", "kernel=%s/g_noisy_mmio.elf,append=noisy_ms=5" % a.sw,
                              "--vm", "kernel=%s/g_noisy_mmio.elf,config=%s,append=noisy_ms=5" % (a.sw, cfg)])
    check(rc == 0, "exit status 0 (got %d)" % rc, err)
    st = stats_of(stats)
    for n, want in ((0, None), (1, 6000)):
        v = vm_stats(st, n)
        exits = v["vm"]["mmio_exit_user"]
        per_exit = v["vm"]["cost_cycles"]["mmio_user"] / exits
        check(exits > 100, "vm%d made MMIO exits (%d)" % (n, exits))
        if want:
            check(v["costs"]["mmio_user"] == want and per_exit == want, "vm1 pays its own hyp.mmio_user (%g)" % per_exit)
        else:
            check(v["costs"]["mmio_user"] != 6000 and per_exit == v["costs"]["mmio_user"],
                  "vm0 keeps the default hyp.mmio_user (%g)" % per_exit)
    rc, out, err = run(a.vp, ["--vm", "kernel=%s/g_timer.elf,config=%s/missing.json" % (a.sw, tmp)])
    check(rc == 2 and "missing.json" in err, "a config= file that cannot be read: exit 2 naming it", err)
    return 0


def case_busy_neighbour(a, tmp):
    """Timer tests next to a VM that keeps the hart busy; a VM that can never wake ends the run as stuck."""
    rc, out, err = run(a.vp, ["--vm", "kernel=%s/g_timer.elf" % a.sw,
                              "--vm", "kernel=%s/g_noisy_mmio.elf,append=noisy_ms=50" % a.sw], timeout=120)
    check(rc == 0, "g_timer next to the noisy VM: exit status 0 (got %d)" % rc, err + out)
    check("PASS: g_timer (25 checks)" in out, "every timer interrupt reached g_timer, SBI, legacy and Sstc", out)
    check("timer interrupt latency (deadline to guest handler)" in err, "its timer latency in the summary", err)
    rc, out, err = run(a.vp, ["--vm", "kernel=%s/g_wfi_stuck.elf" % a.sw,
                              "--vm", "kernel=%s/g_noisy_mmio.elf,append=noisy_ms=20" % a.sw], timeout=120)
    check(rc == 4, "a VM waiting for nothing after its neighbour stopped: stuck, status 4 (got %d)" % rc, err)
    check("rvh-vp:   vm0 vCPU 0: off the harts at pc" in err and "hart0: idle, no vCPU can run" in err,
          "the stuck report names the waiting vCPU and the idle hart", err)
    return 0


def case_isolation(a, tmp):
    """An attacker VM next to a victim VM, on one hart and on two: contained."""
    for harts in (1, 2):
        rc, out, err = run(a.vp, ["--smp", str(harts),
                                  "--vm", "kernel=%s/g_vm_victim.elf,append=victim_ms=1000" % a.sw,
                                  "--vm", "kernel=%s/g_vm_attacker.elf" % a.sw])
        check(rc == 0, "%d hart(s): exit status 0 (got %d)" % (harts, rc), err + out)
        check("VICTIM PASS pattern intact, 0 IPIs" in out, "%d hart(s): the victim's memory intact, no IPI" % harts, out)
        check("vm1| ATTACKER PASS contained" in out, "%d hart(s): the attacker found nothing" % harts, out)
    return 0


def case_failing_vm(a, tmp):
    """A VM that stops with an error stops only itself; the overall status is its."""
    stats = os.path.join(tmp, "stats.json")
    rc, out, err = run(a.vp, ["--stats", stats, "--vm", "kernel=%s/g_timer.elf" % a.sw,
                              "--vm", "kernel=%s/g_gpa_beyond.elf,smp=2" % a.sw])
    check(rc != 0, "the run's status is non-zero (got %d)" % rc, err)
    check("PASS: g_timer" in out, "vm0 runs to its end next to the failing VM", out)
    check("rvh-vp: vm1 stopped:" in err and "rvh-vp: vm0 stopped: shutdown (exit status 0)" in err,
          "each VM's stop on stderr", err)
    st = stats_of(stats)
    check(vm_stats(st, 0)["stopped"]["exit_code"] == 0 and vm_stats(st, 1)["stopped"]["exit_code"] == rc,
          "--stats: vm0 exit 0, vm1 exit %d" % rc)
    return 0


def headline(path):
    st = stats_of(path)
    return (st["instructions"], st["sim_time_ns"],
            [(v["vm"]["exits"], v["vm"]["guest_instructions"], v["vm"]["cycles"]) for v in st["hypervisor"]["vms"]],
            st["hypervisor"]["scheduler"])


def case_determinism(a, tmp):
    """The same two-VM run twice: the same figures."""
    figures = []
    for i in range(2):
        stats = os.path.join(tmp, "s%d.json" % i)
        rc, out, err = run(a.vp, ["--smp", "2", "--stats", stats,
                                  "--vm", "kernel=%s/g_timer.elf" % a.sw,
                                  "--vm", "kernel=%s/g_ipi.elf,smp=2" % a.sw,
                                  "--vm", "kernel=%s/g_noisy_mmio.elf,append=noisy_ms=20" % a.sw])
        check(rc == 0, "run %d: exit status 0" % i, err)
        figures.append(headline(stats))
    check(figures[0] == figures[1], "identical instructions, simulated time, per-VM exits and scheduler counts",
          "%s\n%s" % tuple(figures))
    return 0


def case_vmid_whatif(a, tmp):
    """hyp.vmid_bits=0: every VM switch flushes the G-stage TLB, refills go up."""
    res = {}
    for bits in (14, 0):
        stats = os.path.join(tmp, "v%d.json" % bits)
        rc, out, err = run(a.vp, ["--stats", stats, "--set", "hyp.vmid_bits=%d" % bits,
                                  "--vm", "kernel=%s/g_vm_victim.elf,append=victim_ms=100" % a.sw,
                                  "--vm", "kernel=%s/g_noisy_mmio.elf,append=noisy_ms=100" % a.sw])
        check(rc == 0, "vmid_bits=%d: exit status 0" % bits, err)
        st = stats_of(stats)
        res[bits] = (st["hypervisor"]["scheduler"], sum(h["tlb_refills"] for h in st["harts"]),
                     sum(h["pte_reads"] for h in st["harts"]), st["hypervisor"]["vm"]["cost_cycles"])
    on, off = res[14], res[0]
    check(on[0]["vm_switches"] > 10 and off[0]["vm_switches"] > 10, "VM switches in both runs")
    check(on[0]["gstage_flushes"] == 0, "with VMIDs: no G-stage flush")
    check(off[0]["gstage_flushes"] == off[0]["vm_switches"], "vmid_bits=0: one flush per VM switch (%d)" % off[0]["gstage_flushes"])
    check(off[1] > on[1], "vmid_bits=0: more TLB refills (%d > %d)" % (off[1], on[1]))
    check(off[2] > on[2], "vmid_bits=0: more page-table reads (%d > %d)" % (off[2], on[2]))
    check(off[3].get("gstage_flush", 0) > 0 and "gstage_flush" not in on[3], "hyp.gstage_flush charged only without VMIDs")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--vp", required=True)
    ap.add_argument("--sw", required=True)
    ap.add_argument("--uboot", default="/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin")
    ap.add_argument("--linux", default="")
    a = ap.parse_args()
    if a.case.startswith("uboot") or a.case == "linux_uboot":
        if not os.path.exists(a.uboot):
            print("skipped: %s is not installed (apt-get install u-boot-qemu)" % a.uboot)
            return 77
    cases = {"uboot_pair_1hart": lambda a, t: uboot_pair(a, t, 1), "uboot_pair_2harts": lambda a, t: uboot_pair(a, t, 2),
             "linux_uboot": case_linux_uboot, "three_vms": case_three_vms, "consoles": case_consoles, "per_vm_config": case_per_vm_config, "busy_neighbour": case_busy_neighbour, "isolation": case_isolation,
             "failing_vm": case_failing_vm, "determinism": case_determinism, "vmid_whatif": case_vmid_whatif}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            rc = cases[a.case](a, tmp)
        except Fail as e:
            print("FAIL:", e)
            return 1
    if rc == 0:
        print("PASS:", a.case)
    return rc


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# scripts/demo.sh: the main job.
#  1. `rvh-vp bench`: what each kind of VM exit costs (docs/benchmarks.md).
#  2. Debian's U-Boot as a guest of the hosted hypervisor, driven through its
#     console (version, bdinfo, reset), writing a timeline (open it in
#     ui.perfetto.dev), an HTML report and its stats (docs/reports.md).
#  3. A guest from sw/guest (g_smoke_all) that exercises every exit class
#     once: SBI calls of each extension, MMIO to the virtual UART and PLIC,
#     WFI, an emulated CSR, traps redirected to the guest, a guest-page fault
#     and an instruction access fault. It ends with the run summary, the VM
#     exit statistics and the cost breakdown in simulated cycles.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== 1. rvh-vp bench =="
build/rvh-vp bench
echo
echo "== 2. U-Boot as a guest: build/demo-timeline.json, build/demo-report.html =="
build/console_driver tests/firmware/uboot_guest.script -- \
  build/rvh-vp --hyp --kernel /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin \
               --stats build/demo-uboot-stats.json --timeline build/demo-timeline.json \
               --report build/demo-report.html >build/demo-uboot.log 2>&1 ||
  { echo "demo: the U-Boot guest run failed; see build/demo-uboot.log" >&2; exit 1; }
grep -E "^(stopped by|simulated time|  exits |guest vs hypervisor)" build/demo-uboot.log || true
echo "timeline: build/demo-timeline.json (ui.perfetto.dev), report: build/demo-report.html"
echo
echo "== 3. g_smoke_all: every exit class, with its cost report =="
exec build/rvh-vp --no-stdin --hyp --kernel build/sw/g_smoke_all.elf --stats build/demo-stats.json

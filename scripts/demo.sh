#!/usr/bin/env bash
# scripts/demo.sh: the main job. Runs the hosted hypervisor with a guest from
# sw/guest (g_smoke_all) that exercises every exit class once: SBI calls of
# each extension, MMIO to the virtual UART and PLIC, WFI, an emulated CSR,
# traps redirected to the guest, a guest-page fault and an instruction access
# fault. It ends with the run summary, the VM exit statistics and the cost
# breakdown in simulated cycles.
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/rvh-vp --no-stdin --hyp --kernel build/sw/g_smoke_all.elf --stats build/demo-stats.json

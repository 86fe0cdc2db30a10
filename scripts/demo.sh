#!/usr/bin/env bash
# scripts/demo.sh: the main job. Boots Debian's OpenSBI 1.1 and U-Boot on
# rvh-vp, types a few commands at the U-Boot prompt, powers off, and ends
# with the run summary (instructions per mode, simulated time, MIPS).
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/console_driver tests/firmware/demo.script -- \
  build/rvh-vp --bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf \
               --kernel /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin \
               --stats build/demo-stats.json

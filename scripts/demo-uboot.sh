#!/usr/bin/env bash
# scripts/demo-uboot.sh: boots Debian's OpenSBI 1.1 and U-Boot on the bare
# platform, types a few commands at the U-Boot prompt, powers off, and ends
# with the run summary.
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/console_driver tests/firmware/demo.script -- \
  build/rvh-vp --bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf \
               --kernel /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin

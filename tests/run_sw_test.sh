#!/bin/sh
# run_sw_test.sh <runner> <elf> <name>
#   runner: "qemu" (qemu-system-riscv64 -M virt, see below) or the path of a
#           simulator executable run as "<runner> <elf>" (e.g. build/rvh-vp).
# Passes (exit 0) when the program exits with status 0 and its output
# contains "PASS: <name>". Exits 77 (ctest SKIP_RETURN_CODE) when the runner
# is not installed.
# Environment: RVH_SW_TIMEOUT (seconds, default 60), RVH_QEMU (default
# qemu-system-riscv64), RVH_QEMU_CPU (default rv64).
set -u
if [ $# -ne 3 ]; then
  echo "usage: $0 <qemu|simulator> <elf> <name>" >&2
  exit 2
fi
runner=$1 elf=$2 name=$3
tmo=${RVH_SW_TIMEOUT:-60}

if [ ! -f "$elf" ]; then
  echo "run_sw_test: $elf not found (build the sw_all target)" >&2
  exit 1
fi

if [ "$runner" = qemu ]; then
  qemu=${RVH_QEMU:-qemu-system-riscv64}
  if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "run_sw_test: SKIP: $qemu not installed (Debian: apt install qemu-system-misc)"
    exit 77
  fi
  set -- "$qemu" -M virt -cpu "${RVH_QEMU_CPU:-rv64}" -smp 1 -m 128M \
         -nographic -bios none -kernel "$elf"
else
  if [ ! -x "$runner" ]; then
    echo "run_sw_test: SKIP: simulator $runner not found"
    exit 77
  fi
  set -- "$runner" "$elf"
fi

echo "run_sw_test: $*"
out=$(timeout "$tmo" "$@" </dev/null 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -eq 124 ]; then
  echo "run_sw_test: FAIL: $name timed out after ${tmo}s"
  exit 1
fi
if [ $rc -ne 0 ]; then
  echo "run_sw_test: FAIL: $name exited with status $rc"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -q "^PASS: $name\b"; then
  echo "run_sw_test: FAIL: output lacks \"PASS: $name\""
  exit 1
fi
exit 0

#!/bin/sh
# run_guest_test.sh <qemu|bare|hyp> <runner> <elf> <name>
#   qemu: <runner> is ignored ("qemu"); runs
#         qemu-system-riscv64 -M virt -cpu $RVH_QEMU_CPU -smp n -m 256M
#           -nographic -bios fw_jump.elf -kernel <elf>
#   bare: <runner> = rvh-vp; runs rvh-vp --no-stdin --smp n --bios fw_jump.elf --kernel <elf>
#   hyp:  <runner> = rvh-vp; runs rvh-vp --no-stdin --smp n --hyp --kernel <elf>
# Passes (exit 0) when the run exits with status 0 and prints
# "PASS: <name>". Exits 77 (ctest SKIP_RETURN_CODE) when QEMU, OpenSBI or
# rvh-vp are missing, or (hyp) when rvh-vp --help does not mention --hyp.
# Environment: RVH_GUEST_TIMEOUT (s, default 60), RVH_GUEST_SMP (default 1),
# RVH_QEMU (default qemu-system-riscv64), RVH_QEMU_CPU (default rv64),
# RVH_OPENSBI (default Debian's generic fw_jump.elf).
set -u
if [ $# -ne 4 ]; then
  echo "usage: $0 <qemu|bare|hyp> <runner> <elf> <name>" >&2
  exit 2
fi
mode=$1 runner=$2 elf=$3 name=$4
tmo=${RVH_GUEST_TIMEOUT:-60}
smp=${RVH_GUEST_SMP:-1}
fw=${RVH_OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf}

if [ ! -f "$elf" ]; then
  echo "run_guest_test: $elf not found (build the sw_all target)" >&2
  exit 1
fi

case $mode in
qemu)
  qemu=${RVH_QEMU:-qemu-system-riscv64}
  if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "run_guest_test: SKIP: $qemu not installed (Debian: apt install qemu-system-misc)"
    exit 77
  fi
  if [ ! -f "$fw" ]; then
    echo "run_guest_test: SKIP: OpenSBI $fw not found (Debian: apt install opensbi)"
    exit 77
  fi
  set -- "$qemu" -M virt -cpu "${RVH_QEMU_CPU:-rv64}" -smp "$smp" -m 256M \
         -nographic -bios "$fw" -kernel "$elf"
  ;;
bare|hyp)
  if [ ! -x "$runner" ]; then
    echo "run_guest_test: SKIP: simulator $runner not found"
    exit 77
  fi
  if [ "$mode" = bare ]; then
    if [ ! -f "$fw" ]; then
      echo "run_guest_test: SKIP: OpenSBI $fw not found (Debian: apt install opensbi)"
      exit 77
    fi
    set -- "$runner" --no-stdin --smp "$smp" --bios "$fw" --kernel "$elf"
  else
    if ! "$runner" --help 2>&1 | grep -q -e '--hyp'; then
      echo "run_guest_test: SKIP: $runner has no --hyp option"
      exit 77
    fi
    set -- "$runner" --no-stdin --smp "$smp" --hyp --kernel "$elf"
  fi
  ;;
*)
  echo "run_guest_test: unknown mode $mode" >&2
  exit 2
  ;;
esac

echo "run_guest_test: $*"
out=$(timeout "$tmo" "$@" </dev/null 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -eq 124 ]; then
  echo "run_guest_test: FAIL: $name timed out after ${tmo}s"
  exit 1
fi
if [ $rc -ne 0 ]; then
  echo "run_guest_test: FAIL: $name exited with status $rc"
  exit 1
fi
if ! printf '%s\n' "$out" | tr -d '\r' | grep -q "^PASS: $name\b"; then
  echo "run_guest_test: FAIL: output lacks \"PASS: $name\""
  exit 1
fi
exit 0

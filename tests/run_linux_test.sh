#!/bin/sh
# run_linux_test.sh <bare|guest> <rvh-vp> <Image> <smp>
#   bare:  rvh-vp --no-stdin --smp N -m 256M --bios fw_jump.elf --kernel Image
#            --append "console=ttyS0 earlycon=sbi"
#   guest: rvh-vp --no-stdin --smp N --hyp --guest-memory 256M --kernel Image
#            --append "console=ttyS0 earlycon=sbi"
# Boots the Linux workload from sw/linux (build.sh) and checks its output,
# never the exit code alone:
#   - "RVH-LINUX-INIT: done" and "RVH-LINUX-INIT: child ok" from /init
#   - "RVH-LINUX-INIT: processors: N" with N = smp
#   - the power-off: the run summary says "stopped by: pass" (bare: OpenSBI
#     powers off through the syscon/test finisher) or "stopped by: vm: shutdown"
#     (guest: SBI SRST shutdown handled by the hosted hypervisor)
#   - exit status 0
# A kernel panic stops the run at once and fails the test.
# Exits 77 (ctest SKIP_RETURN_CODE) when rvh-vp or OpenSBI (bare) is missing.
# Environment: RVH_LINUX_TIMEOUT (s, default 600), RVH_OPENSBI.
set -u
me=run_linux_test
. "$(dirname "$0")/kernel_run_lib.sh"
if [ $# -ne 4 ]; then
  echo "usage: $0 <bare|guest> <rvh-vp> <Image> <smp>" >&2
  exit 2
fi
mode=$1 vp=$2 image=$3 smp=$4
tmo=${RVH_LINUX_TIMEOUT:-600}
fw=${RVH_OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf}
append="console=ttyS0 earlycon=sbi"

if [ ! -x "$vp" ]; then
  echo "run_linux_test: SKIP: simulator $vp not found"
  exit 77
fi
if [ ! -f "$image" ]; then
  echo "run_linux_test: FAIL: $image not found (build the linux_image target)" >&2
  exit 1
fi

case $mode in
bare)
  if [ ! -f "$fw" ]; then
    echo "run_linux_test: SKIP: OpenSBI $fw not found (Debian: apt install opensbi)"
    exit 77
  fi
  want_stop="stopped by: pass"
  set -- "$vp" --no-stdin --smp "$smp" -m 256M --bios "$fw" --kernel "$image" --append "$append"
  ;;
guest)
  want_stop="stopped by: vm: shutdown"
  # RVH_LINUX_GUEST_ARGS: extra hypervisor options, e.g. --no-guest-sstc.
  # shellcheck disable=SC2086
  set -- "$vp" --no-stdin --smp "$smp" --hyp --guest-memory 256M ${RVH_LINUX_GUEST_ARGS:-} --kernel "$image" --append "$append"
  ;;
*)
  echo "run_linux_test: unknown mode $mode" >&2
  exit 2
  ;;
esac

echo "run_linux_test: $*"
log=$(mktemp "${TMPDIR:-/tmp}/rvh-linux.XXXXXX")
trap 'rm -f "$log"' EXIT
run_watching_panic "$log" "$tmo" "$@"
check_run_status
check_output "RVH-LINUX-INIT: hello from /init" "/init did not start"
check_output "RVH-LINUX-INIT: child ok" "fork/exit test"
check_output "RVH-LINUX-INIT: processors: $smp" "/proc/cpuinfo hart count"
check_output "RVH-LINUX-INIT: done" "/init did not finish"
check_output "$want_stop" "power-off"
# With several harts, IPIs must have been delivered (/proc/interrupts).
if [ "$smp" -gt 1 ] && ! printf '%s\n' "$out" | grep -qE '^IPI[0-9]+: *[0-9 ]*[1-9]'; then
  echo "run_linux_test: FAIL: /proc/interrupts shows no IPI delivered"
  status=1
fi
if printf '%s\n' "$out" | grep -qF "RVH-LINUX-INIT: FAIL"; then
  echo "run_linux_test: FAIL: /init reported a failure"
  status=1
fi
[ $status -eq 0 ] && echo "run_linux_test: PASS: linux $mode smp=$smp"
exit $status

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
start=$(date +%s)
# Run in the background so that a kernel panic (after which the machine
# never stops by itself) fails the test at once instead of at the timeout.
log=$(mktemp "${TMPDIR:-/tmp}/rvh-linux.XXXXXX")
trap 'rm -f "$log"' EXIT
timeout "$tmo" "$@" </dev/null >"$log" 2>&1 &
pid=$!
panicked=0
while kill -0 "$pid" 2>/dev/null; do
  if grep -q "end Kernel panic" "$log"; then
    sleep 1  # let the panic message finish
    panicked=1
    kill "$pid" 2>/dev/null  # timeout passes SIGTERM on to rvh-vp
    break
  fi
  sleep 0.2
done
wait "$pid"
rc=$?
out=$(cat "$log")
printf '%s\n' "$out"
echo "run_linux_test: wall time $(( $(date +%s) - start )) s, exit status $rc"
out=$(printf '%s\n' "$out" | tr -d '\r')

status=0
check() {  # check <fixed string> <description>
  if ! printf '%s\n' "$out" | grep -qF -e "$1"; then
    echo "run_linux_test: FAIL: output lacks \"$1\" ($2)"
    status=1
  fi
}
if [ $panicked -eq 1 ]; then
  echo "run_linux_test: FAIL: kernel panic (run stopped)"
  status=1
elif [ $rc -eq 124 ]; then
  echo "run_linux_test: FAIL: timed out after ${tmo}s"
  status=1
elif [ $rc -ne 0 ]; then
  echo "run_linux_test: FAIL: exited with status $rc"
  status=1
fi
check "RVH-LINUX-INIT: hello from /init" "/init did not start"
check "RVH-LINUX-INIT: child ok" "fork/exit test"
check "RVH-LINUX-INIT: processors: $smp" "/proc/cpuinfo hart count"
check "RVH-LINUX-INIT: done" "/init did not finish"
check "$want_stop" "power-off"
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

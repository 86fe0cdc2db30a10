#!/bin/sh
# run_kvm_test.sh <rvh-vp> <host Image> <initrd> <guest> <vcpus> <harts> [<success line>]
# Real Linux 6.1 KVM on rvh-vp (issue 12): boots the KVM host kernel
# (sw/linux/build.sh --kvm) bare on Debian's OpenSBI with <harts> harts and
# the initrd of sw/kvm (host /init, the VMM, the guests); the host's /init
# runs `vmm --vcpus <vcpus> /guests/<guest>.elf` and powers off.
# Checks what a user sees, never the exit code alone:
#   - "RVH-KVM-HOST: /dev/kvm present" (KVM initialised on the hart model)
#   - the guest's own success line (it checks itself): <success line>,
#     default "PASS: <guest>" (gb_micro ends with "BENCH done")
#   - gb_micro: a BENCH line with iterations and cycles for every operation
#     it measures under KVM, and the IPI round trip with 2 vCPUs (with 1 its
#     "no second vCPU" line)
#   - the VMM saw the guest shut down with SRST reason 0 and exited 0
#   - "RVH-KVM-HOST: done" and the power-off ("stopped by: pass")
#   - the guest really ran in VS-mode: VS instructions in the --stats report
#   - no "FAIL" line from the host, the VMM or the guest
# A kernel panic stops the run at once and fails the test.
# Environment: RVH_KVM_TIMEOUT (s, default 600), RVH_OPENSBI.
set -u
me=run_kvm_test
. "$(dirname "$0")/kernel_run_lib.sh"
if [ $# -ne 6 ] && [ $# -ne 7 ]; then
  echo "usage: $0 <rvh-vp> <Image> <initrd> <guest> <vcpus> <harts> [<success line>]" >&2
  exit 2
fi
vp=$1 image=$2 initrd=$3 guest=$4 vcpus=$5 harts=$6 success=${7:-"PASS: $guest"}
tmo=${RVH_KVM_TIMEOUT:-600}
fw=${RVH_OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf}
for f in "$vp" "$image" "$initrd" "$fw"; do
  if [ ! -f "$f" ]; then
    echo "run_kvm_test: FAIL: $f not found" >&2
    exit 1
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rvh-kvm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/out
set -- "$vp" --no-stdin --smp "$harts" -m 512M --bios "$fw" --kernel "$image" --initrd "$initrd" \
  --append "console=ttyS0 earlycon=sbi rvh_guest=$guest rvh_vcpus=$vcpus" --stats "$tmp/stats.json"
echo "run_kvm_test: $*"
run_watching_panic "$log" "$tmo" "$@"
check_run_status
check_output "kvm [1]: hypervisor extension available" "KVM found the H extension"
check_output "RVH-KVM-HOST: /dev/kvm present" "/dev/kvm"
check_output "RVH-KVM-HOST: run /vmm --vcpus $vcpus /guests/$guest.elf" "the VMM started"
check_output "$success" "the guest's own checks"
if [ "$guest" = gb_micro ]; then
  # Every operation gb_micro measures under our VMM (sw/guest/bench/gb_micro.c).
  ops="null_sbi mmio_write_kernel mmio_read_user mmio_write_user csr_emulation console_putchar gstage_map timer_sbi timer_sstc wfi_wakeup"
  if [ "$vcpus" -ge 2 ]; then
    ops="$ops ipi_round_trip"
  else
    check_output "info: no second vCPU: ipi_round_trip skipped" "one vCPU: no IPI round trip"
  fi
  check_output "info: mmio_read_kernel skipped: KVM serves no MMIO read in the kernel" "no in-kernel MMIO read on 6.1"
  for op in $ops; do
    if ! printf '%s\n' "$out" | grep -qE "^BENCH name=$op iters=[1-9][0-9]* cycles=[1-9][0-9]* ticks=[0-9]+$"; then
      echo "run_kvm_test: FAIL: no BENCH line for $op with its iterations and cycles"
      status=1
    fi
  done
fi
check_output "RVH-KVM-VMM: guest stopped: shutdown (reason 0" "SRST shutdown seen by the VMM"
check_output "RVH-KVM-HOST: vmm exited with 0" "VMM exit status"
check_output "RVH-KVM-HOST: done" "host /init finished"
check_output "stopped by: pass" "power-off"
if printf '%s\n' "$out" | grep -E "^(RVH-KVM-HOST: FAIL|RVH-KVM-VMM: .*FAIL|FAIL: )"; then
  echo "run_kvm_test: FAIL: a FAIL line above"
  status=1
fi
vs=$(grep -o '"VS": *[0-9]*' "$tmp/stats.json" 2>/dev/null | grep -o '[0-9]*$' | awk '{s += $1} END {print s + 0}')
if [ "${vs:-0}" -gt 0 ]; then
  echo "run_kvm_test: $vs instructions retired in VS-mode"
else
  echo "run_kvm_test: FAIL: no instruction ran in VS-mode (--stats)"
  status=1
fi
[ $status -eq 0 ] && echo "run_kvm_test: PASS: $guest under KVM, $vcpus vCPU(s) on $harts hart(s)"
exit $status

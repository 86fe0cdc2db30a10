#!/bin/sh
# accel_guest_test.sh ACCEL_SOC GUEST_ELF PROBE_ELF
# Device assignment as a library user meets it (docs/library.md "Giving the
# device to a guest", docs/io.md): the example's sc_main
# (examples/accel_soc.cpp, built by install_test.sh against the installed
# package) with its accelerator assigned to a guest. Checks:
#  1. accel_soc --guest g_accel_device.elf: PASS and exit 0; the device's
#     interrupt reached the guest (assigned_irqs >= 1); the guest made
#     hundreds of device register accesses but the VM's MMIO exits stay a
#     handful (its virtual PLIC's), with no unmapped MMIO: the device is in
#     the G-stage; 3 accelerator runs, as on bare metal.
#  2. ... --append wait_ms=20 --neighbour g_accel_probe.elf: both VMs PASS
#     and the run exits 0; the neighbour finished before the owner checked
#     the device's reset state (so its writes, had they reached the device,
#     would have failed that check); still 3 accelerator runs (the
#     neighbour's START never reached it); the neighbour's accesses were
#     unmapped MMIO exits and it got no assigned interrupt.
#  3. accel_soc --guest g_accel_probe.elf (the device assigned to the probe):
#     the probe FAILs and the run exits non-zero, so its checks can see the
#     device when it is there.
set -u
if [ $# -ne 3 ]; then
  echo "usage: $0 ACCEL_SOC GUEST_ELF PROBE_ELF" >&2
  exit 2
fi
accel_soc=$1 guest=$2 probe=$3
fail() { echo "accel_guest_test: FAIL: $1"; [ $# -lt 2 ] || cat "$2"; exit 1; }
for f in "$guest" "$probe"; do
  [ -f "$f" ] || fail "$f not found (build the sw_all target)"
done
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1

# The number after KEY in accel_soc's "accel_soc: vmN: ..., KEY N, ..." line.
vm_stat() {  # vm_stat LOG VM KEY
  sed -n "s/^accel_soc: $2: .*[ ,]$3 \([0-9][0-9]*\).*/\1/p" "$1" | head -n 1
}
line_of() {  # line_of LOG REGEX: the first line number matching
  grep -n -e "$2" "$1" | head -n 1 | cut -d: -f1
}

# 1. The guest alone.
log=$work/guest.log
timeout 120 "$accel_soc" --guest "$guest" </dev/null >"$log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "accel_soc --guest exited with $rc" "$log"
grep -q "^PASS: g_accel_device" "$log" || fail "no PASS: g_accel_device" "$log"
grep -q "^accel_soc: .* 3 accelerator runs" "$log" || fail "not 3 accelerator runs" "$log"
irqs=$(vm_stat "$log" vm0 assigned_irqs)
user=$(vm_stat "$log" vm0 mmio_exit_user)
kernel=$(vm_stat "$log" vm0 mmio_exit_kernel)
unmapped=$(vm_stat "$log" vm0 unmapped_mmio)
accesses=$(sed -n 's/^info: \([0-9][0-9]*\) device register accesses.*/\1/p' "$log")
[ -n "$irqs" ] && [ -n "$user" ] && [ -n "$kernel" ] && [ -n "$unmapped" ] && [ -n "$accesses" ] ||
  fail "accel_soc or the guest did not print its counts" "$log"
[ "$irqs" -ge 1 ] || fail "assigned_irqs is $irqs, the device's interrupt never reached the guest" "$log"
[ "$accesses" -ge 250 ] || fail "only $accesses device register accesses (the 1000-byte load alone is 250)" "$log"
# The virtual PLIC's registers: 7 accesses (priority, enable, threshold,
# claim, complete, two pending reads); a device access exiting would add
# hundreds.
[ $((user + kernel)) -le 16 ] ||
  fail "$((user + kernel)) MMIO exits for $accesses device accesses: the device is not mapped in the G-stage" "$log"
[ "$unmapped" -eq 0 ] || fail "$unmapped unmapped MMIO accesses" "$log"
echo "accel_guest_test: guest: PASS, $accesses device accesses, $((user + kernel)) MMIO exits, $irqs assigned interrupt(s)"

# 2. With a neighbour VM on the same hart.
log=$work/neighbour.log
timeout 120 "$accel_soc" --guest "$guest" --append wait_ms=20 --neighbour "$probe" </dev/null >"$log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "accel_soc --guest --neighbour exited with $rc" "$log"
grep -q "^PASS: g_accel_device" "$log" || fail "no PASS: g_accel_device next to the neighbour" "$log"
grep -q "^vm1| PASS: g_accel_probe" "$log" || fail "no vm1| PASS: g_accel_probe" "$log"
probe_done=$(line_of "$log" "^vm1| PASS: g_accel_probe")
owner_check=$(line_of "$log" "^info: reset state")
[ -n "$owner_check" ] && [ "$probe_done" -lt "$owner_check" ] ||
  fail "the owner checked the device before the neighbour finished (wait_ms too short?)" "$log"
grep -q "^accel_soc: .* 3 accelerator runs" "$log" || fail "not 3 accelerator runs: the neighbour reached the device" "$log"
[ "$(vm_stat "$log" vm0 assigned_irqs)" -ge 1 ] || fail "the owner got no assigned interrupt" "$log"
[ "$(vm_stat "$log" vm1 assigned_irqs)" -eq 0 ] || fail "the neighbour got an assigned interrupt" "$log"
n_unmapped=$(vm_stat "$log" vm1 unmapped_mmio)
[ "$n_unmapped" -ge 8 ] || fail "the neighbour's device accesses were not unmapped MMIO ($n_unmapped)" "$log"
echo "accel_guest_test: neighbour: both PASS, the neighbour's $n_unmapped accesses were unmapped MMIO"

# 3. The probe's checks fail where the device is assigned.
log=$work/probe_owner.log
timeout 120 "$accel_soc" --guest "$probe" </dev/null >"$log" 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "g_accel_probe passed with the device assigned to it" "$log"
grep -q "^FAIL: g_accel_probe" "$log" || fail "no FAIL: g_accel_probe with the device assigned to it" "$log"
echo "accel_guest_test: the probe fails with the device assigned to it (exit $rc)"
echo "accel_guest_test: PASS"

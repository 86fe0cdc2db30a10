#!/bin/sh
# bench_table_test.sh RVH_VP: `rvh-vp bench` prints every operation of the
# table, the workload line and the consolidation rows; bad arguments are one
# line and exit 2.
set -u
vp=$1
out=$("$vp" bench 2>&1) || { echo "FAIL: rvh-vp bench failed"; echo "$out"; exit 1; }
echo "$out"
for op in null_sbi mmio_read_kernel mmio_write_kernel mmio_read_user mmio_write_user csr_emulation \
          gstage_map timer_sbi timer_sstc wfi_wakeup ipi_round_trip "virtualization overhead" \
          "noisy neighbour, 1 hart" "noisy neighbour, 2 harts" "VMID off" vcpu_switch vm_switch; do
  echo "$out" | grep -q "$op" || { echo "FAIL: no row '$op'"; exit 1; }
done
"$vp" bench --nonsense >/dev/null 2>&1; code=$?
[ $code -eq 2 ] || { echo "FAIL: bad argument gave exit $code"; exit 1; }
"$vp" bench --sw-dir /nonexistent >/dev/null 2>&1; code=$?
[ $code -eq 1 ] || { echo "FAIL: missing sw dir gave exit $code"; exit 1; }
echo "ok: bench table"

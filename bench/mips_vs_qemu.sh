#!/bin/sh
# mips_vs_qemu.sh [RVH_VP [ELF]]: runs the same bare-metal ELF on rvh-vp
# (timing annotation on, as always) and on QEMU's TCG, best wall time of 3
# runs each, and prints the instruction count (from rvh-vp's --stats JSON,
# field "instructions", see platform/run_report.cpp), rvh-vp MIPS, QEMU MIPS
# (the same instruction count over QEMU's wall time) and their ratio.
# Defaults: build/rvh-vp and build/sw/coremark_like.elf next to this script's
# build; the bench_mips CMake target passes its own paths.
# Environment: RVH_QEMU (default qemu-system-riscv64), RVH_RUNS (default 3).
set -eu
vp=${1:-build/rvh-vp}
elf=${2:-build/sw/coremark_like.elf}
qemu=${RVH_QEMU:-qemu-system-riscv64}
runs=${RVH_RUNS:-3}

for f in "$vp" "$elf"; do
  [ -e "$f" ] || { echo "mips_vs_qemu: $f not found" >&2; exit 1; }
done
command -v "$qemu" >/dev/null 2>&1 || { echo "mips_vs_qemu: $qemu not installed" >&2; exit 1; }

stats=$(mktemp)
trap 'rm -f "$stats"' EXIT

# best_of CMD...: runs CMD $runs times (output discarded), prints the
# smallest wall time in seconds; fails if any run fails.
best_of() {
  best=""
  i=0
  while [ "$i" -lt "$runs" ]; do
    t0=$(date +%s.%N)
    "$@" </dev/null >/dev/null 2>&1 || { echo "mips_vs_qemu: failed: $*" >&2; exit 1; }
    t1=$(date +%s.%N)
    best=$(echo "$t0 $t1 ${best:-}" | awk '{ t = $2 - $1; if ($3 == "" || t < $3) print t; else print $3 }')
    i=$((i + 1))
  done
  echo "$best"
}

vp_s=$(best_of "$vp" --no-stdin --stats "$stats" "$elf")
insns=$(sed -n 's/^  "instructions": \([0-9]*\),*$/\1/p' "$stats")
[ -n "$insns" ] || { echo "mips_vs_qemu: no instruction count in $stats" >&2; exit 1; }
qemu_s=$(best_of "$qemu" -M virt -cpu rv64 -m 128M -nographic -bios none -kernel "$elf")

awk -v n="$insns" -v v="$vp_s" -v q="$qemu_s" -v runs="$runs" -v elf="$elf" 'BEGIN {
  vm = n / v / 1e6; qm = n / q / 1e6
  printf "program:        %s\n", elf
  printf "instructions:   %d\n", n
  printf "rvh-vp:         %.3f s  %.1f MIPS (best of %d, timing annotation on)\n", v, vm, runs
  printf "qemu (TCG):     %.3f s  %.1f MIPS (best of %d, same instruction count)\n", q, qm, runs
  printf "rvh-vp / qemu:  %.3f\n", vm / qm
}'

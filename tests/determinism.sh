#!/bin/sh
# determinism.sh RVH_VP FW_JUMP UBOOT: boot OpenSBI + U-Boot on 2 harts for a
# fixed number of instructions, twice, and compare the instruction counts per
# hart and mode and the simulated time in the --stats JSON.
set -eu
vp=$1 fw=$2 uboot=$3
for f in "$fw" "$uboot"; do
  [ -e "$f" ] || { echo "skipped: $f is not installed"; exit 77; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for run in 1 2; do
  "$vp" --no-stdin --smp 2 --max-insns 30000000 --bios "$fw" --kernel "$uboot" \
        --stats "$dir/run$run.json" > "$dir/out$run.txt" 2>&1 </dev/null
  # Keep what must not change: everything but the host time and MIPS.
  grep -v -e '"host_time_s"' -e '"mips"' -e "run$run\.json" "$dir/run$run.json" > "$dir/det$run.json"
done
if ! cmp -s "$dir/det1.json" "$dir/det2.json"; then
  echo "FAIL: two runs differ"; diff "$dir/det1.json" "$dir/det2.json"; exit 1
fi
grep -q '"instructions": 0' "$dir/det1.json" && { echo "FAIL: nothing ran"; exit 1; }
cat "$dir/det1.json"
echo "PASS: two runs gave the same instruction counts and simulated time"

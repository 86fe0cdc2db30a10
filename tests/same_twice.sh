#!/bin/sh
# same_twice.sh COMMAND...: runs COMMAND twice with --stats and compares the
# two JSON files except host time and MIPS: instruction counts, cycles,
# simulated time and hypervisor statistics must be identical.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for run in 1 2; do
  "$@" --stats "$dir/run$run.json" >"$dir/out$run.txt" 2>&1 </dev/null
  [ -s "$dir/run$run.json" ] || { echo "FAIL: run $run wrote no stats"; tail -20 "$dir/out$run.txt"; exit 1; }
  grep -v -e '"host_time_s"' -e '"mips"' -e "run$run\.json" "$dir/run$run.json" >"$dir/det$run.json"
done
if ! cmp -s "$dir/det1.json" "$dir/det2.json"; then
  echo "FAIL: two runs differ"; diff "$dir/det1.json" "$dir/det2.json" | head -40; exit 1
fi
grep -E '"instructions": [0-9]+,$|"sim_time_ns"' "$dir/det1.json" | head -3
echo "PASS: two runs gave the same instruction counts, cycles and simulated time"

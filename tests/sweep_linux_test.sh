#!/bin/bash
# sweep_linux_test.sh RVH_VP IMAGE SPEC: the sweep docs/sweeps.md shows
# ("Example: the world switch against a Linux guest's overhead"), run as a
# user would repeat it: SPEC (examples/sweeps/world_switch_linux.json, its
# kernel path pointed at IMAGE) on this machine and on a real single-node
# Slurm cluster the test starts (tests/slurm/cluster.sh). Every point boots
# the Linux guest to its power-off; the two executors give identical
# figures; the hypervisor's share grows with the world switch (at every
# step on one hart); each exit is charged the configured world switch; --plots writes
# the plot the page shows. Slurm's half is skipped (reported, not failed)
# when slurm-wlm/munge or root are missing; the whole test is skipped (77)
# only when the kernel Image is missing.
set -u
vp=$1 image=$2 spec=$3
cluster=$(cd "$(dirname "$0")" && pwd)/slurm/cluster.sh
. "$(dirname "$0")/check_lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
[ -f "$image" ] || { echo "skipped: $image not built (sw/linux/build.sh)"; exit 77; }
cd "$tmp" || exit 1

# The documented spec, with its kernel here.
python3 - "$spec" "$image" >ws.json <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["command"] = [sys.argv[2] if w == "build/linux/Image" else w for w in spec["command"]]
print(json.dumps(spec, indent=1))
PY
points=$(python3 -c 'import json, sys
s = json.load(open(sys.argv[1])); n = 1
for v in s["axes"].values():
    n *= len(v) if isinstance(v, list) else (v["to"] - v["from"]) // v["step"] + 1
print(n)' ws.json)

# --- 1. On this machine -------------------------------------------------------
sweep local ws.json -j 2 --db local.db --out local.sweep --csv local.csv --plots plots
if [ "$code" -eq 0 ] && grep -qF ": $points points: $points ok, 0 failed, 0 timed out;" local.out; then
  pass "the documented sweep: $points Linux guest boots, all ok"
else
  fail "the documented sweep (exit $code)"; tail -3 local.err; tail -5 local.sweep/*.log 2>/dev/null | tail -20
fi
# What docs/sweeps.md reads off it.
if python3 - local.csv local.sweep <<'PY'
import csv, json, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
lines = collections.defaultdict(list)
for r in rows:
    stats = json.load(open(f"{sys.argv[2]}/{r['id']}.json"))
    assert stats["stopped_by"] == "vm: shutdown", (r["id"], stats["stopped_by"])  # the guest powered off
    switch = stats["config"]["hyp"]["world_switch"]
    per_exit = json.loads(r["cost_cycles"])["world_switch"] / int(r["exits"])
    assert 0.95 * switch <= per_exit <= switch, (r["id"], switch, per_exit)  # each exit pays it (host interrupts book theirs apart)
    lines[(r["--no-guest-sstc"], r["--smp"])].append((int(r["hyp.switch_fixed"]), float(r["hyp_share"])))
# One hart: the share rises at every step. More harts: their exits depend on
# how the harts interleave (which any change to the kernel moves), so only
# the whole range must rise.
for (nosstc, smp), line in lines.items():
    shares = [s for _, s in sorted(line)]
    if smp == "1":
        assert all(a < b for a, b in zip(shares, shares[1:])), (nosstc, smp, shares)
    else:
        assert shares[-1] > shares[0], (nosstc, smp, shares)
PY
then
  pass "the hypervisor's share grows with the world switch (at every step on one hart), each exit pays it"
else
  fail "the figures docs/sweeps.md reads"
fi
[ -s plots/hyp.switch_fixed-hyp_share.svg ] && grep -c '<circle class="mark"' plots/hyp.switch_fixed-hyp_share.svg | grep -qx 30 &&
  pass "--plots: hyp.switch_fixed-hyp_share.svg, a dot per point" || fail "--plots"

# --- 2. The same on Slurm -------------------------------------------------------
slurm_ok=1
for bin in sbatch squeue scancel slurmctld slurmd munged; do
  command -v "$bin" >/dev/null || { echo "not run on Slurm: $bin is not installed (apt-get install slurm-wlm munge)"; slurm_ok=0; break; }
done
[ "$slurm_ok" = 1 ] && [ "$(id -u)" != 0 ] && { echo "not run on Slurm: the test's Slurm daemons need root"; slurm_ok=0; }
if [ "$slurm_ok" = 1 ]; then
  trap '"$cluster" stop "$tmp/cluster"; rm -rf "$tmp"' EXIT
  trap 'exit 1' INT TERM
  if "$cluster" start "$tmp/cluster" $$; then
    export SLURM_CONF=$tmp/cluster/slurm.conf
    sweep slurm ws.json --executor slurm --max-parallel 2 --db slurm.db --out slurm.sweep --csv slurm.csv
    if [ "$code" -eq 0 ] && grep -qF ": $points points: $points ok, 0 failed, 0 timed out;" slurm.out &&
       grep -q "^#SBATCH --array=0-$((points - 1))%2$" slurm.sweep/sweep.sbatch; then
      pass "on Slurm: one job array of $points tasks, all ok"
    else
      fail "on Slurm (exit $code)"; tail -3 slurm.err; tail -3 slurm.sweep/slurm/task-*.out 2>/dev/null | tail -20
    fi
    if python3 - local.csv slurm.csv <<'PY'
import csv, sys
cols = ["id", "params", "status", "instructions", "sim_time_ns", "exits", "hyp_cycles", "guest_cycles", "cost_cycles"]
local, slurm = ([{c: r[c] for c in cols} for r in csv.DictReader(open(f))] for f in sys.argv[1:3])
assert local == slurm
PY
    then
      pass "Slurm and local: identical figures for all $points points"
    else
      fail "Slurm and local figures differ"
    fi
  else
    fail "the single-node Slurm cluster did not start"
  fi
fi

[ "$failures" -eq 0 ] && echo "sweep_linux_test: all passed" || echo "sweep_linux_test: $failures failed"
[ "$failures" -eq 0 ]

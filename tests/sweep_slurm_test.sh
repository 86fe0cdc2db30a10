#!/bin/bash
# sweep_slurm_test.sh RVH_VP SW_DIR: `rvh-vp sweep --executor slurm` on a real
# single-node Slurm cluster that the test starts in its temporary directory
# (tests/slurm/cluster.sh) and always stops: an 8-point sweep through one job
# array gives the same instructions and simulated time per point as the same
# sweep run locally; a timed-out and a failed point; sbatch refusing the job
# or missing; Ctrl-C cancels the array; a task cancelled in Slurm leaves its
# point failed with "no result" (docs/sweeps.md "On a Slurm cluster").
# Skipped (77) without Slurm and munge (scripts/setup.sh installs them) or root.
set -u
vp=$1 sw=$2
cluster=$(cd "$(dirname "$0")" && pwd)/slurm/cluster.sh
. "$(dirname "$0")/check_lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
guest=$sw/g_smoke_all.elf
for f in "$guest" "$sw/g_wfi_stuck.elf" "$sw/spin_forever.elf"; do
  [ -f "$f" ] || { echo "skipped: $f not built"; exit 77; }
done
for bin in sbatch squeue scancel slurmctld slurmd munged; do
  command -v "$bin" >/dev/null || { echo "skipped: $bin not installed (apt-get install slurm-wlm munge)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "skipped: the test's Slurm daemons need root"; exit 77; }

# A point's rvh-vp that outlived its task (Slurm's proctrack/linuxproc
# loses a child forked just as the task is signalled) must not spin on.
trap '"$cluster" stop "$tmp/cluster"; pkill -KILL -f "$tmp/" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
"$cluster" start "$tmp/cluster" $$ || { echo "FAIL: the single-node Slurm cluster did not start"; exit 1; }
export SLURM_CONF=$tmp/cluster/slurm.conf
cd "$tmp" || exit 1

# --- 1. 8 points on Slurm and the same 8 locally: the same figures -------------
spec='{"name": "smoke on slurm", "command": ["--hyp", "--kernel", "'$guest'"],
 "axes": {"hyp.mmio_user": [1000, 2730], "hyp.wfi": [100, 500], "--no-guest-sstc": [false, true]},
 "timeout_seconds": 120}'
echo "$spec" >grid.json
sweep slurm grid.json --executor slurm --max-parallel 2 --db slurm.db --out slurm.sweep --csv slurm.csv
if [ "$code" -eq 0 ] &&
   grep -qxF "sweep smoke on slurm: 8 points: 8 ok, 0 failed, 0 timed out; results in $tmp/slurm.db" slurm.out &&
   [ "$(csv_column slurm.csv status | sort -u)" = ok ] && [ "$(wc -l <slurm.csv)" -eq 9 ]; then
  pass "8-point sweep on Slurm: all ok"
else
  fail "8-point sweep on Slurm (exit $code)"; cat slurm.out slurm.err; tail -5 slurm.sweep/slurm/*.out 2>/dev/null
fi
# It really went through one job array of 8 tasks, at most 2 at a time.
if grep -q '^#SBATCH --array=0-7%2$' slurm.sweep/sweep.sbatch && grep -q '^#SBATCH --requeue$' slurm.sweep/sweep.sbatch &&
   grep -q '^#SBATCH --time=3$' slurm.sweep/sweep.sbatch &&
   [ "$(cat slurm.sweep/slurm/task-*.out 2>/dev/null | grep -c "^rvh-sweep: task [0-7]: point p000[0-7]-r1 exit 0$")" -eq 8 ] &&
   [ "$(wc -l <slurm.sweep/points.list)" -eq 8 ]; then
  pass "one job array: --array=0-7%2, --requeue, --time from the timeout, a task per point"
else
  fail "the job array"; cat slurm.sweep/sweep.sbatch; cat slurm.sweep/slurm/task-*.out
fi
sweep local grid.json -j 2 --db local.db --out local.sweep --csv local.csv
[ "$code" -eq 0 ] || { fail "the same sweep locally (exit $code)"; cat local.err; }
same=1
for col in id params status exit_code instructions sim_time_ns exits hyp_cycles; do
  [ "$(csv_column slurm.csv $col)" = "$(csv_column local.csv $col)" ] || { same=0; echo "column $col differs"; }
done
[ "$same" = 1 ] && [ "$(csv_column slurm.csv instructions | sort -u | wc -l)" -ge 1 ] &&
  [ "$(csv_column slurm.csv hyp_cycles | sort -u | wc -l)" -ge 4 ] &&
  pass "Slurm and local sweeps: identical instructions, simulated time and exits per point" ||
  { fail "Slurm vs local figures"; paste -d'\n' slurm.csv local.csv | cut -c1-200; }

# The same spec again on Slurm: nothing to submit.
sweep again grid.json --executor slurm --db slurm.db --out slurm.sweep
[ "$code" -eq 0 ] && grep -qxF "sweep smoke on slurm: 8 of 8 points already in $tmp/slurm.db" again.err &&
  pass "the same spec again submits nothing" || { fail "the same spec again (exit $code)"; cat again.err; }

# --- 2. A failed and a timed-out point on Slurm ---------------------------------
cat >mixed.json <<EOF
{"command": ["--no-stdin"], "timeout_seconds": 3,
 "axes": {"workload": {"smoke": ["--hyp", "--kernel", "$guest"], "stuck": ["--hyp", "--kernel", "$sw/g_wfi_stuck.elf"],
                       "spin": ["$sw/spin_forever.elf"]}}}
EOF
sweep mixed mixed.json --executor slurm --csv mixed.csv
if mixed_points_recorded mixed; then
  pass "Slurm: a failed and a timed-out point recorded as locally"
else
  fail "Slurm: failed and timed-out points (exit $code)"; cat mixed.out mixed.err mixed.csv
fi

# --- 3. sbatch refusing the job, or missing: one line, exit 1 --------------------
sweep refused grid.json --executor slurm --partition nosuch --db refused.db --out refused.sweep
[ "$code" -eq 1 ] &&
  [ "$(tail -1 refused.err)" = "rvh-vp sweep: sbatch refused the sweep's job array: Batch job submission failed: Invalid partition name specified" ] &&
  pass "an unknown partition: sbatch's refusal in one line" || { fail "unknown partition (exit $code)"; cat refused.err; }
PATH=/nonexistent "$vp" sweep grid.json --executor slurm --db nosbatch.db --out nosbatch.sweep >nosbatch.out 2>nosbatch.err </dev/null
code=$?
[ "$code" -eq 1 ] && tail -1 nosbatch.err | grep -qx "rvh-vp sweep: sbatch not found on PATH: .*--executor local" &&
  pass "no sbatch: told so in one line" || { fail "no sbatch (exit $code)"; cat nosbatch.err; }

# --- 4. Ctrl-C cancels the job array ----------------------------------------------
cat >spin.json <<EOF
{"command": ["--no-stdin", "$sw/spin_forever.elf"], "axes": {"--max-insns": [1000000000000, 1000000000001]}}
EOF
"$vp" sweep spin.json --executor slurm >spin.out 2>spin.err </dev/null &
pid=$!
for _ in $(seq 300); do
  [ "$(squeue -h -t RUNNING 2>/dev/null | wc -l)" -ge 1 ] && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"; code=$?
for _ in $(seq 100); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 0.1
done
if [ "$code" -eq 130 ] && grep -qx "interrupted: 0 of 2 points done; run the same command again to resume" spin.err &&
   [ -z "$(squeue -h)" ]; then
  pass "Ctrl-C: exit 130 and the job array cancelled"
else
  fail "Ctrl-C on Slurm (exit $code)"; cat spin.err; squeue
fi

# --- 5. A task that Slurm ends before its point does: no result, recorded as failed --
cat >cancel.json <<EOF
{"command": ["--no-stdin"],
 "axes": {"workload": {"spin": ["$sw/spin_forever.elf"], "smoke": ["--hyp", "--kernel", "$guest"]}}}
EOF
"$vp" sweep cancel.json --executor slurm --csv cancel.csv >cancel.out 2>cancel.err </dev/null &
pid=$!
task=
for _ in $(seq 300); do
  task=$(squeue -h -t RUNNING -o %i 2>/dev/null | grep '_0$')
  # Once the point's rvh-vp runs: the task ends before its point does.
  [ -n "$task" ] && pgrep -f "$tmp/cancel.sweep/p0000" >/dev/null && break
  sleep 0.1
done
[ -n "$task" ] && scancel "$task"
wait "$pid"; code=$?
job=${task%_0}
if [ "$code" -eq 1 ] && [ "$(csv_column cancel.csv status | tr '\n' ' ')" = "failed ok " ] &&
   [ "$(csv_column cancel.csv error | head -1)" = "no result from Slurm task 0 of job $job (see $tmp/cancel.sweep/slurm/task-0.out)" ]; then
  pass "a task cancelled in Slurm: its point failed with 'no result from Slurm task 0', the other ok"
else
  fail "a cancelled task (exit $code, task ${task:-none})"; cat cancel.err cancel.csv
fi

[ "$failures" -eq 0 ] && echo "sweep_slurm_test: all passed" || echo "sweep_slurm_test: $failures failed"
[ "$failures" -eq 0 ]

#!/bin/bash
# sweep_test.sh RVH_VP SW_DIR: `rvh-vp sweep` on this machine as a user
# meets it (docs/sweeps.md): spec errors (one line, exit 2, nothing run), a
# 12-point sweep whose figures match single runs of the same command lines,
# failed and timed-out points, resume after Ctrl-C (only the missing points
# run), a changed spec with the same database, CSV export, the report and
# its plots as SVG files, a bench sweep checked against a single bench run.
set -u
vp=$1 sw=$2
. "$(dirname "$0")/check_lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
guest=$sw/g_smoke_all.elf
for f in "$guest" "$sw/g_wfi_stuck.elf" "$sw/spin_forever.elf"; do
  [ -f "$f" ] || { echo "skipped: $f not built"; exit 77; }
done
cd "$tmp" || exit 1

# --- 1. Spec errors: one line, exit 2, before anything runs -------------------
# bad_spec WHAT SPEC MESSAGE: the spec in bad.json gives exactly "rvh-vp sweep: bad.json: MESSAGE".
bad_spec() {
  rm -rf bad.json bad.db bad.sweep
  printf '%s\n' "$2" >bad.json
  sweep bad bad.json
  if [ "$code" -eq 2 ] && [ "$(cat bad.err)" = "rvh-vp sweep: bad.json: $3" ] && [ ! -e bad.db ] && [ ! -e bad.sweep ]; then
    pass "spec error: $1"
  else
    fail "spec error: $1 (exit $code)"; cat bad.err
  fi
}
cmd='"command": ["--hyp", "--kernel", "'$guest'"]'
bad_spec "not JSON" '{"axes": ' \
  "not valid JSON: parse error at line 2, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"
bad_spec "unknown key" "{$cmd, \"axes\": {\"hyp.wfi\": [100]}, \"repeat\": 2}" \
  'unknown key "repeat"; a spec has name, command, axes, exclude, repetitions, timeout_seconds'
bad_spec "no axes" "{$cmd, \"axes\": {}}" '"axes" missing or empty: give at least one axis, e.g. {"hyp.wfi": [100, 500]}'
bad_spec "empty axis" "{$cmd, \"axes\": {\"--smp\": []}}" 'axis "--smp": empty; give at least one value'
bad_spec "bad range" "{$cmd, \"axes\": {\"hyp.wfi\": {\"from\": 500, \"to\": 100, \"step\": 100}}}" \
  'axis "hyp.wfi": bad range: "from" 500 is above "to" 100'
bad_spec "range without step > 0" "{$cmd, \"axes\": {\"hyp.wfi\": {\"from\": 1, \"to\": 5, \"step\": -1}}}" \
  'axis "hyp.wfi": bad range: "step" must be more than 0'
bad_spec "a key rvh-vp does not know" "{$cmd, \"axes\": {\"hyp.wif\": [100]}}" \
  "axis \"hyp.wif\": $(timeout 10 "$vp" --set hyp.wif=100 --no-stdin "$sw/spin_forever.elf" 2>&1 | head -1 | sed 's/^rvh-vp: //')"
bad_spec "a value rvh-vp rejects" "{$cmd, \"axes\": {\"hart.clock_hz\": [0]}}" \
  "axis \"hart.clock_hz\": $(timeout 10 "$vp" --set hart.clock_hz=0 --no-stdin "$sw/spin_forever.elf" 2>&1 | head -1 | sed 's/^rvh-vp: //')"
bad_spec "an option rvh-vp rejects" "{$cmd, \"axes\": {\"--smp\": [1, 9]}}" \
  "point p0001-r1 (rvh-vp --hyp --kernel $guest --smp 9): $("$vp" --hyp --kernel "$guest" --smp 9 2>&1 | head -1 | sed 's/^rvh-vp: //')"
bad_spec "an exclude naming no axis" "{$cmd, \"axes\": {\"--smp\": [1, 2]}, \"exclude\": [{\"--mmp\": 2}]}" \
  '"exclude": no axis "--mmp"'
sweep missing missing.json
[ "$code" -eq 2 ] && [ "$(cat missing.err)" = "rvh-vp sweep: missing.json: no such file" ] && pass "missing spec" ||
  { fail "missing spec (exit $code)"; cat missing.err; }
# `rvh-vp sweep` runs rvh-vp-sweep from rvh-vp's directory: an rvh-vp copied
# alone says so in one line.
mkdir -p alone && cp "$vp" alone/rvh-vp
./alone/rvh-vp sweep missing.json >alone.out 2>alone.err
code=$?
[ "$code" -eq 2 ] && [ "$(cat alone.err)" = "rvh-vp sweep: cannot run $(pwd -P)/alone/rvh-vp-sweep: No such file or directory" ] &&
  pass "rvh-vp without rvh-vp-sweep beside it" || { fail "rvh-vp without rvh-vp-sweep (exit $code)"; cat alone.err; }

# --- 2. A 12-point sweep, checked against single runs ---------------------------
cat >grid.json <<EOF
{"name": "smoke grid", $cmd,
 "axes": {"hyp.mmio_user": [1000, 2730], "hyp.wfi": {"from": 100, "to": 500, "step": 200},
          "--no-guest-sstc": [false, true]},
 "timeout_seconds": 120}
EOF
sweep grid -j 2 grid.json --csv grid.csv
if [ "$code" -eq 0 ] && grep -qxF "sweep smoke grid: 12 points: 12 ok, 0 failed, 0 timed out; results in $tmp/grid.db" grid.out &&
   [ "$(grep -c '^sweep: [0-9]*/12 done, 0 failed, ETA' grid.err)" -eq 12 ] && grep -q '^sweep: 12/12 done' grid.err &&
   [ "$(wc -l <grid.csv)" -eq 13 ] && [ -f grid.sweep/p0011-r1.json ] && [ -f grid.sweep/p0011-r1.log ]; then
  pass "12-point sweep: all ok, a progress line per point, stats and logs in grid.sweep/"
else
  fail "12-point sweep (exit $code)"; cat grid.out grid.err
fi
[ "$(csv_column grid.csv hyp_cycles | sort -u | wc -l)" -ge 4 ] && pass "the points' figures differ with the parameters" ||
  fail "the sweep's hyp_cycles do not vary"
# Each point again as a single run of the same command line: the same figures.
python3 -c 'import csv, json, sys
for r in csv.DictReader(open("grid.csv")):
    p = json.loads(r["params"])
    print(r["id"], p["hyp.mmio_user"], p["hyp.wfi"], "--no-guest-sstc" if p["--no-guest-sstc"] else "", r["instructions"], r["sim_time_ns"])' \
  >grid.points
mismatches=0
while read -r id mmio wfi flag insns simtime; do
  if [ -z "$simtime" ]; then simtime=$insns insns=$flag flag=; fi
  "$vp" --hyp --kernel "$guest" --set "hyp.mmio_user=$mmio" --set "hyp.wfi=$wfi" $flag --stats "single_$id.json" \
    --no-stdin >/dev/null 2>&1 </dev/null
  got=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["instructions"], s["sim_time_ns"])' "single_$id.json")
  [ "$got" = "$insns $simtime" ] || { mismatches=$((mismatches + 1)); echo "$id: sweep $insns $simtime, single run $got"; }
done <grid.points
[ "$(wc -l <grid.points)" -eq 12 ] && [ "$mismatches" -eq 0 ] && pass "every point's instructions and simulated time match a single run" ||
  fail "sweep vs single runs: $mismatches of $(wc -l <grid.points) differ"

# The same spec again: nothing left to run.
sweep again grid.json
[ "$code" -eq 0 ] && grep -qxF "sweep smoke grid: 12 of 12 points already in $tmp/grid.db" again.err &&
  ! grep -q '^sweep: [0-9]*/12 done' again.err && pass "the same spec again runs nothing" ||
  { fail "the same spec again (exit $code)"; cat again.err; }

# The same spec in YAML is the same sweep: its database has every point already.
cat >grid.yaml <<EOF
name: smoke grid
command: [--hyp, --kernel, "$guest"]
axes:
  hyp.mmio_user: [1000, 2730]
  hyp.wfi: {from: 100, to: 500, step: 200}
  --no-guest-sstc: [false, true]
timeout_seconds: 120
EOF
sweep yaml grid.yaml --db grid.db
[ "$code" -eq 0 ] && grep -qxF "sweep smoke grid: 12 of 12 points already in $tmp/grid.db" yaml.err &&
  pass "the same spec in YAML: the same sweep (nothing left to run)" || { fail "YAML spec (exit $code)"; cat yaml.err; }

# Export from the database alone.
sweep export grid.db --csv export.csv
[ "$code" -eq 0 ] && cmp -s export.csv grid.csv && pass "rvh-vp sweep DB --csv exports the same table" ||
  { fail "export (exit $code)"; cat export.err; }
head -1 grid.csv | grep -qxF 'id,grid_index,repetition,hyp.mmio_user,hyp.wfi,--no-guest-sstc,params,status,exit_code,error,host_seconds,instructions,sim_time_ns,exits,hyp_cycles,guest_cycles,hyp_share,exits_by_cause,cost_cycles,overhead_percent,cycles_per_op' &&
  pass "CSV header: a column per axis, then the figures" || { fail "CSV header"; head -1 grid.csv; }
sweep report grid.db --report grid.html --plots plots
# Per axis (3) a plot of simulated time, hypervisor share, exits and instructions (12 plots), a dot per point in each.
if [ "$code" -eq 0 ] && [ "$(grep -c '<svg xmlns="http://www.w3.org/2000/svg" class="plot"' grid.html)" -eq 12 ] &&
   grep -qF '<h2 id="axis-1">hyp.wfi</h2>' grid.html && grep -qF '<h3>simulated time (µs) vs hyp.wfi</h3>' grid.html &&
   grep -qF 'hyp.mmio_user=2730, --no-guest-sstc=true</text>' grid.html && [ "$(grep -c '<circle class="mark"' grid.html)" -eq 144 ]; then
  pass "--report: a plot per axis and figure, a line per other setting"
else
  fail "--report (exit $code)"; cat report.err
fi
# --plots: the same 12 plots as standalone SVG files, well-formed XML.
if [ "$(ls plots | wc -l)" -eq 12 ] && [ -s plots/hyp.wfi-hyp_share.svg ] && [ -s plots/no-guest-sstc-sim_time_ns.svg ] &&
   python3 -c 'import sys, xml.dom.minidom
for f in sys.argv[1:]: xml.dom.minidom.parse(f)' plots/*.svg; then
  pass "--plots: each plot as an SVG file"
else
  fail "--plots"; ls plots
fi
sweep export_nocsv grid.db
[ "$code" -eq 2 ] && grep -qF "is a sweep's database; give --csv FILE, --report FILE.html or --plots DIR to export it" export_nocsv.err &&
  pass "a database without --csv: told what to do" || fail "a database without --csv (exit $code)"

# --- 3. Failed and timed-out points are recorded; the sweep goes on -------------
cat >mixed.json <<EOF
{"command": ["--no-stdin"], "timeout_seconds": 3,
 "axes": {"workload": {"smoke": ["--hyp", "--kernel", "$guest"], "stuck": ["--hyp", "--kernel", "$sw/g_wfi_stuck.elf"],
                       "spin": ["$sw/spin_forever.elf"]}}}
EOF
sweep mixed mixed.json --csv mixed.csv
if mixed_points_recorded mixed; then
  pass "a failed and a timed-out point recorded with their errors (exit 1)"
else
  fail "failed and timed-out points (exit $code)"; cat mixed.out mixed.err mixed.csv
fi
sweep mixed_retry mixed.json --retry-failed
[ "$code" -eq 1 ] && grep -qxF "sweep mixed: 1 of 3 points already in $tmp/mixed.db; running the other 2" mixed_retry.err &&
  pass "--retry-failed runs the failed points again" || { fail "--retry-failed (exit $code)"; cat mixed_retry.err; }

# --- 4. Ctrl-C, then resume: only the missing points run -------------------------
cp grid.json resume.json
"$vp" sweep -j 1 resume.json >resume1.out 2>resume1.err </dev/null &
pid=$!
for _ in $(seq 600); do
  [ "$(grep -c '^sweep: [0-9]*/12 done' resume1.err)" -ge 4 ] && break
  sleep 0.05
done
kill -INT "$pid"
wait "$pid"; code=$?
done_before=$(sed -n 's/^interrupted: \([0-9]*\) of 12 points done; run the same command again to resume$/\1/p' resume1.err)
if [ "$code" -eq 130 ] && [ -n "$done_before" ] && [ "$done_before" -ge 4 ] && [ "$done_before" -lt 12 ]; then
  pass "Ctrl-C: exit 130 after $done_before of 12 points, told how to resume"
else
  fail "Ctrl-C (exit $code)"; cat resume1.err; done_before=0
fi
sweep resume_csv resume.db --csv resume1.csv
[ "$(($(wc -l <resume1.csv) - 1))" -eq "$done_before" ] && pass "the database holds exactly the $done_before finished points" ||
  fail "the interrupted database holds $(($(wc -l <resume1.csv) - 1)) points, not $done_before"
sweep resume2 resume.json --csv resume.csv
left=$((12 - done_before))
if [ "$code" -eq 0 ] &&
   grep -qxF "sweep smoke grid: $done_before of 12 points already in $tmp/resume.db; running the other $left" resume2.err &&
   [ "$(grep -c '^sweep: [0-9]*/12 done' resume2.err)" -eq "$left" ]; then
  pass "resume runs only the $left missing points"
else
  fail "resume (exit $code)"; cat resume2.err
fi
for col in id instructions sim_time_ns hyp_cycles exits; do
  [ "$(csv_column resume.csv $col)" = "$(csv_column grid.csv $col)" ] || fail "resumed sweep: $col differs from the whole sweep"
done
pass "the resumed sweep's figures equal the uninterrupted sweep's"

# --- 5. A bench sweep: each point is `rvh-vp bench --json` ----------------------
cat >bench.json <<EOF
{"command": ["bench", "--no-consolidation", "--sw-dir", "$sw"], "axes": {"hyp.mmio_user": [1000, 6000]}, "timeout_seconds": 300}
EOF
sweep bench bench.json -j 2 --csv bench.csv --report bench.html
"$vp" bench --no-consolidation --sw-dir "$sw" --set hyp.mmio_user=6000 --json single_bench.json >/dev/null 2>&1
# The database holds each operation's cycles as the single run's table has them; mmio_read_user moves with the key.
if [ "$code" -eq 0 ] && python3 - bench.csv single_bench.json <<'PY'
import csv, json, sys
rows = {r["hyp.mmio_user"]: r for r in csv.DictReader(open(sys.argv[1]))}
single = json.load(open(sys.argv[2]))
ops = json.loads(rows["6000"]["cycles_per_op"])
for op in single["operations"]:
    want = op.get("sim_cycles_per_op", op.get("sim_latency_cycles"))
    assert ops[op["name"]] == want, (op["name"], ops.get(op["name"]), want)
assert float(rows["6000"]["overhead_percent"]) == single["workload"]["overhead_percent"]
low = json.loads(rows["1000"]["cycles_per_op"])
assert abs(ops["mmio_read_user"] - low["mmio_read_user"] - 5000) < 1, (low["mmio_read_user"], ops["mmio_read_user"])
PY
then
  pass "bench sweep: each operation's cycles as a single bench run gives them"
else
  fail "bench sweep (exit $code)"; tail -3 bench.err
fi
grep -qF '<h3>mmio_read_user (simulated cycles per operation or latency) vs hyp.mmio_user</h3>' bench.html &&
  grep -qF '<h3>workload overhead as a guest vs bare (%) vs hyp.mmio_user</h3>' bench.html &&
  pass "bench sweep report: a plot per operation and the workload's overhead" || fail "bench sweep report"

# --- 6. A database path that cannot be used: one line, nothing run ------------
ln -s "$tmp/elsewhere.db" link.db
sweep link bench.json --db link.db
[ "$code" -eq 2 ] && [ "$(cat link.err)" = "rvh-vp sweep: $tmp/link.db: is a symbolic link; give the database's own path" ] &&
  [ ! -e elsewhere.db ] && pass "a database path that is a symbolic link is refused" || { fail "--db link (exit $code)"; cat link.err; }
sweep nodir bench.json --db "$tmp/no/such/dir/x.db"
[ "$code" -eq 2 ] && [ "$(cat nodir.err)" = "rvh-vp sweep: $tmp/no/such/dir/x.db: cannot open the sweep database: no directory $tmp/no/such/dir" ] &&
  pass "a database in a missing directory is refused" || { fail "--db in a missing directory (exit $code)"; cat nodir.err; }

# --- 7. Another spec with the same database: refused, or --fresh -----------------
cat >other.json <<EOF
{$cmd, "axes": {"hyp.wfi": [700]}}
EOF
sweep other other.json --db grid.db
[ "$code" -eq 2 ] &&
  [ "$(cat other.err)" = "rvh-vp sweep: $tmp/grid.db: holds 12 points of a different spec; give another --db, or --fresh to discard them" ] &&
  pass "a changed spec with the same database is refused" || { fail "changed spec (exit $code)"; cat other.err; }
sweep fresh other.json --db grid.db --fresh --csv fresh.csv
[ "$code" -eq 0 ] && [ "$(wc -l <fresh.csv)" -eq 2 ] && pass "--fresh starts the database again" ||
  { fail "--fresh (exit $code)"; cat fresh.err; }

[ "$failures" -eq 0 ] && echo "sweep_test: all passed" || echo "sweep_test: $failures failed"
[ "$failures" -eq 0 ]

#!/bin/sh
# config_effects_test.sh RVH_VP SW_DIR: the timing configuration moves the
# figures of real runs in the documented direction (docs/timing.md), and a
# --stats report reproduces its run through --config.
set -u
vp=$1 sw=$2
. "$(dirname "$0")/check_lib.sh"
bare=$sw/rv64im.elf guest=$sw/g_sbi_base.elf
[ -f "$bare" ] && [ -f "$guest" ] || { echo "skipped: sw programs not built"; exit 77; }

# Figures from the run summary on stderr.
run() { out=$1; shift; "$vp" --no-stdin "$@" >"$out.stdout" 2>"$out"; }
cycles() { sed -n 's/.*hart0: .* cycles \([0-9]*\) .*/\1/p' "$1"; }
insns() { sed -n 's/^instructions: \([0-9]*\) .*/\1/p' "$1"; }
simtime() { sed -n 's/^simulated time: \([0-9.]*\) s/\1/p' "$1" | tr -d '.' | sed 's/^0*//'; }
hypcycles() { sed -n 's/.*hypervisor \([0-9]*\) cycles.*/\1/p' "$1"; }
sbicalls() { sed -n 's/^  ecall_exit_stat *\([0-9]*\)/\1/p' "$1"; }

run "$tmp/base" "$bare"
b_cyc=$(cycles "$tmp/base") b_ins=$(insns "$tmp/base") b_t=$(simtime "$tmp/base")
[ -n "$b_cyc" ] && [ -n "$b_ins" ] && [ -n "$b_t" ] || { fail "no figures in the summary"; cat "$tmp/base"; exit 1; }

# A CPI up: more cycles and time, same instructions.
run "$tmp/alu" --set hart.cpi.alu=3 "$bare"
if [ "$(insns "$tmp/alu")" = "$b_ins" ] && [ "$(cycles "$tmp/alu")" -gt "$b_cyc" ] && [ "$(simtime "$tmp/alu")" -gt "$b_t" ]; then
  pass "hart.cpi.alu=3: cycles $b_cyc -> $(cycles "$tmp/alu"), instructions unchanged"
else fail "hart.cpi.alu"; fi

# The clock up: less simulated time; at least as many cycles (device
# latencies are in ns, so they span more cycles of a faster clock).
run "$tmp/clk" --set hart.clock_hz=2GHz "$bare"
if [ "$(insns "$tmp/clk")" = "$b_ins" ] && [ "$(cycles "$tmp/clk")" -ge "$b_cyc" ] && [ "$(simtime "$tmp/clk")" -lt "$b_t" ]; then
  pass "hart.clock_hz=2GHz: cycles $b_cyc -> $(cycles "$tmp/clk"), simulated time $b_t -> $(simtime "$tmp/clk") us"
else fail "hart.clock_hz: cycles $(cycles "$tmp/clk") vs $b_cyc, time $(simtime "$tmp/clk") vs $b_t"; fi

# RAM read latency through DMI: every data load pays it.
run "$tmp/ram" --set ram.dmi_read_ns=2 "$bare"
if [ "$(insns "$tmp/ram")" = "$b_ins" ] && [ "$(cycles "$tmp/ram")" -gt "$b_cyc" ]; then
  pass "ram.dmi_read_ns=2: cycles $b_cyc -> $(cycles "$tmp/ram")"
else fail "ram.dmi_read_ns: $(cycles "$tmp/ram")"; fi

# Device latency: the program prints through the UART; time goes up, cycles of computation do not change instruction counts.
run "$tmp/bus" --set bus.latency_ns=500 "$bare"
if [ "$(insns "$tmp/bus")" = "$b_ins" ] && [ "$(simtime "$tmp/bus")" -gt "$b_t" ]; then
  pass "bus.latency_ns=500: simulated time $b_t -> $(simtime "$tmp/bus")"
else fail "bus.latency_ns"; fi

# A hypervisor cost up by 100: hypervisor cycles up by 100 per SBI call it
# prices (base and time functions; the others have their own keys), and
# guest cycles unchanged. docs/benchmarks.md's consistency test is exact per op.
run "$tmp/g0" --hyp --kernel "$guest"
sbi_call=$("$vp" --help-config | sed -n 's/^hyp\.sbi_call = \([0-9]*\).*/\1/p')
run "$tmp/g1" --hyp --kernel "$guest" --set hyp.sbi_call=$((sbi_call + 100))
h0=$(hypcycles "$tmp/g0") h1=$(hypcycles "$tmp/g1") n=$(sbicalls "$tmp/g0")
if [ -n "$n" ] && [ "$n" -gt 0 ] && [ $((h1 - h0)) -gt 0 ] && [ $(((h1 - h0) % 100)) -eq 0 ] && [ $((h1 - h0)) -le $((n * 100)) ]; then
  pass "hyp.sbi_call +100: hypervisor cycles +$((h1 - h0)) over $n SBI calls"
else fail "hyp.sbi_call: $h0 -> $h1 over '$n' calls"; fi

# The hart's CSR cost moves the world switch (hyp.csr_access follows it): 24 CSR accesses x 6 more cycles per exit.
run "$tmp/g2" --hyp --kernel "$guest" --set hart.cpi.csr=10
exits=$(sed -n 's/^  exits *\([0-9]*\)/\1/p' "$tmp/g0")
ws0=$(sed -n 's/^  world_switch *\([0-9]*\)/\1/p' "$tmp/g0") ws2=$(sed -n 's/^  world_switch *\([0-9]*\)/\1/p' "$tmp/g2")
if [ -n "$exits" ] && [ -n "$ws0" ] && [ $((ws2 - ws0)) -eq $((exits * 24 * 6)) ]; then
  pass "hart.cpi.csr 4 -> 10: world switch cycles +$((ws2 - ws0)) over $exits exits"
else fail "world switch follows hart.cpi.csr: exits '$exits' ws $ws0 -> $ws2"; fi

# A report reproduces its run.
run "$tmp/r1" --hyp --kernel "$guest" --set hyp.redirect=333 --set bus.latency_ns=9 --stats "$tmp/r1.json"
run "$tmp/r2" --hyp --kernel "$guest" --config "$tmp/r1.json"
if [ "$(simtime "$tmp/r1")" = "$(simtime "$tmp/r2")" ] && [ "$(hypcycles "$tmp/r1")" = "$(hypcycles "$tmp/r2")" ] &&
   grep -q '"source_revision"' "$tmp/r1.json" && grep -q '"sha256"' "$tmp/r1.json" && grep -q '"redirect": 333' "$tmp/r1.json"; then
  pass "--config REPORT.json reproduces the run"
else fail "reproduction from a report"; fi

# Errors.
"$vp" --set hart.cpi.nope=1 --dump-config >"$tmp/e" 2>&1; code=$?
[ $code -eq 2 ] && grep -q "unknown configuration key 'hart.cpi.nope'" "$tmp/e" && pass "unknown key" || fail "unknown key (exit $code)"
echo '{"hart": ' >"$tmp/broken.json"
"$vp" --config "$tmp/broken.json" "$bare" >"$tmp/e" 2>&1; code=$?
[ $code -eq 2 ] && grep -q "not valid JSON" "$tmp/e" && pass "broken config file" || fail "broken config (exit $code)"

[ $failures -eq 0 ] && echo "all config effects as documented" || echo "$failures failure(s)"
[ $failures -eq 0 ]

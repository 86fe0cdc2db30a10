#!/bin/sh
# config_errors_test.sh RVH_VP SW_DIR: a wrong timing configuration
# (docs/timing.md "Ranges", issue 10 defects 7 and 8) is exit status 2 and
# one line naming the file or option, the key, what it expects and what it
# got, before anything runs; values at the limits run, with cycles and
# simulated time in agreement; --dump-config output loads back.
set -u
vp=$1 sw=$2
. "$(dirname "$0")/check_lib.sh"

# expect_error NAME MESSAGE ARGS...: exit 2, stdout empty, stderr exactly "PREFIX: MESSAGE".
prefix="rvh-vp"
expect_error() {
  name=$1 msg=$2
  shift 2
  "$vp" "$@" >"$tmp/out" 2>"$tmp/err"
  code=$?
  if [ $code -eq 2 ] && [ "$(cat "$tmp/err")" = "$prefix: $msg" ] && [ ! -s "$tmp/out" ]; then
    pass "$name"
  else
    fail "$name: exit $code, stderr: $(head -c 400 "$tmp/err")"
  fi
}

# Defect 7: values that overflowed the cycle or time counters.
expect_error "hyp.mmio_user 2^64-1" \
  "--set hyp.mmio_user=18446744073709551615: out of range; expected a number of cycles (0..1000000)" \
  --set hyp.mmio_user=18446744073709551615 --dump-config
expect_error "bus.latency_ns 2^64-1" \
  "--set bus.latency_ns=18446744073709551615: out of range; expected a number of nanoseconds (0..1000000)" \
  --set bus.latency_ns=18446744073709551615 --dump-config
expect_error "hyp.sbi_call 2^63" \
  "--set hyp.sbi_call=9223372036854775808: out of range; expected a number of cycles (0..1000000)" \
  --set hyp.sbi_call=9223372036854775808 --dump-config
expect_error "hart.clock_hz below 1 MHz" \
  "--set hart.clock_hz=999999: out of range; expected a frequency in Hz (1000000..1000000000000, or e.g. 1.5GHz)" \
  --set hart.clock_hz=999999 --dump-config
expect_error "hart.cpi.alu 0" \
  "--set hart.cpi.alu=0: out of range; expected a number of cycles (1..1000)" --set hart.cpi.alu=0 --dump-config

# --help-config shows each key's range.
"$vp" --help-config >"$tmp/help" 2>&1
grep -q '^hart.cpi.alu = 1  (range 1..1000 cycles)$' "$tmp/help" &&
  grep -q '^hyp.mmio_user = [0-9]*  (range 0..1000000 cycles)$' "$tmp/help" &&
  grep -q '^bus.latency_ns = 5  (range 0..1000000 ns)$' "$tmp/help" &&
  pass "--help-config shows the ranges" || fail "--help-config ranges: $(grep -m3 'range' "$tmp/help")"

# Defect 8: what --config must not accept.
printf '{} trailing garbage\n' >"$tmp/trailing.json"
expect_error "text after the JSON value" \
  "$tmp/trailing.json: not valid JSON at line 1, column 4: text after the end of the JSON value ('trailing garbage'); a configuration file holds one JSON object" \
  --config "$tmp/trailing.json" --dump-config
printf '{"hart":{"cpi":{"alu":{}}}}' >"$tmp/object.json"
expect_error "an object for a number" \
  "$tmp/object.json: hart.cpi.alu: expected a number of cycles (1..1000), got an object" \
  --config "$tmp/object.json" --dump-config
printf '{"bus": {"latency_ns": "5"}}' >"$tmp/string.json"
expect_error "a string for a number of ns" \
  "$tmp/string.json: bus.latency_ns: expected a number of nanoseconds (0..1000000), got a string (\"5\")" \
  --config "$tmp/string.json" --dump-config
printf '{"hyp": {"world_switch": -1}}' >"$tmp/ws.json"
expect_error "hyp.world_switch other than derived" \
  "$tmp/ws.json: hyp.world_switch: -1 is not the derived value 218 (switch_fixed + switch_gprs x gpr_save + switch_csrs x csr_access); remove it, or set those keys instead" \
  --config "$tmp/ws.json" --dump-config
expect_error "--set hyp.world_switch" \
  "--set: hyp.world_switch is derived (switch_fixed + switch_gprs x gpr_save + switch_csrs x csr_access); set those instead" \
  --set hyp.world_switch=218 --dump-config
printf '{"hyp": {"sbi_call": 1, "sbi_call": 2}}' >"$tmp/dup.json"
expect_error "a key given twice" "$tmp/dup.json: hyp.sbi_call: given twice" --config "$tmp/dup.json" --dump-config
printf '{"hyp": {"sbi_call": -5}}' >"$tmp/neg.json"
expect_error "a negative number" \
  "$tmp/neg.json: hyp.sbi_call: out of range; expected a number of cycles (0..1000000), got -5" \
  --config "$tmp/neg.json" --dump-config
printf '{"hart.cpi.div": 2.5}' >"$tmp/frac.json"
expect_error "a fraction" \
  "$tmp/frac.json: hart.cpi.div: not a whole number; expected a number of cycles (1..1000), got 2.5" \
  --config "$tmp/frac.json" --dump-config
printf '{"hyp": {"mmio_user": 18446744073709551615}}' >"$tmp/big.json"
expect_error "hyp.mmio_user 2^64-1 in a file" \
  "$tmp/big.json: hyp.mmio_user: out of range; expected a number of cycles (0..1000000), got 18446744073709551615" \
  --config "$tmp/big.json" --dump-config
printf '{\n  "hart": {"cpi": {"alu": 1,}}\n}\n' >"$tmp/syntax.json"
expect_error "a syntax error: line and column" \
  "$tmp/syntax.json: not valid JSON at line 2, column 29: unexpected '}'" --config "$tmp/syntax.json" --dump-config
printf '{"sbi_call": 5, "world_switch": 7}' >"$tmp/costs.json"
expect_error "--hyp-costs world_switch" \
  "$tmp/costs.json: hyp.world_switch: 7 is not the derived value 218 (switch_fixed + switch_gprs x gpr_save + switch_csrs x csr_access); remove it, or set those keys instead" \
  --hyp-costs "$tmp/costs.json" --dump-config
mkdir "$tmp/conf.d"
expect_error "a directory" "$tmp/conf.d: is a directory; give a JSON configuration file" \
  --config "$tmp/conf.d" --dump-config
expect_error "a file that cannot be read" \
  "/proc/self/mem: cannot read configuration file (Input/output error)" --config /proc/self/mem --dump-config
if [ "$(id -u)" -ne 0 ]; then  # root reads anything
  echo '{}' >"$tmp/locked.json" && chmod 000 "$tmp/locked.json"
  expect_error "an unreadable file" "$tmp/locked.json: cannot read configuration file (Permission denied)" \
    --config "$tmp/locked.json" --dump-config
fi

# rvh-vp bench checks its configuration before it starts a run.
prefix="rvh-vp bench"
expect_error "bench --set out of range" \
  "--set hyp.mmio_user=18446744073709551615: out of range; expected a number of cycles (0..1000000)" \
  bench --set hyp.mmio_user=18446744073709551615 --sw-dir "$tmp"
expect_error "bench --config" \
  "$tmp/object.json: hart.cpi.alu: expected a number of cycles (1..1000), got an object" \
  bench --config "$tmp/object.json" --sw-dir "$tmp"
prefix="rvh-vp"

# --dump-config output loads back unchanged, with changed values and at the limits.
for sets in "" "--set hyp.sbi_call=1000000 --set bus.latency_ns=1000000 --set hart.clock_hz=1MHz --set hart.cpi.csr=1000"; do
  # shellcheck disable=SC2086
  "$vp" $sets --dump-config >"$tmp/dump.json" 2>"$tmp/err" &&
    "$vp" --config "$tmp/dump.json" --dump-config >"$tmp/again.json" 2>>"$tmp/err" &&
    cmp -s "$tmp/dump.json" "$tmp/again.json" &&
    pass "--dump-config round trip${sets:+ with $sets}" || fail "--dump-config round trip ($sets): $(cat "$tmp/err")"
done

# A run at the limits: cycles and simulated time agree (1 cycle = 1 ns at the default clock).
guest=$sw/g_sbi_base.elf
if [ -f "$guest" ]; then
  "$vp" --no-stdin --hyp --kernel "$guest" --set hyp.sbi_call=1000000 --set hyp.switch_fixed=1000000 \
    >"$tmp/run.out" 2>"$tmp/run.err"
  code=$?
  ns=$(sed -n 's/^simulated time: \([0-9]*\)\.\([0-9]*\) s/\1\2/p' "$tmp/run.err" | sed 's/^0*//')
  ns=$((${ns:-0} * 1000))
  cyc=$(sed -n 's/.*hart0: .* cycles \([0-9]*\) .*/\1/p' "$tmp/run.err")
  # The hart ends ahead of SystemC time by at most a quantum and the charge
  # of its last exit (the SRST call: world switch 1000158 + sbi_call 1000000
  # cycles), which no later event waits for; allow that and 1 %.
  if [ $code -eq 0 ] && [ -n "$cyc" ] && [ "$ns" -gt 10000000 ] &&
    [ $((cyc - ns)) -le $((ns / 100 + 2000158)) ] && [ $((ns - cyc)) -le $((ns / 100)) ]; then
    pass "costs at the limit: $cyc cycles in $ns ns"
  else
    fail "costs at the limit: exit $code, cycles '$cyc', time '$ns' ns"
  fi
else
  echo "skipped: $guest not built"
fi

[ $failures -eq 0 ] && echo "all configuration errors as documented" || echo "$failures failure(s)"
[ $failures -eq 0 ]

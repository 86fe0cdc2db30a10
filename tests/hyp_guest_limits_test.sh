#!/bin/sh
# hyp_guest_limits_test.sh RVH_VP SW_DIR: what a guest cannot do to the
# hosted hypervisor (issue 10, defects 5 and 10), with the guests
# sw/guest/g_gpa_beyond.c and sw/guest/g_unmapped_many.c:
#  1. a fetch from a guest-physical address beyond the G-stage (>= 2^41)
#     stops the VM with the trap report and exit code 3, and nothing is
#     written into guest RAM (a second vCPU watches it);
#  2. a guest touching 1200 distinct addresses with nothing behind them
#     (loads, and fetches from 1200 distinct 2 MiB regions) keeps running:
#     the fetches share G-stage hole leaves instead of using up the page-
#     table pool, stderr names only the first 16 addresses, and the
#     statistics count every access.
set -u
vp=$1 sw=$2
. "$(dirname "$0")/check_lib.sh"
for g in g_gpa_beyond g_unmapped_many; do
  [ -f "$sw/$g.elf" ] || { echo "skipped: $sw/$g.elf not built"; exit 77; }
done

# 1. Beyond the G-stage.
timeout 60 "$vp" --no-stdin --smp 2 --hyp --kernel "$sw/g_gpa_beyond.elf" >"$tmp/beyond.out" 2>&1; code=$?
if [ $code -eq 3 ] &&
   grep -q "instruction fetch from guest-physical 0x20080005000, beyond the G-stage" "$tmp/beyond.out" &&
   grep -q "SEPC    0x20080005000" "$tmp/beyond.out" && grep -q "SCAUSE  0x14" "$tmp/beyond.out" &&
   grep -q "HTVAL   0x8020001400" "$tmp/beyond.out"; then
  pass "fetch beyond the G-stage stops the VM with the trap report"
else
  fail "fetch beyond the G-stage (exit $code)"; tail -30 "$tmp/beyond.out"
fi
if grep -q "guest RAM changed" "$tmp/beyond.out"; then
  fail "guest RAM was written: $(grep "guest RAM changed" "$tmp/beyond.out")"
else
  pass "guest RAM unchanged"
fi
grep -q "load from 0x20080005000: scause -1, read 0x0" "$tmp/beyond.out" &&
  pass "a load beyond the G-stage is MMIO with no device (reads 0)" || fail "load beyond the G-stage"

# 2. Many addresses with nothing behind them.
timeout 120 "$vp" --no-stdin --hyp --kernel "$sw/g_unmapped_many.elf" --stats "$tmp/many.json" \
  >"$tmp/many.out" 2>"$tmp/many.err"; code=$?
if [ $code -eq 0 ] && grep -q "^PASS: g_unmapped_many" "$tmp/many.out"; then
  pass "1200 unmapped fetch regions and 2400 unmapped loads: the guest keeps running"
else
  fail "g_unmapped_many (exit $code)"; tail -5 "$tmp/many.out"; grep "stopped" "$tmp/many.err"
fi
named=$(grep -c "no device there" "$tmp/many.err")
lines=$(wc -l <"$tmp/many.err")
if [ "$named" -eq 16 ] && [ "$lines" -lt 100 ] &&
   grep -q "accesses to further guest-physical addresses with no device are not reported" "$tmp/many.err"; then
  pass "stderr names 16 addresses and says the rest are not reported ($lines lines)"
else
  fail "stderr: $named addresses named, $lines lines"
fi
if grep -q '"unmapped_mmio": 2400' "$tmp/many.json" && grep -q '"unmapped_mmio_unreported": 2384' "$tmp/many.json" &&
   grep -q "^  unmapped_mmio_unreported *2384$" "$tmp/many.err"; then
  pass "stats count every access (JSON and the VM print)"
else
  fail "stats: $(grep -o '"unmapped_mmio[a-z_]*": *[0-9]*' "$tmp/many.json" | head -2 | tr '\n' ' ')"
fi
maps=$(sed -n 's/^  gstage_map_faults *\([0-9]*\)$/\1/p' "$tmp/many.err")
if [ -n "$maps" ] && [ "$maps" -le 8 ]; then
  pass "1200 hole regions took $maps G-stage mappings"
else
  fail "G-stage mappings for 1200 hole regions: '$maps'"
fi

echo "$failures failed"
[ "$failures" -eq 0 ] && echo "PASS: hyp_guest_limits" && exit 0
exit 1

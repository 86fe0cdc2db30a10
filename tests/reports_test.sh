#!/bin/sh
# reports_test.sh RVH_VP SW_DIR TIMELINE_CHECK CONSOLE_DRIVER SOURCE_DIR: the
# reports of docs/reports.md as a user meets them: --timeline (checked by
# tests/tools/timeline_check.cpp against the run's --stats), --vcd, --report
# and `rvh-vp report`, `rvh-vp compare`, and their errors.
set -u
vp=$1 sw=$2 check=$3 driver=$4 src=$5
. "$(dirname "$0")/check_lib.sh"
guest=$sw/g_smoke_all.elf
[ -f "$guest" ] || { echo "skipped: $guest not built"; exit 77; }

# 1. A guest that takes every exit class: timeline, VCD, HTML and stats together.
"$vp" --no-stdin --hyp --kernel "$guest" --stats "$tmp/s.json" --timeline "$tmp/t.json" --vcd "$tmp/v.vcd" \
      --report "$tmp/r.html" >"$tmp/run.out" 2>&1; code=$?
[ $code -eq 0 ] && pass "run with every report (exit 0)" || { fail "run with every report (exit $code)"; tail -20 "$tmp/run.out"; }
if "$check" "$tmp/t.json" "$tmp/s.json"; then pass "timeline: tracks, order, one slice per exit"; else fail "timeline check"; fi
for name in '"sbi time.set_timer"' '"mmio uart (user)"' '"mmio plic (kernel)"' '"wfi"' '"gstage map"' \
            '"redirect illegal insn"' '"redirect inst access fault"' '"blocked (wfi)"' '"guest"' '"VS"' \
            '"HS (hypervisor)"' '"scause"' '"gpa"'; do
  grep -q "$name" "$tmp/t.json" || fail "timeline lacks $name"
done
pass "timeline names exits by cause"
grep -q '"exit_cost_histograms"' "$tmp/s.json" && pass "stats carry exit cost histograms" || fail "no exit_cost_histograms in stats"

# 2. Two vCPUs (IPIs, HSM start): a track for each (vCPU 1 is on no hart
# until vCPU 0 starts it: the timeline once crashed on that).
"$vp" --no-stdin --hyp --smp 2 --kernel "$sw/g_ipi.elf" --stats "$tmp/ipi.json" --timeline "$tmp/ipi_t.json" \
      >"$tmp/ipi.out" 2>&1; code=$?
if [ $code -eq 0 ] && "$check" "$tmp/ipi_t.json" "$tmp/ipi.json" && grep -q '"stopped (hsm)"' "$tmp/ipi_t.json" &&
   grep -q '"args":{"name":"vcpu1"}' "$tmp/ipi_t.json" && ! grep -q '"waiting for a hart"' "$tmp/ipi_t.json"; then
  pass "timeline of two vCPUs"
else
  fail "timeline of two vCPUs (exit $code)"; tail -3 "$tmp/ipi.out"
fi

# 2b. Two VMs on one hart (three vCPUs): a process per VM with a track per
# vCPU, exits per VM, never two vCPUs at once on the hart (timeline_check),
# the vCPUs waiting for the hart and the VM switches; the report has the VMs
# and the scheduler, and `rvh-vp report` makes the same page.
"$vp" --no-stdin --hyp --smp 1 --vm kernel="$sw/g_timer.elf" --vm kernel="$sw/g_ipi.elf",smp=2 \
      --stats "$tmp/vms.json" --timeline "$tmp/vms_t.json" --report "$tmp/vms.html" >"$tmp/vms.out" 2>&1; code=$?
if [ $code -eq 0 ] && "$check" "$tmp/vms_t.json" "$tmp/vms.json" >"$tmp/vms_check.out" &&
   grep -q '"args":{"name":"vm0 (hosted hypervisor)"}' "$tmp/vms_t.json" &&
   grep -q '"args":{"name":"vm1 (hosted hypervisor)"}' "$tmp/vms_t.json" &&
   grep -q '"args":{"name":"vm1 vcpu1"}' "$tmp/vms_t.json" && grep -q '"waiting for a hart"' "$tmp/vms_t.json" &&
   grep -q '"name":"vm switch".*"vm_switch":' "$tmp/vms_t.json" && grep -q '"stopped (vm)"' "$tmp/vms_t.json"; then
  pass "timeline of two VMs on one hart"
else
  fail "timeline of two VMs on one hart (exit $code)"; cat "$tmp/vms_check.out"; tail -3 "$tmp/vms.out"
fi
if grep -q '<h2 id="vms">VMs</h2>' "$tmp/vms.html" && grep -q '<h2 id="scheduler">Scheduler</h2>' "$tmp/vms.html" &&
   grep -q '<td>vm1</td>' "$tmp/vms.html" && grep -q 'shutdown (exit status 0)' "$tmp/vms.html" &&
   grep -q 'mean timer interrupt latency per VM' "$tmp/vms.html" && ! grep -q 'id="scheduler"' "$tmp/r.html" &&
   ! grep -q 'id="vms"' "$tmp/r.html"; then
  pass "report of two VMs: VMs and scheduler sections (none for one VM)"
else
  fail "report of two VMs"
fi
"$vp" report "$tmp/vms.json" "$tmp/vms2.html" && cmp -s "$tmp/vms.html" "$tmp/vms2.html" &&
  pass "rvh-vp report reproduces the two-VM page" || fail "rvh-vp report of the two-VM stats"
# Three VMs of two vCPUs on two harts: at most two vCPUs run at any time.
"$vp" --no-stdin --hyp --smp 2 --vm kernel="$sw/g_ipi.elf",smp=2 --vm kernel="$sw/g_hsm_suspend.elf",smp=2 \
      --vm kernel="$sw/g_ipi.elf",smp=2 --stats "$tmp/vms3.json" --timeline "$tmp/vms3_t.json" >"$tmp/vms3.out" 2>&1
code=$?
if [ $code -eq 0 ] && "$check" "$tmp/vms3_t.json" "$tmp/vms3.json" >"$tmp/vms3_check.out" &&
   grep -q '"args":{"name":"vm2 vcpu1"}' "$tmp/vms3_t.json" && grep -q '"waiting for a hart"' "$tmp/vms3_t.json"; then
  pass "timeline of three VMs on two harts"
else
  fail "timeline of three VMs on two harts (exit $code)"; cat "$tmp/vms3_check.out"; tail -3 "$tmp/vms3.out"
fi

# 3. Without --hyp: hart tracks only (modes, WFI).
"$vp" --no-stdin "$sw/interrupts.elf" --stats "$tmp/bare.json" --timeline "$tmp/bare_t.json" >"$tmp/bare.out" 2>&1; code=$?
if [ $code -eq 0 ] && "$check" "$tmp/bare_t.json" "$tmp/bare.json" && grep -q '"M"' "$tmp/bare_t.json" &&
   ! grep -q '"cat":"exit"' "$tmp/bare_t.json"; then
  pass "bare-metal timeline has hart tracks only"
else
  fail "bare-metal timeline (exit $code)"
fi

# 4. The event cap: the file stays valid and says it was cut, and so does stderr.
"$vp" --no-stdin --hyp --kernel "$guest" --stats "$tmp/cap.json" --timeline "$tmp/cap_t.json" \
      --timeline-max-events 20 >"$tmp/cap.out" 2>&1; code=$?
if [ $code -eq 0 ] && "$check" "$tmp/cap_t.json" "$tmp/cap.json" && grep -q '"truncated":true' "$tmp/cap_t.json" &&
   [ "$(grep -c '"ph":"X"' "$tmp/cap_t.json")" -eq 20 ] && grep -q "truncated at 20 events" "$tmp/cap.out"; then
  pass "timeline capped at --timeline-max-events"
else
  fail "timeline cap (exit $code)"; tail -3 "$tmp/cap.out"
fi

# 5. VCD: header, one $var per signal, value changes; V toggles at each exit.
vcd=$tmp/v.vcd
if grep -q '^\$timescale' "$vcd" && grep -q '^\$enddefinitions' "$vcd" && grep -q '^\$dumpvars' "$vcd"; then
  pass "VCD header"
else
  fail "VCD header"
fi
for sig in msip mtip meip seip priv v wfi vssip vstip vseip irq; do
  grep -Eq "^\\\$var wire +[0-9]+ +[^ ]+ +$sig( |\\[)" "$vcd" || fail "VCD has no \$var for $sig"
done
pass "VCD declares every signal"
# The identifier code of hart0's V, and how often it changes after time 0.
v_id=$(awk '/^\$scope module hart0/ {in0=1} /^\$upscope/ {in0=0} in0 && $1=="$var" && $5=="v" {print $4}' "$vcd")
v_changes=$(awk -v id="$v_id" 'started && ($0 == "0" id || $0 == "1" id) {n++} /^#[1-9]/ {started=1} END {print n+0}' "$vcd")
exits=$(sed -n 's/^  exits *\([0-9]*\)$/\1/p' "$tmp/run.out" | head -1)
if [ -n "$v_id" ] && [ "$v_changes" -ge "$exits" ]; then
  pass "VCD: V changes $v_changes times for $exits exits"
else
  fail "VCD value changes of V (id '$v_id', $v_changes changes, $exits exits)"
fi
vssip_id=$(awk '/^\$scope module hart0/ {in0=1} /^\$upscope/ {in0=0} in0 && $1=="$var" && $5=="vssip" {print $4}' "$vcd")
grep -qx "1$vssip_id" "$vcd" && pass "VCD: the guest's IPI raises VSSIP" || fail "VCD: VSSIP never raised"
# A name without .vcd is used as given (SystemC would append .vcd).
"$vp" --no-stdin --hyp --kernel "$guest" --vcd "$tmp/plain.trace" >/dev/null 2>&1
[ -s "$tmp/plain.trace" ] && [ ! -e "$tmp/plain.trace.vcd" ] && pass "--vcd FILE without .vcd" || fail "--vcd FILE without .vcd"

# 6. The HTML report, and the same page from the stats file offline.
if grep -q '<svg class="plot' "$tmp/r.html" && grep -q 'Exits by cause' "$tmp/r.html" &&
   grep -q 'Exit cost histograms' "$tmp/r.html" && ! grep -Eqi '(src|href)="https?:' "$tmp/r.html"; then
  pass "HTML report has plots and no network references"
else
  fail "HTML report content"
fi
"$vp" report "$tmp/s.json" "$tmp/r2.html"; code=$?
[ $code -eq 0 ] && cmp -s "$tmp/r.html" "$tmp/r2.html" && pass "rvh-vp report reproduces --report" || fail "rvh-vp report (exit $code)"

# 7. compare: raising sbi_call by 300 cycles above its default moves each
# call charged at it by 300 (read back from the configuration rows), and
# nothing else.
raised=$(( $("$vp" --help-config | sed -n 's/^hyp\.sbi_call = \([0-9]*\).*/\1/p') + 300 ))
printf '{"sbi_call": %s}\n' "$raised" >"$tmp/costs.json"
"$vp" --no-stdin --hyp --kernel "$guest" --hyp-costs "$tmp/costs.json" --stats "$tmp/b.json" >/dev/null 2>&1
"$vp" compare "$tmp/s.json" "$tmp/b.json" >"$tmp/cmp.out" 2>&1; code=$?
cfg=$(awk '/^configuration \(keys that differ\)/ {m=1; next} /^[^ ]/ {m=0} m && $1 ~ /sbi_call$/ {print $2, $3, $4}' "$tmp/cmp.out")
set -- $cfg
if [ $code -eq 0 ] && [ $# -eq 3 ] && [ "$2" = "$raised" ] && [ "$3" = "+$((raised - $1))" ]; then
  pass "compare shows the configuration key that differs ($cfg)"
else
  fail "compare: configuration difference '$cfg' (exit $code)"; head -30 "$tmp/cmp.out"
fi
delta=$((raised - ${1:-0}))
# "  sbi time.set_timer   A   B   B-A   (B-A)/A" in the mean-cost section.
row=$(awk '/^mean cycles per exit/ {m=1; next} /^[^ ]/ {m=0} m && $1=="sbi" && $2=="time.set_timer" {print $3, $4, $5, $6}' "$tmp/cmp.out")
set -- $row
if [ $# -eq 4 ] && [ "$3" = "+$delta" ] && [ "$4" = "$(awk -v a="$1" -v d="$delta" 'BEGIN {printf "%+.2f%%", 100 * d / a}')" ]; then
  pass "compare: set_timer exits cost +$delta cycles ($4)"
else
  fail "compare row for sbi time.set_timer: '$row' (expected B-A +$delta)"
fi
# Calls charged at another cost (console) do not move.
row=$(awk '/^mean cycles per exit/ {m=1; next} /^[^ ]/ {m=0} m && $2=="dbcn.console_write" {print $5}' "$tmp/cmp.out")
[ "$row" = "0" ] && pass "compare: console calls unchanged" || fail "compare: console row B-A '$row'"
# A bare run against a hypervisor run: rows on one side only show "-".
"$vp" compare "$tmp/bare.json" "$tmp/s.json" >"$tmp/cmp2.out" 2>&1
grep -Eq "^  exits +- +[0-9]+ +- +-$" "$tmp/cmp2.out" && pass "compare: one-sided rows show -" || fail "compare: one-sided rows"

# 8. Errors: one line, non-zero exit, no crash.
expect_error() {  # expect_error CODE TEXT COMMAND...
  want=$1 text=$2; shift 2
  "$@" >"$tmp/e.out" 2>&1; got=$?
  if [ $got -eq "$want" ] && grep -q "$text" "$tmp/e.out" && [ "$(wc -l <"$tmp/e.out")" -le 2 ]; then
    pass "error: $text"
  else
    fail "error '$text': exit $got"; cat "$tmp/e.out"
  fi
}
printf '{"schema": "something-else/1"}\n' >"$tmp/other.json"
printf '{"harts": []}\n' >"$tmp/noschema.json"
printf '{"schema": "rvh-vp-stats/2", ' >"$tmp/broken.json"
expect_error 1 "cannot read file" "$vp" compare "$tmp/missing.json" "$tmp/s.json"
expect_error 1 "not valid JSON" "$vp" compare "$tmp/s.json" "$tmp/broken.json"
expect_error 1 "not an rvh-vp stats report" "$vp" compare "$tmp/noschema.json" "$tmp/s.json"
expect_error 1 "unsupported schema" "$vp" report "$tmp/other.json" "$tmp/o.html"
expect_error 2 "expected two --stats files" "$vp" compare "$tmp/s.json"
expect_error 2 "expected a --stats file and an output file" "$vp" report "$tmp/s.json"
expect_error 1 "no/such/dir/r.html: cannot open for writing" "$vp" report "$tmp/s.json" "$tmp/no/such/dir/r.html"
expect_error 1 "timeline: $tmp/no/dir/t.json: cannot open for writing" "$vp" --no-stdin --hyp --kernel "$guest" --timeline "$tmp/no/dir/t.json"
expect_error 1 "vcd: $tmp/no/dir/v.vcd: cannot open for writing" "$vp" --no-stdin --hyp --kernel "$guest" --vcd "$tmp/no/dir/v.vcd"
expect_error 2 "needs --timeline" "$vp" --no-stdin --hyp --kernel "$guest" --timeline-max-events 5
expect_error 2 "must be at least 1" "$vp" --no-stdin --hyp --kernel "$guest" --timeline "$tmp/x.json" --timeline-max-events 0

# 9. U-Boot as a guest (the README's main command) gives a timeline and a report.
uboot=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
if [ -f "$uboot" ]; then
  "$driver" "$src/tests/firmware/uboot_guest.script" -- "$vp" --hyp --kernel "$uboot" --stats "$tmp/ub.json" \
      --timeline "$tmp/ub_t.json" --report "$tmp/ub.html" >"$tmp/ub.out" 2>&1; code=$?
  if [ $code -eq 0 ] && "$check" "$tmp/ub_t.json" "$tmp/ub.json" && grep -q '"mmio uart (user)"' "$tmp/ub_t.json" &&
     grep -q '<svg class="plot' "$tmp/ub.html"; then
    pass "U-Boot guest: timeline and report"
  else
    fail "U-Boot guest reports (exit $code)"; tail -5 "$tmp/ub.out"
  fi
else
  echo "note: $uboot not installed; U-Boot case not run"
fi

echo "$failures failed"
[ "$failures" -eq 0 ] && echo "PASS: reports" && exit 0
exit 1

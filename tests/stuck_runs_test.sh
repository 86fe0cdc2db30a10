#!/bin/bash
# stuck_runs_test.sh RVH_VP SW_DIR [FW_JUMP]: runs that can never progress
# end by themselves; runs that sleep legitimately do not; --max-time bounds
# a sleeping run; SIGINT and SIGTERM end a run with its summary and --stats
# (docs/running.md "Ending a run").
set -u
vp=$1 sw=$2 fw=${3:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf}
. "$(dirname "$0")/check_lib.sh"
stuck_msg="all harts are waiting for an interrupt that cannot arrive"

# run NAME SECONDS ARGS...: rvh-vp with stdin closed, killed after SECONDS;
# sets $code, stdout in $tmp/NAME.out, stderr in $tmp/NAME.err.
run() {
  name=$1 secs=$2; shift 2
  timeout -k 5 "$secs" "$vp" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
  code=$?
}

# expect_stuck NAME ARGS...: ends at once with exit 4, the message, a pc per hart.
expect_stuck() {
  name=$1; shift
  run "$name" 30 "$@"
  if [ "$code" -ne 4 ]; then fail "$name: exit $code, expected 4"; cat "$tmp/$name.err"; return 1; fi
  grep -q "rvh-vp: $stuck_msg" "$tmp/$name.err" || { fail "$name: no '$stuck_msg'"; cat "$tmp/$name.err"; return 1; }
  grep -q "hart0: pc 0x[0-9a-f]\{16\} in [A-Z]*-mode (V=[01])" "$tmp/$name.err" || { fail "$name: no hart0 pc"; cat "$tmp/$name.err"; return 1; }
  grep -q "stopped by: stuck (exit code 4)" "$tmp/$name.err" || { fail "$name: no run summary"; cat "$tmp/$name.err"; return 1; }
  pass "$name"
}

# expect_end NAME CODE REASON SECONDS ARGS...: ends with CODE and "stopped by: REASON".
expect_end() {
  name=$1 want=$2 reason=$3 secs=$4; shift 4
  run "$name" "$secs" "$@"
  if [ "$code" -ne "$want" ]; then fail "$name: exit $code, expected $want"; cat "$tmp/$name.err"; return 1; fi
  grep -q "stopped by: $reason (exit code $want)" "$tmp/$name.err" || { fail "$name: not stopped by $reason"; cat "$tmp/$name.err"; return 1; }
  if grep -q "$stuck_msg" "$tmp/$name.err"; then fail "$name: reported stuck"; cat "$tmp/$name.err"; return 1; fi
  pass "$name"
}

# --- runs nothing can wake --------------------------------------------------
expect_stuck "bare wfi with mie=0" --no-stdin "$sw/wfi_forever.elf" &&
  grep -q "hart0: pc 0x0000000080[0-9a-f]* in M-mode (V=0), in WFI, mie 0x0" "$tmp/bare wfi with mie=0.err" &&
  pass "bare wfi: pc, mode and mie named" || fail "bare wfi: hart line"
# stdin at end of file: the UART can no longer receive anything.
expect_stuck "bare wfi, stdin at EOF" "$sw/wfi_forever.elf"
expect_stuck "two harts in wfi" --no-stdin --smp 2 "$sw/wfi_forever.elf" &&
  grep -q "hart1: pc" "$tmp/two harts in wfi.err" && pass "two harts: both named" || fail "two harts: hart1 not named"
# An SBI timer set after the end of SystemC time (10^12 s) can never fire:
# the run ends as stuck at once instead of arming an sc_time that overflows.
expect_stuck "hyp guest, SBI timer beyond SystemC time" --no-stdin --hyp --no-guest-sstc --kernel "$sw/g_beyond_timer.elf"
expect_stuck "hyp guest wfi with sie=0" --no-stdin --hyp --kernel "$sw/g_wfi_stuck.elf" &&
  grep -q "hart0: pc 0x00000000802[0-9a-f]* in VS-mode (V=1), in WFI" "$tmp/hyp guest wfi with sie=0.err" &&
  grep -q "g_wfi_stuck: waiting" "$tmp/hyp guest wfi with sie=0.out" &&
  pass "hyp guest: VS-mode pc named" || fail "hyp guest: hart line or guest output"
# vCPU 1 stays stopped (SBI HSM) while vCPU 0 waits for nothing.
expect_stuck "hyp guest, second vCPU stopped" --no-stdin --smp 2 --hyp --kernel "$sw/g_wfi_stuck.elf" &&
  grep -q "hart1: idle, no vCPU can run" "$tmp/hyp guest, second vCPU stopped.err" &&
  grep -q "vm vCPU 1: stopped (SBI HSM), waiting for hart_start" "$tmp/hyp guest, second vCPU stopped.err" &&
  pass "hyp guest: stopped vCPU named" || fail "hyp guest: stopped vCPU line"
if [ -f "$fw" ]; then
  # OpenSBI faults relocating its FDT to 0x82200000, beyond 16 MiB of RAM, and hangs in WFI.
  expect_stuck "OpenSBI with -m 16M" --no-stdin -m 16M --bios "$fw"
  expect_stuck "OpenSBI + guest wfi with sie=0" --no-stdin --bios "$fw" --kernel "$sw/g_wfi_stuck.elf"
else
  echo "skip: OpenSBI cases ($fw not found)"
fi

# --- runs that sleep legitimately --------------------------------------------
# Hart 1 sleeps for ever in the library's start-up while hart 0 runs the test.
expect_end "second hart asleep while hart 0 runs" 0 pass 60 --no-stdin --smp 2 "$sw/rv64im.elf"
# ... and when --max-insns stops hart 0, that ends the run.
expect_end "--max-insns with a second hart asleep" 0 insn-limit 30 --no-stdin --smp 2 --max-insns 100000 \
  "$sw/spin_forever.elf"
# A timer 1000 s of simulated time away still fires and ends the run.
expect_end "wfi with a far CLINT timer" 0 pass 120 --no-stdin "$sw/wfi_far_timer.elf" &&
  grep -q "wfi_far_timer: woke" "$tmp/wfi with a far CLINT timer.out" && pass "far timer: woke" || fail "far timer: did not wake"

# --- --max-time bounds a sleeping run ----------------------------------------
expect_end "--max-time, bare, far timer" 0 time-limit 30 --no-stdin --max-time 50ms "$sw/wfi_far_timer.elf" &&
  grep -q "simulated time: 0.05" "$tmp/--max-time, bare, far timer.err" && pass "--max-time: simulated time 50 ms" ||
  fail "--max-time: simulated time"
expect_end "--max-time, bare, running" 0 time-limit 30 --no-stdin --max-time 2ms "$sw/spin_forever.elf"
expect_end "--max-time, hyp, SBI timer" 0 time-limit 30 --no-stdin --max-time 100ms --hyp --kernel "$sw/g_far_timer.elf"
expect_end "--max-time, hyp, SBI timer, no guest Sstc" 0 time-limit 30 --no-stdin --max-time 100ms --hyp --no-guest-sstc \
  --kernel "$sw/g_far_timer.elf"
expect_end "--max-time, hyp, stimecmp" 0 time-limit 30 --no-stdin --max-time 100ms --hyp --kernel "$sw/g_far_stimecmp.elf"
if [ -f "$fw" ]; then
  expect_end "--max-time, OpenSBI + guest far timer" 0 time-limit 60 --no-stdin --max-time 300ms --bios "$fw" \
    --kernel "$sw/g_far_timer.elf"
fi
run "--max-time 5" 10 --max-time 5 "$sw/wfi_forever.elf"
[ "$code" -eq 2 ] && grep -q -- "--max-time 5: bad time" "$tmp/--max-time 5.err" && pass "--max-time without a unit" ||
  { fail "--max-time without a unit: exit $code"; cat "$tmp/--max-time 5.err"; }
run "--max-time 0s" 10 --max-time 0s "$sw/wfi_forever.elf"
[ "$code" -eq 2 ] && grep -q -- "--max-time 0s: must be more than 0" "$tmp/--max-time 0s.err" && pass "--max-time 0s" ||
  { fail "--max-time 0s: exit $code"; cat "$tmp/--max-time 0s.err"; }

# --- SIGINT and SIGTERM --------------------------------------------------------
# signal_run NAME SIGNAL CODE READY ARGS...: starts rvh-vp with the signal's
# default disposition (a background job of a script ignores SIGINT), sends
# SIGNAL once READY is on stdout, expects CODE, the summary and --stats.
signal_run() {
  name=$1 sig=$2 want=$3 ready=$4; shift 4
  python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGTERM): signal.signal(s, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$vp" --no-stdin --stats "$tmp/$name.json" "$@" \
    </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  for _ in $(seq 100); do grep -q "$ready" "$tmp/$name.out" && break; sleep 0.1; done
  sleep 0.3
  kill -s "$sig" "$pid"
  ( sleep 20; kill -KILL "$pid" 2>/dev/null ) &
  watchdog=$!
  wait "$pid"
  code=$?
  kill "$watchdog" 2>/dev/null
  if [ "$code" -ne "$want" ]; then fail "$name: exit $code, expected $want"; cat "$tmp/$name.err"; return; fi
  grep -q "stopped by: $sig (exit code $want)" "$tmp/$name.err" || { fail "$name: no run summary"; cat "$tmp/$name.err"; return; }
  grep -q '"stopped_by": "'"$sig"'"' "$tmp/$name.json" 2>/dev/null &&
    grep -q '"exit_code": '"$want" "$tmp/$name.json" || { fail "$name: --stats not written"; return; }
  pass "$name"
}
if command -v python3 >/dev/null; then
  signal_run "SIGINT, running" SIGINT 130 "spin_forever: running" "$sw/spin_forever.elf"
  signal_run "SIGTERM, running" SIGTERM 143 "spin_forever: running" "$sw/spin_forever.elf"
  # Timers 10^6 s away: asleep for hours of host time, but not stuck.
  signal_run "SIGINT, asleep" SIGINT 130 "wfi_far_timer: waiting" "$sw/wfi_long_timer.elf"
  signal_run "SIGTERM, hyp guest asleep" SIGTERM 143 "g_far_timer: waiting" --hyp --kernel "$sw/g_long_timer.elf"
else
  echo "skip: signal cases (no python3 to start rvh-vp with default signal handling)"
fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all stuck-run checks passed"

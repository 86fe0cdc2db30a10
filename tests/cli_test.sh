#!/bin/sh
# cli_test.sh RVH_VP SW_DIR: checks what a user sees from the command line.
set -u
vp=$1 sw=$2
. "$(dirname "$0")/check_lib.sh"

# expect_error NAME EXIT_CODE PATTERN ARGS...: one stderr line matching PATTERN, that exit code.
expect_error() {
  name=$1 code=$2 pattern=$3; shift 3
  "$vp" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  got=$?
  lines=$(wc -l <"$tmp/err")
  if [ "$got" -ne "$code" ]; then fail "$name: exit $got, expected $code"; cat "$tmp/err"; return; fi
  if ! grep -q -- "$pattern" "$tmp/err"; then fail "$name: stderr lacks '$pattern'"; cat "$tmp/err"; return; fi
  if grep -qi -e "abort" -e "terminate called" -e "core dumped" -e "Error: (E" "$tmp/err"; then fail "$name: crashed"; return; fi
  [ "$lines" -le 2 ] || { fail "$name: $lines lines of errors"; cat "$tmp/err"; return; }
  pass "$name"
}

expect_error "missing ELF" 1 "no-such.elf: cannot read" "$tmp/no-such.elf"
printf 'not an elf at all' >"$tmp/garbage.elf"
expect_error "malformed ELF" 1 "not an ELF file" "$tmp/garbage.elf"
head -c 100 "$sw/rv64im.elf" >"$tmp/truncated.elf"
expect_error "truncated ELF" 1 "truncated" "$tmp/truncated.elf"
cp /bin/true "$tmp/x86.elf"
expect_error "x86 ELF" 1 "RISC-V" "$tmp/x86.elf"
expect_error "image larger than RAM" 1 "does not fit" -m 4K "$sw/rv64im.elf"
expect_error "unknown option" 2 "unknown option" --bogus "$sw/rv64im.elf"
expect_error "bad size" 2 "bad size" -m 12Q "$sw/rv64im.elf"
expect_error "too many harts" 2 "smp" --smp 9 "$sw/rv64im.elf"
expect_error "no program" 2 "" 
expect_error "bad dtb" 1 "device tree" --dtb "$tmp/garbage.elf" "$sw/rv64im.elf"

# --help documents every option.
"$vp" --help >"$tmp/help" 2>&1 || fail "--help exit code"
for opt in --bios --kernel --append --dtb --dump-dtb -m --smp --max-insns --stats --quantum --trace --no-stdin; do
  grep -q -- "$opt" "$tmp/help" || fail "--help does not mention $opt"
done
pass "--help"

# --dump-dtb writes a valid blob; --dtb runs with it.
if "$vp" --no-stdin --dump-dtb "$tmp/dump.dtb" --append "console=ttyS0" "$sw/rv64im.elf" >"$tmp/out" 2>&1 &&
   [ -s "$tmp/dump.dtb" ] && "$vp" --no-stdin --dtb "$tmp/dump.dtb" "$sw/rv64im.elf" >"$tmp/out2" 2>&1 &&
   grep -q "PASS: rv64im" "$tmp/out2"; then
  pass "--dump-dtb / --dtb"
  if command -v dtc >/dev/null; then
    dtc -I dtb -O dts "$tmp/dump.dtb" 2>/dev/null | grep -q 'bootargs = "console=ttyS0"' && pass "dtb has bootargs" || fail "dtb lacks bootargs"
  fi
else
  fail "--dump-dtb / --dtb"
fi

# --stats writes the documented JSON.
"$vp" --no-stdin --stats "$tmp/stats.json" "$sw/rv64im.elf" >/dev/null 2>&1
grep -q '"schema": "rvh-vp-stats/2"' "$tmp/stats.json" && grep -q '"stopped_by": "pass"' "$tmp/stats.json" &&
  pass "--stats" || fail "--stats"

# --max-insns stops the run by itself.
"$vp" --no-stdin --max-insns 1000 --stats "$tmp/limit.json" "$sw/coremark_like.elf" >/dev/null 2>&1
grep -q '"instructions": 1000,' "$tmp/limit.json" && pass "--max-insns" || { fail "--max-insns"; cat "$tmp/limit.json"; }

# The block translator changes host time only: the same instructions,
# cycles and simulated time interpreted (--jit-threshold 0), translated
# after one run, and at the default; and where no executable memory can be
# mapped (an address-space limit), one warning and the interpreter.
figures() { grep -E '"(instructions|cycles|sim_time_ns)":' "$1" | tr -d ' \n'; }
for t in 0 1; do
  "$vp" --no-stdin -m 16M --jit-threshold $t --stats "$tmp/jit$t.json" "$sw/coremark_like.elf" >/dev/null 2>&1
done
"$vp" --no-stdin -m 16M --stats "$tmp/jitd.json" "$sw/coremark_like.elf" >/dev/null 2>&1
if [ -n "$(figures "$tmp/jit0.json")" ] && [ "$(figures "$tmp/jit0.json")" = "$(figures "$tmp/jit1.json")" ] &&
   [ "$(figures "$tmp/jit0.json")" = "$(figures "$tmp/jitd.json")" ]; then
  pass "--jit-threshold: same figures"
else
  fail "--jit-threshold: figures differ"; figures "$tmp/jit0.json"; echo; figures "$tmp/jit1.json"; echo
fi
fallback=""
for kib in 120000 100000 90000 80000 70000 60000; do
  (ulimit -v $kib; "$vp" --no-stdin -m 16M --stats "$tmp/nojit.json" "$sw/coremark_like.elf" >"$tmp/nojit.out" 2>&1) || continue
  if grep -q "no executable memory for translated code" "$tmp/nojit.out"; then fallback=$kib; break; fi
done
if [ -n "$fallback" ] && grep -q "PASS: coremark_like" "$tmp/nojit.out" && [ "$(figures "$tmp/nojit.json")" = "$(figures "$tmp/jit0.json")" ]; then
  pass "no executable memory (ulimit -v $fallback): warning, same figures"
else
  fail "no executable memory: no run with the warning and the same figures"; cat "$tmp/nojit.out"
fi

# HTIF: console output and exit codes through tohost.
"$vp" --no-stdin "$sw/htif_exit_0.elf" >"$tmp/htif0" 2>&1; code=$?
[ $code -eq 0 ] && grep -q "htif console: hello" "$tmp/htif0" && pass "htif pass" || { fail "htif pass (exit $code)"; cat "$tmp/htif0"; }
"$vp" --no-stdin "$sw/htif_exit_3.elf" >"$tmp/htif3" 2>&1; code=$?
[ $code -eq 3 ] && pass "htif exit code 3" || fail "htif exit code $code, expected 3"

echo "$failures failed"
[ "$failures" -eq 0 ] && echo "PASS: cli" && exit 0
exit 1

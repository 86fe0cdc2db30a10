#!/bin/sh
# trace_test.sh RVH_VP SW_DIR EXPECTED_DIR: the commit-log trace
# (docs/debugging.md "Commit-log trace"). The trace of sw/tests/trace_demo.S
# matches, line for line, the Spike-format lines written by hand in
# EXPECTED_DIR/trace_demo.expected; each filter shows the lines it should;
# --trace writes them to stderr, --trace-file to its file (through a
# symlink too); --trace-disasm adds symbols, mnemonics and the exception
# lines; a guest's VS-mode lines show privilege 1, as Spike's do; bad values
# are one-line errors with exit status 2.
set -u
vp=$1 sw=$2 expdir=$3
. "$(dirname "$0")/check_lib.sh"

demo=$sw/trace_demo.elf
# The expected lines, without the comments and the empty lines.
grep -v '^#' "$expdir/trace_demo.expected" | grep -v '^$' >"$tmp/expected"
[ "$(wc -l <"$tmp/expected")" -gt 40 ] || fail "the expected lines did not load"

# run ARGS...: rvh-vp on the demo; $tmp/out, $tmp/err, $rc.
run() {
  timeout 60 "$vp" --no-stdin "$@" "$demo" </dev/null >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

# same NAME EXPECTED ACTUAL: the two files hold the same lines.
same() {
  if cmp -s "$2" "$3"; then
    pass "$1"
  else
    fail "$1"
    diff "$2" "$3" | head -20
  fi
}

# --trace-file: the whole trace, line for line; the run passes as without it.
run --trace-file "$tmp/trace"
[ "$rc" -eq 0 ] && pass "the traced run passes" || { fail "traced run: exit $rc"; cat "$tmp/err"; }
same "--trace-file: the hand-written Spike lines" "$tmp/expected" "$tmp/trace"
grep -q '^core' "$tmp/err" && fail "--trace-file also wrote to stderr" || pass "--trace-file keeps stderr free of it"

# --trace: the same lines on stderr (with the run summary after them).
run --trace
grep '^core' "$tmp/err" >"$tmp/stderr-lines"
same "--trace: the same lines on stderr" "$tmp/expected" "$tmp/stderr-lines"

# --trace-from N --trace-count M: each hart's instructions N .. N+M-1.
run --trace-file "$tmp/window" --trace-from 5 --trace-count 3
sed -n '6,8p' "$tmp/expected" >"$tmp/want"
same "--trace-from 5 --trace-count 3" "$tmp/want" "$tmp/window"
run --trace-file "$tmp/window" --trace-count 5
head -n 5 "$tmp/expected" >"$tmp/want"
same "--trace-count 5 (the boot ROM)" "$tmp/want" "$tmp/window"

# --trace-pc LO:HI: the trap handler, 0x80000094 <= pc < 0x800000ac.
run --trace-file "$tmp/pc" --trace-pc 0x80000094:0x800000ac
grep -E ' 0x00000000800000(9[4-9a-f]|a[0-9ab]) ' "$tmp/expected" >"$tmp/want"
[ "$(wc -l <"$tmp/want")" -eq 4 ] || fail "--trace-pc: expected 4 handler lines in the expected file"
same "--trace-pc 0x80000094:0x800000ac" "$tmp/want" "$tmp/pc"

# --trace-modes: U is the one line in U-mode (privilege 0); M all the others.
run --trace-file "$tmp/modes" --trace-modes U
grep '^core   0: 0 ' "$tmp/expected" >"$tmp/want"
same "--trace-modes U" "$tmp/want" "$tmp/modes"
run --trace-file "$tmp/modes" --trace-modes m,hs
grep -v '^core   0: 0 ' "$tmp/expected" >"$tmp/want"
same "--trace-modes m,hs" "$tmp/want" "$tmp/modes"

# --trace-harts: with two harts, hart 1's boot ROM lines (a0 = mhartid = 1)
# and none of hart 0's.
run --smp 2 --trace-file "$tmp/harts" --trace-harts 1 --trace-count 5
head -n 5 "$tmp/expected" | sed -e 's/^core   0:/core   1:/' \
  -e 's/x10 0x0000000000000000/x10 0x0000000000000001/' >"$tmp/want"
same "--smp 2 --trace-harts 1 --trace-count 5" "$tmp/want" "$tmp/harts"
run --smp 2 --trace-file "$tmp/harts" --trace-harts 0-1 --trace-count 5
[ "$(grep -c '^core   0:' "$tmp/harts")" -eq 5 ] && [ "$(grep -c '^core   1:' "$tmp/harts")" -eq 5 ] &&
  pass "--trace-harts 0-1: five lines of each" || { fail "--trace-harts 0-1"; cat "$tmp/harts"; }

# --trace-disasm: the symbol and the mnemonic after " ; ", and Spike's
# exception line where the ECALL trapped, between the U-mode line and the
# handler's first.
run --trace-file "$tmp/disasm" --trace-disasm
if grep -qx 'core   0: 3 0x0000000080000000 (0x000062b7) x5  0x0000000000006000 ; _start: lui t0,0x6' "$tmp/disasm" &&
   grep -qx 'core   0: 3 0x0000000080000030 (0x4615) x12 0x0000000000000005 ; _start+0x30: li a2,5' "$tmp/disasm" &&
   grep -q ' ; _start+0x4c: amoadd.d a7,a1,(a0)$' "$tmp/disasm" &&
   grep -q ' ; _start+0x74: jal 0x800000ac <helper>$' "$tmp/disasm"; then
  pass "--trace-disasm: symbol and mnemonic"
else
  fail "--trace-disasm: symbol and mnemonic"; head -12 "$tmp/disasm"
fi
sed 's/ ; .*//' "$tmp/disasm" | grep -v ': exception ' >"$tmp/stripped"
same "--trace-disasm: the lines before ' ; ' are the plain trace" "$tmp/expected" "$tmp/stripped"
grep -A1 '^core   0: 0 ' "$tmp/disasm" | sed -n 2p >"$tmp/after-user"
echo 'core   0: exception trap_user_ecall, epc 0x00000000800000b2' >"$tmp/want"
same "--trace-disasm: the ECALL's exception line" "$tmp/want" "$tmp/after-user"

# --trace-file through a symlink: written as every output file is
# (platform/file_io.h): the target gets the lines, the link stays a link.
: >"$tmp/target"
ln -s "$tmp/target" "$tmp/link"
run --trace-file "$tmp/link" --trace-count 5
[ -L "$tmp/link" ] && [ "$(wc -l <"$tmp/target")" -eq 5 ] && pass "--trace-file through a symlink" ||
  fail "--trace-file through a symlink"

# A guest of the hosted hypervisor runs in VS-mode: Spike prints the
# privilege level only, so its lines show 1.
if [ -f "$sw/g_smoke_all.elf" ]; then
  timeout 120 "$vp" --no-stdin --hyp --kernel "$sw/g_smoke_all.elf" --trace-file "$tmp/guest" \
    --trace-modes VS --trace-count 20 </dev/null >"$tmp/out" 2>"$tmp/err"
  if [ "$(grep -c '^core   0: 1 0x' "$tmp/guest")" -ge 10 ] && ! grep -vq '^core   0: 1 0x' "$tmp/guest" &&
     head -n 1 "$tmp/guest" | grep -q '^core   0: 1 0x0000000080200000 '; then
    pass "--hyp guest, --trace-modes VS: privilege 1 from the guest's entry"
  else
    fail "--hyp guest, --trace-modes VS"; head -5 "$tmp/guest"; tail -5 "$tmp/err"
  fi
fi

# Bad values and missing --trace: one line naming the option, exit status 2.
# bad MESSAGE ARGS...: rvh-vp ARGS fails with status 2 and MESSAGE.
bad() {
  msg=$1; shift
  timeout 30 "$vp" --no-stdin "$@" "$demo" </dev/null >"$tmp/out" 2>"$tmp/err"
  code=$?
  if [ "$code" -eq 2 ] && grep -qF -- "$msg" "$tmp/err"; then
    pass "error: $*"
  else
    fail "error: $* (exit $code)"; cat "$tmp/err"
  fi
}
bad "--trace-harts x: bad hart number 'x'; use a list such as 0,2-3" --trace --trace-harts x
bad "--trace-harts 1: no such hart; with --smp 1 the harts are 0..0" --trace --trace-harts 1
bad "--trace-harts 3-1: bad range '3-1'" --trace --trace-harts 3-1
bad "--trace-modes Q: unknown mode 'Q'; use M, S (or HS), U, VS, VU" --trace --trace-modes Q
bad "--trace-pc 0x20:0x10: empty range: LO must be below HI" --trace --trace-pc 0x20:0x10
bad "--trace-pc 0x20: bad range; use LO:HI" --trace --trace-pc 0x20
bad "--trace-count 0: must be at least 1" --trace --trace-count 0
bad "--trace-from ten: bad number; use a decimal or 0x-hex integer" --trace --trace-from ten
bad "--trace-pc needs --trace or --trace-file FILE" --trace-pc 0x0:0x10
bad "--trace-disasm needs --trace or --trace-file FILE" --trace-disasm
bad "--trace-file '': empty file name" --trace-file ""
# An unwritable --trace-file: the error before the run, exit status 1.
timeout 30 "$vp" --no-stdin --trace-file /nonexistent/dir/trace "$demo" </dev/null >"$tmp/out" 2>"$tmp/err"
code=$?
[ "$code" -eq 1 ] && grep -q -- "--trace-file: /nonexistent/dir/trace: cannot open for writing" "$tmp/err" &&
  pass "unwritable --trace-file" || { fail "unwritable --trace-file (exit $code)"; cat "$tmp/err"; }

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all trace checks passed"

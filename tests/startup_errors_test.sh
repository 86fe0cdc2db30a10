#!/bin/sh
# startup_errors_test.sh RVH_VP SW_DIR: what a user sees when a run cannot be
# set up: simulated RAM the host cannot allocate names the option that asked
# for it (-m, --guest-memory), and an ELF whose entry point lies outside all
# its loadable segments is refused on every path that loads an ELF (bare,
# --bios, --kernel, --hyp --kernel). One line, exit 1, never a crash.
set -u
vp=$1 sw=$2
. "$(dirname "$0")/check_lib.sh"

# expect NAME PATTERN ARGS...: exit 1, one stderr line matching PATTERN,
# nothing on stdout (the programs print when they run).
expect() {
  name=$1 pattern=$2; shift 2
  "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne 1 ]; then fail "$name: exit $rc, expected 1"; cat "$tmp/err"; return; fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ]; then fail "$name: not one line"; cat "$tmp/err"; return; fi
  if ! grep -q -- "$pattern" "$tmp/err"; then fail "$name: stderr lacks '$pattern'"; cat "$tmp/err"; return; fi
  if [ -s "$tmp/out" ]; then fail "$name: the program ran"; return; fi
  pass "$name"
}

# RAM: the address space is limited to 4 GiB so that the allocation fails on
# any host (and nothing large is ever touched).
limited() { (ulimit -v 4194304 && exec "$@"); }
expect "-m 8G beyond the host" \
  "rvh-vp: -m 8G: cannot allocate 8 GiB of simulated RAM on this host (.*); use a smaller -m" \
  limited "$vp" --no-stdin -m 8G "$sw/rv64im.elf"
expect "--guest-memory 8G beyond the host" \
  "rvh-vp: --guest-memory 8G: cannot allocate [0-9]* [MG]iB of simulated RAM .* on this host (.*); use a smaller --guest-memory" \
  limited "$vp" --no-stdin --hyp --guest-memory 8G --kernel "$sw/g_smoke_all.elf"
expect "-m 6G --hyp beyond the host" \
  "rvh-vp: -m 6G: cannot allocate 6 GiB of simulated RAM on this host" \
  limited "$vp" --no-stdin --hyp -m 6G --kernel "$sw/g_smoke_all.elf"
# The same limit leaves room for a normal run.
limited "$vp" --no-stdin "$sw/rv64im.elf" </dev/null >"$tmp/out" 2>"$tmp/err" && grep -q PASS "$tmp/out" \
  && pass "a normal run fits the limit" || { fail "a normal run under the limit"; cat "$tmp/err"; }

# An ELF whose e_entry (ELF64 header offset 24, little-endian) is moved to
# 0x90000000, outside its segments.
bad=$tmp/entry-outside.elf
cp "$sw/rv64im.elf" "$bad"
printf '\000\000\000\220\000\000\000\000' | dd of="$bad" bs=1 seek=24 conv=notrunc 2>/dev/null
want="$bad: entry point 0x90000000 is outside every loadable (PT_LOAD) segment"
limit="--max-insns 1000000"  # a hart started there would trap forever
expect "entry outside: bare ELF" "$want" "$vp" --no-stdin $limit "$bad"
expect "entry outside: --bios" "$want" "$vp" --no-stdin $limit --bios "$bad"
expect "entry outside: --kernel" "$want" "$vp" --no-stdin $limit --bios "$sw/rv64im.elf" --kernel "$bad"
expect "entry outside: --hyp --kernel" "$want" "$vp" --no-stdin $limit --hyp --kernel "$bad"

echo "$failures failed"
[ "$failures" -eq 0 ]

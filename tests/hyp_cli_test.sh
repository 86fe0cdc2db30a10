#!/bin/sh
# hyp_cli_test.sh RVH_VP SW_DIR: the hosted hypervisor from the command line:
# the seed patch both ways, the cost model override, the stats JSON, errors.
set -u
vp=$1 sw=$2
. "$(dirname "$0")/check_lib.sh"
guest=$sw/g_smoke_all.elf
[ -f "$guest" ] || { echo "skipped: $guest not built"; exit 77; }

# 1. Default (Linux 51c58956732b): the guest's own handler sees scause 1.
"$vp" --no-stdin --hyp --kernel "$guest" --stats "$tmp/new.json" >"$tmp/new.out" 2>&1; code=$?
if [ $code -eq 0 ] && grep -q "fetch from a hole -> fetch access fault  ok   scause 1 stval 0x40000000" "$tmp/new.out"; then
  pass "instruction access fault redirected to the guest"
else
  fail "default run (exit $code)"; tail -20 "$tmp/new.out"
fi

# 2. --kvm-no-inst-access-redirect: KVM before the fix returned -EOPNOTSUPP: the VM stops.
"$vp" --no-stdin --hyp --kvm-no-inst-access-redirect --kernel "$guest" >"$tmp/old.out" 2>&1; code=$?
if [ $code -eq 3 ] && grep -q "unsupported exit (instruction access fault not redirected)" "$tmp/old.out" &&
   grep -q "SCAUSE  0x1" "$tmp/old.out" && grep -q "HTINST" "$tmp/old.out" && ! grep -q "PASS: g_smoke_all" "$tmp/old.out"; then
  pass "old behaviour stops the VM with a report"
else
  fail "old behaviour (exit $code)"; tail -20 "$tmp/old.out"
fi

# 3. The stats JSON carries KVM's names, the costs and the configuration.
for key in '"ecall_exit_stat"' '"mmio_exit_user"' '"mmio_exit_kernel"' '"wfi_exit_stat"' '"inst_access_exits"' \
           '"gstage_map_faults"' '"world_switch"' '"redirect_inst_access_fault": true' '"VS"'; do
  grep -q "$key" "$tmp/new.json" || fail "stats JSON lacks $key"
done
pass "stats JSON"

# 4. --hyp-costs: raising mmio_user by 1000 cycles raises its cost line by 1000 per MMIO user exit.
printf '{"mmio_user": %s}\n' $(( $("$vp" --help-config | sed -n 's/^hyp\.mmio_user = \([0-9]*\).*/\1/p') + 1000 )) >"$tmp/costs.json"
"$vp" --no-stdin --hyp --hyp-costs "$tmp/costs.json" --kernel "$guest" --stats "$tmp/costs_run.json" >"$tmp/c.out" 2>&1
exits=$(sed -n 's/^  mmio_exit_user *\([0-9]*\)$/\1/p' "$tmp/c.out" | head -1)
base=$(sed -n 's/^  mmio_user *\([0-9]*\)$/\1/p' "$tmp/new.out" | head -1)
new=$(sed -n 's/^  mmio_user *\([0-9]*\)$/\1/p' "$tmp/c.out" | head -1)
if [ -n "$exits" ] && [ -n "$base" ] && [ -n "$new" ] && [ $((new - base)) -eq $((exits * 1000)) ]; then
  pass "cost override moves the mmio_user cost by exits x 1000"
else
  fail "cost override: exits=$exits base=$base new=$new"
fi
printf '{"no_such_cost": 1}\n' >"$tmp/bad.json"
"$vp" --no-stdin --hyp --hyp-costs "$tmp/bad.json" --kernel "$guest" >"$tmp/bad.out" 2>&1; code=$?
[ $code -eq 2 ] && grep -q "unknown configuration key 'hyp.no_such_cost'" "$tmp/bad.out" && pass "unknown cost key rejected" || fail "unknown cost key (exit $code)"

# 5. Usage errors.
"$vp" --hyp >"$tmp/u.out" 2>&1; [ $? -eq 2 ] && grep -q "needs --kernel" "$tmp/u.out" && pass "--hyp without --kernel" || fail "--hyp without --kernel"
"$vp" --hyp --kernel "$guest" --guest-memory 3M >"$tmp/u.out" 2>&1; [ $? -eq 2 ] && pass "--guest-memory not a multiple of 2M" || fail "--guest-memory 3M"
"$vp" --hyp --kernel "$guest" --sbi-disable nosuch >"$tmp/u.out" 2>&1; [ $? -eq 2 ] && pass "--sbi-disable unknown" || fail "--sbi-disable nosuch"

# 6. A guest image that does not fit in guest memory.
head -c $((5 * 1024 * 1024)) /dev/zero >"$tmp/big.bin"
"$vp" --no-stdin --hyp --guest-memory 4M --kernel "$tmp/big.bin" >"$tmp/big.out" 2>&1; code=$?
[ $code -eq 1 ] && grep -q "not fit in guest RAM" "$tmp/big.out" && pass "guest image too large" || { fail "guest image too large (exit $code)"; cat "$tmp/big.out"; }

# 7. Disks (docs/io.md): bad images are one-line errors before the run; a
# second run writing the same image is refused while the first holds it.
"$vp" --no-stdin --hyp --kernel "$guest" --disk "$tmp/none.img" >"$tmp/d.out" 2>&1; code=$?
[ $code -eq 1 ] && grep -q "disk $tmp/none.img: no such file" "$tmp/d.out" && [ ! -e "$tmp/none.img" ] &&
  pass "missing disk image" || { fail "missing disk image (exit $code)"; cat "$tmp/d.out"; }
head -c 1000 /dev/zero >"$tmp/odd.img"
"$vp" --no-stdin --hyp --kernel "$guest" --disk "$tmp/odd.img" >"$tmp/d.out" 2>&1; code=$?
[ $code -eq 1 ] && grep -q "size 1000 bytes is not a multiple of 512" "$tmp/d.out" && [ "$(wc -c <"$tmp/odd.img")" -eq 1000 ] &&
  pass "disk size not a multiple of 512" || { fail "odd-sized disk (exit $code)"; cat "$tmp/d.out"; }
"$vp" --kernel "$guest" --disk "$tmp/odd.img" >"$tmp/d.out" 2>&1; [ $? -eq 2 ] && grep -q "needs --hyp" "$tmp/d.out" &&
  pass "--disk without --hyp" || fail "--disk without --hyp"
head -c 1048576 /dev/zero >"$tmp/disk.img"
python3 -c 'import fcntl,sys,time
f = open(sys.argv[1], "r+b"); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(60)' \
  "$tmp/disk.img" "$tmp/locked" &
holder=$!
for _ in $(seq 100); do [ -e "$tmp/locked" ] && break; sleep 0.1; done  # until the lock is held
"$vp" --no-stdin --hyp --kernel "$guest" --disk "$tmp/disk.img" >"$tmp/d.out" 2>&1; code=$?
kill $holder 2>/dev/null; wait $holder 2>/dev/null
[ $code -eq 1 ] && grep -q "in use by another process" "$tmp/d.out" && pass "locked disk image refused" ||
  { fail "locked disk image (exit $code)"; cat "$tmp/d.out"; }
"$vp" --no-stdin --hyp --kernel "$guest" --disk "$tmp/disk.img,ro" --virtio-rng --stats "$tmp/d.json" >"$tmp/d.out" 2>&1; code=$?
[ $code -eq 0 ] && grep -q '"device": "blk"' "$tmp/d.json" && grep -q '"device": "rng"' "$tmp/d.json" &&
  grep -q "virtio-blk @0x10001000" "$tmp/d.out" && pass "a guest that ignores its virtio devices runs as before" ||
  { fail "guest with unused virtio devices (exit $code)"; tail -5 "$tmp/d.out"; }

echo "$failures failed"
[ "$failures" -eq 0 ] && echo "PASS: hyp_cli" && exit 0
exit 1

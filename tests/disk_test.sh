#!/bin/sh
# disk_test.sh <check|ro|abnormal> <rvh-vp> <Image> <smp>
# The Linux workload (sw/linux) as a guest with a virtio-blk disk (issue 15):
#   rvh-vp --no-stdin --smp N --hyp --guest-memory 256M --kernel Image
#          --disk IMG[,ro] --append "console=ttyS0 earlycon=sbi rvh.disk=MODE"
# IMG is a 32 MiB ext4 image made with `mke2fs -t ext4 -d DIR` from a
# directory holding input.bin (1 MiB of random bytes) and input.sha256.
#   check     /init mounts the disk, checks input.bin's SHA-256 and writes
#             from-guest.txt; on the host debugfs must find that file with the
#             hash and the processor count, and `e2fsck -fn` pass.
#   ro        --disk IMG,ro: /init checks the hash on a read-only mount, where
#             a write fails; the image must be byte for byte unchanged.
#   abnormal  /init's stress mode (rounds of fsynced writes, renames and
#             deletes), run once to the end, then stopped by --max-insns at
#             points drawn by a seeded PRNG (the seed is printed; set
#             RVH_DISK_SEED to replay it). After each stop: the image has its
#             size, `e2fsck -fn` finds nothing wrong but a journal to replay,
#             and a copy with the journal replayed passes `e2fsck -fn` and
#             holds every keep<R> file of the rounds the guest reported done.
#             The checker is shown to catch a corrupted image once per run.
# Exits 77 (ctest SKIP_RETURN_CODE) when rvh-vp, the Image or e2fsprogs
# (mke2fs, debugfs, e2fsck) is missing.
# Environment: RVH_LINUX_TIMEOUT (s, default 600 per boot), RVH_DISK_SEED,
#   RVH_DISK_STOPS (abnormal: how many stops, default 6).
set -u
me=disk_test
. "$(dirname "$0")/kernel_run_lib.sh"
if [ $# -ne 4 ]; then
  echo "usage: $0 <check|ro|abnormal> <rvh-vp> <Image> <smp>" >&2
  exit 2
fi
mode=$1 vp=$2 image=$3 smp=$4
tmo=${RVH_LINUX_TIMEOUT:-600}
PATH=$PATH:/usr/sbin:/sbin

if [ ! -x "$vp" ]; then
  echo "$me: SKIP: simulator $vp not found"
  exit 77
fi
if [ ! -f "$image" ]; then
  echo "$me: SKIP: $image not found (build the linux_image target)"
  exit 77
fi
for tool in mke2fs debugfs e2fsck; do
  if ! command -v $tool >/dev/null 2>&1; then
    echo "$me: SKIP: $tool not found (Debian: apt install e2fsprogs)"
    exit 77
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/rvh-disk.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "$me: FAIL: $*"; status=1; }

# The disk: input.bin and its sha256sum line, in a fresh ext4 image.
mkdir "$work/root"
head -c 1048576 /dev/urandom >"$work/root/input.bin"
(cd "$work/root" && sha256sum input.bin >input.sha256)
sum=$(cut -c1-64 "$work/root/input.sha256")
if ! mke2fs -q -t ext4 -d "$work/root" "$work/fresh.img" 32M; then
  echo "$me: FAIL: mke2fs -t ext4 -d could not make the disk image"
  exit 1
fi
img=$work/disk.img
img_size=$(stat -c %s "$work/fresh.img")

# boot DISK_ARG RVH_DISK_MODE [rvh-vp options...]: boots the guest with the
# disk, its output in $out (kernel_run_lib.sh).
boot() {
  _disk=$1 _mode=$2
  shift 2
  set -- "$vp" --no-stdin --smp "$smp" --hyp --guest-memory 256M --kernel "$image" \
    --disk "$_disk" "$@" --append "console=ttyS0 earlycon=sbi rvh.disk=$_mode"
  echo "$me: $*"
  run_watching_panic "$work/log" "$tmo" "$@"
}

# check_powered_off: /init finished without a failure and the VM shut down.
check_powered_off() {
  check_run_status
  check_output "RVH-LINUX-INIT: hello from /init" "/init did not start"
  check_output "RVH-LINUX-INIT: processors: $smp" "/proc/cpuinfo hart count"
  check_output "RVH-LINUX-INIT: disk /dev/vda: mode $1" "/init did not see the disk"
  check_output "RVH-LINUX-INIT: done" "/init did not finish"
  check_output "stopped by: vm: shutdown" "power-off"
  if printf '%s\n' "$out" | grep -qF "RVH-LINUX-INIT: FAIL"; then
    fail "/init reported a failure"
  fi
}

check_size() {
  _size=$(stat -c %s "$1")
  [ "$_size" = "$img_size" ] || fail "$1 is $_size bytes after the run, was $img_size"
}

# fs_consistent IMG: a copy with its journal replayed passes e2fsck -fn.
# Prints e2fsck's output; returns non-zero when it does not pass.
fs_consistent() {
  cp "$1" "$work/replayed.img"
  e2fsck -E journal_only -y "$work/replayed.img" >"$work/fsck.log" 2>&1
  _rc=$?
  if [ $_rc -gt 1 ]; then  # 1: the journal was replayed
    cat "$work/fsck.log"
    echo "$me: e2fsck -E journal_only exited $_rc"
    return 1
  fi
  e2fsck -fn "$work/replayed.img" >"$work/fsck.log" 2>&1
  _rc=$?
  cat "$work/fsck.log"
  [ $_rc -eq 0 ] || { echo "$me: e2fsck -fn (journal replayed) exited $_rc"; return 1; }
}

# A line made the way /init's stress mode makes keep<R>: 64 lines.
keep_text() {
  _l=0
  while [ $_l -lt 64 ]; do
    printf 'rvh-vp stress round %d line %d\n' "$1" "$_l"
    _l=$((_l + 1))
  done
}

case $mode in
check)
  cp "$work/fresh.img" "$img"
  boot "$img" check
  check_powered_off check
  check_output "RVH-LINUX-INIT: disk sha256 ok $sum" "the guest read input.bin"
  check_output "RVH-LINUX-INIT: disk wrote from-guest.txt" "the guest wrote from-guest.txt"
  check_size "$img"
  want="rvh-vp guest: sha256 $sum processors $smp"
  got=$(debugfs -R 'cat /from-guest.txt' "$img" 2>/dev/null)
  if [ "$got" = "$want" ]; then
    echo "$me: the image holds /from-guest.txt: $got"
  else
    fail "debugfs: /from-guest.txt is \"$got\", expected \"$want\""
  fi
  if ! e2fsck -fn "$img"; then
    fail "e2fsck -fn finds the image inconsistent after a clean power-off"
  fi
  ;;
ro)
  cp "$work/fresh.img" "$img"
  before=$(sha256sum <"$img")
  boot "$img,ro" ro
  check_powered_off ro
  check_output "RVH-LINUX-INIT: disk sha256 ok $sum" "the guest read input.bin"
  check_output "RVH-LINUX-INIT: disk read-only ok" "a write to the read-only mount did not fail"
  [ "$(sha256sum <"$img")" = "$before" ] || fail "the read-only disk image changed"
  ;;
abnormal)
  if [ "$smp" != 1 ]; then
    echo "$me: abnormal takes smp 1 (--max-insns counts per hart)" >&2
    exit 2
  fi
  # The checker must catch a broken image: a wrong link count on input.bin.
  cp "$work/fresh.img" "$work/broken.img"
  debugfs -w -R 'set_inode_field /input.bin links_count 7' "$work/broken.img" 2>/dev/null
  if fs_consistent "$work/broken.img" >/dev/null; then
    echo "$me: FAIL: the checker passes an image with a wrong link count"
    exit 1
  fi
  echo "$me: the checker catches a corrupted image"

  cp "$work/fresh.img" "$img"
  boot "$img" stress
  check_powered_off stress
  check_output "RVH-LINUX-INIT: disk stress finished" "the stress run did not finish"
  fs_consistent "$img" || fail "the image is inconsistent after the full stress run"
  total=$(printf '%s\n' "$out" | sed -n 's/^instructions: \([0-9]*\).*/\1/p' | tail -n 1)
  case $total in
  '' | *[!0-9]*)
    fail "no instruction count in the run summary"
    exit 1
    ;;
  esac
  [ $status -eq 0 ] || exit 1
  # The stops fall where the guest uses its disk: after the instructions of
  # the same boot without a disk (boot and /init's other work).
  set -- "$vp" --no-stdin --smp 1 --hyp --guest-memory 256M --kernel "$image" \
    --append "console=ttyS0 earlycon=sbi rvh.disk=stress"
  echo "$me: $*"
  run_watching_panic "$work/log" "$tmo" "$@"
  check_run_status
  check_output "RVH-LINUX-INIT: done" "/init without a disk did not finish"
  lo=$(printf '%s\n' "$out" | sed -n 's/^instructions: \([0-9]*\).*/\1/p' | tail -n 1)
  if [ $status -ne 0 ] || [ -z "$lo" ] || [ "$lo" -ge "$total" ]; then
    fail "no instruction count below $total from the run without a disk"
    exit 1
  fi
  span=$((total - lo))
  seed=${RVH_DISK_SEED:-$(date +%s)}
  echo "$me: $total instructions with the disk, $lo without; stops drawn in [$lo, $total) with seed $seed (RVH_DISK_SEED=$seed replays them)"
  # A 31-bit LCG (no overflow in 64-bit shell arithmetic), two draws a stop.
  x=$((seed % 2147483648)) i=0
  draw() { x=$(((x * 1103515245 + 12345) % 2147483648)); }
  while [ $i -lt "${RVH_DISK_STOPS:-6}" ]; do
    i=$((i + 1))
    draw
    hi_bits=$x
    draw
    n=$((lo + ((hi_bits << 31) | x) % span))
    echo "$me: stop $i: --max-insns $n"
    cp "$work/fresh.img" "$img"
    boot "$img" stress --max-insns "$n"
    check_run_status
    check_output "stopped by: insn-limit" "the run did not stop at --max-insns"
    check_size "$img"
    # The original, as it is: e2fsck -fn may only differ from the journal
    # (which it does not replay) when there is one to replay.
    e2fsck -fn "$img" >"$work/fsck-orig.log" 2>&1
    rc_orig=$?
    cat "$work/fsck-orig.log"
    if [ $rc_orig -ne 0 ]; then
      if grep -q "skipping journal recovery" "$work/fsck-orig.log"; then
        echo "$me: stop $i: e2fsck -fn exited $rc_orig before the journal is replayed"
      else
        fail "stop $i: e2fsck -fn exited $rc_orig on the stopped image (no journal to replay)"
      fi
    fi
    fs_consistent "$img" || fail "stop $i: inconsistent after replaying the journal"
    # Every round the guest reported done was fsynced: its keep file is there.
    for r in $(printf '%s\n' "$out" | sed -n 's/^RVH-LINUX-INIT: disk stress round \([0-9]*\) done$/\1/p'); do
      want=$(keep_text "$r" | sha256sum)
      got=$(debugfs -R "cat /stress/keep$r" "$work/replayed.img" 2>/dev/null | sha256sum)
      [ "$got" = "$want" ] || fail "stop $i: /stress/keep$r (round $r was done) is missing or wrong"
    done
  done
  ;;
*)
  echo "$me: unknown mode $mode" >&2
  exit 2
  ;;
esac
[ $status -eq 0 ] && echo "$me: PASS: linux guest disk $mode smp=$smp"
exit $status

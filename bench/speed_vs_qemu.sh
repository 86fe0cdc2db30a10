#!/usr/bin/env bash
# bench/speed_vs_qemu.sh: wall time and peak memory of rvh-vp against QEMU's
# TCG (qemu-system-riscv64 -M virt) on the same ELFs and images, same memory
# size and hart count, side by side (issue 11). A benchmark, not a test.
#
#   bench/speed_vs_qemu.sh [--vp FILE] [--sw-dir DIR] [--linux-image FILE]
#       [--console-driver FILE] [--opensbi FILE] [--uboot FILE]
#       [--only ID[,ID...]] [--json FILE] [--markdown] [--keep DIR] [--list]
#
# Workloads (--list prints them with both command lines):
#   startup_128M, startup_8G  a trivial program (sw/tests/rv64im.c) at -m 128M / 8G
#   coremark                  sw/bench/coremark_like.c (CPU-bound, ~200 M instructions)
#   workload                  sw/bench/workload.c (the bare program of `rvh-vp bench`)
#   linux_bare_smp2           Linux 6.1 (sw/linux) on Debian's OpenSBI fw_jump, 2 harts,
#                             to /init's power-off
#   linux_guest_smp2          the same kernel as a guest of rvh-vp's hosted hypervisor
#                             (--hyp, 2 vCPUs); QEMU boots it as in linux_bare_smp2
#   uboot_bare, uboot_guest   Debian's U-Boot (qemu-riscv64_smode) to its prompt, bare on
#                             OpenSBI and as a guest (--hyp), then poweroff; driven by
#                             console_driver (tests/tools) with bench/uboot_prompt.script
# Each workload runs RVH_RUNS times on each side (default 3), rvh-vp and QEMU
# alternating. Wall time is measured around the run (bash's EPOCHREALTIME);
# peak RSS (%M) and CPU time (%U + %S, all threads) come from GNU time
# (/usr/bin/time). The table shows the median wall and CPU time and the
# largest peak RSS of the successful runs, and the ratio of the rvh-vp and
# QEMU medians (below 1: rvh-vp is faster). A run succeeds when it exits 0
# within its timeout AND its output holds every expected marker (e.g.
# "RVH-LINUX-INIT: done", rvh-vp's "stopped by: pass").
#
# Output: a fixed-width table on stdout (with --markdown: a Markdown table
# with the date, machine and command instead, for docs/benchmarks.md);
# progress on stderr; --json FILE writes every run (schema rvh-vp-speed/1).
# Exits 0 if every run succeeded, 1 if one failed, 2 on a usage error or a
# missing program or image (named in one line).
#
# Defaults: build/rvh-vp next to this script's repository, the sw/ directory
# and console_driver next to rvh-vp, <vp dir>/linux/Image, Debian's OpenSBI
# and U-Boot. Environment: RVH_RUNS (default 3), RVH_QEMU (default
# qemu-system-riscv64), RVH_TIMEOUT (seconds per run, overrides each
# workload's own), RVH_LINUX_IMAGE (default for --linux-image).
set -uo pipefail

me=speed_vs_qemu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
invocation="bench/speed_vs_qemu.sh${*:+ $*}"

die() { echo "$me: $*" >&2; exit 2; }
say() { echo "$me: $*" >&2; }

usage() {
  sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

vp=$repo/build/rvh-vp
sw_dir=""
linux_image=${RVH_LINUX_IMAGE:-}
console_driver=""
opensbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
uboot=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
only=""
json=""
markdown=0
keep=""
list=0
while [ $# -gt 0 ]; do
  case $1 in
  --vp) vp=${2:?--vp needs a FILE}; shift ;;
  --sw-dir) sw_dir=${2:?--sw-dir needs a DIR}; shift ;;
  --linux-image) linux_image=${2:?--linux-image needs a FILE}; shift ;;
  --console-driver) console_driver=${2:?--console-driver needs a FILE}; shift ;;
  --opensbi) opensbi=${2:?--opensbi needs a FILE}; shift ;;
  --uboot) uboot=${2:?--uboot needs a FILE}; shift ;;
  --only) only=${2:?--only needs a list of workloads}; shift ;;
  --json) json=${2:?--json needs a FILE}; shift ;;
  --markdown) markdown=1 ;;
  --keep) keep=${2:?--keep needs a DIR}; shift ;;
  --list) list=1 ;;
  -h | --help) usage; exit 0 ;;
  *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

vp_dir=$(dirname "$vp")
sw_dir=${sw_dir:-$vp_dir/sw}
console_driver=${console_driver:-$vp_dir/console_driver}
linux_image=${linux_image:-$vp_dir/linux/Image}
qemu=${RVH_QEMU:-qemu-system-riscv64}
runs=${RVH_RUNS:-3}
case $runs in '' | *[!0-9]* | 0) die "RVH_RUNS=$runs: expected a positive whole number" ;; esac
uboot_script=$here/uboot_prompt.script
append="console=ttyS0 earlycon=sbi"

all_ids="startup_128M startup_8G coremark workload linux_bare_smp2 linux_guest_smp2 uboot_bare uboot_guest"
ids=$all_ids
if [ -n "$only" ]; then
  ids=${only//,/ }
  for id in $ids; do
    case " $all_ids " in *" $id "*) ;; *) die "--only: unknown workload $id (one of: $all_ids)" ;; esac
  done
fi

# workload ID SIDE: sets CMD (array), MARKS (array of fixed strings the
# output must hold), SCRIPT (console_driver script or empty), TMO (s),
# CONFIG (short text) and NEEDS (files the run needs).
qemu_virt() {  # qemu_virt SMP MEM: the common QEMU prefix
  CMD=("$qemu" -M virt -cpu rv64 -smp "$1" -m "$2" -nographic)
}
workload() {
  local id=$1 side=$2
  CMD=() MARKS=() SCRIPT="" TMO=60 CONFIG="" NEEDS=()
  case $id in
  startup_128M | startup_8G)
    local mem=${id#startup_}
    CONFIG="1 hart, $mem"
    NEEDS=("$sw_dir/rv64im.elf")
    MARKS=("PASS: rv64im")
    if [ "$side" = vp ]; then
      CMD=("$vp" --no-stdin -m "$mem" "$sw_dir/rv64im.elf"); MARKS+=("stopped by: pass")
    else
      qemu_virt 1 "$mem"; CMD+=(-bios none -kernel "$sw_dir/rv64im.elf")
    fi ;;
  coremark | workload)
    local elf=$sw_dir/coremark_like.elf
    MARKS=("PASS: coremark_like")
    if [ "$id" = workload ]; then elf=$sw_dir/workload_bare.elf; MARKS=("WORKLOAD cycles="); fi
    CONFIG="1 hart, 128M"; TMO=600; NEEDS=("$elf")
    if [ "$side" = vp ]; then
      CMD=("$vp" --no-stdin -m 128M "$elf"); MARKS+=("stopped by: pass")
    else
      qemu_virt 1 128M; CMD+=(-bios none -kernel "$elf")
    fi ;;
  linux_bare_smp2 | linux_guest_smp2)
    CONFIG="2 harts, 256M"; TMO=900
    NEEDS=("$linux_image" "$opensbi")
    MARKS=("RVH-LINUX-INIT: processors: 2" "RVH-LINUX-INIT: child ok" "RVH-LINUX-INIT: done")
    if [ "$side" = qemu ]; then
      qemu_virt 2 256M; CMD+=(-bios "$opensbi" -kernel "$linux_image" -append "$append")
      MARKS+=("reboot: Power down")
    elif [ "$id" = linux_bare_smp2 ]; then
      CMD=("$vp" --no-stdin --smp 2 -m 256M --bios "$opensbi" --kernel "$linux_image" --append "$append")
      MARKS+=("stopped by: pass")
    else
      CONFIG="2 vCPUs, 256M"; NEEDS=("$linux_image")
      CMD=("$vp" --no-stdin --smp 2 --hyp --guest-memory 256M --kernel "$linux_image" --append "$append")
      MARKS+=("stopped by: vm: shutdown")
    fi ;;
  uboot_bare | uboot_guest)
    CONFIG="1 hart, 128M"; TMO=300; SCRIPT=$uboot_script
    NEEDS=("$uboot" "$opensbi" "$console_driver" "$uboot_script")
    MARKS=("U-Boot " "console_driver: script completed")
    if [ "$side" = qemu ]; then
      qemu_virt 1 128M; CMD+=(-bios "$opensbi" -kernel "$uboot")
    elif [ "$id" = uboot_bare ]; then
      CMD=("$vp" -m 128M --bios "$opensbi" --kernel "$uboot"); MARKS+=("stopped by: pass")
    else
      CONFIG="1 vCPU, 128M"; NEEDS=("$uboot" "$console_driver" "$uboot_script")
      CMD=("$vp" --hyp --guest-memory 128M --kernel "$uboot"); MARKS+=("stopped by: vm: shutdown")
    fi ;;
  esac
  [ -n "${RVH_TIMEOUT:-}" ] && TMO=$RVH_TIMEOUT
  return 0
}

describe() {  # describe ID: what the row measures, for the table and the JSON
  case $1 in
  startup_128M) echo "trivial program (rv64im.elf), -m 128M" ;;
  startup_8G) echo "trivial program (rv64im.elf), -m 8G" ;;
  coremark) echo "CPU-bound: coremark_like.elf" ;;
  workload) echo "CPU+memory: workload_bare.elf (rvh-vp bench)" ;;
  linux_bare_smp2) echo "Linux 6.1 boot to power-off, bare, OpenSBI" ;;
  linux_guest_smp2) echo "Linux 6.1 as a --hyp guest (QEMU: bare)" ;;
  uboot_bare) echo "U-Boot to its prompt, bare, OpenSBI" ;;
  uboot_guest) echo "U-Boot to its prompt as a --hyp guest (QEMU: bare)" ;;
  esac
}

quote() {  # quote ARGS...: a shell-quoted command line
  local out="" a
  for a in "$@"; do
    case $a in
    *[!A-Za-z0-9_./=:,+-]* | "") out+=" '${a//\'/\'\\\'\'}'" ;;
    *) out+=" $a" ;;
    esac
  done
  echo "${out# }"
}

if [ $list -eq 1 ]; then
  for id in $ids; do
    echo "$id: $(describe "$id")"
    workload "$id" vp; echo "  rvh-vp: $(quote "${CMD[@]}")${SCRIPT:+  (console: $SCRIPT)}"
    workload "$id" qemu; echo "  qemu:   $(quote "${CMD[@]}")${SCRIPT:+  (console: $SCRIPT)}"
  done
  exit 0
fi

# Everything must be there before the first run.
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found (Debian: apt install time)"
command -v "$qemu" >/dev/null 2>&1 || die "$qemu not found (Debian: apt install qemu-system-misc; or set RVH_QEMU)"
[ -x "$vp" ] || die "$vp not found or not executable (build the rvh-vp target, or pass --vp FILE)"
for id in $ids; do
  for side in vp qemu; do
    workload "$id" "$side"
    for f in "${NEEDS[@]}"; do
      [ -e "$f" ] && continue
      case $f in
      "$linux_image") die "$id: Linux image $f not found (build the linux_image target, pass --linux-image FILE, or leave Linux out with --only)" ;;
      "$console_driver") die "$id: $f not found (build the console_driver target, or pass --console-driver FILE)" ;;
      "$opensbi") die "$id: OpenSBI $f not found (Debian: apt install opensbi; or --opensbi FILE)" ;;
      "$uboot") die "$id: U-Boot $f not found (Debian: apt install u-boot-qemu; or --uboot FILE)" ;;
      *) die "$id: $f not found (build the sw_all target, or pass --sw-dir DIR)" ;;
      esac
    done
  done
done
if [ -n "$json" ]; then
  : >"$json" 2>/dev/null || die "--json: $json: cannot open for writing"
fi

qemu_version=$("$qemu" --version | head -1)
case $qemu_version in *" 7.2"*) ;; *) say "warning: $qemu_version, not QEMU 7.2 (the issue's reference)" ;; esac
vp_version=$("$vp" --version 2>&1 | head -1)
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="$(nproc) CPUs ($cpu_model), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
date_utc=$(date -u +%Y-%m-%d)

if [ -n "$keep" ]; then
  mkdir -p "$keep" || die "--keep: $keep: cannot create"
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/speed_vs_qemu.XXXXXX") || die "cannot create a temporary directory"
  trap 'rm -rf "$work"' EXIT
fi

# run_once ID SIDE I: one run; appends "wall cpu rss_kib ok reason" to
# $work/ID.SIDE.runs and prints it.
run_once() {
  local id=$1 side=$2 i=$3
  workload "$id" "$side"
  local log=$work/$id.$side.$i.log tf=$work/$id.$side.$i.time
  local fmt='%M %U %S' pid rc t0 t1
  local -a run=(timeout "$TMO")
  [ -n "$SCRIPT" ] && run+=("$console_driver" "$SCRIPT" --)
  run+=(/usr/bin/time -o "$tf" -f "$fmt" "${CMD[@]}")
  quote "${CMD[@]}" >"$work/$id.$side.cmd"
  rm -f "$tf"
  t0=$EPOCHREALTIME
  "${run[@]}" </dev/null >"$log" 2>&1 &
  pid=$!
  wait "$pid"
  rc=$?
  t1=$EPOCHREALTIME
  # timeout runs in its own process group: end whatever is left of this run
  # (console_driver kills only its direct child when a step fails).
  kill -KILL -- "-$pid" 2>/dev/null
  local ok=1 reason=""
  if [ $rc -eq 124 ]; then
    ok=0 reason="timed out after ${TMO} s"
  elif [ $rc -ne 0 ]; then
    ok=0 reason="exit status $rc"
  else
    local m
    for m in "${MARKS[@]}"; do
      if ! tr -d '\r' <"$log" | grep -qF -e "$m"; then
        ok=0 reason="output lacks \"$m\""
        break
      fi
    done
  fi
  local rss=0 cpu=0
  if [ -s "$tf" ]; then
    read -r rss cpu < <(awk 'NF == 3 && $1 ~ /^[0-9]+$/ { printf "%d %.3f\n", $1, $2 + $3 }' "$tf")
  fi
  local wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
  echo "$wall ${cpu:-0} ${rss:-0} $ok $reason" >>"$work/$id.$side.runs"
  if [ $ok -eq 1 ]; then
    say "$id $side run $i/$runs: $wall s, $((${rss:-0} / 1024)) MiB"
  else
    say "$id $side run $i/$runs FAILED ($reason) after $wall s: $(quote "${CMD[@]}")"
    tail -n 8 "$log" | sed "s/^/$me:   | /" >&2
  fi
}

# summary ID SIDE: "wall cpu rss_mib ok_runs" (medians of successful runs,
# largest RSS; "- - - 0" if none succeeded).
summary() {
  awk -v runs="$runs" '
    $4 == 1 { n++; w[n] = $1; c[n] = $2; if ($3 > r) r = $3 }
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END {
      if (n == 0) { print "- - - 0"; exit }
      printf "%.3f %.2f %.1f %d\n", median(w, n), median(c, n), r / 1024, n
    }' "$work/$1.$2.runs"
}

say "$vp_version vs $qemu_version; $runs run(s) each; load average $load_start"
failed=0
for id in $ids; do
  rm -f "$work/$id.vp.runs" "$work/$id.qemu.runs"
  for i in $(seq 1 "$runs"); do
    run_once "$id" vp "$i"
    run_once "$id" qemu "$i"
  done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# One line per workload: id vp_wall vp_cpu vp_rss vp_ok q_wall q_cpu q_rss q_ok ratio
rows=$work/rows
: >"$rows"
for id in $ids; do
  read -r vw vc vr vn < <(summary "$id" vp)
  read -r qw qc qr qn < <(summary "$id" qemu)
  [ "$vn" -eq "$runs" ] && [ "$qn" -eq "$runs" ] || failed=1
  ratio=$(awk -v a="$vw" -v b="$qw" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
  echo "$id $vw $vc $vr $vn $qw $qc $qr $qn $ratio" >>"$rows"
done

status_of() {  # status_of VP_OK QEMU_OK
  if [ "$1" -eq "$runs" ] && [ "$2" -eq "$runs" ]; then echo ok
  else echo "FAIL vp $1/$runs qemu $2/$runs"; fi
}

if [ $markdown -eq 1 ]; then
  echo "$date_utc, $machine; $vp_version; $qemu_version (TCG);"
  echo "median of $runs run(s) each; load average $load_start at the start, $load_end at the end."
  echo "\`$invocation\`"
  echo
  echo "| workload | what | config | rvh-vp wall (s) | QEMU wall (s) | rvh-vp / QEMU | rvh-vp peak RSS (MiB) | QEMU peak RSS (MiB) | rvh-vp CPU (s) | QEMU CPU (s) | runs |"
  echo "|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|"
  while read -r id vw vc vr vn qw qc qr qn ratio; do
    workload "$id" vp
    echo "| $id | $(describe "$id") | $CONFIG | $vw | $qw | $ratio | $vr | $qr | $vc | $qc | $(status_of "$vn" "$qn") |"
  done <"$rows"
else
  echo "rvh-vp vs QEMU (-M virt, TCG): median wall time of $runs run(s) each, largest peak RSS"
  echo "rvh-vp: $vp_version ($vp)"
  echo "qemu:   $qemu_version"
  echo "host:   $machine; load average $load_start at the start, $load_end at the end"
  echo
  printf '%-17s %-14s %9s %9s %7s %10s %10s %8s %8s  %s\n' \
    workload config "vp wall" "qemu wall" ratio "vp MiB" "qemu MiB" "vp cpu" "qemu cpu" runs
  while read -r id vw vc vr vn qw qc qr qn ratio; do
    workload "$id" vp
    printf '%-17s %-14s %9s %9s %7s %10s %10s %8s %8s  %s\n' \
      "$id" "$CONFIG" "$vw" "$qw" "$ratio" "$vr" "$qr" "$vc" "$qc" "$(status_of "$vn" "$qn")"
  done <"$rows"
  echo "(wall and cpu in seconds; ratio = rvh-vp wall / QEMU wall, below 1 = rvh-vp faster;"
  echo " cpu = user + system time of all threads; QEMU runs one thread per hart (MTTCG))"
fi

if [ -n "$json" ]; then
  {
    printf '{\n  "schema": "rvh-vp-speed/1",\n  "date": "%s",\n  "machine": "%s",\n' "$date_utc" "$machine"
    printf '  "rvh_vp": "%s",\n  "qemu": "%s",\n  "runs": %d,\n' "$vp_version" "$qemu_version" "$runs"
    printf '  "load_average": {"start": "%s", "end": "%s"},\n  "workloads": [' "$load_start" "$load_end"
    sep=""
    while read -r id vw vc vr vn qw qc qr qn ratio; do
      printf '%s\n    {"id": "%s", "what": "%s", "ratio": "%s",' "$sep" "$id" "$(describe "$id")" "$ratio"
      sep=","
      s2=""
      for side in vp qemu; do
        cmd=$(sed 's/\\/\\\\/g; s/"/\\"/g' "$work/$id.$side.cmd")
        printf '%s\n     "%s": {"command": "%s", "runs": [' "$s2" "$side" "$cmd"
        s2=","
        awk '{ r = ""; for (i = 5; i <= NF; i++) r = r (i > 5 ? " " : "") $i; gsub(/"/, "\\\"", r)
               printf "%s{\"wall_s\": %s, \"cpu_s\": %s, \"peak_rss_kib\": %s, \"ok\": %s, \"failure\": \"%s\"}",
                      (NR > 1 ? ", " : ""), $1, $2, $3, ($4 == 1 ? "true" : "false"), r }' "$work/$id.$side.runs"
        printf ']}'
      done
      printf '}'
    done <"$rows"
    printf '\n  ]\n}\n'
  } >"$json"
fi
exit $failed

#!/bin/sh
# output_paths_test.sh RVH_VP SW_DIR: every output option (--stats, --timeline,
# --report, --vcd, --dump-dtb) writes its path as given (docs/options.md
# "Output files"): into a character device and a FIFO, through a symlink (the
# target gets the content, the link stays a link), never renaming over the
# path or leaving another file; a path that cannot be written, or an empty
# one, is a one-line error before the run starts.
set -u
vp=$1 sw=$2
. "$(dirname "$0")/check_lib.sh"

prog=$sw/rv64im.elf  # prints "PASS: rv64im ..." on stdout when it runs
TMPDIR=$tmp/tmpdir   # where --vcd lets SystemC write; must be empty at the end
export TMPDIR
mkdir "$TMPDIR"

# run OPTION PATH [ARGS...]: one run writing OPTION to PATH; $tmp/out, $tmp/err, $rc.
# (A run blocked on a FIFO nobody reads any more is stopped after 60 s.)
run() {
  opt=$1 path=$2; shift 2
  timeout 60 "$vp" --no-stdin -m 16M "$opt" "$path" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

# looks_like OPTION FILE: FILE holds what OPTION writes.
looks_like() {
  case $1 in
    --stats) grep -q '"schema": "rvh-vp-stats/' "$2" ;;
    --timeline) grep -q '"traceEvents"' "$2" && grep -q '"otherData"' "$2" ;;
    --report) grep -q '</html>' "$2" ;;
    --vcd) grep -q 'enddefinitions' "$2" && grep -q 'scope module hart0' "$2" ;;
    --dump-dtb) [ "$(od -An -tx1 -N4 "$2" | tr -d ' \n')" = d00dfeed ] ;;
  esac
}

# ran_ok NAME: the run succeeded and the program ran.
ran_ok() {
  if [ "$rc" -ne 0 ] || ! grep -q "PASS: rv64im" "$tmp/out"; then
    fail "$1: exit $rc, or the program did not run"; cat "$tmp/err"; return 1
  fi
}

# refused_before_run NAME CODE PATTERN: exit CODE, one stderr line matching
# PATTERN, and nothing of the run happened (the program prints on stdout when
# it runs; the run summary goes to stderr).
refused_before_run() {
  if [ "$rc" -ne "$2" ]; then fail "$1: exit $rc, expected $2"; cat "$tmp/err"; return; fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ] && ! { [ "$2" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 2 ]; }; then
    fail "$1: not a one-line error"; cat "$tmp/err"; return
  fi
  if ! grep -q -- "$3" "$tmp/err"; then fail "$1: stderr lacks '$3'"; cat "$tmp/err"; return; fi
  if [ -s "$tmp/out" ] || grep -q "run summary" "$tmp/err"; then fail "$1: the run started"; return; fi
  pass "$1"
}

have_mknod=yes
mkdir "$tmp/probe" && mknod "$tmp/probe/null" c 1 3 2>/dev/null || have_mknod=no
[ $have_mknod = yes ] || echo "skip: mknod needs root; the character-device cases are not run"

for opt in --stats --timeline --report --vcd --dump-dtb; do
  name=${opt#--}

  # A character device (our own /dev/null twin): written into, stays a
  # device, and nothing appears beside it.
  if [ $have_mknod = yes ]; then
    d=$tmp/dev-$name
    mkdir "$d" && mknod "$d/null" c 1 3
    run "$opt" "$d/null" "$prog"
    if ran_ok "$opt char device"; then
      if [ ! -c "$d/null" ]; then fail "$opt char device: no longer a character device"
      elif [ "$(ls -A "$d")" != null ]; then fail "$opt char device: stray files: $(ls -A "$d" | tr '\n' ' ')"
      else pass "$opt char device"; fi
    fi
  fi

  # A symlink: the target gets the content, the link stays a link.
  d=$tmp/link-$name
  mkdir "$d" && echo old >"$d/target" && ln -s target "$d/link"
  run "$opt" "$d/link" "$prog"
  if ran_ok "$opt symlink"; then
    if [ ! -L "$d/link" ]; then fail "$opt symlink: the link was replaced"
    elif ! looks_like "$opt" "$d/target"; then fail "$opt symlink: the target lacks the content"
    elif [ "$(ls -A "$d" | tr '\n' ' ')" != "link target " ]; then fail "$opt symlink: stray files: $(ls -A "$d" | tr '\n' ' ')"
    else pass "$opt symlink"; fi
  fi

  # A FIFO: opened once, so a reader gets the whole content (a probe that
  # opened and closed it first would end the reader's input).
  d=$tmp/fifo-$name
  mkdir "$d" && mkfifo "$d/fifo"
  timeout 60 cat "$d/fifo" >"$d/read" &
  reader=$!
  run "$opt" "$d/fifo" "$prog"
  wait $reader
  if ran_ok "$opt fifo"; then
    if [ ! -p "$d/fifo" ]; then fail "$opt fifo: no longer a FIFO"
    elif ! looks_like "$opt" "$d/read"; then fail "$opt fifo: the reader did not get the content"
    else pass "$opt fifo"; fi
  fi

  # A regular file, named without any suffix: exactly that file.
  d=$tmp/plain-$name
  mkdir "$d" && echo "old content, longer than nothing" >"$d/out"
  run "$opt" "$d/out" "$prog"
  if ran_ok "$opt regular file"; then
    if ! looks_like "$opt" "$d/out"; then fail "$opt regular file: wrong content"
    elif grep -q "old content" "$d/out"; then fail "$opt regular file: old content left"
    elif [ "$(ls -A "$d")" != out ]; then fail "$opt regular file: stray files: $(ls -A "$d" | tr '\n' ' ')"
    else pass "$opt regular file"; fi
  fi

  # Paths that cannot be written: one line, exit 1, before the run.
  run "$opt" "$tmp/no-such-dir/out" "$prog"
  refused_before_run "$opt missing directory" 1 "$opt: $tmp/no-such-dir/out: cannot open for writing"
  run "$opt" /proc/version "$prog"
  refused_before_run "$opt /proc/version" 1 "$opt: /proc/version: cannot"
  run "$opt" "$tmp" "$prog"
  refused_before_run "$opt directory" 1 "$opt: $tmp: cannot open for writing (Is a directory)"
  run "$opt" "" "$prog"
  refused_before_run "$opt empty path" 2 "$opt '': empty file name"

  # A run that fails before writing leaves an existing file as it was and
  # creates none (here the program is missing).
  echo keep >"$tmp/keep-$name"
  run "$opt" "$tmp/keep-$name" "$tmp/no-such.elf"
  if [ "$rc" -ne 1 ] || [ "$(cat "$tmp/keep-$name")" != keep ]; then fail "$opt failed run: existing file changed"
  else pass "$opt failed run keeps the file"; fi
  run "$opt" "$tmp/fresh-$name" "$tmp/no-such.elf"
  if [ -e "$tmp/fresh-$name" ]; then fail "$opt failed run: left $tmp/fresh-$name"
  else pass "$opt failed run creates no file"; fi
done

# One unwritable output stops the run before it starts, and the file
# opened for another output is not left behind.
"$vp" --no-stdin -m 16M --stats "$tmp/both.json" --vcd /proc/version "$prog" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
refused_before_run "--vcd /proc/version with --stats" 1 "--vcd: /proc/version: cannot"
[ -e "$tmp/both.json" ] && fail "--stats file left by a run that never started"

# rvh-vp report and rvh-vp bench --json write the same way.
run --stats "$tmp/r.json" "$prog"
mkdir "$tmp/report" && echo old >"$tmp/report/target" && ln -s target "$tmp/report/link"
"$vp" report "$tmp/r.json" "$tmp/report/link" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && [ -L "$tmp/report/link" ] && looks_like --report "$tmp/report/target"; then pass "report subcommand symlink"
else fail "report subcommand symlink"; cat "$tmp/err"; fi
"$vp" bench --json /proc/version --sw-dir "$sw" >"$tmp/out" 2>"$tmp/err"
rc=$?
refused_before_run "bench --json /proc/version" 1 "rvh-vp bench: --json: /proc/version: cannot"
"$vp" bench --json "" --sw-dir "$sw" >"$tmp/out" 2>"$tmp/err"
rc=$?
refused_before_run "bench --json empty path" 2 "empty file name"

# SystemC's temporary VCD files are gone.
if [ -n "$(ls -A "$TMPDIR")" ]; then fail "temporary files left in TMPDIR: $(ls -A "$TMPDIR" | tr '\n' ' ')"
else pass "no temporary files left"; fi

echo "$failures failed"
[ "$failures" -eq 0 ]

# tests/kernel_run_lib.sh: sourced by the tests that boot a Linux kernel on
# rvh-vp (run_linux_test.sh, run_kvm_test.sh). Set `me` (the prefix of
# every line) before sourcing.
#
# run_watching_panic LOG TIMEOUT CMD...: runs CMD with stdin from /dev/null
#   and its output in LOG, in the background, so that a kernel panic (after
#   which the machine never stops by itself) ends it at once instead of at
#   the timeout. Sets rc (its exit status), panicked (1 after a panic), out
#   (the output without CRs, also printed) and prints the wall time.
# check_run_status: a panic, a timeout or a non-zero exit is a failure.
# check_output TEXT WHY: the output must hold the fixed string TEXT.
# Failures print "<me>: FAIL: ..." and set status=1.
status=0

run_watching_panic() {
  _log=$1 _tmo=$2
  shift 2
  _start=$(date +%s)
  timeout "$_tmo" "$@" </dev/null >"$_log" 2>&1 &
  _pid=$!
  panicked=0
  while kill -0 "$_pid" 2>/dev/null; do
    if grep -q "end Kernel panic" "$_log"; then
      sleep 1  # let the panic message finish
      panicked=1
      kill "$_pid" 2>/dev/null  # timeout passes SIGTERM on to rvh-vp
      break
    fi
    sleep 0.2
  done
  wait "$_pid"
  rc=$?
  out=$(tr -d '\r' <"$_log")
  printf '%s\n' "$out"
  echo "$me: wall time $(( $(date +%s) - _start )) s, exit status $rc"
}

check_run_status() {
  if [ "$panicked" -eq 1 ]; then
    echo "$me: FAIL: kernel panic (run stopped)"
    status=1
  elif [ "$rc" -eq 124 ]; then
    echo "$me: FAIL: timed out after ${_tmo}s"
    status=1
  elif [ "$rc" -ne 0 ]; then
    echo "$me: FAIL: exited with status $rc"
    status=1
  fi
}

check_output() {
  if ! printf '%s\n' "$out" | grep -qF -e "$1"; then
    echo "$me: FAIL: output lacks \"$1\" ($2)"
    status=1
  fi
}

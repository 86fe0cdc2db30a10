# tests/check_lib.sh: sourced by the shell tests. A temporary directory
# $tmp removed at exit, and pass/fail reporting counted in $failures.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

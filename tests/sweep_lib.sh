# tests/sweep_lib.sh: sourced by the sweep tests after check_lib.sh; $vp is
# the rvh-vp binary.
# sweep NAME ARGS...: `rvh-vp sweep ARGS`, stdout in NAME.out, stderr in NAME.err; sets $code.
sweep() {
  local name=$1; shift
  "$vp" sweep "$@" >"$name.out" 2>"$name.err" </dev/null
  code=$?
}
# csv_column FILE COLUMN: that column of every row, one per line (python3's csv: fields hold commas).
csv_column() {
  python3 -c 'import csv, sys
for row in csv.DictReader(open(sys.argv[1])): print(row[sys.argv[2]])' "$1" "$2"
}
# mixed_points_recorded NAME: the sweep NAME (its NAME.out and NAME.csv) of
# three points, ok / failing with status 4 / timed out after 3 s, ended with
# exit 1 and recorded each with its status, exit code and error.
mixed_points_recorded() {
  [ "$code" -eq 1 ] && grep -qF "3 points: 1 ok, 1 failed, 1 timed out" "$1.out" &&
    [ "$(csv_column "$1.csv" status | tr '\n' ' ')" = "ok failed timeout " ] &&
    [ "$(csv_column "$1.csv" exit_code | tr '\n' ' ')" = "0 4 -1 " ] &&
    csv_column "$1.csv" error | sed -n 2p | grep -q '^exit status 4: ' &&
    [ "$(csv_column "$1.csv" error | sed -n 3p)" = "timed out after 3 s" ]
}

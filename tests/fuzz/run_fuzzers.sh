#!/usr/bin/env bash
# tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]
#
# Runs every libFuzzer target of BUILD_DIR (configured with -DRVH_FUZZ=ON;
# the executables are BUILD_DIR/fuzz/*_fuzz) for SECONDS each, one after the
# other, on a copy of its seed corpus (tests/fuzz/corpus/<name>/) in a
# temporary directory, so the repository is never modified. Prints per
# target the executions, the coverage and the corpus size, and exits 1 if
# any target crashed, leaked, timed out or ran out of memory (its log and
# the crashing input are kept and named). TARGET names (e.g. sbi, plic)
# restrict the run to those. RVH_FUZZ_SEED=N fixes libFuzzer's random seed
# (CI does, so that a run can be repeated exactly up to its length).
# docs/testing.md "Fuzzing" has the details.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
  exit 2
fi
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
if ! [[ $seconds =~ ^[0-9]+$ ]] || [[ $seconds -eq 0 ]]; then
  echo "$0: SECONDS must be a positive integer, not '$seconds'" >&2
  exit 2
fi
if [[ ! -d $build/fuzz ]]; then
  echo "$0: $build/fuzz: no fuzz targets; configure with CC=clang CXX=clang++ -DRVH_FUZZ=ON and build target 'fuzzers'" >&2
  exit 2
fi

targets=()
if [[ $# -gt 0 ]]; then
  for t in "$@"; do targets+=("$build/fuzz/${t%_fuzz}_fuzz"); done
else
  for f in "$build"/fuzz/*_fuzz; do [[ -x $f ]] && targets+=("$f"); done
fi
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "$0: no fuzz targets in $build/fuzz" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rvh-fuzz.XXXXXX")
failed=()
printf '%-16s %10s %8s %8s %8s  %s\n' target execs cov ft corpus result
for exe in "${targets[@]}"; do
  name=$(basename "$exe" _fuzz)
  if [[ ! -x $exe ]]; then
    echo "$0: $exe: not built" >&2
    failed+=("$name")
    continue
  fi
  corpus=$work/$name/corpus
  mkdir -p "$corpus" "$work/$name/artifacts"
  if [[ -d $here/corpus/$name ]]; then cp -r "$here/corpus/$name/." "$corpus/"; fi
  log=$work/$name/log
  status=0
  seed=()
  if [[ -n ${RVH_FUZZ_SEED:-} ]]; then seed=(-seed="$RVH_FUZZ_SEED"); fi
  # -timeout: one input taking longer is a hang; -rss_limit_mb: the
  # default 2 GB; stderr of the simulator (warnings) goes to the log.
  "$exe" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 "${seed[@]}" \
    -artifact_prefix="$work/$name/artifacts/" "$corpus" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  files=$(find "$corpus" -type f | wc -l)
  result=ok
  if [[ $status -ne 0 ]]; then
    result="FAILED (exit $status): log $log, input(s): $(ls "$work/$name/artifacts" | tr '\n' ' ')"
    failed+=("$name")
  fi
  printf '%-16s %10s %8s %8s %8s  %s\n' "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$files" "$result"
  if [[ $status -ne 0 ]]; then
    grep -E 'ERROR: |FUZZ_CHECK|SUMMARY:|==[0-9]+==' "$log" | head -20 | sed 's/^/    /'
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing failed: ${failed[*]} (kept in $work)"
  exit 1
fi
rm -rf "$work"
echo "all ${#targets[@]} fuzz targets ran ${seconds} s each without a crash"

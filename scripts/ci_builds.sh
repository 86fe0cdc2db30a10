#!/usr/bin/env bash
# scripts/ci_builds.sh: the builds CI runs besides the default one
# (docs/testing.md): Release (-O3) and Debug with their unit tests; an
# AddressSanitizer + UndefinedBehaviorSanitizer build running the unit, sw/,
# guest and U-Boot tests and failing on any sanitizer report; the libFuzzer
# targets for FUZZ_SECONDS each.
#
#   scripts/ci_builds.sh [release] [debug] [asan] [fuzz]    (default: all four)
#
# asan and fuzz share one clang build (build-sanitize/).
#
# Environment: FUZZ_SECONDS (default 60), JOBS (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-60}
# ccache (scripts/setup.sh installs it): paths relative to the checkout, so
# that a later run in another clone reuses the objects.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=true
fi

step() {  # step NAME: print a heading with the time spent so far
  printf '\n==== ci_builds: %s (%d s since start)\n' "$1" "$SECONDS"
}

# Release and Debug: the libraries, rvh-vp and the unit tests must link and pass.
build_type() {  # build_type NAME CMAKE_BUILD_TYPE
  local dir=build-$1
  step "$1: configure and build ($2)"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$2" -DRVH_BUILD_SW=OFF -DRVH_BUILD_BENCH=OFF \
        "${launcher[@]}" >/dev/null
  cmake --build "$dir" -j "$jobs"
  step "$1: unit tests"
  ctest --test-dir "$dir" -L unit --output-on-failure -j "$jobs"
}

# One clang build serves the sanitizer tests and the fuzzers: ASan + UBSan
# on every target, libFuzzer coverage on the libraries (RVH_FUZZ), the
# tests and sw/ built too.
sanitizer_build() {
  [ -z "${sanitizer_build_done:-}" ] || return 0
  step "sanitize: configure and build (clang; address,undefined; libFuzzer targets)"
  CC=clang CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DRVH_SANITIZE=address,undefined -DRVH_FUZZ=ON -DRVH_BUILD_BENCH=OFF \
        "${launcher[@]}" >/dev/null
  cmake --build build-sanitize -j "$jobs"
  sanitizer_build_done=1
}

# Every sanitizer report is written to a log file as well as making the
# process fail, so a report is caught even where a test runner does not
# look at rvh-vp's exit status.
sanitizers() {
  local dir=build-sanitize logs
  sanitizer_build
  logs=$(mktemp -d)
  step "asan: unit, sw, guest, U-Boot and several-VM tests"
  local status=0
  export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1"
  export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" -L unit || status=$?
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" \
        -R '^(sw_rvhvp_.*|guest_(bare|hyp)_.*|firmware_uboot_(prompt|guest)|vms_(three_vms|consoles|busy_neighbour|isolation|failing_vm|determinism|vmid_whatif)|virtio_guest_(verify|write_at_stop|read_only|fail_status))$' || status=$?
  unset ASAN_OPTIONS UBSAN_OPTIONS
  # A finding is an ERROR (ASan, LSan) or a UBSan "runtime error"; ASan's
  # warning about SystemC's coroutine stacks (it cannot see their switches)
  # is not one.
  if compgen -G "$logs/*" >/dev/null && grep -lE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$logs"/* >/dev/null; then
    echo "ci_builds: sanitizer reports:" >&2
    grep -lE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$logs"/* | xargs cat >&2
    status=1
  fi
  rm -rf "$logs"
  return $status
}

fuzzers() {
  sanitizer_build
  step "fuzz: every target for ${fuzz_seconds} s"
  # A fixed seed: a red CI can be repeated with the same command.
  RVH_FUZZ_SEED=${RVH_FUZZ_SEED:-1} tests/fuzz/run_fuzzers.sh build-sanitize "$fuzz_seconds"
}

what=("$@")
[ ${#what[@]} -gt 0 ] || what=(release debug asan fuzz)
for w in "${what[@]}"; do
  case $w in
    release) build_type release Release ;;
    debug) build_type debug Debug ;;
    asan) sanitizers ;;
    fuzz) fuzzers ;;
    *) echo "ci_builds: unknown build '$w' (release, debug, asan, fuzz)" >&2; exit 2 ;;
  esac
done
step "done"

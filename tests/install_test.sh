#!/bin/sh
# install_test.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR ELF CXX [GUEST_ELF PROBE_ELF]
# What a library user does (docs/library.md): install the build, build the
# examples/ project against the installed package with find_package(rvhvp),
# and run its sc_main (examples/accel_soc.cpp) on the sw program that drives
# the example's own device (sw/examples/accel_device.c). Checks:
#  - the package is relocatable: it is installed into one directory and used
#    from another, and nothing in lib/cmake/rvhvp names the source or build tree;
#  - the installed libraries define no main or sc_main;
#  - find_package(rvhvp) resolves to the installed package and the example builds;
#  - the example prints "PASS: accel_device" and exits 0;
#  - with GUEST_ELF and PROBE_ELF: the example with the device assigned to a
#    guest, alone and next to a VM that must not reach it
#    (tests/accel_guest_test.sh);
#  - the installed rvh-vp runs.
set -u
if [ $# -ne 6 ] && [ $# -ne 8 ]; then
  echo "usage: $0 CMAKE BUILD_DIR SOURCE_DIR WORK_DIR ELF CXX [GUEST_ELF PROBE_ELF]" >&2
  exit 2
fi
cmake=$1 build=$2 src=$3 work=$4 elf=$5 cxx=$6 guest_elf=${7:-} probe_elf=${8:-}
fail() { echo "install_test: FAIL: $1"; [ $# -lt 2 ] || cat "$2"; exit 1; }

[ -f "$elf" ] || fail "$elf not found (build the sw_all target)"
rm -rf "$work"
mkdir -p "$work"
# Absolute paths: the relocation check greps for them.
build=$(cd "$build" && pwd) src=$(cd "$src" && pwd) work=$(cd "$work" && pwd)

"$cmake" --install "$build" --prefix "$work/staged" >"$work/install.log" 2>&1 ||
  fail "cmake --install $build failed" "$work/install.log"
mv "$work/staged" "$work/prefix"
prefix=$work/prefix
for f in include/rvhvp/platform/soc.h include/rvhvp/cpu/hart.h include/rvhvp/peripherals/plic.h \
         include/rvhvp/hyp/vm.h lib/cmake/rvhvp/rvhvpConfig.cmake \
         lib/cmake/rvhvp/rvhvpConfigVersion.cmake bin/rvh-vp; do
  [ -e "$prefix/$f" ] || fail "$f not installed"
done
if grep -rl -e "$src" -e "$build" "$prefix/lib/cmake/rvhvp" >"$work/paths.txt"; then
  fail "the package names the source or build tree:" "$work/paths.txt"
fi
nm -g --defined-only "$prefix"/lib/librvh_*.a >"$work/symbols.txt" 2>&1 || fail "nm failed" "$work/symbols.txt"
if grep -E ' T (main|sc_main)$' "$work/symbols.txt"; then
  fail "an installed library defines main or sc_main"
fi
echo "install_test: installed into $prefix"

"$cmake" -S "$src/examples" -B "$work/example" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/configure.log" 2>&1 ||
  fail "configuring examples/ against the package failed" "$work/configure.log"
found=$(sed -n 's/^rvhvp_DIR:[A-Z]*=//p' "$work/example/CMakeCache.txt")
[ "$found" = "$prefix/lib/cmake/rvhvp" ] || fail "find_package(rvhvp) found '$found', not the installed package"
"$cmake" --build "$work/example" >"$work/build.log" 2>&1 || fail "building examples/ failed" "$work/build.log"
echo "install_test: built $work/example/accel_soc"

SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 timeout 120 "$work/example/accel_soc" "$elf" </dev/null >"$work/run.log" 2>&1
rc=$?
cat "$work/run.log"
[ "$rc" -eq 0 ] || fail "accel_soc exited with $rc"
grep -q "^PASS: accel_device" "$work/run.log" || fail "accel_soc did not print PASS: accel_device"
if [ -n "$guest_elf" ]; then
  "$src/tests/accel_guest_test.sh" "$work/example/accel_soc" "$guest_elf" "$probe_elf" || fail "accel_soc --guest"
fi

"$prefix/bin/rvh-vp" --version >"$work/version.log" 2>&1 || fail "the installed rvh-vp --version failed" "$work/version.log"

rm -rf "$work"
echo "install_test: PASS"

#!/usr/bin/env bash
# scripts/setup.sh: install rvh-vp's dependencies from Debian 12 packages and
# build it (Release with debug info) into ./build. Run as root on a fresh
# machine; safe to re-run. Set RVH_SKIP_APT=1 to skip the package install.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make pkg-config ccache
  # Sanitizer and fuzzing builds (scripts/ci_builds.sh, docs/testing.md)
  clang libclang-rt-14-dev
  libsystemc-dev libboost-program-options-dev libboost-dev libfdt-dev libelf-dev
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev git
  # The block translator's assembler (cpu/block_jit.cpp)
  libxbyak-dev
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  opensbi u-boot-qemu qemu-system-misc device-tree-compiler
  # The commit log's --trace-disasm: libopcodes with RISC-V (docs/debugging.md)
  binutils-multiarch-dev
  # The GDB stub's tests (ctest label gdb, docs/debugging.md): Debian's GDB for RISC-V
  gdb-multiarch python3
  # bench/speed_vs_qemu.sh: peak RSS and CPU time from GNU time (/usr/bin/time)
  time
  # HTML report test (ctest label report): headless Chromium, PNG screenshots
  chromium libpng-dev
  # Linux 6.1 workload (sw/linux, ctest label linux)
  linux-source-6.1 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross bc bison flex libssl-dev cpio
  # The Linux guest's disk tests (ctest label disk): mke2fs -d, debugfs, e2fsck
  e2fsprogs
  # `rvh-vp sweep`: results in SQLite, specs in JSON or YAML (docs/sweeps.md)
  libsqlite3-dev
  libyaml-cpp-dev
  # The Slurm sweep test (ctest label slurm, tests/slurm/cluster.sh): a single-node cluster
  slurm-wlm munge
)

if [ "${RVH_SKIP_APT:-0}" != 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: run as root to install packages (or set RVH_SKIP_APT=1)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

launcher=()
if command -v ccache >/dev/null; then  # rebuilds, and builds in another clone, reuse objects
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=true
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build build -j "$(nproc)"
echo "setup.sh: built build/rvh-vp"

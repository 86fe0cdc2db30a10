#!/bin/bash
# sw/linux/build.sh [--kvm] [CACHE_DIR]
#
# Builds the rvh-vp Linux workload: a Linux 6.1 RISC-V Image with a built-in
# initramfs holding our static /init (sw/linux/init.c).
#
#   --kvm      the KVM host instead (issue 12): rvh.config + kvm.config, and
#              a built-in initramfs with only /dev/console; its userspace
#              (sw/kvm) comes as an external initrd, so the Image does not
#              depend on it.
#   CACHE_DIR  default ${RVH_LINUX_CACHE:-$HOME/.cache/rvh-vp/linux}
#              (linux-kvm with --kvm)
#              (the CMake target linux_image passes ${CMAKE_BINARY_DIR}/linux,
#              kvm_host_image ${CMAKE_BINARY_DIR}/linux-kvm; both are links
#              into ${RVH_LINUX_CACHE_DIR}, by default ~/.cache/rvh-vp)
#              Builds of one CACHE_DIR take turns (flock on CACHE_DIR/.lock).
#
# Needs (Debian): linux-source-6.1 gcc-riscv64-linux-gnu
#   libc6-dev-riscv64-cross bc bison flex libssl-dev cpio
#
# Steps, each skipped when its stamp (keyed on the hashes of its inputs)
# is present:
#   1. unpack /usr/src/linux-source-6.1.tar.xz  -> CACHE_DIR/src
#   2. build /init (riscv64-linux-gnu-gcc -static -O2)  -> CACHE_DIR/initramfs/init
#   3. write the initramfs list  -> CACHE_DIR/initramfs/initramfs.list
#   4. tinyconfig + sw/linux/rvh.config (merge_config.sh)  -> CACHE_DIR/build/.config
#      and check that every wanted option is set as asked
#   5. make Image  -> CACHE_DIR/build/arch/riscv/boot/Image
# Outputs (stable paths): CACHE_DIR/Image, CACHE_DIR/System.map, CACHE_DIR/vmlinux
#
# Environment: RVH_LINUX_TARBALL (default /usr/src/linux-source-6.1.tar.xz),
#   RVH_LINUX_JOBS (make -j, default 2), CROSS_COMPILE (default riscv64-linux-gnu-).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kvm=0
if [ "${1:-}" = --kvm ]; then kvm=1; shift; fi
default_cache=$HOME/.cache/rvh-vp/linux
[ $kvm -eq 0 ] || default_cache=$HOME/.cache/rvh-vp/linux-kvm
cache=${1:-${RVH_LINUX_CACHE:-$default_cache}}
tarball=${RVH_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${RVH_LINUX_JOBS:-2}
cross=${CROSS_COMPILE:-riscv64-linux-gnu-}
fragment=$here/rvh.config
init_c=$here/init.c
fragments=("$fragment")
[ $kvm -eq 0 ] || fragments+=("$here/kvm.config")

log() { echo "linux/build.sh: $*"; }
die() { echo "linux/build.sh: ERROR: $*" >&2; exit 1; }

for tool in "${cross}gcc" make bc bison flex cpio xz sha256sum flock; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool not found (Debian: apt install linux-source-6.1 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross bc bison flex libssl-dev cpio)"
done
[ -f "$tarball" ] || die "$tarball not found (Debian: apt install linux-source-6.1)"
[ -f "$fragment" ] || die "$fragment not found"
[ -f "$init_c" ] || die "$init_c not found"

# (A link whose target is gone, such as build/linux after ~/.cache was
# cleared: its target is made again.)
if [ -L "$cache" ]; then mkdir -p "$(readlink -m "$cache")"; else mkdir -p "$cache"; fi
cache=$(cd "$cache" && pwd -P)  # the real path: a symlinked cache keeps its stamps
# Build trees and clones share a cache (sw/linux/linux.cmake): one build at a
# time per cache; a second one waits, then finds the stamps up to date.
exec 9>"$cache/.lock"
if ! flock -n 9; then
  echo "linux/build.sh: waiting for another build of $cache"
  flock 9
fi
src=$cache/src
obj=$cache/build
ird=$cache/initramfs
stamps=$cache/stamps
mkdir -p "$obj" "$ird" "$stamps"

hash_of() { cat "$@" | sha256sum | cut -c1-16; }
kmake() { make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE="$cross" "$@"; }

# 1. Unpack (keyed on the tarball's name, size and mtime).
tar_key=$(stat -c '%n %s %Y' "$tarball" | sha256sum | cut -c1-16)
if [ ! -f "$stamps/unpack-$tar_key" ]; then
  log "unpacking $tarball into $src"
  rm -rf "$src" "$src.tmp" "$stamps"/unpack-* "$stamps"/config-* "$stamps"/image-*
  mkdir -p "$src.tmp"
  tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
  mv "$src.tmp" "$src"
  touch "$stamps/unpack-$tar_key"
else
  log "source already unpacked ($src)"
fi

# 2. Static /init (none built into the KVM host).
init_key=$(hash_of "$init_c")
if [ $kvm -eq 1 ]; then
  init_key=none
elif [ ! -f "$stamps/init-$init_key" ] || [ ! -x "$ird/init" ]; then
  log "building /init"
  rm -f "$stamps"/init-*
  "${cross}gcc" -static -O2 -Wall -Wextra -o "$ird/init.tmp" "$init_c"
  mv "$ird/init.tmp" "$ird/init"
  touch "$stamps/init-$init_key"
else
  log "/init up to date"
fi

# 3. Initramfs list for CONFIG_INITRAMFS_SOURCE (usr/gen_init_cpio format).
list=$ird/initramfs.list
cat > "$list.tmp" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/null 0666 0 0 c 1 3
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
EOF
[ $kvm -eq 1 ] || echo "file /init $ird/init 0755 0 0" >> "$list.tmp"
if ! cmp -s "$list.tmp" "$list"; then mv "$list.tmp" "$list"; else rm -f "$list.tmp"; fi

# 4. Configure: tinyconfig + fragment + INITRAMFS_SOURCE.
frag_key=$(printf '%s\n%s\n' "$(hash_of "${fragments[@]}")" "$list" | sha256sum | cut -c1-16)
if [ ! -f "$stamps/config-$frag_key" ] || [ ! -f "$obj/.config" ]; then
  log "configuring (tinyconfig + ${fragments[*]##*/})"
  rm -f "$stamps"/config-* "$stamps"/image-*
  full_frag=$cache/rvh-full.config
  { cat "${fragments[@]}"
    echo "CONFIG_INITRAMFS_SOURCE=\"$list\""
  } > "$full_frag"
  kmake tinyconfig >/dev/null
  # merge_config.sh -m merges into .config; then olddefconfig resolves deps.
  (cd "$obj" && ARCH=riscv CROSS_COMPILE="$cross" \
     "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$full_frag") >/dev/null
  kmake olddefconfig >/dev/null
  # Every option the fragment asks for must have ended up as asked.
  missing=0
  while IFS= read -r line; do
    case $line in
      CONFIG_*=*) ;;
      *) continue ;;
    esac
    if ! grep -qxF "$line" "$obj/.config"; then
      opt=${line%%=*}
      got=$(grep -E "^(# )?$opt[= ]" "$obj/.config" || echo "$opt absent")
      echo "linux/build.sh: wanted $line, got: $got" >&2
      missing=1
    fi
  done < "$full_frag"
  [ $missing -eq 0 ] || die "kernel config does not match $fragment (see above)"
  kmake savedefconfig >/dev/null
  touch "$stamps/config-$frag_key"
else
  log "kernel config up to date"
fi

# 5. Image (the initramfs is linked in, so /init is an input).
img_key=$(printf '%s %s\n' "$frag_key" "$init_key" | sha256sum | cut -c1-16)
if [ ! -f "$stamps/image-$img_key" ] || [ ! -f "$obj/arch/riscv/boot/Image" ]; then
  log "building Image (make -j$jobs)"
  rm -f "$stamps"/image-*
  start=$(date +%s)
  kmake -j"$jobs" Image
  log "Image built in $(( $(date +%s) - start )) s"
  touch "$stamps/image-$img_key"
else
  log "Image up to date"
fi
cp -f "$obj/arch/riscv/boot/Image" "$cache/Image"
cp -f "$obj/System.map" "$cache/System.map"
ln -sf "$obj/vmlinux" "$cache/vmlinux"
log "done: $cache/Image"

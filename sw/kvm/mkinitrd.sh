#!/bin/bash
# sw/kvm/mkinitrd.sh OUT.cpio INIT VMM GUEST.elf...
#
# Writes the KVM host's initrd: an uncompressed newc cpio with /init (INIT),
# /vmm (VMM) and /guests/<name>.elf for each GUEST, owned by root, every
# mtime 0, entries sorted: the same inputs give the same bytes (the
# calibration records its hash). /dev/console, /proc, /sys come from the
# KVM host Image's built-in initramfs (sw/linux/build.sh --kvm).
set -euo pipefail

die() { echo "kvm/mkinitrd.sh: ERROR: $*" >&2; exit 1; }
[ $# -ge 3 ] || die "usage: mkinitrd.sh OUT.cpio INIT VMM GUEST.elf..."
command -v cpio >/dev/null || die "cpio not found (Debian: apt install cpio)"
out=$1 init=$2 vmm=$3
shift 3
for f in "$init" "$vmm" "$@"; do [ -f "$f" ] || die "$f not found"; done

stage=$(mktemp -d "${TMPDIR:-/tmp}/rvh-kvm-initrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/guests" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp"
install -m 0755 "$init" "$stage/init"
install -m 0755 "$vmm" "$stage/vmm"
for g in "$@"; do install -m 0644 "$g" "$stage/guests/$(basename "$g")"; done
find "$stage" -exec touch -h -d @0 {} +

tmp_out="$out.tmp.$$"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
  cpio --quiet -o -H newc -R 0:0 --reproducible) > "$tmp_out"
mv "$tmp_out" "$out"
echo "kvm/mkinitrd.sh: wrote $out ($(stat -c %s "$out") bytes: init, vmm, $# guest(s))"

#!/bin/sh
# scripts/mkiso.sh: build a BIOS+UEFI hybrid GRUB ISO around a kvlab kernel.
#
# Usage: scripts/mkiso.sh KERNEL.elf OUT.iso [COMMAND LINE...]
#
# The command line is written into the ISO's grub.cfg (GRUB cannot take one
# from QEMU), so the test runner builds one ISO per command line it needs.
set -eu

elf=$1
iso=$2
shift 2
cmdline="$*"

stage="${iso%.iso}.d"
rm -rf "$stage"
mkdir -p "$stage/boot/grub"
cp "$elf" "$stage/boot/kvlab.elf"
sed "s|@CMDLINE@|$cmdline|" "$(dirname "$0")/../iso/grub.cfg" > "$stage/boot/grub/grub.cfg"
log="${iso%.iso}.mkrescue.log"
if ! grub-mkrescue -o "$iso" "$stage" > "$log" 2>&1; then
	cat "$log" >&2
	echo "mkiso: grub-mkrescue failed (log: $log)" >&2
	exit 1
fi
rm -rf "$stage"

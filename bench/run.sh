#!/bin/bash
# make bench: boot the emulated POWER9 host with the bench image (lkvm and
# Debian's ppc64el QEMU side by side) and run every benchmark in ONE host run
# per benchmark, printing figures and ratios against QEMU.
# BENCHMARKS="boot pmem" picks them (bench/host/bench-NAME.sh). A benchmark
# whose header says "# disk: SIZE" gets a fresh sparse raw image of SIZE,
# build/bench/disk.img, as a virtio-blk disk of the emulated host (/dev/vda
# there), deleted again afterwards; "# disks: rootfs" gets the pmem root
# file system image as a read-only disk.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/build/bench"
status=0
for b in ${BENCHMARKS:-boot pmem rootfs api}; do
	log=$top/build/bench/$b.log
	src=$top/bench/host/bench-$b.sh
	echo "== bench $b (log: build/bench/$b.log)"
	extra=()
	disk=
	size=$(sed -n 's/^# disk: *\([0-9]*[KMGT]\?\).*/\1/p' "$src" 2>/dev/null | head -1)
	if [ -n "$size" ]; then
		disk=$top/build/bench/disk.img
		rm -f "$disk"
		truncate -s "$size" "$disk"
		extra=(-drive "file=$disk,format=raw,if=none,id=d0,cache=writeback"
			-device virtio-blk-pci,drive=d0)
	fi
	# "# disks: rootfs": the pmem root image as a read-only disk, as for
	# the system scenarios (tests/system/lib.sh rootfs_image finds it)
	if grep -q '^# disks:.*rootfs' "$src"; then
		extra+=(-drive "file=$top/build/images/rootfs.img,format=raw,if=none,id=rootfs,readonly=on"
			-device virtio-blk-pci,drive=rootfs,serial=lkvm-rootfs)
	fi
	LKVM_HOST_IMAGE=host-bench.cpio timeout -s KILL 1200 \
		"$top/guest-images/emulated-host.sh" "bench-$b" "${extra[@]}" \
		< /dev/null > "$log" 2>&1
	[ -z "$disk" ] || rm -f "$disk"
	tr -d '\r' < "$log" | sed -n 's/^BENCH //p' | grep -v '^run '
	tr -d '\r' < "$log" | grep -q "LKVM-SCENARIO bench-$b rc=0" || {
		echo "bench $b FAILED"
		status=1
	}
done
exit $status

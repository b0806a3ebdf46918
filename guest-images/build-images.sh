#!/bin/bash
# Build the guest initramfs and the emulated host's initramfs from Debian
# ppc64el packages (with their shared-library closures), lkvm and the
# scenario scripts. Output: build/images/{vmlinux,guest.cpio,host.cpio}.
# The userland extraction and the kernel are cached outside the clone; the
# two cpio images are rebuilt only when an input changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"

guest_pkgs="busybox-static ndctl daxctl xfsprogs e2fsprogs fio"
# what the guest initramfs carries (paths inside the extracted tree)
guest_bins="usr/bin/ndctl usr/bin/daxctl sbin/mkfs.xfs sbin/xfs_repair
	usr/sbin/xfs_io usr/sbin/xfs_db usr/sbin/xfs_info sbin/mke2fs
	sbin/mkfs.ext4 sbin/e2fsck sbin/tune2fs"
# fio and the 90 MB of libraries it links go into a second guest image,
# guest-fio.cpio, used only where a workload needs it

bench=0
[ "${1:-}" = --bench ] && bench=1

userland=$LKVM_CACHE/userland-$(cache_key "$guest_pkgs" "$here/lib.sh")
if [ ! -f "$userland/.done" ]; then
	log "extracting ppc64el $guest_pkgs"
	rm -rf "$userland" "$userland.tmp"
	ppc_extract "$userland.tmp" $guest_pkgs
	touch "$userland.tmp/.done"
	mv "$userland.tmp" "$userland"
fi

kernel=$("$here/build-kernel.sh")
sysroot=$("$here/build-sysroot.sh")
out=${LKVM_IMAGES:-$top/build/images}
key=$(cache_key bench=$bench "$kernel" "$userland" "$top/lkvm" "$here/guest/init" \
	"$here/host/init" "$here/host/demo.sh" "$0" $(find "$top/tests/system" -type f | sort) \
	$([ $bench = 0 ] || find "$top/bench" "$top/build/target/bench" -type f | sort))
if [ -f "$out/.key" ] && [ "$(cat "$out/.key")" = "$key" ]; then
	exit 0
fi

# find_lib ROOT NAME: the library NAME in ROOT's multiarch directories
find_lib() {
	local d
	for d in lib/powerpc64le-linux-gnu usr/lib/powerpc64le-linux-gnu lib usr/lib; do
		[ -e "$1/$d/$2" ] && { echo "$1/$d/$2"; return; }
	done
	# private library directories reached through RUNPATH (e.g. ceph/)
	d=$(find "$1/usr/lib" "$1/lib" -name "$2" 2>/dev/null | head -1)
	[ -n "$d" ] || fail "library $2 not found under $1"
	echo "$d"
}

# install_elf ROOT FILE DEST: copy FILE and, recursively, the shared
# libraries it needs (from ROOT) into the image DEST
install_elf() {
	local root=$1 file=$2 dest=$3 lib path
	for lib in $("${CROSS}readelf" -d "$file" 2>/dev/null |
		     sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
		[ -e "$dest/lib/powerpc64le-linux-gnu/$lib" ] && continue
		path=$(find_lib "$root" "$lib")
		cp -L "$path" "$dest/lib/powerpc64le-linux-gnu/$lib"
		install_elf "$root" "$path" "$dest"
	done
}

new_root() {
	local applet
	rm -rf "$1"
	mkdir -p "$1"/{bin,sbin,usr/bin,usr/sbin,lib/powerpc64le-linux-gnu,lib64,etc}
	mkdir -p "$1"/{proc,sys,dev,tmp,mnt,run}
	cp "$userland/bin/busybox" "$1/bin/busybox"
	# the applet links exist in the image, so a read-only root needs none
	for applet in $(qemu-ppc64le "$1/bin/busybox" --list); do
		[ -e "$1/bin/$applet" ] || ln -s busybox "$1/bin/$applet"
	done
	cp -L "$(find_lib "$userland" ld64.so.2)" "$1/lib64/ld64.so.2"
	echo "root:x:0:0:root:/:/bin/sh" > "$1/etc/passwd"
	echo "root:x:0:" > "$1/etc/group"
}

make_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$2"
}

rm -rf "$out.tmp"
mkdir -p "$out.tmp"
stage=$out.tmp/stage

# guest initramfs: busybox, ndctl, xfsprogs, e2fsprogs, fio, guest scripts
g=$stage/guest
new_root "$g"
for b in $guest_bins; do
	[ -e "$userland/$b" ] || fail "missing $b in the userland extraction"
	cp -L "$userland/$b" "$g/$b"
	install_elf "$userland" "$userland/$b" "$g"
done
install -m 0755 "$here/guest/init" "$g/init"
mkdir -p "$g/guest-tests"
if [ -d "$top/tests/system/guest" ]; then
	cp "$top/tests/system/guest/"*.sh "$g/guest-tests/" 2>/dev/null || true
fi
make_cpio "$g" "$out.tmp/guest.cpio"

# the same userland as a Kata-style pmem root filesystem (--rootfs-pmem):
# labels and fsdax info block written by lkvm itself, ext4 with 64 KiB
# blocks (the guest's page size, as DAX needs) where the namespace's data
# starts, label area at the end. Fixed GUIDs keep the image reproducible.
rootfs_size=$((256 << 20))
rootfs=$out.tmp/rootfs.img
ln -sf ../init "$g/sbin/init"
truncate -s $((rootfs_size + (128 << 10))) "$rootfs"
qemu-ppc64le -L "$sysroot" "$top/lkvm" nvdimm format "$rootfs,256M,128K,uuid=4c4b564d-726f-4f74-8066-730000000001" \
	--namespace-uuid 4c4b564d-726f-4f74-8066-730000000002 --name lkvm-rootfs \
	> "$out.tmp/rootfs.format"
data_offset=$(sed -n 's/^data_offset=//p' "$out.tmp/rootfs.format")
data_size=$(sed -n 's/^data_size=//p' "$out.tmp/rootfs.format")
[ -n "$data_offset" ] && [ -n "$data_size" ] || fail "lkvm nvdimm format printed no data offset"
mke2fs -q -F -t ext4 -b 65536 -L lkvm-rootfs -E offset="$data_offset" -d "$g" \
	"$rootfs" $((data_size / 65536)) 2> "$out.tmp/mke2fs.err" ||
	fail "mke2fs: $(cat "$out.tmp/mke2fs.err")"
rm -f "$out.tmp/mke2fs.err"
rm -f "$g/sbin/init"
cp -L "$userland/usr/bin/fio" "$g/usr/bin/fio"
install_elf "$userland" "$userland/usr/bin/fio" "$g"
make_cpio "$g" "$out.tmp/guest-fio.cpio"

# host initramfs: busybox, lkvm, the guest kernel and initramfs, scenarios
h=$stage/host
new_root "$h"
cp "$top/lkvm" "$h/usr/bin/lkvm"
install_elf "$sysroot" "$top/lkvm" "$h"
# lkvm loads libpmem with dlopen when a vNVDIMM needs it, and libxml2 (with
# ICU, lzma and zlib) when it reads an XML: lkvm nvdimm attach NAME FILE.xml
for lib in libpmem.so.1 libxml2.so.2; do
	cp -L "$(find_lib "$sysroot" $lib)" "$h/lib/powerpc64le-linux-gnu/"
	install_elf "$sysroot" "$h/lib/powerpc64le-linux-gnu/$lib" "$h"
done
# the host's own tools: a disk for the power-cut tests, a devdax namespace
for b in usr/bin/ndctl usr/bin/daxctl sbin/mke2fs sbin/mkfs.ext4; do
	cp -L "$userland/$b" "$h/$b"
	install_elf "$userland" "$userland/$b" "$h"
done
install -m 0755 "$here/host/init" "$h/init"
mkdir -p "$h/guest" "$h/scenarios"
cp "$kernel" "$h/guest/vmlinux"
cp "$out.tmp/guest.cpio" "$h/guest/initrd.cpio"
cp "$out.tmp/guest-fio.cpio" "$h/guest/initrd-fio.cpio"
# rootfs.img itself reaches the host as a disk (it would double the host
# image); its GUID record travels here
cp "$out.tmp/rootfs.img.uuid" "$h/guest/rootfs.img.uuid"
cp "$top/tests/system/"*.sh "$h/scenarios/"
# the scenarios' documents, such as the seed's nvdimm XMLs
mkdir -p "$h/scenarios/data"
cp "$top/tests/system/data/"* "$h/scenarios/data/"
cp "$here/host/demo.sh" "$h/scenarios/demo.sh"
make_cpio "$h" "$out.tmp/host.cpio"

# bench host image: the host image plus QEMU (the comparison VMM)
if [ $bench = 1 ]; then
	qemu=$LKVM_CACHE/qemu-$(cache_key qemu-system-ppc "$here/lib.sh")
	if [ ! -f "$qemu/.done" ]; then
		log "extracting ppc64el qemu-system-ppc"
		rm -rf "$qemu" "$qemu.tmp"
		ppc_extract "$qemu.tmp" qemu-system-ppc
		touch "$qemu.tmp/.done"
		mv "$qemu.tmp" "$qemu"
	fi
	cp -L "$qemu/usr/bin/qemu-system-ppc64" "$h/usr/bin/"
	install_elf "$qemu" "$qemu/usr/bin/qemu-system-ppc64" "$h"
	mkdir -p "$h/usr/share/qemu"
	cp "$qemu/usr/share/qemu/vof.bin" "$qemu/usr/share/qemu/slof.bin" "$h/usr/share/qemu/"
	cp "$top/build/target/bench/vmmtime" "$top/build/target/bench/apibench" "$h/usr/bin/"
	mkdir -p "$h/usr/lib/lkvm-bench"
	cp "$top/build/target/bench/kvmwatch.so" "$h/usr/lib/lkvm-bench/"
	cp -L "$userland/usr/bin/fio" "$h/usr/bin/fio"
	install_elf "$userland" "$userland/usr/bin/fio" "$h"
	for f in "$top/bench/host/"*.sh "$top/tests/system/guest/fio-lib.sh"; do
		cp "$f" "$h/scenarios/$(basename "$f")"
	done
	make_cpio "$h" "$out.tmp/host-bench.cpio"
fi

cp "$kernel" "$out.tmp/vmlinux"
rm -rf "$stage"
echo "$key" > "$out.tmp/.key"
rm -rf "$out"
mv "$out.tmp" "$out"
log "images: $(du -h "$out/guest.cpio" | cut -f1) guest, $(du -h "$out/host.cpio" | cut -f1) host"

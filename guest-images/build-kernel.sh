#!/bin/bash
# Build the one ppc64le kernel (emulated host + lkvm guest) from Debian's
# linux-source-6.1 with our fragment and patch. The result is cached outside
# the clone, keyed by fragment, patch and source package version.
# Prints the path of the stripped vmlinux.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || fail "missing $tarball (apt-get install linux-source-6.1)"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$(cache_key "$here/kernel/lkvm.config" "$here/kernel/pmem-pre-isa31.patch" "$srcver" "$0")
out=$LKVM_CACHE/kernel-$key
if [ -f "$out/vmlinux" ]; then
	echo "$out/vmlinux"
	exit 0
fi

work=$LKVM_CACHE/kernel-build
rm -rf "$work"
mkdir -p "$work"
log "extracting linux-source $srcver"
tar -C "$work" -xf "$tarball"
src=$work/linux-source-6.1
patch -d "$src" -p1 --quiet < "$here/kernel/pmem-pre-isa31.patch"

km() { make -C "$src" ARCH=powerpc CROSS_COMPILE="$CROSS" "$@" >&2; }
km -s ppc64le_guest_defconfig
km -s mod2noconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" \
	"$here/kernel/lkvm.config" >/dev/null
km -s olddefconfig
# every option of the fragment must have survived dependency resolution
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qx "$line" "$src/.config" || { log "not set: $line"; missing=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=" "$src/.config" && { log "still set: $opt"; missing=1; } ;;
	esac
done < "$here/kernel/lkvm.config"
[ $missing = 0 ] || fail "the config fragment does not apply cleanly"

log "building vmlinux (-j$(($(nproc) + 1)))"
start=$(date +%s)
km -s -j$(($(nproc) + 1)) vmlinux
log "kernel built in $(($(date +%s) - start)) s"
mkdir -p "$out.tmp"
"${CROSS}strip" -o "$out.tmp/vmlinux" "$src/vmlinux"
cp "$src/.config" "$out.tmp/config"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$work"
echo "$out/vmlinux"

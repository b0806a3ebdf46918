#!/bin/bash
# ppc64el sysroot for cross-building lkvm and running its unit tests under
# qemu-user: Debian bookworm's libfdt, libpmem, cmocka, libseccomp, json-c and
# http-parser (headers, static and shared libraries) plus their runtime
# closure. Cached outside the clone.
# Prints the sysroot path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

pkgs="libc6 libfdt-dev libpmem-dev libcmocka-dev libseccomp-dev libjson-c-dev libhttp-parser-dev"
out=$LKVM_CACHE/sysroot-$(cache_key "$pkgs" "$0")
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out" "$out.tmp"
log "extracting ppc64el $pkgs"
ppc_extract "$out.tmp" $pkgs
# only libraries and headers matter; drop the rest of the tree
rm -rf "$out.tmp/usr/share" "$out.tmp/var" "$out.tmp/etc"
# qemu-user resolves the interpreter inside the sysroot: keep its link relative
ln -sfn ../lib/powerpc64le-linux-gnu/ld64.so.2 "$out.tmp/lib64/ld64.so.2"
touch "$out.tmp/.done"
mv "$out.tmp" "$out"
echo "$out"

#!/bin/bash
# ppc64el sysroot for cross-building lkvm and running its unit tests under
# qemu-user: Debian bookworm's libfdt, libpmem, cmocka, libseccomp, json-c and
# http-parser (headers, static and shared libraries) plus their runtime
# closure, and libxml2 (its shared library with its closure, its headers and
# the ICU headers they include). Cached outside the clone.
# Prints the sysroot path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

pkgs="libc6 libfdt-dev libpmem-dev libcmocka-dev libseccomp-dev libjson-c-dev libhttp-parser-dev
      libxml2"
# only the header trees of these are kept (see below)
header_pkgs="libxml2-dev"
out=$LKVM_CACHE/sysroot-$(cache_key "$pkgs" "$header_pkgs" "$0")
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out" "$out.tmp" "$out.tmp.dev"
log "extracting ppc64el $pkgs"
ppc_extract "$out.tmp" $pkgs
# libxml2-dev depends on libicu-dev and so on libc6-dev, whose libc.so is a
# linker script naming /lib/powerpc64le-linux-gnu/libc.so.6 on this machine:
# beside the cross toolchain's own C library it would break the link. Keep
# only libxml2's headers and ICU's, which they include (both Multi-Arch:
# same, so the same on every architecture).
log "extracting the headers of ppc64el $header_pkgs"
ppc_extract "$out.tmp.dev" $header_pkgs
cp -a "$out.tmp.dev/usr/include/libxml2" "$out.tmp.dev/usr/include/unicode" "$out.tmp/usr/include/"
rm -rf "$out.tmp.dev"
# only libraries and headers matter; drop the rest of the tree
rm -rf "$out.tmp/usr/share" "$out.tmp/var" "$out.tmp/etc"
# qemu-user resolves the interpreter inside the sysroot: keep its link relative
ln -sfn ../lib/powerpc64le-linux-gnu/ld64.so.2 "$out.tmp/lib64/ld64.so.2"
touch "$out.tmp/.done"
mv "$out.tmp" "$out"
echo "$out"

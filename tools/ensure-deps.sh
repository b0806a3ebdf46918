#!/bin/bash
# Make sure the Debian packages a step needs are installed: installs them when
# run as root, otherwise prints the one apt-get command to run.
# Usage: tools/ensure-deps.sh build|unit|fuzz|system|all
set -euo pipefail

if [ "$(uname -m)" = ppc64le ]; then
	build="gcc make libfdt-dev libpmem-dev libseccomp-dev libjson-c-dev libhttp-parser-dev
	       libxml2-dev pkg-config"
	unit="$build libcmocka-dev"
	fuzz="$unit clang libclang-rt-dev"
	system="$build busybox-static"
else
	build="make gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross mmdebstrap
	       debian-archive-keyring ca-certificates"
	unit="$build gcc libc6-dev libcmocka-dev libfdt-dev libpmem-dev libseccomp-dev
	      libjson-c-dev libhttp-parser-dev libxml2-dev qemu-user"
	# libFuzzer comes with clang's runtime
	fuzz="$unit clang libclang-rt-14-dev"
	# gcc and libc6-dev: the kernel's build builds its own host tools
	system="$build qemu-system-ppc qemu-utils qemu-user e2fsprogs linux-source-6.1 cpio flex bison bc
		libssl-dev libelf-dev xz-utils patch binutils-powerpc64le-linux-gnu gcc libc6-dev"
fi

case "${1:-all}" in
build) want=$build ;;
unit) want=$unit ;;
fuzz) want=$fuzz ;;
system) want=$system ;;
all) want="$fuzz $system" ;;
*) echo "usage: $0 build|unit|fuzz|system|all" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "missing Debian packages; run as root:" >&2
	echo "  apt-get install --no-install-recommends$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $missing >/dev/null

#!/bin/bash
# Boot the emulated POWER9 host (qemu-system-ppc64 under TCG, with nested
# KVM-HV so that /dev/kvm works inside) on build/images and run one scenario
# in it. The console goes to stdout; the host powers itself off afterwards.
# Usage: emulated-host.sh SCENARIO [extra qemu-system-ppc64 arguments]
# LKVM_HOST_PARAMS="lkvm.phase=write ..." adds words to the host's command
# line (the scenario sees them as LKVM_PARAM_phase=write ...).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
images=${LKVM_IMAGES:-$top/build/images}
scenario=$1
shift
# TCG cannot provide the speculation-control capabilities: say "broken"
# instead of letting QEMU warn about each of them
machine=pseries,cap-nested-hv=on,x-vof=on,cap-cfpc=broken,cap-sbbc=broken
machine=$machine,cap-ibs=broken,cap-ccf-assist=off
# -nodefaults: the host gets only what it uses (the spapr-vty console on
# stdio, with QEMU's monitor multiplexed on it as -nographic would give).
# QEMU's default devices need files from Recommends that a fresh machine
# does not have (the VGA card's ROM is in seabios); the scenarios add the
# disks they need themselves.
exec qemu-system-ppc64 -M "$machine" -accel tcg,thread=multi -cpu POWER9 \
	-smp 2 -m "${LKVM_HOST_MEM:-8G}" -nodefaults -nographic -serial mon:stdio \
	-no-reboot \
	-kernel "$images/vmlinux" -initrd "$images/${LKVM_HOST_IMAGE:-host.cpio}" \
	-append "console=hvc0 quiet panic=-1 lkvm.scenario=$scenario ${LKVM_HOST_PARAMS:-}" "$@"

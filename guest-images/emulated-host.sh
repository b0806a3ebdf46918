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
exec qemu-system-ppc64 -M "$machine" -accel tcg,thread=multi -cpu POWER9 \
	-smp 2 -m "${LKVM_HOST_MEM:-8G}" -nographic -no-reboot \
	-kernel "$images/vmlinux" -initrd "$images/${LKVM_HOST_IMAGE:-host.cpio}" \
	-append "console=hvc0 quiet panic=-1 lkvm.scenario=$scenario ${LKVM_HOST_PARAMS:-}" "$@"

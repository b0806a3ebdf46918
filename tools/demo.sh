#!/bin/bash
# make demo: boot the emulated POWER9 host and run lkvm's demo inside it,
# showing the console as it goes.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
images=$top/build/images
echo "== booting the emulated POWER9 host (qemu-system-ppc64, TCG, nested KVM-HV)"
timeout -s KILL 300 qemu-system-ppc64 \
	-M pseries,cap-nested-hv=on,x-vof=on -accel tcg,thread=multi \
	-cpu POWER9 -smp 2 -m 4G -nographic -no-reboot \
	-kernel "$images/vmlinux" -initrd "$images/host.cpio" \
	-append "console=hvc0 quiet panic=-1 lkvm.scenario=demo" < /dev/null |
	tee "$top/build/demo.log" | tr -d '\r'
grep -q 'LKVM-SCENARIO demo rc=0' "$top/build/demo.log"

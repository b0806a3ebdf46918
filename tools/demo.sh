#!/bin/bash
# make demo: boot the emulated POWER9 host and run lkvm's demo inside it,
# showing the console as it goes.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
images=$top/build/images
echo "== booting the emulated POWER9 host (qemu-system-ppc64, TCG, nested KVM-HV)"
timeout -s KILL 300 "$top/guest-images/emulated-host.sh" demo < /dev/null |
	tee "$top/build/demo.log" | tr -d '\r'
grep -q 'LKVM-SCENARIO demo rc=0' "$top/build/demo.log"

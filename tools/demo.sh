#!/bin/bash
# make demo: boot the emulated POWER9 host and run lkvm's demo inside it,
# showing the console as it goes.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
images=$top/build/images
echo "== booting the emulated POWER9 host (qemu-system-ppc64, TCG, nested KVM-HV)"
# the whole console goes to build/demo.log; the screen gets it without
# the kernels' own log lines
timeout -s KILL 300 "$top/guest-images/emulated-host.sh" demo < /dev/null |
	tee "$top/build/demo.log" | tr -d '\r' |
	grep --line-buffered -v -e '^\[ *[0-9]*\.[0-9]*\]' -e '^Linux ppc64le$' -e '^#1 SMP' \
	-e '^LKVM-HOST-UP'
echo "(full console: build/demo.log)"
grep -q 'LKVM-SCENARIO demo rc=0' "$top/build/demo.log"

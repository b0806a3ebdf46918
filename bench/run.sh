#!/bin/bash
# make bench: boot the emulated POWER9 host with the bench image (lkvm and
# Debian's ppc64el QEMU side by side) and run every benchmark in ONE host run
# per benchmark, printing figures and ratios against QEMU.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$top/build/bench"
status=0
for b in ${BENCHMARKS:-boot}; do
	log=$top/build/bench/$b.log
	echo "== bench $b (log: build/bench/$b.log)"
	LKVM_HOST_IMAGE=host-bench.cpio timeout -s KILL 1200 \
		"$top/guest-images/emulated-host.sh" "bench-$b" < /dev/null > "$log" 2>&1
	tr -d '\r' < "$log" | sed -n 's/^BENCH //p' | grep -v '^run '
	tr -d '\r' < "$log" | grep -q "LKVM-SCENARIO bench-$b rc=0" || {
		echo "bench $b FAILED"
		status=1
	}
done
exit $status

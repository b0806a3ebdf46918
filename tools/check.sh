#!/bin/bash
# make check: unit tests (native, native under ASan+UBSan and TSan, and ppc64le
# under qemu-user), a few seconds of each fuzz target, then the system
# scenarios in the emulated POWER host. Ends with "check: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
tools/ensure-deps.sh all || exit 1
mkdir -p build
start=$(date +%s)
status=0
: > build/check.out
# the folders' dependency rules first: seconds, and no build needed
tools/check-layers.sh 2>&1 | tee -a build/check.out || status=1
for target in unit-native unit-target unit-asan unit-tsan fuzz-smoke system; do
	make --no-print-directory $target 2>&1 | tee -a build/check.out || status=1
done
passed=0 failed=0
while read -r p f; do
	passed=$((passed + p)) failed=$((failed + f))
done < <(sed -n 's/^[A-Za-z0-9 ()_+-]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' build/check.out)
# a step that broke before printing its summary still fails the check
if [ $status != 0 ] && [ $failed = 0 ]; then failed=1; fi
echo "check took $(($(date +%s) - start)) s"
echo "check: $passed passed, $failed failed"
[ $failed = 0 ] && [ $status = 0 ]

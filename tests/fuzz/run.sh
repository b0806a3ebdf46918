#!/bin/bash
# Run each libFuzzer target for FUZZ_SECONDS (default 60) from its seed
# corpus (tests/fuzz/corpus/NAME; what it finds goes to build/fuzz/corpus/
# NAME, crashes to build/fuzz/crash-NAME-*), one line per target:
# "fuzz NAME: N runs in S s, 0 crashes". Ends with "fuzz: N passed, N failed".
# Usage: run.sh BINARY...
set -uo pipefail
secs=${FUZZ_SECONDS:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/fuzz
passed=0 failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	mkdir -p "$out/corpus/$name"
	log=$out/$name.log
	# one process, no forking: -rss_limit_mb catches a leak that grows
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/crash-$name-" "$out/corpus/$name" \
		"$top/tests/fuzz/corpus/$name" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	crashes=$(ls "$out"/crash-"$name"-* 2>/dev/null | wc -l)
	if [ $rc = 0 ] && [ "$crashes" = 0 ] && [ -n "$runs" ]; then
		echo "fuzz $name: ${runs} runs in ${secs} s, 0 crashes"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz $name: exit $rc, ${runs:-no} runs, $crashes crash files (log: ${log#$top/})"
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed = 0 ]

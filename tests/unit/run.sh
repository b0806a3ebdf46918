#!/bin/bash
# Run cmocka test binaries (optionally through a runner such as qemu-user),
# keep each one's output under build/unit-logs/, print a one-line summary.
# Usage: run.sh LABEL "RUNNER" BINARY...
label=$1 runner=$2
shift 2
logs=build/unit-logs/$(echo "$label" | tr -c 'a-zA-Z0-9_\n-' '_')
mkdir -p "$logs"
passed=0 failed=0
for t in "$@"; do
	log=$logs/$(basename "$t").log
	$runner "$t" > "$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0} f=${f:-0}
	# a binary that died before its summary counts as a failure
	if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
	if [ "$f" != 0 ]; then
		echo "--- $label: $(basename "$t") failed ($log):"
		grep -E '^\[  (FAILED|ERROR) |error|Error|rror:' "$log" | head -20
	fi
	passed=$((passed + p)) failed=$((failed + f))
done
echo "$label: $passed passed, $failed failed"
[ $failed = 0 ]

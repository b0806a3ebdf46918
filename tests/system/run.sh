#!/bin/bash
# Run system scenarios: each tests/system/NAME.sh boots in its own emulated
# POWER9 host (qemu-system-ppc64 TCG, nested KVM-HV), or with
# LKVM_HOST=native runs directly on this POWER host. A scenario that needs
# more than one host boot (a power cut) has an x86-side driver NAME.x86,
# run instead of a single boot; it gets TOP, IMAGES and SCENARIO in its
# environment, boots hosts with guest-images/emulated-host.sh and must print
# "LKVM-SCENARIO NAME rc=N" itself (such scenarios are skipped natively).
# Every scenario has its
# own timeout ("# timeout: SECONDS" in its header, default 180), its console
# log under build/system-logs/, and one result line. Ends with
# "system: N passed, N failed"; exits non-zero on any failure.
# Usage: run.sh [SCENARIO...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
images=${LKVM_IMAGES:-$top/build/images}
logs=$top/build/system-logs
mkdir -p "$logs"

if [ $# -eq 0 ]; then
	set -- $(cd "$here" && ls *.sh | grep -vx -e run.sh -e lib.sh | sed 's/\.sh$//')
fi

timeout_of() {
	local t
	t=$(sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "$here/$1.sh" | head -1)
	echo "${t:-180}"
}

# "# disks: rootfs" in a scenario's header gives its host the pmem root file
# system image as a read-only virtio disk with serial lkvm-rootfs (cheaper
# than carrying 256 MiB in every host image)
disk_args() {
	if grep -q '^# disks:.*rootfs' "$here/$1.sh"; then
		echo "-drive file=$images/rootfs.img,format=raw,if=none,id=rootfs,readonly=on"
		echo "-device virtio-blk-pci,drive=rootfs,serial=lkvm-rootfs"
	fi
}

# boot_host NAME TIMEOUT LOG [extra qemu args]: one emulated host per scenario
boot_host() {
	local name=$1 t=$2 log=$3
	shift 3
	set -- "$@" $(disk_args "$name")
	# in a subshell, so that the shell's "Killed" notice lands in the log
	(timeout -s KILL "$t" "$top/guest-images/emulated-host.sh" "$name" "$@" \
		< /dev/null) > "$log" 2>&1
}

# why_no_result LOG RC SECS TIMEOUT WHAT: the failure line of a run that
# printed no result. Only a run that lasted its whole timeout and was
# killed hung; anything else exited by itself, and its last line says why.
why_no_result() {
	local log=$1 rc=$2 secs=$3 t=$4 what=$5 last
	if [ "$rc" = 137 ] && [ "${secs%.*}" -ge $((t - 1)) ]; then
		echo "no result within ${t}s (hung)"
		return
	fi
	last=$(tr -d '\r' < "$log" | grep -v '^[[:space:]]*$' | tail -n 1)
	# the host's /init says LKVM-HOST-UP first: without it the emulated
	# host never got as far as running the scenario
	if [ "$what" = host ] && ! tr -d '\r' < "$log" | grep -q '^LKVM-HOST-UP'; then
		echo "the emulated host exited with code $rc at start: ${last:-no output}"
	else
		echo "the $what exited with code $rc before printing a result: ${last:-no output}"
	fi
}

run_native() {
	local name=$1 t=$2 log=$3
	(cd "$(mktemp -d)" && LKVM=$top/lkvm GUEST_KERNEL=$images/vmlinux \
		GUEST_INITRD=$images/guest.cpio GUEST_INITRD_FIO=$images/guest-fio.cpio \
		LKVM_SCENARIOS=$here \
		timeout -s KILL "$t" sh "$here/$name.sh") > "$log" 2>&1
	echo "LKVM-SCENARIO $name rc=$?" >> "$log"
}

passed=0 failed=0
for name in "$@"; do
	log=$logs/$name.log
	if [ ! -f "$here/$name.sh" ]; then
		echo "FAIL $name: no such scenario"
		failed=$((failed + 1))
		continue
	fi
	t=$(timeout_of "$name")
	start=$(date +%s.%N)
	what=host
	if [ -f "$here/$name.x86" ] && [ "${LKVM_HOST:-emulated}" = native ]; then
		echo "SKIP $name (needs the emulated host)"
		continue
	elif [ -f "$here/$name.x86" ]; then
		what="x86 driver"
		(TOP=$top IMAGES=$images SCENARIO=$name timeout -s KILL "$t" \
			bash "$here/$name.x86" < /dev/null) > "$log" 2>&1
	elif [ "${LKVM_HOST:-emulated}" = native ]; then
		what=scenario
		run_native "$name" "$t" "$log"
	else
		boot_host "$name" "$t" "$log"
	fi
	rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	secs=$(printf '%.1f' "$secs")
	result=$(tr -d '\r' < "$log" | sed -n "s/^LKVM-SCENARIO $name rc=\([0-9]*\).*/\1/p" | tail -1)
	if [ "$result" = 0 ]; then
		echo "PASS $name (${secs}s)"
		passed=$((passed + 1))
	else
		if [ -z "$result" ]; then
			why=$(why_no_result "$log" "$rc" "$secs" "$t" "$what")
		else
			why="exit code $result"
		fi
		echo "FAIL $name: $why (${secs}s, log: ${log#$top/})"
		tr -d '\r' < "$log" | grep -E '^not ok' | sed 's/^/    /'
		tr -d '\r' < "$log" | tail -n 15 | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
done
echo "system: $passed passed, $failed failed"
[ $failed = 0 ]

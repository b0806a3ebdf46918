# Helpers for scenario scripts (sourced). A scenario runs inside the POWER
# host (emulated or native) with LKVM, GUEST_KERNEL and GUEST_INITRD set, and
# prints TAP lines; its exit code is the verdict. The x86-side drivers
# (NAME.x86) source this file too, for the same TAP lines: it is the only
# TAP implementation (a separate tap.sh here would be taken for a scenario
# by run.sh, and one under another name would not reach the host image).

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check DESCRIPTION COMMAND...: one TAP line from a command's success
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# contains FILE PATTERN: FILE has a line matching the extended regex PATTERN
contains() {
	tr -d '\r' < "$1" | grep -Eq -- "$2"
}

# tap_plan: the plan line; true if at least one test ran and none failed
tap_plan() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ] && [ "$tap_n" -gt 0 ]
}

# finish: the plan line, and the verdict as the exit code
finish() {
	tap_plan
	exit $?
}

# require DESCRIPTION COMMAND...: a check the rest of the scenario needs;
# on failure the scenario ends here
require() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; finish; fi
}

# expect_rc CODE DESCRIPTION LOG COMMAND...: run COMMAND (no stdin, output
# into LOG), show LOG, and one TAP line DESCRIPTION: COMMAND exited CODE
expect_rc() {
	local code=$1 desc=$2 log=$3 rc
	shift 3
	"$@" < /dev/null > "$log" 2>&1
	rc=$?
	cat "$log"
	check "$desc" test "$rc" = "$code"
}

# boot_guest SCRIPT [lkvm run options...]: boot the test guest running
# guest-side SCRIPT (tests/system/guest/SCRIPT.sh), console on stdout;
# returns lkvm's exit code. INITRD=... picks another guest image;
# GUEST_TIMEOUT=S kills lkvm after S seconds (exit code 137), so that a
# scenario can still show what a hung guest printed.
boot_guest() {
	local script=$1
	shift
	${GUEST_TIMEOUT:+timeout -s KILL "$GUEST_TIMEOUT"} \
	"$LKVM" run -k "$GUEST_KERNEL" -i "${INITRD:-$GUEST_INITRD}" \
		-p "console=hvc0 quiet panic=-1 lkvm.script=$script" "$@"
}

# run_guest LOG SCRIPT [lkvm run options...]: boot_guest, no stdin,
# console into LOG
run_guest() {
	local log=$1
	shift
	boot_guest "$@" < /dev/null > "$log" 2>&1
}

# expect_exit CODE WHAT LOG SCRIPT [lkvm run options...]: run_guest, show
# the console, and one TAP line "WHAT: lkvm exits CODE" (with no WHAT,
# "lkvm exits CODE")
expect_exit() {
	local code=$1 what=$2 log=$3
	shift 3
	expect_rc "$code" "${what:+$what: }lkvm exits $code" "$log" boot_guest "$@"
}

# run_guest_bg LOG SCRIPT [lkvm run options...]: run_guest in the
# background; $pid is lkvm's own pid (for signals and /proc).
# GUEST_INPUT=FILE gives lkvm that stdin (a FIFO: the guest's console
# input) instead of none
run_guest_bg() {
	local log=$1 script=$2
	shift 2
	"$LKVM" run -k "$GUEST_KERNEL" -i "${INITRD:-$GUEST_INITRD}" \
		-p "console=hvc0 quiet panic=-1 lkvm.script=$script" "$@" \
		< "${GUEST_INPUT:-/dev/null}" > "$log" 2>&1 &
	pid=$!
}

# wait_for LOG PATTERN PID: until LOG has a line matching PATTERN, PID has
# exited, or about three minutes have passed; true if the line came
wait_for() {
	local i=0
	while ! contains "$1" "$2" && [ $i -lt 900 ] && kill -0 "$3" 2>/dev/null; do
		sleep 0.2
		i=$((i + 1))
	done
	contains "$1" "$2"
}

# expect_fsynced_kept LOG RC CODE WHAT NVDIMM: the guest of LOG (one of
# pmem_write_fsynced's) fsynced its data, lkvm exited CODE (it gave RC),
# and a new lkvm on the same vNVDIMM finds every byte of it
expect_fsynced_kept() {
	local log=$1 rc=$2 code=$3 what=$4 nvdimm=$5
	cat "$log"
	check "the guest fsynced its data" contains "$log" '^GUEST-FSYNCED'
	check "$what" test "$rc" = "$code"
	expect_exit 0 "a new lkvm on the same file" check.log persist-check \
		-m 1G --nvdimm "$nvdimm"
	check "the namespace is there" contains check.log '^GUEST-PMEM0-PRESENT'
	check "XFS mounts" contains check.log '^GUEST-MOUNTED'
	check "every fsynced byte is there" contains check.log '^GUEST-SUMS-OK'
}

# vnvdimms NAME: the vNVDIMM count `lkvm list` shows for the VM NAME
vnvdimms() {
	"$LKVM" list | awk -v n="$1" '$2 == n { print $6 }'
}

# until_count NAME N: until `lkvm list` counts N vNVDIMMs (a minute at most)
until_count() {
	local i=0
	while [ "$(vnvdimms "$1")" != "$2" ] && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	[ "$(vnvdimms "$1")" = "$2" ]
}

# locked FILE: someone holds a flock on FILE (the host has no flock(1));
# unlocked FILE: no one does
locked() {
	grep -q " FLOCK .*:$(stat -c %i "$1") " /proc/locks
}
unlocked() { ! locked "$1"; }

# rootfs_image DEST: put the pmem root file system image (and its GUID
# record) at DEST: from $GUEST_ROOTFS (native) or the host's lkvm-rootfs disk
rootfs_image() {
	local d
	if [ -n "${GUEST_ROOTFS:-}" ]; then
		cp "$GUEST_ROOTFS" "$1" && cp "$GUEST_ROOTFS.uuid" "$1.uuid"
		return
	fi
	for d in /sys/block/vd*; do
		[ "$(cat "$d/serial" 2>/dev/null)" = lkvm-rootfs ] || continue
		dd if="/dev/${d##*/}" of="$1" bs=1M 2>/dev/null &&
			cp /guest/rootfs.img.uuid "$1.uuid"
		return
	done
	return 1
}

# For the x86-side drivers, which boot emulated hosts themselves and give
# the verdict on their runs:

# show_host LOG: a host's console, indented, so that neither its TAP lines
# nor its LKVM-SCENARIO line count as the driver's own
show_host() {
	tr -d '\r' < "$1" | sed 's/^/    | /'
}

# host_result LOG NAME: the exit code the host's /init reported for the
# scenario NAME; empty if it reported none
host_result() {
	tr -d '\r' < "$1" | sed -n "s/^LKVM-SCENARIO $2 rc=\([0-9]*\).*/\1/p" | tail -1
}

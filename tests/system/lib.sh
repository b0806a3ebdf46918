# Helpers for scenario scripts (sourced). A scenario runs inside the POWER
# host (emulated or native) with LKVM, GUEST_KERNEL and GUEST_INITRD set, and
# prints TAP lines; its exit code is the verdict.

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

finish() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ] && [ "$tap_n" -gt 0 ]
	exit $?
}

# run_guest LOG SCRIPT [lkvm run options...]: boot the test guest running
# guest-side SCRIPT (tests/system/guest/SCRIPT.sh); console into LOG;
# returns lkvm's exit code. INITRD=... picks another guest image;
# GUEST_TIMEOUT=S kills lkvm after S seconds (exit code 137), so that a
# scenario can still show what a hung guest printed.
run_guest() {
	local log=$1 script=$2
	shift 2
	${GUEST_TIMEOUT:+timeout -s KILL "$GUEST_TIMEOUT"} \
	"$LKVM" run -k "$GUEST_KERNEL" -i "${INITRD:-$GUEST_INITRD}" \
		-p "console=hvc0 quiet panic=-1 lkvm.script=$script" "$@" \
		< /dev/null > "$log" 2>&1
}

# expect_exit CODE WHAT LOG SCRIPT [lkvm run options...]: run_guest, show
# the console, and one TAP line "WHAT: lkvm exits CODE"
expect_exit() {
	local code=$1 what=$2 log=$3 rc
	shift 3
	run_guest "$log" "$@"
	rc=$?
	cat "$log"
	check "$what: lkvm exits $code" test "$rc" = "$code"
}

# run_guest_bg LOG SCRIPT [lkvm run options...]: run_guest in the
# background; $pid is lkvm's own pid (for signals and /proc)
run_guest_bg() {
	local log=$1 script=$2
	shift 2
	"$LKVM" run -k "$GUEST_KERNEL" -i "${INITRD:-$GUEST_INITRD}" \
		-p "console=hvc0 quiet panic=-1 lkvm.script=$script" "$@" \
		< /dev/null > "$log" 2>&1 &
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

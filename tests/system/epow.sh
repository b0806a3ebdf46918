# SIGPWR asks the guest for an orderly power-off, as QEMU's system_powerdown
# does: an EPOW event on /event-sources/epow-events, which the guest kernel
# fetches with check-exception and answers with its poweroff_cmd; the guest
# shuts down its own way, powers off, and lkvm exits 0.
# timeout: 180
. "${LKVM_SCENARIOS:-.}/lib.sh"

# still running: neither gone nor an exited child not yet waited for
running() {
	[ -e "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status"
}

run_guest_bg epow.log epow
require "the guest is up and waiting" wait_for epow.log '^GUEST-UP' $pid
kill -PWR $pid
# a guest that never powers off is killed after 90 s (exit code 137)
i=0
while running $pid && [ $i -lt 450 ]; do
	sleep 0.2
	i=$((i + 1))
done
kill -KILL $pid 2>/dev/null
wait $pid
rc=$?
cat epow.log
check "lkvm exits 0 (the guest powered off)" test $rc = 0
check "the guest kernel took the event for a power-off request" \
	contains epow.log 'Power off requested'
check "... and ran its poweroff_cmd" contains epow.log '^GUEST-EPOW poweroff_cmd ran'
check "the guest's script ended on it" contains epow.log '^GUEST-MARKER orderly shutdown'
check "/init shut down as after any script" contains epow.log '^LKVM-GUEST-DONE epow rc=0'
check "SIGPWR did not stop lkvm itself" sh -c '! grep -q "stopped by SIG" epow.log'
check "no lkvm process is left" sh -c '! pidof lkvm'
finish

# A guest reboot boots the guest again; --no-reboot exits instead; with
# --on-panic=guest a panic with panic=-1 follows the same rule; SIGTERM
# stops lkvm cleanly.
# timeout: 240
. "${LKVM_SCENARIOS:-.}/lib.sh"

count() { tr -d '\r' < "$1" | grep -c "^$2" ; }

"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" \
	-p "console=hvc0 quiet panic=-1 lkvm.script=reboot" < /dev/null > reboot.log 2>&1 &
pid=$!
i=0
while [ "$(count reboot.log GUEST-BOOTED)" -lt 2 ] && [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
	sleep 0.2
	i=$((i + 1))
done
boots=$(count reboot.log GUEST-BOOTED)
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
cat reboot.log
check "the guest booted twice (reboot restarts it)" test "$boots" -ge 2
check "SIGTERM stops lkvm with a non-zero code (5)" test $rc = 5
check "lkvm says why it stopped" contains reboot.log 'stopped by'

run_guest noreboot.log reboot --no-reboot
rc=$?
cat noreboot.log
check "--no-reboot: lkvm exits 0 when the guest reboots" test $rc = 0
check "--no-reboot: the guest booted once" test "$(count noreboot.log GUEST-BOOTED)" = 1

# --on-panic=guest: the guest's own panic=-1 asks for the reboot
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --no-reboot --on-panic=guest \
	-p "console=hvc0 quiet panic=-1 lkvm.script=reboot lkvm.how=panic" < /dev/null > panic.log 2>&1
rc=$?
cat panic.log
check "panic: the guest panicked" contains panic.log 'Kernel panic'
check "--on-panic=guest, panic=-1 with --no-reboot: lkvm exits 0" test $rc = 0
check "... and says the guest panicked" contains panic.log '^lkvm: guest panicked: OS panic'
finish

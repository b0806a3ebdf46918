# What is written to lkvm's stdin reaches the guest's console.
# timeout: 180
. "${LKVM_SCENARIOS:-.}/lib.sh"

echo "hello from the host 42" | "$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" \
	-p "console=hvc0 quiet panic=-1 lkvm.script=console-input" > console.log 2>&1
rc=$?
cat console.log
check "lkvm exits 0" test $rc = 0
check "the guest read the host's line" contains console.log '^GUEST-READ <hello from the host 42>'

# Ctrl-A x quits lkvm (exit 0) while the guest is still running
(sleep 1; while ! grep -q GUEST-UP quit.log 2>/dev/null; do sleep 0.2; done
 printf '\001x') | "$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" \
	-p "console=hvc0 quiet panic=-1 lkvm.script=sleep" > quit.log 2>&1
rc=$?
cat quit.log
check "the guest was up when Ctrl-A x came" contains quit.log '^GUEST-UP'
check "Ctrl-A x: lkvm exits 0" test $rc = 0
check "Ctrl-A x: the guest did not get to finish" sh -c "! grep -q 'LKVM-GUEST-DONE' quit.log"
finish

# What is written to lkvm's stdin reaches the guest's console.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

echo "hello from the host 42" | "$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" \
	-p "console=hvc0 quiet panic=-1 lkvm.script=console-input" > console.log 2>&1
rc=$?
cat console.log
check "lkvm exits 0" test $rc = 0
check "the guest read the host's line" contains console.log '^GUEST-READ <hello from the host 42>'
finish

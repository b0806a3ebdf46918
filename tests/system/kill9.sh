# Every byte the guest fsynced is on the backing after lkvm is SIGKILLed.
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 1G --nvdimm /tmp/k9,512M,128K \
	-p "console=hvc0 quiet panic=-1 lkvm.script=kill9-write" < /dev/null > k9.log 2>&1 &
pid=$!
wait_for k9.log '^GUEST-FSYNCED' $pid
kill -KILL $pid
wait $pid
rc=$?
cat k9.log
check "the guest fsynced its data" contains k9.log '^GUEST-FSYNCED'
check "lkvm was killed by SIGKILL" test $rc = 137

run_guest check.log persist-check -m 1G --nvdimm /tmp/k9,512M,128K
rc=$?
cat check.log
check "a new lkvm on the same file exits 0" test $rc = 0
check "the namespace is there" contains check.log '^GUEST-PMEM0-PRESENT'
check "XFS mounts" contains check.log '^GUEST-MOUNTED'
check "every fsynced byte is there" contains check.log '^GUEST-SUMS-OK'
finish

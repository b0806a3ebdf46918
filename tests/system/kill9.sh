# Every byte the guest fsynced is on the backing after lkvm is SIGKILLed.
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

run_guest_bg k9.log kill9-write -m 1G --nvdimm /tmp/k9,512M,128K
wait_for k9.log '^GUEST-FSYNCED' $pid
kill -KILL $pid
wait $pid
rc=$?
cat k9.log
check "the guest fsynced its data" contains k9.log '^GUEST-FSYNCED'
check "lkvm was killed by SIGKILL" test $rc = 137

expect_exit 0 "a new lkvm on the same file" check.log persist-check -m 1G --nvdimm /tmp/k9,512M,128K
check "the namespace is there" contains check.log '^GUEST-PMEM0-PRESENT'
check "XFS mounts" contains check.log '^GUEST-MOUNTED'
check "every fsynced byte is there" contains check.log '^GUEST-SUMS-OK'
finish

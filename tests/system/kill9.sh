# Every byte the guest fsynced is on the backing after lkvm is SIGKILLed.
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

run_guest_bg k9.log kill9-write -m 1G --nvdimm /tmp/k9,512M,128K
wait_for k9.log '^GUEST-FSYNCED' $pid
kill -KILL $pid
wait $pid
expect_fsynced_kept k9.log $? 137 "lkvm was killed by SIGKILL" /tmp/k9,512M,128K
finish

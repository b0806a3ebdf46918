# A guest power-off ends lkvm with exit code 0; the VM is gone afterwards.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

run_guest poweroff.log poweroff -c 2
rc=$?
cat poweroff.log
check "the guest ran" contains poweroff.log '^GUEST-MARKER poweroff'
check "lkvm exits 0 on guest power-off" test $rc = 0
check "no lkvm process is left" sh -c '! pidof lkvm'
finish

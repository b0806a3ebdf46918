# A guest power-off ends lkvm with exit code 0; the VM is gone afterwards.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

expect_exit 0 "guest power-off" poweroff.log poweroff -c 2
check "the guest ran" contains poweroff.log '^GUEST-MARKER poweroff'
check "no lkvm process is left" sh -c '! pidof lkvm'
finish

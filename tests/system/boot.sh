# lkvm boots a POWER9 radix guest to userspace with no firmware.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

run_guest boot.log boot -m 512M
rc=$?
cat boot.log
check "lkvm exits 0 after the guest powers off" test $rc = 0
check "guest /init ran the scenario script" contains boot.log '^GUEST-MARKER boot'
check "uname -m is ppc64le" contains boot.log '^GUEST-UNAME ppc64le$'
check "the guest runs the radix MMU" contains boot.log '^GUEST-MMU Radix$'
check "the guest is a pseries machine" contains boot.log '^GUEST-PLATFORM pSeries$'
finish

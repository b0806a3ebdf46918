# lkvm boots a POWER9 radix guest to userspace with no firmware.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

expect_exit 0 "the guest powers off" boot.log boot -m 512M
check "guest /init ran the scenario script" contains boot.log '^GUEST-MARKER boot'
check "uname -m is ppc64le" contains boot.log '^GUEST-UNAME ppc64le$'
check "the guest runs the radix MMU" contains boot.log '^GUEST-MMU Radix$'
check "the guest is a pseries machine" contains boot.log '^GUEST-PLATFORM pSeries$'
finish

# The emulated host has a working /dev/kvm and lkvm probe reports KVM-HV
# with the radix MMU.
# timeout: 60
. "${LKVM_SCENARIOS:-.}/lib.sh"

check "/dev/kvm exists" test -c /dev/kvm
expect_rc 0 "lkvm probe exits 0" probe.out "$LKVM" probe
check "probe reports an HV VM type" contains probe.out '^VM type: +HV'
check "probe reports the radix MMU" contains probe.out '^MMU radix: +yes'
check "probe reports the in-kernel XICS" contains probe.out '^XICS in kernel: +yes'
check "probe's verdict is positive" contains probe.out '^verdict: +can run'
finish

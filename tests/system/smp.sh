# -c 2 brings two CPUs online in the guest.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

expect_exit 0 "-c 2" smp.log smp -c 2
check "both CPUs are online" contains smp.log '^GUEST-CPUS-ONLINE 0-1$'
check "/proc/cpuinfo lists 2 processors" contains smp.log '^GUEST-CPU-COUNT 2$'
finish

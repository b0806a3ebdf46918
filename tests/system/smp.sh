# -c 2 brings two CPUs online in the guest.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

run_guest smp.log smp -c 2
rc=$?
cat smp.log
check "lkvm exits 0" test $rc = 0
check "both CPUs are online" contains smp.log '^GUEST-CPUS-ONLINE 0-1$'
check "/proc/cpuinfo lists 2 processors" contains smp.log '^GUEST-CPU-COUNT 2$'
finish

# CPUs taken offline and back online in the guest (stop-self, start-cpu):
# cpu1 alone with -c 2, then three rounds of all secondaries with -c 4;
# work pinned to each returned CPU runs there, and the guest powers off.
# timeout: 240
. "${LKVM_SCENARIOS:-.}/lib.sh"
GUEST_TIMEOUT=100

expect_exit 0 "-c 2" hp2.log cpu-hotplug -c 2
check "-c 2: cpu1 goes offline" contains hp2.log '^GUEST-CPUHP offline cpu1 online=0$'
check "-c 2: cpu1 comes back" contains hp2.log '^GUEST-CPUHP online cpu1 online=0-1$'
check "-c 2: work pinned to cpu1 runs there" contains hp2.log '^GUEST-CPUHP work cpu1: 1 3000$'
check "-c 2: no panic" sh -c '! grep -q "Kernel panic\|stack-protector" hp2.log'
check "-c 2: the guest's script finished" contains hp2.log '^LKVM-GUEST-DONE cpu-hotplug rc=0'

expect_exit 0 "-c 4" hp4.log cpu-hotplug -c 4
for r in 1 2 3; do
	check "-c 4 round $r: all secondaries offline" contains hp4.log "^GUEST-CPUHP round $r down online=0\$"
	check "-c 4 round $r: all back" contains hp4.log "^GUEST-CPUHP round $r up online=0-3\$"
	for n in 1 2 3; do
		check "-c 4 round $r: work on cpu$n" \
			contains hp4.log "^GUEST-CPUHP round $r work cpu$n: $n 3000\$"
	done
done
check "-c 4: no CPU refused" sh -c '! grep -q "GUEST-CPUHP fail" hp4.log'
check "-c 4: no panic" sh -c '! grep -q "Kernel panic\|stack-protector" hp4.log'
finish

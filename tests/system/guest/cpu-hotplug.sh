# guest side of cpu-hotplug: CPUs taken offline and brought back, first
# cpu1 alone, then all secondaries in turn as ppc64_cpu --smt does; after
# each return, work pinned to that CPU must run there and finish
cpu=/sys/devices/system/cpu
set_online() { echo "$2" > "$cpu/cpu$1/online"; }
# work_on N: a pinned loop on CPU N; prints the CPU it ran on and its count
work_on() {
	taskset -c "$1" sh -c 'i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done
		echo "$(cut -d" " -f39 /proc/self/stat) $i"'
}
last=$(($(grep -c '^processor' /proc/cpuinfo) - 1))
set_online 1 0 && echo "GUEST-CPUHP offline cpu1 online=$(cat $cpu/online)"
set_online 1 1 && echo "GUEST-CPUHP online cpu1 online=$(cat $cpu/online)"
echo "GUEST-CPUHP work cpu1: $(work_on 1)"
for round in 1 2 3; do
	for n in $(seq "$last" -1 1); do set_online "$n" 0 || echo "GUEST-CPUHP fail off $n"; done
	echo "GUEST-CPUHP round $round down online=$(cat $cpu/online)"
	for n in $(seq 1 "$last"); do set_online "$n" 1 || echo "GUEST-CPUHP fail on $n"; done
	echo "GUEST-CPUHP round $round up online=$(cat $cpu/online)"
	for n in $(seq 1 "$last"); do echo "GUEST-CPUHP round $round work cpu$n: $(work_on "$n")"; done
done

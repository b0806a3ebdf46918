# guest side of the smp scenario: how many CPUs came online
echo "GUEST-CPUS-ONLINE $(cat /sys/devices/system/cpu/online)"
echo "GUEST-CPU-COUNT $(grep -c '^processor' /proc/cpuinfo)"

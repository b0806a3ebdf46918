# the demo guest: show what it is, then power off
echo
echo "Hello from a pseries guest booted by lkvm, with no firmware and no QEMU."
echo "  kernel:   $(uname -r) $(uname -m)"
echo "  cpus:     $(cat /sys/devices/system/cpu/online) online"
echo "  mmu:      $(sed -n 's/^MMU[[:space:]]*: *//p' /proc/cpuinfo)"
echo "  memory:   $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
read -r up _ < /proc/uptime
echo "  uptime:   ${up}s at /init"
echo

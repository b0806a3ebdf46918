# guest side of the panic scenario: the kernel panics on purpose
echo "GUEST-PANIC now"
echo c > /proc/sysrq-trigger

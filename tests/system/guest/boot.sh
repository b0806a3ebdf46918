# guest side of the boot scenario: identify the machine
echo "GUEST-MARKER boot"
echo "GUEST-UNAME $(uname -m)"
echo "GUEST-MMU $(sed -n 's/^MMU[[:space:]]*: *//p' /proc/cpuinfo)"
echo "GUEST-PLATFORM $(sed -n 's/^platform[[:space:]]*: *//p' /proc/cpuinfo)"

# guest side of rootfs-ro-writes: root ignores "unarmed" (makes the region
# writable again through sysfs) and overwrites the read-only image
ndctl disable-region region0 > /dev/null 2>&1
echo 0 > /sys/bus/nd/devices/region0/read_only
ndctl enable-region region0 > /dev/null 2>&1
echo "GUEST-FORCE region read_only=$(cat /sys/bus/nd/devices/region0/read_only) dev=$(ls /dev/pmem* 2>/dev/null)"
dd if=/dev/zero of=/dev/pmem0 bs=1M count=240 conv=fsync 2>&1
echo "GUEST-FORCE dd done"

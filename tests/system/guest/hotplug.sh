# guest side of hotplug: booted without a vNVDIMM, it waits for the one the
# host hot-plugs, prepares it as the seed does (labels, fsdax namespace,
# XFS, mount -o dax), writes and unmounts; then waits for the host to take
# it away and give it back, and checks the data is there without ndctl.
. /guest-tests/pmem-lib.sh

# wait_path PATH: until PATH exists (about two minutes at most)
wait_path() {
	local i=0
	while [ ! -e "$1" ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i + 1)); done
	[ -e "$1" ]
}

# wait_gone PATH: until PATH is gone (about two minutes at most)
wait_gone() {
	local i=0
	while [ -e "$1" ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i + 1)); done
	[ ! -e "$1" ]
}

echo GUEST-READY-EMPTY
[ -e /sys/bus/nd/devices/region0 ] && echo GUEST-REGION-AT-BOOT
wait_path /sys/bus/nd/devices/region0 && echo GUEST-PLUGGED
ndctl list -D
ndctl list -R
pmem_prepare && echo "GUEST-STEP prepare rc=0"
ndctl list -N
mount -o dax /dev/pmem0 /mnt && echo "GUEST-STEP mount rc=0"
grep pmem0 /proc/mounts
marker="hotplug-marker-$(cat /proc/sys/kernel/random/uuid)"
echo "$marker" > /mnt/marker
write_checked /mnt/data 4 && sync && echo "GUEST-MARKER $marker"
umount /mnt && echo GUEST-WROTE

wait_gone /sys/bus/nd/devices/region0 && echo GUEST-UNPLUGGED
[ -e /dev/pmem0 ] || echo GUEST-PMEM0-GONE
dmesg | grep -i 'pmem' | tail -5

wait_path /dev/pmem0 && echo GUEST-PMEM0-BACK
ndctl list -N
mount -o dax /dev/pmem0 /mnt && echo GUEST-MOUNTED-AGAIN
(cd /mnt && sha256sum -c sums) && echo GUEST-SUMS-OK
grep -qx "$marker" /mnt/marker && echo GUEST-MARKER-OK
umount /mnt
echo GUEST-DONE

# guest side of hotplug-many and hotplug-pmem-root: report how many pmem
# regions there are whenever that changes, and what a pre-formatted device
# holds once /dev/pmem0 appears by itself; until the host stops the VM
count() { ls -d /sys/bus/nd/devices/region* 2>/dev/null | wc -l; }
echo GUEST-READY-EMPTY
last=-1
i=0
while [ $i -lt 3000 ]; do
	n=$(count)
	if [ "$n" != "$last" ]; then
		echo "GUEST-REGIONS $n"
		last=$n
	fi
	if [ -e /dev/pmem0 ] && [ ! -e /tmp/seen-pmem0 ]; then
		touch /tmp/seen-pmem0
		echo GUEST-PMEM0-APPEARED
		ndctl list -N
		mount -o ro /dev/pmem0 /mnt && echo GUEST-MOUNTED-RO
		[ -x /mnt/bin/busybox ] && echo GUEST-ROOTFS-HAS-BUSYBOX
		umount /mnt
	fi
	sleep 0.2
	i=$((i + 1))
done

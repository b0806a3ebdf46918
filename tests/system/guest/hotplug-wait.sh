# guest side of hotplug-bad: a guest that takes and gives back whatever the
# host plugs and unplugs; it reboots once the device of slot 3 arrives, and
# the boot after that reports the devices in its tree and powers off
pmem_dt=/proc/device-tree/ibm,persistent-memory

# wait_path PATH: until PATH exists (ten minutes at most)
wait_path() {
	local i=0
	while [ ! -e "$1" ] && [ $i -lt 3000 ]; do sleep 0.2; i=$((i + 1)); done
}

if [ -e /sys/bus/nd/devices/region0 ]; then
	echo "GUEST-REGIONS-AT-BOOT $(ls -d /sys/bus/nd/devices/region* | wc -l)"
	ls -1 $pmem_dt
	exit 0
fi
echo GUEST-READY-EMPTY
wait_path $pmem_dt/ibm,pmemory@90000003
ls -1 $pmem_dt
echo GUEST-REBOOTING
sync
reboot -f

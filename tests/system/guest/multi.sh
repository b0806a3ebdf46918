# guest side of multi: two writable vNVDIMMs get filesystems, the ro one
# refuses every write
. /guest-tests/pmem-lib.sh
ndctl list -R
for r in 0 1 2; do
	echo "GUEST-RO region$r $(cat /sys/bus/nd/devices/region$r/read_only)"
done
pmem_prepare region0 nmem0 && mount -o dax /dev/pmem0 /mnt && echo x > /mnt/x &&
	sync && umount /mnt && echo GUEST-DEV0-OK
pmem_prepare region1 nmem1 && mount -o dax /dev/pmem1 /mnt && echo x > /mnt/x &&
	sync && umount /mnt && echo GUEST-DEV1-OK
ndctl disable-region region2
# ndctl may report success (the kernel hands write errors back only as a
# command status): what counts is what the label area holds afterwards
ndctl init-labels -f nmem2
ndctl read-labels -o /tmp/ro-labels nmem2 &&
	echo "GUEST-RO-LABEL-BYTES $(tr -d '\000' < /tmp/ro-labels | wc -c)"
ndctl enable-region region2
ndctl create-namespace --region=region2 -m raw && echo GUEST-RO-NS-CREATED
for b in /dev/pmem2 /dev/pmem2s; do
	[ -b $b ] && dd if=/dev/zero of=$b bs=4k count=1 conv=fsync 2>/dev/null &&
		echo GUEST-RO-BLOCK-WRITTEN
done
echo GUEST-MULTI-DONE

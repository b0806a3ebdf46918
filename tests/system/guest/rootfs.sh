# guest side of rootfs-boot: where does / come from, and is it read-only DAX
# the kernel calls the root device /dev/root: compare device numbers
echo "GUEST-ROOT $(awk '$2 == "/" {print $1, $3, $4}' /proc/mounts | tail -1)"
root_dev=$(awk '$5 == "/" {print $3}' /proc/self/mountinfo | tail -1)
[ "$root_dev" = "$(cat /sys/block/pmem0/dev)" ] && echo "GUEST-ROOT-IS-PMEM0 $root_dev"
echo "GUEST-CMDLINE $(cat /proc/cmdline)"
if [ -e /guest-tests ]; then echo "GUEST-INIT-FROM-ROOTFS"; fi
if touch /rootfs-write-test 2>/tmp/err; then
	echo "GUEST-WRITE-SUCCEEDED"
else
	echo "GUEST-WRITE-FAILED $(cat /tmp/err)"
fi

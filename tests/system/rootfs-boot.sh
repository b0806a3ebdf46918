# A guest boots with its root file system on a read-only pmem image: / is
# /dev/pmem0, read-only, DAX; /init runs from it; no initramfs.
# timeout: 180
# disks: rootfs
. "${LKVM_SCENARIOS:-.}/lib.sh"

check "the rootfs image is available" rootfs_image /tmp/rootfs.img
before=$(sha256sum < /tmp/rootfs.img)
expect_rc 0 "lkvm exits 0" boot.log "$LKVM" run -k "$GUEST_KERNEL" \
	--rootfs-pmem /tmp/rootfs.img -p "console=hvc0 quiet panic=-1 lkvm.script=rootfs"
check "/init ran from the image" contains boot.log '^GUEST-INIT-FROM-ROOTFS'
check "/ is /dev/pmem0" contains boot.log '^GUEST-ROOT-IS-PMEM0 '
check "/ is ext4 mounted read-only with dax" contains boot.log '^GUEST-ROOT /dev/root ext4 ro,.*dax=always'
check "writing to / fails with EROFS" contains boot.log '^GUEST-WRITE-FAILED.*Read-only'
check "no initramfs was given (root= on the command line)" contains boot.log '^GUEST-CMDLINE root=/dev/pmem0 rootflags=dax ro rootfstype=ext4'
check "the image is unchanged" test "$(sha256sum < /tmp/rootfs.img)" = "$before"
finish

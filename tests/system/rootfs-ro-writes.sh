# A guest that forces stores into a read-only pmem image (root makes the
# unarmed region writable again and overwrites it): the image stays intact and
# lkvm's memory does not grow by what the guest wrote (the image is mapped
# shared and read-only, so no store can copy a page into host memory).
# timeout: 180
# disks: rootfs
. "${LKVM_SCENARIOS:-.}/lib.sh"

check "the rootfs image is available" rootfs_image /tmp/rootfs.img
before=$(sha256sum < /tmp/rootfs.img)
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 256M \
	--nvdimm /tmp/rootfs.img,256M,128K,ro \
	-p "console=hvc0 quiet panic=-1 lkvm.script=rootfs-force" < /dev/null > force.log 2>&1 &
pid=$!
# the largest anonymous (not file-backed) memory lkvm held: guest RAM plus
# lkvm's own, and any page a guest store would have copied from the image
anon=0
while kill -0 $pid 2>/dev/null; do
	a=$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$pid/status 2>/dev/null)
	[ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
	sleep 0.1
done
wait $pid
rc=$?
cat force.log
echo "# lkvm exit code $rc, largest anonymous RSS ${anon} KiB"
check "the guest made the region writable" contains force.log '^GUEST-FORCE region read_only=0 dev=/dev/pmem0'
check "the store stopped the guest, not lkvm's host (exit code 4)" test $rc = 4
check "... with a one-line reason" contains force.log '^lkvm run: vCPU [0-9]*: KVM_RUN: Bad address \(the guest stored into read-only memory'
check "lkvm's anonymous memory stayed within guest RAM + 32 MiB" \
	test "$anon" -le $(((256 + 32) * 1024))
check "the image is unchanged" test "$(sha256sum < /tmp/rootfs.img)" = "$before"
finish

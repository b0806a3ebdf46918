# Four guests boot at once from one read-only pmem image; each one's write
# to / fails with EROFS; the image is unchanged afterwards.
# timeout: 300
# disks: rootfs
. "${LKVM_SCENARIOS:-.}/lib.sh"

check "the rootfs image is available" rootfs_image /tmp/rootfs.img
before=$(sha256sum < /tmp/rootfs.img)
pids=""
for i in 1 2 3 4; do
	"$LKVM" run -k "$GUEST_KERNEL" --rootfs-pmem /tmp/rootfs.img -m 512M \
		-p "console=hvc0 quiet panic=-1 lkvm.script=rootfs" < /dev/null > g$i.log 2>&1 &
	pids="$pids $!"
done
rcs=""
for p in $pids; do
	wait $p
	rcs="$rcs $?"
done
for i in 1 2 3 4; do
	echo "--- guest $i"
	cat g$i.log
	check "guest $i booted from /dev/pmem0" contains g$i.log '^GUEST-ROOT-IS-PMEM0 '
	check "guest $i cannot write to /" contains g$i.log '^GUEST-WRITE-FAILED.*Read-only'
done
check "every lkvm exited 0 (exit codes:$rcs)" test "$(echo $rcs)" = "0 0 0 0"
check "the image is byte-identical" test "$(sha256sum < /tmp/rootfs.img)" = "$before"
finish

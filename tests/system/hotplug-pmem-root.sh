# Hot-plug a pre-formatted image read-only (the pmem root image, written on
# the host by `lkvm nvdimm format`): /dev/pmem0 appears in the guest with
# no ndctl run, its file system mounts, and the image is unchanged after a
# detach.
# timeout: 300
# disks: rootfs
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run
require "the rootfs image is available" rootfs_image /tmp/root.img
before=$(sha256sum < /tmp/root.img)
size=$((($(stat -c %s /tmp/root.img) - 131072) / 1048576))M

run_guest_bg pr.log hotplug-count --name pr
trap 'echo "--- the guest and lkvm:"; cat pr.log' EXIT
require "the guest is up, with no vNVDIMM" wait_for pr.log '^GUEST-READY-EMPTY' $pid
check "attach the image read-only ($size)" \
	"$LKVM" nvdimm attach pr /tmp/root.img,$size,128K,ro --id root
check "/dev/pmem0 appears by itself" wait_for pr.log '^GUEST-PMEM0-APPEARED' $pid
check "its file system mounts" wait_for pr.log '^GUEST-MOUNTED-RO' $pid
check "and holds the root image's files" wait_for pr.log '^GUEST-ROOTFS-HAS-BUSYBOX' $pid
"$LKVM" api pr GET vm.info > info.log 2>&1
cat info.log
check "vm.info shows it read-only, as 'root'" \
	grep -q '"id":"root",.*"readonly":true' info.log
check "detach" "$LKVM" nvdimm detach pr root
check "the guest's region is gone" wait_for pr.log '^GUEST-REGIONS 0$' $pid
check "stop" "$LKVM" stop --force pr
wait $pid
check "lkvm exits 0" test $? = 0
check "the image is byte-identical" test "$(sha256sum < /tmp/root.img)" = "$before"
finish

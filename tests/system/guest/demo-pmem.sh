# the demo's pmem part: the seed document's steps
# shellcheck source=tests/system/guest/pmem-lib.sh
. /guest-tests/pmem-lib.sh	# xfs_dax_opts
run() { echo "guest# $*"; "$@"; }
run ndctl list -D
run ndctl list -R
run ndctl disable-region region0
run ndctl init-labels nmem0
run ndctl enable-region region0
run ndctl create-namespace --region=region0
grep namespace /proc/iomem
# the options spelled out, as a user would type them (not mkfs_xfs_dax)
# shellcheck disable=SC2086 # one option a word
run mkfs.xfs -f -q $xfs_dax_opts /dev/pmem0
run mount -o dax /dev/pmem0 /mnt
mount | grep pmem0
echo "written by the guest at uptime $(cut -d' ' -f1 /proc/uptime)s" > /mnt/hello
sync
run df -h /mnt
run umount /mnt

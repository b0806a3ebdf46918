# the demo's pmem part: the seed document's steps
run() { echo "guest# $*"; "$@"; }
run ndctl list -D
run ndctl list -R
run ndctl disable-region region0
run ndctl init-labels nmem0
run ndctl enable-region region0
run ndctl create-namespace --region=region0
grep namespace /proc/iomem
run mkfs.xfs -f -q -b size=65536 -s size=512 -m reflink=0 /dev/pmem0
run mount -o dax /dev/pmem0 /mnt
mount | grep pmem0
echo "written by the guest at uptime $(cut -d' ' -f1 /proc/uptime)s" > /mnt/hello
sync
run df -h /mnt
run umount /mnt

# guest side of seed-validation: the seed document's steps, in order
. /guest-tests/pmem-lib.sh
step() { echo "GUEST-STEP $1 rc=$2"; }
echo "== ndctl list -D"; ndctl list -D; step list-D $?
echo "== ndctl list -R"; ndctl list -R; step list-R $?
ndctl disable-region region0; step disable-region $?
ndctl init-labels nmem0; step init-labels $?
ndctl enable-region region0; step enable-region $?
echo "== create-namespace"; ndctl create-namespace --region=region0; step create-namespace $?
echo "== iomem"; grep namespace /proc/iomem
mkfs_xfs_dax /dev/pmem0 > /dev/null; step mkfs $?
mount -o dax /dev/pmem0 /mnt; step mount $?
echo "== mount"; mount | grep pmem0
echo "== fio"
fio --name=stress --directory=/mnt --numjobs=4 --size=48M --bs=4k --rw=randwrite \
	--ioengine=psync --fsync=64 --verify=crc32c --verify_fatal=1 \
	--group_reporting > /tmp/fio.out 2>&1
step fio $?
grep -E "WRITE:|err=|verify" /tmp/fio.out | head -5
echo "== df"; df /mnt
umount /mnt; step umount $?

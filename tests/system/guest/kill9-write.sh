# guest side of kill9: prepare, write and fsync, report, then keep running
. /guest-tests/pmem-lib.sh
pmem_prepare && mount -o dax /dev/pmem0 /mnt || echo GUEST-PREPARE-FAILED
dd if=/dev/urandom of=/mnt/data bs=1M count=8 conv=fsync 2>/dev/null
(cd /mnt && sha256sum data > sums && sync)
sync
echo "GUEST-FSYNCED"
sleep 600

# guest side of persistence, first boot: prepare, write, record checksums
. /guest-tests/pmem-lib.sh
pmem_prepare && mount -o dax /dev/pmem0 /mnt && echo GUEST-PREPARED
write_checked /mnt/a 8 && write_checked /mnt/b 3 && echo hello > /mnt/c &&
	(cd /mnt && sha256sum c >> sums) && sync && echo GUEST-WRITTEN
cat /mnt/sums
umount /mnt

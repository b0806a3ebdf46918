# guest side of persistence checks: the namespace is there without ndctl
ndctl list -N
if [ -b /dev/pmem0 ]; then echo GUEST-PMEM0-PRESENT; fi
mount -o dax /dev/pmem0 /mnt && echo GUEST-MOUNTED
cat /mnt/sums
(cd /mnt && sha256sum -c sums) && echo GUEST-SUMS-OK
umount /mnt

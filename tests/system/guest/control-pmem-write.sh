# guest side of control-pmem: write and fsync what must survive, say so,
# then keep the vNVDIMM busy with more writes until lkvm is stopped
. /guest-tests/pmem-lib.sh
pmem_write_fsynced
while :; do
	dd if=/dev/urandom of=/mnt/noise bs=1M count=4 conv=fsync 2>/dev/null
done

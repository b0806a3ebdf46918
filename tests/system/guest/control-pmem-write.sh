# guest side of control-pmem: write and fsync what must survive, say so;
# then, between two readings of lkvm's counters on the host (each waited
# for on the console), store and fsync 1 MiB on a quiet file system; then
# keep the vNVDIMM busy with more writes until lkvm is stopped
. /guest-tests/pmem-lib.sh

# counted FILE: a flush (fsync of FILE) two seconds after the last one:
# lkvm counts what flushes made durable at most 0.1% of the time but at
# least once a second, so this one counts whatever the others left
counted() {
	sleep 2
	xfs_io -c fsync "$1" || echo GUEST-FSYNC-FAILED
}

pmem_write_fsynced
# quiet: freezing writes back every metadata block XFS still held and
# covers its log, so that nothing else is left to reach the vNVDIMM
sync
xfs_io -x -c freeze -c thaw /mnt || echo GUEST-FREEZE-FAILED
counted /mnt/data
echo "GUEST-MEASURE-READY"
read -r _
dd if=/dev/urandom of=/mnt/measured bs=1M count=1 conv=fsync 2>/dev/null
counted /mnt/measured
echo "GUEST-MEASURED"
read -r _
while :; do
	dd if=/dev/urandom of=/mnt/noise bs=1M count=4 conv=fsync 2>/dev/null
done

# guest side of console-output: write to a pmem file and sync it, then
# print far more than any pipe holds; lkvm.flood=forever prints until
# stopped (and leaves the pmem alone)
. /guest-tests/pmem-lib.sh
mkdir -p /mnt/p
if ! grep -q 'lkvm.flood=forever' /proc/cmdline; then
	pmem_prepare > /dev/null 2>&1 && mount -o dax /dev/pmem0 /mnt/p &&
		echo flushed-before-output > /mnt/p/mark && sync &&
		echo "GUEST-FLOOD-MARK-SYNCED"
fi
forever=false
grep -q 'lkvm.flood=forever' /proc/cmdline && forever=true
i=0
while [ $i -lt 3000 ] || $forever; do
	echo "GUEST-FLOOD line $i: ................................................"
	i=$((i + 1))
done

# guest side of power-cut, write phase: on the first cut prepare labels, an
# fsdax namespace and XFS; then add a file, overwrite the head of /mnt/latest
# in place, fsync all of it and report that; the power is cut right then
. /guest-tests/pmem-lib.sh
cycle=$(sed -n 's/.*pc\.cycle=\([0-9]*\).*/\1/p' /proc/cmdline)
now() { cut -d' ' -f1 /proc/uptime; }
t0=$(now)
if [ "$cycle" = 1 ]; then
	pmem_prepare || { echo "POWER-CUT-FAILED prepare"; exit 1; }
fi
mount -o dax /dev/pmem0 /mnt || { echo "POWER-CUT-FAILED mount"; exit 1; }
t1=$(now)
dd if=/dev/urandom of="/mnt/data$cycle" bs=1M count=32 conv=fsync 2>/dev/null &&
	(cd /mnt && sha256sum "data$cycle" >> sums) &&
	printf 'cycle %s\n' "$cycle" | dd of=/mnt/latest conv=notrunc,fsync 2>/dev/null &&
	sync || { echo "POWER-CUT-FAILED write"; exit 1; }
echo "POWER-CUT-TIMES start=$t0 mounted=$t1 fsynced=$(now)"
# the full stop ends the line the x86 side waits for: it cuts the power the
# moment it has seen it, and a line seen in part would not count
echo "POWER-CUT-FSYNCED cycle=$cycle."
# the power cut comes within milliseconds; nothing after this is needed
sleep 600

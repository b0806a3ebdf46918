# `lkvm stop --force` while the guest writes to a vNVDIMM: lkvm exits 0,
# and every byte the guest fsynced is there when the VM comes back. On
# the way, `lkvm stat` counts in bytes_flushed what a guest fsync made
# durable: the 1 MiB the guest stored, and not much more (the guest's
# script says how it makes sure that every flush was counted).
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run
mib=1048576

# counter FILE NAME: vNVDIMM 0's counter NAME in `lkvm stat`'s output FILE
counter() {
	awk -v n="$2" '$1 == "nvdimm0" && $2 == n { print $3 }' "$1"
}

# the guest waits for a line on its console at each step of the measure
mkfifo cp.in
GUEST_INPUT=cp.in run_guest_bg cp.log control-pmem-write --name cpmem -m 1G \
	--nvdimm /tmp/cp,512M,128K
exec 3> cp.in
check "the guest is quiet before the measure" wait_for cp.log '^GUEST-MEASURE-READY' $pid
"$LKVM" stat cpmem > stat1.log 2>&1
echo go >&3
check "the guest stored and fsynced 1 MiB" wait_for cp.log '^GUEST-MEASURED' $pid
"$LKVM" stat cpmem > stat2.log 2>&1
echo go >&3
cat stat1.log stat2.log
check "the file system froze and thawed, fsyncs worked" \
	sh -c "! grep -Eq 'GUEST-(FREEZE|FSYNC)-FAILED' cp.log"

# this host's page size: the dirty log's unit
page=$(awk '$1 == "KernelPageSize:" { print $2 * 1024; exit }' /proc/self/smaps)
b1=$(counter stat1.log bytes_flushed) b2=$(counter stat2.log bytes_flushed)
p2=$(counter stat2.log pages_flushed)
f1=$(counter stat1.log flushes) f2=$(counter stat2.log flushes)
grown=$((${b2:-0} - ${b1:-0}))
echo "bytes_flushed: $b1 -> $b2 (+$grown), flushes: $f1 -> $f2, page size $page"
check "stat: the fsyncs of the first 8 MiB flushed at least those ($b1 bytes)" \
	test "${b1:-0}" -ge $((8 * mib))
check "stat: the fsyncs of 1 MiB were flushes ($f1 -> $f2)" test "${f2:-0}" -gt "${f1:-0}"
check "stat: bytes_flushed grew by the 1 MiB stored (+$grown)" test "$grown" -ge $mib
# the data, and XFS's log and the metadata the fsync wrote: at most one
# more MiB (16 pages of 64 KiB); a count per merged caller, of the whole
# slot or in a wrong unit would be far off either bound
check "stat: ... and by at most 1 MiB more (+$grown)" test "$grown" -le $((2 * mib))
check "stat: bytes_flushed is whole host pages of $page bytes" \
	test "${b2:-0}" = $((${p2:-0} * ${page:-0}))
check "stat: no count of them failed" test "$(counter stat2.log dirty_log_failures)" = 0

sleep 1	# in the middle of the next writes
check "stop --force answers" "$LKVM" stop --force cpmem
wait $pid
rc=$?
exec 3>&-
expect_fsynced_kept cp.log $rc 0 "lkvm exits 0" /tmp/cp,512M,128K
finish

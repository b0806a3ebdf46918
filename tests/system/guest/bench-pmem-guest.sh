# guest side of the pmem benchmark (bench/host/bench-pmem.sh), the same for
# every VMM: on a fresh vNVDIMM (zeroed backing, region0 / nmem0) it times
# init-labels and create-namespace (several rounds; the first one is what
# the seed workflow sees right after boot), then, on a DAX-mounted XFS, fio
# 4k write + fsync latency (and + fdatasync) and sequential 1M write
# bandwidth. Needs the fio guest image. Prints "BENCH-GUEST key=value ..."
# lines, and "BENCH-GUEST mark NAME-begin|end" around the fio phases so
# that the host can read its own counters (disk traffic, the VMM's) at
# each: the guest waits a second after each mark, doing nothing, so that
# the host's reading falls between the phases and the phase between the
# readings. Tunables on
# the kernel command line: bench.rounds=N bench.secs=N (each latency run)
# bench.bw_mb=N bench.bw_reps=N

. /guest-tests/fio-lib.sh	# fio_pct, the host bench's parser too
. /guest-tests/pmem-lib.sh	# mkfs_xfs_dax

rounds=3 secs=5 bw_mb=256 bw_reps=3
for word in $(cat /proc/cmdline); do
	case "$word" in
	bench.rounds=*) rounds=${word#*=} ;;
	bench.secs=*) secs=${word#*=} ;;
	bench.bw_mb=*) bw_mb=${word#*=} ;;
	bench.bw_reps=*) bw_reps=${word#*=} ;;
	esac
done

# now_us: a monotonic clock in microseconds. /proc/timer_list has
# nanoseconds; /proc/uptime (10 ms steps) is the fallback.
if grep -q '^now at' /proc/timer_list 2>/dev/null; then
	clock=timer_list
	now_us() { awk '/^now at/ {printf "%.0f\n", $3 / 1000; exit}' /proc/timer_list; }
else
	clock=uptime
	now_us() { awk '{printf "%.0f\n", $1 * 1000000; exit}' /proc/uptime; }
fi
echo "BENCH-GUEST clock=$clock"

fail() {
	echo "BENCH-GUEST error=$1"
	exit 1
}

# mark NAME: the host reads its counters at NAME (within 0.1 s of the line)
mark() {
	echo "BENCH-GUEST mark $1"
	sleep 1
}

# q CMD...: run quietly, keeping the output for a failure report
q() {
	"$@" > /tmp/q.out 2>&1 || { cat /tmp/q.out; return 1; }
}

# 1. labels: init-labels and create-namespace timed, --rounds times; every
# round starts from a disabled region whose labels are rewritten (-f)
read -r labels_start _ < /proc/uptime
i=1
while [ $i -le $rounds ]; do
	q ndctl disable-region region0 || fail disable-region
	t0=$(now_us)
	q ndctl init-labels -f nmem0 || fail init-labels
	t1=$(now_us)
	q ndctl enable-region region0 || fail enable-region
	t2=$(now_us)
	ndctl create-namespace --region=region0 > /tmp/ns.json 2>&1 ||
		{ cat /tmp/ns.json; fail create-namespace; }
	t3=$(now_us)
	echo "BENCH-GUEST labels round=$i init_labels_us=$((t1 - t0))" \
		"enable_region_us=$((t2 - t1)) create_ns_us=$((t3 - t2))" \
		"labels_ns_us=$((t1 - t0 + t3 - t2))"
	i=$((i + 1))
done
grep -q '"mode":"fsdax"' /tmp/ns.json || { cat /tmp/ns.json; fail not-fsdax; }
dev=/dev/$(sed -n 's/.*"blockdev":"\([a-z0-9]*\)".*/\1/p' /tmp/ns.json)

t0=$(now_us)
q mkfs_xfs_dax "$dev" || fail mkfs
t1=$(now_us)
q mount -o dax "$dev" /mnt || fail mount
t2=$(now_us)
mount | grep -q "on /mnt type xfs .*dax=always" || fail not-dax
echo "BENCH-GUEST fs mkfs_us=$((t1 - t0)) mount_us=$((t2 - t1))"

# fio_bw FILE: the WRITE bandwidth of the run status line, in MiB/s
fio_bw() {
	awk '$1 == "WRITE:" {
		v = $2; sub(/^bw=/, "", v); sub(/,$/, "", v)
		m = 1
		if (v ~ /KiB\/s$/) m = 1 / 1024
		else if (v ~ /GiB\/s$/) m = 1024
		else if (v ~ /B\/s$/ && v !~ /iB\/s$/) m = 1 / 1048576
		sub(/[A-Za-z\/]+$/, "", v)
		printf "%.1f\n", v * m
	}' "$1"
}

# pmem_stat: the namespace's block statistics (writes, flushes), if the
# kernel keeps them for it (pmem is bio-based: usually all zero)
pmem_stat() {
	awk '$5 + $16 > 0 {print "writes=" $5 " flushes=" $16}' "/sys/block/${dev#/dev/}/stat" 2>/dev/null
}

# 2. latency: 4k sequential overwrites, each followed by fsync (the
# figure), then by fdatasync (XFS then logs no timestamp: one flush). A
# first unmeasured second lays the file out and warms up (as a ramp
# time would), so that the measured run, alone between the marks, is
# every sync fio counts and the host's counters count
lat_run() {
	local kind=$1 s0 s1 rc syncs
	fio --name=$kind --directory=/mnt --size=16M --bs=4k --rw=write --$kind=1 \
		--ioengine=psync --overwrite=1 --runtime=1 --time_based > /tmp/$kind.out 2>&1 ||
		{ cat /tmp/$kind.out; fail fio-$kind-warm-up; }
	mark $kind-begin
	s0=$(pmem_stat)
	fio --name=$kind --directory=/mnt --size=16M --bs=4k --rw=write --$kind=1 \
		--ioengine=psync --overwrite=1 --runtime="$secs" --time_based \
		--percentile_list=50:99 > /tmp/$kind.out 2>&1
	rc=$?
	s1=$(pmem_stat)
	mark $kind-end
	sed 's/^/FIO /' /tmp/$kind.out
	[ $rc = 0 ] || fail fio-$kind
	set -- $(fio_pct /tmp/$kind.out sync) $(fio_pct /tmp/$kind.out clat)
	# one sync per write (fio counts only fsyncs as syncs, not fdatasyncs)
	syncs=$(sed -n 's/.*issued rwts: total=[0-9]*,\([0-9]*\),.*/\1/p' /tmp/$kind.out)
	echo "BENCH-GUEST lat kind=$kind syncs=$syncs sync_p50_us=$1 sync_p99_us=$2" \
		"write_p50_us=$3 write_p99_us=$4 sync_avg_us=$(fio_avg /tmp/$kind.out sync)" \
		"write_avg_us=$(fio_avg /tmp/$kind.out clat)"
	[ -z "$s0" ] || echo "BENCH-GUEST lat kind=$kind pmem_stat_before: $s0 after: $s1"
	rm -f /mnt/$kind.*
}
lat_run fsync
lat_run fdatasync

# 3. bandwidth: sequential 1M writes of a new file, --bw_reps times
mark bw-begin
i=1
while [ $i -le $bw_reps ]; do
	rm -f /mnt/bw
	fio --name=bw --filename=/mnt/bw --size="${bw_mb}M" --bs=1M --rw=write \
		--ioengine=psync > /tmp/bw.out 2>&1 || { cat /tmp/bw.out; fail fio-bw; }
	echo "BENCH-GUEST bw round=$i mib_s=$(fio_bw /tmp/bw.out)"
	i=$((i + 1))
done
mark bw-end
grep -E '^ *(write:|WRITE:)' /tmp/bw.out | sed 's/^/FIO /'
rm -f /mnt/bw

t0=$(now_us)
q umount /mnt || fail umount
t1=$(now_us)
echo "BENCH-GUEST fs umount_us=$((t1 - t0))"
# when the guest's random pool became ready: ndctl create-namespace needs
# random bytes for its UUIDs and waits until then
crng=$(dmesg | sed -n 's/^\[ *\([0-9.]*\)\].*crng init done.*/\1/p' | head -1)
echo "BENCH-GUEST crng ready_at_s=${crng:-not-logged} labels_start_s=$labels_start"
echo "BENCH-GUEST done"

# disk: 4G
# Persistent-memory benchmark, run inside the POWER host: lkvm against QEMU
# with the same guest kernel and fio initramfs, the same backing layout
# (SIZE + 128K label area at the end, as QEMU lays it out) and unit GUID.
# The backing file lives on ext4 on the host's virtio-blk disk (/dev/vda,
# bench/run.sh attaches it), where durability costs a real disk flush.
# Each VMM run gets the same backing file, freshly zeroed and on disk.
#   lkvm         --nvdimm: flush hcall answered synchronously (fdatasync)
#   qemu-spapr   -device spapr-nvdimm: durable flush hcall, "long busy"
#   qemu-nvdimm  -device nvdimm: no flush hcall, fsync NOT durable
# The guest (tests/system/guest/bench-pmem-guest.sh) times init-labels +
# create-namespace and runs fio on DAX-mounted XFS: 4k write + fsync (and
# + fdatasync) latency, 1M sequential write bandwidth. The host's floors,
# measured before and after: fio's 4k write + fdatasync on the same ext4
# (the disk's), and a 4k store into a MAP_SHARED mapping of a file there
# followed by fdatasync, as lkvm's guest stores and lkvm flushes (the
# mapped-file floor, vmmtime --mapped-floor: what page-cache backing costs).
# Per guest run the host also samples, at the guest's marks around each
# fio phase, its disk traffic, its page writeback (/proc/vmstat), KVM's
# exit counters (debugfs), the VMM's faults and CPU time, and lkvm's own
# flush counters (lkvm stat), and the VMM's thread states during each
# phase: the breakdown of a guest fsync ("BENCH run" lines per run, and
# "BENCH pmem ... breakdown" lines of medians).
# After one short unmeasured warm-up run per VMM, passes alternate the VMM
# order; figures are medians over all passes, with each pass's value.
# Tunables (host command line lkvm.KEY=VALUE): passes, rounds, secs, bw_mb,
# bw_reps, vmms (the VMMs to run, comma-separated: default all three),
# states (1: sample the VMM's thread states every 0.1 s during the phases;
# off by default, as the sampling itself shows in the guest's fsync p99).
passes=${LKVM_PARAM_passes:-2}
rounds=${LKVM_PARAM_rounds:-3}
secs=${LKVM_PARAM_secs:-5}
bw_mb=${LKVM_PARAM_bw_mb:-256}
bw_reps=${LKVM_PARAM_bw_reps:-3}
states=${LKVM_PARAM_states:-0}
vmms=$(echo "${LKVM_PARAM_vmms:-lkvm,qemu-spapr,qemu-nvdimm}" | tr , ' ')
disk=/dev/vda
data=/data
backing=$data/nvdimm
size=1G
label=128K
bytes=1073872896	# 1 GiB + 128 KiB
uuid=01c682d5-483f-4906-9c4f-6be4638b4519
name=bench-pmem		# lkvm's name, for lkvm stat
export LKVM_RUN_DIR=/tmp/lkvm-run
kvm_debug=/sys/kernel/debug/kvm
params="console=hvc0 quiet panic=-1 lkvm.script=bench-pmem-guest"
params="$params bench.rounds=$rounds bench.secs=$secs bench.bw_mb=$bw_mb bench.bw_reps=$bw_reps"
. /scenarios/bench-lib.sh
. /scenarios/fio-lib.sh	# fio_pct, the guest script's parser too

now() { awk '{print $1; exit}' /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }
fail() { echo "BENCH pmem FAILED: $*"; exit 1; }

t_start=$(now)
[ -b $disk ] || fail "no disk $disk (bench/run.sh attaches one for '# disk:')"
[ -n "${GUEST_INITRD_FIO:-}" ] && [ -f "$GUEST_INITRD_FIO" ] || fail "no fio guest image"
echo "== host: $(grep MemTotal /proc/meminfo), disk $(($(cat /sys/block/vda/size) / 2048)) MiB"
mkfs.ext4 -q -F -E nodiscard $disk > mkfs.out 2>&1 || { cat mkfs.out; fail mkfs.ext4; }
mkdir -p $data
# noinit_itable: no background inode-table zeroing during the measurements
mount -t ext4 -o noinit_itable $disk $data || fail "mount $disk"
mount | grep " $data "
# KVM's exit counters (all VMs summed; one runs at a time)
[ -d $kvm_debug ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -r $kvm_debug/sum_exits ] || echo "== no KVM exit counters in $kvm_debug"

# disk_stat: vda's writes, KiB written and cache flushes so far
disk_stat() {
	awk '$3 == "vda" {printf "%d %d %d\n", $8, $10 / 2, $19}' /proc/diskstats
}

# floor PASS: the host's own 4k write + fdatasync on the backing's file
# system, the best a durable guest flush can do (the target's reference);
# for reference also 4k + fsync (ext4 then journals the new mtime), and
# 64k + fdatasync (the host writes back whole 64K pages of the backing).
# 4k+mmap is the mapped-file floor: a 4k store into a MAP_SHARED mapping
# of a 16M file, then fdatasync (vmmtime --mapped-floor; fio's mmap engine
# refuses blocks under the 64K page with syncs); as for a guest, writeback
# write-protects the page and the next store faults it writable again (in
# the store's time: "write_p50_us")
floor() {
	local pass=$1 bs kind out d0 d1
	for bs_kind in 4k:fdatasync 4k:fsync 64k:fdatasync 4k:mmap; do
		bs=${bs_kind%:*} kind=${bs_kind#*:}
		out=floor-$bs-$kind-$pass.out
		d0=$(disk_stat)
		if [ $kind = mmap ]; then
			vmmtime --mapped-floor $data/floor.mapped "$secs" > $out 2>&1 ||
				{ cat $out; fail "vmmtime --mapped-floor"; }
		else
			fio --name=floor --directory=$data --size=16M --bs=$bs --rw=write --$kind=1 \
				--ioengine=psync --overwrite=1 --ramp_time=1 --runtime="$secs" \
				--time_based --percentile_list=50:99 > $out 2>&1 ||
				{ cat $out; fail "host fio"; }
		fi
		d1=$(disk_stat)
		if [ $kind = mmap ]; then
			set -- $(sed -n 's/.*sync_p50_us=\([-0-9.]*\) sync_p99_us=\([-0-9.]*\) write_p50_us=\([-0-9.]*\).*/\1 \2 \3/p' $out) $d0 $d1
		else
			set -- $(fio_pct $out sync) $(fio_pct $out clat | cut -d" " -f1) $d0 $d1
		fi
		[ $# = 9 ] || { cat $out; fail "no figures from the $bs+$kind floor"; }
		echo "BENCH run pmem host $bs+$kind pass=$pass sync_p50_us=$1 sync_p99_us=$2" \
			"write_p50_us=$3 disk_writes=$(($7 - $4)) disk_kib=$(($8 - $5))" \
			"disk_flushes=$(($9 - $6))"
		[ $kind != mmap ] || echo "BENCH run pmem host $bs+$kind pass=$pass $(cat $out)"
		echo "host-$bs-$kind $1 $2 $3" >> results
		echo "host-$bs-$kind-p$pass $1 $2" >> results
		# the mapped floor's fdatasync: its mean and the CPU time in it
		[ $kind != mmap ] || sed -n 's/.*sync_mean_us=\([-0-9.]*\) sync_cpu_mean_us=\([-0-9.]*\).*/host-mapped-sync \1 \2/p' $out >> results
		rm -f $data/floor.*
		sync
	done
}

# fresh_backing: the backing file zeroed in place and on disk, so every VMM
# run gets the same blocks of the same fully written file (the first call
# creates it: that also allocates the sparse disk image's blocks outside)
fresh_backing() {
	local t0 conv=notrunc
	rm -f $backing.uuid
	[ -f $backing ] || conv=
	t0=$(now)
	dd if=/dev/zero of=$backing bs=64K count=$((bytes / 65536)) ${conv:+conv=$conv} 2> dd.out ||
		{ cat dd.out; fail "dd backing"; }
	sync
	[ "$(stat -c %s $backing)" = $bytes ] || fail "backing is $(stat -c %s $backing) bytes"
	echo "== backing $backing ($bytes bytes) zeroed in $(since $t0)s"
}

# every VMM runs under kvmwatch.so, which times how long the VMM takes to
# serve the hcalls of each label round (bench/kvmwatch.c)
watch="env LD_PRELOAD=/usr/lib/lkvm-bench/kvmwatch.so KVMWATCH_EXITS=BENCH-GUEST"

# vmm_cmd VMM: its command line, ending in the option that takes the
# kernel parameters (-p for lkvm, -append for QEMU)
vmm_cmd() {
	case $1 in
	lkvm)
		echo $watch "$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD_FIO" -m 1G -c 1 \
			--name $name --nvdimm "$backing,$size,$label,uuid=$uuid" -p ;;
	qemu-spapr|qemu-nvdimm)
		local dev=spapr-nvdimm
		[ $1 = qemu-nvdimm ] && dev=nvdimm
		echo $watch qemu-system-ppc64 \
			-M pseries,accel=kvm,x-vof=on,nvdimm=on,ic-mode=xics,kernel-irqchip=on,$qemu_caps \
			-cpu host -smp 1 -m 1G,slots=4,maxmem=8G -display none -nodefaults \
			-no-reboot -serial stdio -L /usr/share/qemu \
			-kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD_FIO" \
			-object memory-backend-file,id=mem1,share=on,mem-path=$backing,size=$bytes \
			-device $dev,id=nvdimm1,memdev=mem1,label-size=$label,uuid=$uuid \
			-append ;;
	esac
}

# sample VMM PID: one line of KEY=VALUE counters, taken at a guest mark:
# the host disk's writes, KiB and flushes (/proc/diskstats), pages written
# back and dirtied (/proc/vmstat), KVM's exits (debugfs: every exit,
# decrementer and external-interrupt ones), the VMM's minor faults (its
# threads': they include those KVM takes for the guest through
# get_user_pages, e.g. on a page writeback write-protected), CPU time
# (schedstat; a vCPU thread's includes the guest's own time) and time
# runnable but waiting for a CPU (schedstat's run delay), and for lkvm
# its counters: vNVDIMM 0's flush counters and vCPU 0's exits
sample() {
	local k
	awk '$3 == "vda" {printf "disk_writes=%d disk_kib=%d disk_flushes=%d ", $8, $10 / 2, $19}' /proc/diskstats
	awk '$1 == "nr_written" || $1 == "nr_dirtied" {printf "%s=%s ", $1, $2}' /proc/vmstat
	for k in sum_exits dec_exits ext_intr_exits; do
		[ -r $kvm_debug/$k ] && printf "kvm_%s=%s " $k "$(cat $kvm_debug/$k)"
	done
	awk '{sub(/.*\) /, ""); printf "vmm_minflt=%s ", $8}' /proc/$2/stat 2>/dev/null
	cat /proc/$2/task/*/schedstat 2>/dev/null |
		awk '{c += $1; q += $2} END {printf "vmm_cpu_ns=%.0f vmm_runq_ns=%.0f ", c, q}'
	[ $1 = lkvm ] || { echo; return; }
	"$LKVM" stat $name 2>/dev/null | awk '
		$1 == "nvdimm0" {printf "%s=%s ", $2, $3}
		$1 == "vcpu0" && ($2 == "exits_hcall" || $2 == "runs") {printf "vcpu_%s=%s ", $2, $3}'
	echo
}

# delta PHASE: KEY=DELTA for every counter between the marks PHASE-begin
# and PHASE-end (sampled after each mark: the guest waits a second there)
delta() {
	awk -v b="$1-begin" -v e="$1-end" '
	function load(a,   i, kv) {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); a[kv[1]] = kv[2] }
	}
	$1 == b { load(v0); got0 = 1 }
	$1 == e { load(v1); got1 = 1 }
	END {
		if (!got0 || !got1) exit
		for (k in v1) if (k in v0) printf "%s=%s ", k, v1[k] - v0[k]
		printf "\n"
	}' marks
}

# get KEY LINE: the value of KEY=VALUE in LINE, 0 if absent
get() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1 | grep . || echo 0; }

# phase_disk VMM PASS PHASE [GUEST-KIND]: the host disk traffic between the
# guest's marks PHASE-begin and PHASE-end, per guest sync for a latency run;
# for a latency run also the breakdown of one guest sync (breakdown below)
phase_disk() {
	local d syncs=0
	d=$(delta $3)
	[ -n "$d" ] || return 0
	[ -z "${4:-}" ] || syncs=$(tr -d '\r' < $1-$2.log |
		sed -n "s/^BENCH-GUEST lat kind=$4 syncs=\([0-9]*\).*/\1/p")
	awk -v v=$1 -v p=$2 -v ph=$3 -v n=${syncs:-0} -v w=$(get disk_writes "$d") \
		-v k=$(get disk_kib "$d") -v f=$(get disk_flushes "$d") 'BEGIN {
		printf "BENCH run pmem %s pass=%s host disk during %s: %d writes, %d KiB, %d flushes", v, p, ph, w, k, f
		if (n) printf " for %d guest syncs (%.2f flushes, %.1f KiB per sync)", n, f / n, k / n
		printf "\n" }'
	[ "${syncs:-0}" -gt 0 ] || return 0
	echo "$1-$3-flushes $(awk -v n=$syncs -v f=$(get disk_flushes "$d") 'BEGIN {printf "%.2f", f / n}')" >> results
	breakdown $1 $2 $3 $syncs "$d"
}

# breakdown VMM PASS KIND SYNCS DELTAS: one guest sync (fsync or fdatasync)
# taken apart, from the counters between the marks (DELTAS), fio's own
# figures, and kvmwatch's line for the phase (the VMM's time per flush
# hcall, from KVM_RUN returning to the next KVM_RUN). Per guest sync:
#   sync_us, write_us   fio's means (the write's time holds the guest's
#                       fault on the page the last flush write-protected)
#   hcalls              flush hcalls the guest made (kvmwatch)
#   served_us           the VMM's time per flush hcall (kvmwatch; mean,
#                       and its p50 and p99)
#   hcall_us            hcalls x served_us: the guest's sync time spent
#                       in the VMM; guest_us = sync_us - hcall_us is the
#                       rest: the guest's own work, KVM's entries and exits,
#                       and faults taken inside the sync (the log's page)
#   lkvm: flush_us      lkvm's handler per hcall (flush_ns / flushes),
#         sync_us       per backing flush, the fdatasync (flush_sync_ns),
#         sync_cpu_us   of which the thread's CPU time (writeback work),
#         sync_wait_us  and the rest, waiting for the disk,
#         count_us      reading the dirty log, per hcall (dirty_log_ns),
#         merged        hcalls per backing flush,
#         count_each_us one reading of the dirty log
#   host: disk_flushes, disk_kib, written_pages (nr_written: pages
#         written back, 64 KiB each) per sync, kvm_exits per
#         sync (every exit of the guest, minus decrementer and external
#         interrupts, which timer_irq_exits counts), faults per sync (the VMM's minor faults: KVM's for
#         the guest's stores to pages writeback write-protected), vmm_cpu_us
#         per sync (CPU time of the VMM's threads, the guest's included),
#         vmm_runq_us (their time runnable, waiting for a CPU)
breakdown() {
	local vmm=$1 pass=$2 kind=$3 n=$4 d=$5 kw sync write
	kw=$(tr -d '\r' < $vmm-$pass.log | awk -v m="BENCH-GUEST mark $kind-end" '
		$0 == m { want = 1; next }
		want && /^KVMWATCH exits / { print; exit }')
	set -- $(tr -d '\r' < $vmm-$pass.log | sed -n "s/^BENCH-GUEST lat kind=$kind .*sync_avg_us=\([-0-9.]*\) write_avg_us=\([-0-9.]*\).*/\1 \2/p")
	sync=${1:--1} write=${2:--1}
	awk -v v=$vmm -v p=$pass -v kind=$kind -v n=$n -v sync=$sync -v write=$write \
		-v kw="$kw" -v d="$d" 'BEGIN {
		m = split(d " " kw, a, " ")
		for (i = 1; i <= m; i++) if (split(a[i], kv, "=") == 2) x[kv[1]] = kv[2]
		hc = x["flush_hcalls"] / n
		hcall_us = hc * x["flush_vmm_us"]
		printf "BENCH run pmem %s pass=%s %s breakdown per guest sync: sync_us=%.1f write_us=%.1f" \
			" hcalls=%.2f served_us=%.1f served_p50_us=%.1f served_p99_us=%.1f hcall_us=%.1f" \
			" guest_us=%.1f", v, p, kind, sync, write, hc, x["flush_vmm_us"],
			x["flush_vmm_p50_us"], x["flush_vmm_p99_us"], hcall_us, sync - hcall_us
		if (x["flushes"] > 0) {
			bf = x["backing_flushes"] > 0 ? x["backing_flushes"] : 1
			printf " lkvm: hcalls=%.2f flush_us=%.1f sync_us=%.1f sync_cpu_us=%.1f sync_wait_us=%.1f" \
				" count_us=%.1f merged=%.2f count_each_us=%.1f", x["flushes"] / n,
				x["flush_ns"] / x["flushes"] / 1000,
				x["flush_sync_ns"] / bf / 1000, x["flush_sync_cpu_ns"] / bf / 1000,
				(x["flush_sync_ns"] - x["flush_sync_cpu_ns"]) / bf / 1000,
				x["dirty_log_ns"] / x["flushes"] / 1000, x["flushes"] / bf,
				x["dirty_log_reads"] ? x["dirty_log_ns"] / x["dirty_log_reads"] / 1000 : 0
		}
		ex = x["kvm_sum_exits"] - x["kvm_dec_exits"] - x["kvm_ext_intr_exits"]
		printf " host: disk_flushes=%.2f disk_kib=%.1f written_pages=%.2f kvm_exits=%.2f" \
			" timer_irq_exits=%.3f faults=%.2f vmm_cpu_us=%.1f vmm_runq_us=%.1f\n",
			x["disk_flushes"] / n, x["disk_kib"] / n, x["nr_written"] / n, ex / n,
			(x["kvm_dec_exits"] + x["kvm_ext_intr_exits"]) / n, x["vmm_minflt"] / n,
			x["vmm_cpu_ns"] / n / 1000, x["vmm_runq_ns"] / n / 1000
	}' | tee -a breakdowns
}

# thread_states PID SAMPLE PHASE: one line per VMM thread: SAMPLE PHASE
# NAME STATE (R running, D in an uninterruptible wait such as fdatasync,
# S sleeping). lkvm names no threads: besides the main one, the busiest
# (most CPU time) is taken as its vCPU (the guest has one), others are
# helpers such as the label flusher
thread_states() {
	awk -v pid="$1" -v n="$2" -v ph="$3" '{
		c = $0; sub(/\) .*/, "", c); sub(/^[0-9]+ \(/, "", c)
		s = $0; sub(/.*\) /, "", s); split(s, a, " ")
		split(FILENAME, p, "/")
		gsub(/ /, "_", c)
		if (p[5] == pid) c = c "(main)"
		k++; name[k] = c; st[k] = a[1]
		if (c == "lkvm" && a[12] + a[13] >= best) { best = a[12] + a[13]; vcpu = k }
	} END {
		for (i = 1; i <= k; i++) {
			c = name[i]
			if (c == "lkvm") c = i == vcpu ? "lkvm-vcpu" : "lkvm-helper"
			print n, ph, c, st[i]
		}
	}' /proc/$1/task/*/stat 2>/dev/null
}

# phase_threads VMM PASS PHASE: how often each VMM thread was seen running
# or blocked (D) during PHASE
phase_threads() {
	awk -v v=$1 -v p=$2 -v ph=$3 '$2 == ph {
		seen[$1] = 1; t[$3]++
		if ($4 == "D") d[$3]++
		if ($4 == "R") r[$3]++
	} END {
		for (k in seen) ns++
		if (!ns) exit
		printf "BENCH run pmem %s pass=%s threads during %s (%d samples):", v, p, ph, ns
		for (c in t) printf " %s R=%d%% D=%d%%", c, 100 * r[c] / t[c], 100 * d[c] / t[c]
		printf "\n"
	}' states
}

# run_vmm VMM PASS: one guest run on a fresh backing; its console in
# VMM-PASS.log; the host's counters sampled at the guest's marks. The
# console is read line by line as it comes, so that a mark is seen at
# once and nothing runs on the host between the marks: polling the log
# every 0.1 s (a few processes each time, dear in the emulated host) put
# its own delays into the guest's fsync p99. Thread states (states=1)
# are sampled every 0.1 s during the phases, at that cost.
run_vmm() {
	local vmm=$1 pass=$2 log=$1-$2.log t0 rc line m cr
	cr=$(printf '\r')
	fresh_backing
	: > marks
	: > states
	: > $log
	rm -f vmm.pid vmm.rc vmm.killed dog.pid phase
	t0=$(now)
	# the command line is built word by word: no path here has spaces
	{
		$(vmm_cmd $vmm) "$params" < /dev/null 2>&1 &
		pid=$!
		echo $pid > vmm.pid
		# the deadline: 300 s (a sleep of its own, killed at the end)
		( sleep 300 < /dev/null > /dev/null 2>&1 & echo $! > dog.pid; wait $!
		  kill -9 $pid 2>/dev/null && touch vmm.killed ) < /dev/null > /dev/null 2>&1 &
		[ $states = 0 ] || ( i=0
			while [ ! -f vmm.rc ]; do
				[ -f phase ] && thread_states $pid $i $(cat phase) >> states
				sleep 0.1
				i=$((i + 1))
			done ) < /dev/null > /dev/null 2>&1 &
		wait $pid
		echo $? > vmm.rc
	} | while IFS= read -r line; do
		printf '%s\n' "$line" >> $log
		case $line in
		"BENCH-GUEST mark "*)
			m=${line#BENCH-GUEST mark }
			m=${m%$cr}
			echo "$m $(sample $vmm $(cat vmm.pid))" >> marks
			case $m in
			*-begin) echo ${m%-begin} > phase ;;
			*) rm -f phase ;;
			esac ;;
		esac
	done
	kill $(cat dog.pid 2>/dev/null) 2>/dev/null
	[ -f vmm.killed ] && echo "$vmm: killed after 300 s"
	rc=$(cat vmm.rc 2>/dev/null || echo 255)
	echo "== $vmm pass $pass: exit $rc after $(since $t0)s"
	tr -d '\r' < $log | grep -E '^(BENCH-GUEST|LKVM-GUEST|FIO .*(sync|clat|lat \(|IOPS|issued)|qemu|lkvm)' |
		grep -v 'BENCH-GUEST mark'
	tr -d '\r' < $log | grep -q '^BENCH-GUEST done' || {
		tr -d '\r' < $log | tail -40
		fail "$vmm pass $pass: the guest did not finish"
	}
	tr -d '\r' < $log | sed -n 's/^BENCH-GUEST labels round=\([0-9]*\) .*labels_ns_us=\([0-9]*\).*/\1 \2/p' |
		while read -r r v; do
			if [ "$r" = 1 ]; then
				echo "$vmm-labels-first $v" >> results
			else
				echo "$vmm-labels $v" >> results
			fi
		done
	# the exits a round made: reported right after its line
	tr -d '\r' < $log | awk -v v=$vmm '
		/^BENCH-GUEST labels round=/ { round = 1; next }
		round && /^KVMWATCH exits / {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); x[kv[1]] = kv[2] }
			print v "-label-hcalls " x["label_hcalls"]
			print v "-label-us " x["label_vmm_us"]
			print v "-hcalls-us " x["vmm_us"]
			round = 0
		}' >> results
	tr -d '\r' < $log | sed -n 's/^BENCH-GUEST bw .*mib_s=\([0-9.]*\).*/\1/p' |
		while read -r v; do echo "$vmm-bw $v" >> results; done
	tr -d '\r' < $log | sed -n 's/^BENCH-GUEST crng ready_at_s=\([0-9.]*\) labels_start_s=\([0-9.]*\).*/\1 \2/p' |
		while read -r c l; do echo "$vmm-crng $c $l" >> results; done
	for kind in fsync fdatasync; do
		set -- $(tr -d '\r' < $log | sed -n "s/^BENCH-GUEST lat kind=$kind syncs=\([0-9]*\) sync_p50_us=\([-0-9.]*\) sync_p99_us=\([-0-9.]*\) write_p50_us=\([-0-9.]*\).*/\1 \2 \3 \4/p")
		[ $# = 4 ] || fail "$vmm pass $pass: no $kind figures"
		echo "$vmm-$kind $2 $3" >> results
		echo "$vmm-$kind-p$pass $2 $3" >> results
		echo "$vmm-$kind-write $4" >> results
		phase_disk $vmm $pass $kind $kind
		phase_threads $vmm $pass $kind
	done
	phase_disk $vmm $pass bw
	phase_threads $vmm $pass bw
}

# warm_up VMM: one short unmeasured run. The first guest after the host's
# boot pays for the emulator translating the host kernel's KVM, page-cache
# and file-system paths for the first time (its first label round comes out
# ~25% slower than the same VMM's in a later pass); without a warm-up that
# cost lands on whichever VMM happens to run first.
warm_up() {
	local vmm=$1 log=warmup-$1.log w
	w="console=hvc0 quiet panic=-1 lkvm.script=bench-pmem-guest bench.rounds=1"
	w="$w bench.secs=1 bench.bw_mb=16 bench.bw_reps=1"
	fresh_backing
	timeout 300 $(vmm_cmd $vmm) "$w" < /dev/null > $log 2>&1
	tr -d '\r' < $log | grep -q '^BENCH-GUEST done' || { tail -20 $log; fail "$vmm warm-up"; }
	echo "== $vmm warm-up run done"
}

# median_key KEY [COLUMN]: median of the values recorded under KEY
median_key() {
	awk -v k="$1" -v c="${2:-2}" '$1 == k {print $c}' results | sort -n |
		awk '{v[NR] = $1} END {if (!NR) print -1; else if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# best KEY: the largest value recorded under KEY
best() { awk -v k="$1" '$1 == k && $2 > m {m = $2} END {print m + 0}' results; }
# all KEY: every value recorded under KEY
all() { awk -v k="$1" '$1 == k {printf "%s%s", s, $2; s = " "}' results; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a <= 0 || b <= 0) print "nan"; else printf "%.3f\n", a / b}'; }

# per_pass KEY [COLUMN [N]]: the values of KEY-pPASS for every pass (or
# for runs 1 to N)
per_pass() {
	local p=1 out=
	while [ $p -le ${3:-$passes} ]; do
		out="$out${out:+ }$(median_key $1-p$p ${2:-2})"
		p=$((p + 1))
	done
	echo "$out"
}
# tail_ratios KEY [N]: p99 / median of KEY-pPASS for every pass (or for
# runs 1 to N)
tail_ratios() {
	echo "$(per_pass $1 3 ${2:-}) / $(per_pass $1 2 ${2:-})" | awk -F ' / ' '{
		n = split($1, a, " "); split($2, b, " ")
		for (i = 1; i <= n; i++)
			printf "%s%s", (i > 1 ? " " : ""), (a[i] > 0 && b[i] > 0 ? sprintf("%.3f", a[i] / b[i]) : "nan")
		printf "\n"
	}'
}
# spread VALUES...: "min-max" of the values
spread() { echo "$@" | tr ' ' '\n' | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "-" hi}'; }
# pass_ratios A-KEY B-KEY [A-COLUMN [B-VALUE]]: A / B per pass (B-VALUE: one
# divisor for every pass)
pass_ratios() {
	local p=1 out= b
	while [ $p -le $passes ]; do
		b=${4:-$(median_key $2-p$p 2)}
		out="$out${out:+ }$(ratio $(median_key $1-p$p ${3:-2}) $b)"
		p=$((p + 1))
	done
	echo "$out"
}

# breakdown_median VMM KIND: the medians over the passes of the breakdown
# lines of KIND (fsync, fdatasync), in their own layout
breakdown_median() {
	grep " pmem $1 pass=[0-9]* $2 breakdown " breakdowns 2>/dev/null | awk '
	{
		sec = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /:$/) { sec = $i; continue }
			if (split($i, kv, "=") != 2 || kv[1] == "pass") continue
			k = sec kv[1]
			if (!(k in seen)) { seen[k] = 1; order[++nk] = k; name[k] = kv[1]; in_sec[k] = sec }
			v[k, ++cnt[k]] = kv[2]
		}
	}
	END {
		for (j = 1; j <= nk; j++) {
			k = order[j]
			n = cnt[k]
			for (a = 1; a <= n; a++) w[a] = v[k, a]
			for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++)
				if (w[b] + 0 < w[a] + 0) { t = w[a]; w[a] = w[b]; w[b] = t }
			m = n % 2 ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
			if (in_sec[k] != last) { printf " %s", in_sec[k]; last = in_sec[k] }
			printf " %s=%.2f", name[k], m
		}
		printf "\n"
	}'
}

# bfield SECTION KEY: from a breakdown line on stdin, the value of KEY
# in SECTION ("sync:", "lkvm:" or "host:"), -1 if there is none
bfield() {
	awk -v sec="$1" -v k="$2" '{
		for (i = 1; i <= NF; i++) {
			if ($i ~ /:$/) { cur = $i; continue }
			split($i, kv, "=")
			if (cur == sec && kv[1] == k) { print kv[2]; found = 1; exit }
		}
	} END { if (!found) print -1 }'
}
# bval VMM KIND SECTION KEY: one median of breakdown_median
bval() { breakdown_median $1 $2 | bfield $3 $4; }
# bpass VMM KIND PASS SECTION KEY: one value of one pass's breakdown line
bpass() { grep " pmem $1 pass=$3 $2 breakdown " breakdowns 2>/dev/null | bfield $4 $5; }

# user_space_us PASS: lkvm's own user-space time per guest fsync in PASS
# (means): per flush hcall, kvmwatch's serving time less lkvm's fdatasync
# (its handler's other work, the dirty-log count and the run loop), times
# the flush hcalls per fsync. What no change to lkvm's user space could
# take off a guest fsync.
user_space_us() {
	awk -v h=$(bpass lkvm fsync $1 sync: hcalls) -v sv=$(bpass lkvm fsync $1 sync: served_us) \
		-v s=$(bpass lkvm fsync $1 lkvm: sync_us) \
		'BEGIN {if (h < 0 || sv < 0 || s < 0) print -1; else printf "%.1f\n", h * (sv - s)}'
}

# decompose: where one guest flush hcall's time goes, from the fdatasync
# phase (one hcall per guest fdatasync) and the floors, all means in us:
# the mapped-file floor's fdatasync (what page-cache backing costs), what
# the same fdatasync costs more in lkvm (its pages are mapped into the
# guest: KVM unmaps them as writeback write-protects them), lkvm's count
# of the dirty log and the rest of its handler, its run loop (kvmwatch's
# serving time less the handler's), and the guest's own time around the
# hcall: its exit to the VMM and entry back, plus its file system's work
# (which QEMU's nvdimm, whose fdatasync makes no hcall, shows alone). The
# write's fault: lkvm's write minus QEMU nvdimm's (whose pages are never
# write-protected), against the mapped floor's store with its fault.
decompose() {
	local m s_sync s_cpu flush count served gsync nsync w nw mw
	m=$(median_key host-mapped-sync 2)
	s_sync=$(bval lkvm fdatasync lkvm: sync_us) s_cpu=$(bval lkvm fdatasync lkvm: sync_cpu_us)
	flush=$(bval lkvm fdatasync lkvm: flush_us) count=$(bval lkvm fdatasync lkvm: count_us)
	served=$(bval lkvm fdatasync sync: served_us) gsync=$(bval lkvm fdatasync sync: sync_us)
	nsync=$(bval qemu-nvdimm fdatasync sync: sync_us)
	w=$(bval lkvm fdatasync sync: write_us) nw=$(bval qemu-nvdimm fdatasync sync: write_us)
	mw=$(median_key host-4k-mmap 4)
	awk -v m=$m -v s=$s_sync -v c=$s_cpu -v mc=$(median_key host-mapped-sync 3) -v f=$flush \
		-v n=$count -v sv=$served -v g=$gsync -v ns=$nsync -v w=$w -v nw=$nw -v mw=$mw 'BEGIN {
		printf "BENCH pmem lkvm: one flush hcall decomposed (guest fdatasync, means): %.0f us =" \
			" mapped-file floor fdatasync %.0f (CPU %.0f) + KVM mapping in lkvm'"'"'s fdatasync %.0f" \
			" (CPU %+.0f) + dirty-log count %.0f + rest of the handler %.0f + run loop %.0f" \
			" + guest exit, entry and own work %.0f (own work without an hcall, QEMU nvdimm: %.0f);" \
			" the write'"'"'s fault on the page the flush write-protected %.0f us (lkvm write %.0f" \
			" - QEMU nvdimm write %.0f; a host process'"'"'s store with its fault %.0f)\n",
			g, m, mc, s - m, c - mc, n, f - s - n, sv - f, g - sv, ns, w - nw, w, nw, mw
	}'
	# the one part of it a user-space design might avoid is the KVM
	# mapping's share: guest memory that is not the file's page cache,
	# with the VMM writing the guest's changed pages itself. Only KVM's
	# dirty log tells which pages those are, and one reading walks the
	# whole slot
	awk -v m=$m -v s=$s_sync -v e=$(bval lkvm fdatasync lkvm: count_each_us) 'BEGIN {
		printf "BENCH pmem lkvm: copying the changed pages out instead of flushing the mapped file:" \
			" one reading of the dirty log (%s device) %.0f us per flush, against the %.0f us the" \
			" KVM mapping adds to fdatasync\n", "'$size'", e, s - m
	}'
}

: > results
: > breakdowns
fresh_backing	# before the floor: the file's blocks exist from here on
floor 1
for vmm in $vmms; do
	warm_up $vmm
done
p=1
# odd passes run lkvm first, even ones last
while [ $p -le $passes ]; do
	order=$vmms
	[ $((p % 2)) = 0 ] && order=$(echo $vmms | tr ' ' '\n' | tac | tr '\n' ' ')
	for vmm in $order; do
		run_vmm $vmm $p
	done
	p=$((p + 1))
done
sync
floor 2
umount $data

echo "BENCH pmem setup: backing $size + $label label on ext4 on virtio-blk, guest 1 vCPU 1G," \
	"$passes passes x ($rounds label rounds, ${secs}s per latency run, $bw_reps x ${bw_mb}M bandwidth)"
for v in $vmms; do
	echo "BENCH pmem $v: init-labels+create-namespace, first after boot: median $(median_key $v-labels-first) us" \
		"($(all $v-labels-first)); later rounds: median $(median_key $v-labels) us; guest random pool" \
		"ready at $(median_key $v-crng 2) s of uptime, labels started at $(median_key $v-crng 3) s"
	echo "BENCH pmem $v: a label round makes $(median_key $v-label-hcalls) label hcalls; the VMM serves" \
		"one in $(median_key $v-label-us) us (median; every hcall of the round: $(median_key $v-hcalls-us) us)"
	echo "BENCH pmem $v: 4k write+fsync: fsync median $(median_key $v-fsync 2) us, p99 $(median_key $v-fsync 3) us," \
		"write median $(median_key $v-fsync-write) us; 4k write+fdatasync: fdatasync median" \
		"$(median_key $v-fdatasync 2) us, p99 $(median_key $v-fdatasync 3) us; host disk flushes per guest" \
		"fsync $(median_key $v-fsync-flushes), per fdatasync $(median_key $v-fdatasync-flushes)"
	echo "BENCH pmem $v: fsync per pass: median $(per_pass $v-fsync) us, p99 $(per_pass $v-fsync 3) us"
	echo "BENCH pmem $v: DAX write bandwidth median $(median_key $v-bw) MiB/s, best $(best $v-bw) ($(all $v-bw))"
	for kind in fsync fdatasync; do
		echo "BENCH pmem $v: $kind breakdown, per guest $kind (medians over passes):$(breakdown_median $v $kind)"
	done
done
floor_p50=$(median_key host-4k-fdatasync 2)
mapped_p50=$(median_key host-4k-mmap 2)
echo "BENCH pmem host floor, 4k write + fdatasync on the same ext4: median $floor_p50 us, p99 $(median_key host-4k-fdatasync 3) us" \
	"(4k + fsync: $(median_key host-4k-fsync 2) / $(median_key host-4k-fsync 3) us; 64k + fdatasync:" \
	"$(median_key host-64k-fdatasync 2) / $(median_key host-64k-fdatasync 3) us; per floor run: $(per_pass host-4k-fdatasync 2 2) us)"
echo "BENCH pmem mapped-file floor, 4k store into a MAP_SHARED mapping + fdatasync on the same ext4: median" \
	"$mapped_p50 us, p99 $(median_key host-4k-mmap 3) us, the store (with its fault) $(median_key host-4k-mmap 4) us;" \
	"fdatasync mean $(median_key host-mapped-sync 2) us, of it CPU $(median_key host-mapped-sync 3) us" \
	"(per floor run: $(per_pass host-4k-mmap 2 2) us)"
l_lab1=$(median_key lkvm-labels-first) s_lab1=$(median_key qemu-spapr-labels-first) n_lab1=$(median_key qemu-nvdimm-labels-first)
l_lab=$(median_key lkvm-labels) s_lab=$(median_key qemu-spapr-labels) n_lab=$(median_key qemu-nvdimm-labels)
l_fs=$(median_key lkvm-fsync 2) s_fs=$(median_key qemu-spapr-fsync 2) n_fs=$(median_key qemu-nvdimm-fsync 2)
l_fs99=$(median_key lkvm-fsync 3)
l_fds=$(median_key lkvm-fdatasync 2)
l_bw=$(median_key lkvm-bw) s_bw=$(median_key qemu-spapr-bw) n_bw=$(median_key qemu-nvdimm-bw)
case " $vmms " in *" lkvm "*"qemu-nvdimm"*) decompose ;; esac
echo "BENCH pmem labels_ns_ratio_vs_qemu=$(ratio $l_lab1 $s_lab1) (first after boot, as the seed workflow runs it; target <= 0.8; vs plain nvdimm $(ratio $l_lab1 $n_lab1))"
echo "BENCH pmem labels_ns_later_rounds_ratio_vs_qemu=$(ratio $l_lab $s_lab) (target <= 0.8; vs plain nvdimm $(ratio $l_lab $n_lab))"
r=$(pass_ratios qemu-spapr-fsync lkvm-fsync)
echo "BENCH pmem fsync_speedup_vs_qemu_spapr=$(ratio $s_fs $l_fs) (target >= 25; per pass: $r, spread $(spread $r))"
r=$(pass_ratios lkvm-fsync host-4k-fdatasync 2 $floor_p50)
echo "BENCH pmem fsync_ratio_vs_host_floor=$(ratio $l_fs $floor_p50) (target <= 2.0; per pass: $r, spread $(spread $r))"
r=$(pass_ratios lkvm-fsync host-4k-mmap 2 $mapped_p50)
echo "BENCH pmem fsync_ratio_vs_mapped_floor=$(ratio $l_fs $mapped_p50) (per pass: $r, spread $(spread $r);" \
	"mapped floor vs host floor $(ratio $mapped_p50 $floor_p50))"
r2=$(tail_ratios lkvm-fsync)
echo "BENCH pmem fsync_p99_ratio_vs_median=$(ratio $l_fs99 $l_fs) (lkvm p99 $l_fs99 us; target <= 3; per pass: $r2, spread $(spread $r2))"
# where the tail comes from: the host's own syncs on the same disk have
# one of the same shape, and a guest fsync that also writes XFS's log
# makes a second flush hcall (hcalls per fsync above 1), so it costs two
# flushes and the log page's fault: the slowest syncs are those
h_fs=$(median_key host-4k-fsync 2) h_fs99=$(median_key host-4k-fsync 3)
echo "BENCH pmem fsync tail, p99/median: host's own 4k write+fsync $(ratio $h_fs99 $h_fs)" \
	"(+fdatasync $(ratio $(median_key host-4k-fdatasync 3) $floor_p50), mapped-file floor" \
	"$(ratio $(median_key host-4k-mmap 3) $mapped_p50)); lkvm fdatasync (one flush hcall each)" \
	"$(ratio $(median_key lkvm-fdatasync 3) $l_fds), one flush hcall served" \
	"$(ratio $(bval lkvm fsync sync: served_p99_us) $(bval lkvm fsync sync: served_p50_us));" \
	"flush hcalls per guest fsync $(bval lkvm fsync sync: hcalls)"
echo "BENCH pmem host_fsync_p99_ratio_vs_median=$(ratio $h_fs99 $h_fs) (the host's own 4k write+fsync" \
	"on the same ext4; per floor run: $(tail_ratios host-4k-fsync 2))"
# the ratio lkvm's user space cannot go under: the guest fsync less all
# of lkvm's own user-space time in it, against the same floor
p=1 r3= us_all=
while [ $p -le $passes ]; do
	u=$(user_space_us $p)
	echo "lkvm-user-space $u" >> results
	us_all="$us_all${us_all:+ }$u"
	r3="$r3${r3:+ }$(awk -v f=$(median_key lkvm-fsync-p$p 2) -v u=$u -v b=$floor_p50 \
		'BEGIN {if (u < 0 || b <= 0) print "nan"; else printf "%.3f\n", (f - u) / b}')"
	p=$((p + 1))
done
echo "BENCH pmem fsync_ratio_without_lkvm_user_space=$(ratio $(awk -v f=$l_fs -v u=$(median_key lkvm-user-space) \
	'BEGIN {print f - u}') $floor_p50) (the fsync median less all of lkvm's user-space time in it, per" \
	"pass $us_all us; per pass: $r3, spread $(spread $r3))"
echo "BENCH pmem fsync_ratio_vs_qemu_nvdimm_not_durable=$(ratio $l_fs $n_fs)"
echo "BENCH pmem fdatasync_ratio_vs_host_floor=$(ratio $l_fds $floor_p50) (vs host 64k + fdatasync $(ratio $l_fds $(median_key host-64k-fdatasync 2)))"
echo "BENCH pmem bw_ratio_vs_qemu=$(ratio $l_bw $s_bw) (medians; target >= 0.95; best-of ratio $(ratio $(best lkvm-bw) $(best qemu-spapr-bw)); vs plain nvdimm $(ratio $l_bw $n_bw))"
echo "== pmem benchmark took $(since $t_start)s"

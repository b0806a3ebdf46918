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
# + fdatasync) latency, 1M sequential write bandwidth. The host's floor is
# fio's 4k write + fdatasync on the same ext4, measured before and after.
# Per guest run the host also counts its disk traffic and samples the VMM's
# thread states during each fio phase ("BENCH run" lines, in the log only).
# After one short unmeasured warm-up run per VMM, passes alternate the VMM
# order; figures are medians over all passes.
# Tunables (host command line lkvm.KEY=VALUE): passes, rounds, secs, bw_mb,
# bw_reps.
passes=${LKVM_PARAM_passes:-2}
rounds=${LKVM_PARAM_rounds:-3}
secs=${LKVM_PARAM_secs:-5}
bw_mb=${LKVM_PARAM_bw_mb:-256}
bw_reps=${LKVM_PARAM_bw_reps:-3}
disk=/dev/vda
data=/data
backing=$data/nvdimm
size=1G
label=128K
bytes=1073872896	# 1 GiB + 128 KiB
uuid=01c682d5-483f-4906-9c4f-6be4638b4519
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

# disk_stat: vda's writes, KiB written and cache flushes so far
disk_stat() {
	awk '$3 == "vda" {printf "%d %d %d\n", $8, $10 / 2, $19}' /proc/diskstats
}

# floor PASS: the host's own 4k write + fdatasync on the backing's file
# system, the best a durable guest flush can do (the target's reference);
# for reference also 4k + fsync (ext4 then journals the new mtime), and
# 64k + fdatasync (the host writes back whole 64K pages of the backing)
floor() {
	local pass=$1 bs kind out d0 d1
	for bs_kind in 4k:fdatasync 4k:fsync 64k:fdatasync; do
		bs=${bs_kind%:*} kind=${bs_kind#*:}
		out=floor-$bs-$kind-$pass.out
		d0=$(disk_stat)
		fio --name=floor --directory=$data --size=16M --bs=$bs --rw=write --$kind=1 \
			--ioengine=psync --overwrite=1 --ramp_time=1 --runtime="$secs" \
			--time_based --percentile_list=50:99 > $out 2>&1 ||
			{ cat $out; fail "host fio"; }
		d1=$(disk_stat)
		set -- $(fio_pct $out sync) $d0 $d1
		echo "BENCH run pmem host $bs+$kind pass=$pass sync_p50_us=$1 sync_p99_us=$2" \
			"disk_writes=$(($6 - $3)) disk_kib=$(($7 - $4)) disk_flushes=$(($8 - $5))"
		echo "host-$bs-$kind $1 $2" >> results
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
			--nvdimm "$backing,$size,$label,uuid=$uuid" -p ;;
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

# phase_disk VMM PASS PHASE [GUEST-KIND]: the host disk traffic between the
# guest's marks PHASE-begin and PHASE-end, per guest sync for a latency run
phase_disk() {
	local b e syncs=0
	b=$(awk -v m="$3-begin" '$1 == m {print $2, $3, $4; exit}' marks)
	e=$(awk -v m="$3-end" '$1 == m {print $2, $3, $4; exit}' marks)
	[ -n "$b" ] && [ -n "$e" ] || return 0
	[ -z "${4:-}" ] || syncs=$(tr -d '\r' < $1-$2.log |
		sed -n "s/^BENCH-GUEST lat kind=$4 syncs=\([0-9]*\).*/\1/p")
	set -- "$1" "$2" "$3" "${syncs:-0}" $b $e
	awk -v v=$1 -v p=$2 -v ph=$3 -v n=$4 -v w=$(($8 - $5)) -v k=$(($9 - $6)) -v f=$((${10} - $7)) 'BEGIN {
		printf "BENCH run pmem %s pass=%s host disk during %s: %d writes, %d KiB, %d flushes", v, p, ph, w, k, f
		if (n) printf " for %d guest syncs (%.2f flushes, %.1f KiB per sync)", n, f / n, k / n
		printf "\n" }'
	[ "$4" = 0 ] ||
		awk -v v=$1 -v ph=$3 -v n=$4 -v f=$((${10} - $7)) 'BEGIN {printf "%s-%s-flushes %.2f\n", v, ph, f / n}' >> results
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
# VMM-PASS.log; the host's disk counters sampled at the guest's marks
run_vmm() {
	local vmm=$1 pass=$2 log=$1-$2.log pid t0 i=0 rc seen=0 n st m phase=
	fresh_backing
	: > marks
	: > states
	t0=$(now)
	# the command line is built word by word: no path here has spaces
	$(vmm_cmd $vmm) "$params" < /dev/null > $log 2>&1 &
	pid=$!
	while kill -0 $pid 2>/dev/null && [ $i -lt 3000 ]; do
		n=$(grep -c '^BENCH-GUEST mark ' $log)
		if [ "$n" -gt $seen ]; then
			st=$(disk_stat)
			tr -d '\r' < $log | grep '^BENCH-GUEST mark ' | sed -n "$((seen + 1)),${n}p" |
				while read -r _ _ m; do echo "$m $st"; done >> marks
			seen=$n
			m=$(tail -1 marks)
			case ${m%% *} in
			*-begin) phase=${m%%-begin *} ;;
			*) phase= ;;
			esac
		fi
		[ -z "$phase" ] || thread_states $pid $i $phase >> states
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 $pid 2>/dev/null && { kill -9 $pid; echo "$vmm: killed after 300 s"; }
	wait $pid
	rc=$?
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

: > results
fresh_backing	# before the floor: the file's blocks exist from here on
floor 1
for vmm in lkvm qemu-spapr qemu-nvdimm; do
	warm_up $vmm
done
p=1
# odd passes run lkvm first, even ones last
while [ $p -le $passes ]; do
	order="lkvm qemu-spapr qemu-nvdimm"
	[ $((p % 2)) = 0 ] && order="qemu-nvdimm qemu-spapr lkvm"
	for vmm in $order; do
		run_vmm $vmm $p
	done
	p=$((p + 1))
done
sync
floor 2
umount $data

vmms="lkvm qemu-spapr qemu-nvdimm"
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
	echo "BENCH pmem $v: DAX write bandwidth median $(median_key $v-bw) MiB/s, best $(best $v-bw) ($(all $v-bw))"
done
floor_p50=$(median_key host-4k-fdatasync 2)
echo "BENCH pmem host floor, 4k write + fdatasync on the same ext4: median $floor_p50 us, p99 $(median_key host-4k-fdatasync 3) us" \
	"(4k + fsync: $(median_key host-4k-fsync 2) / $(median_key host-4k-fsync 3) us; 64k + fdatasync:" \
	"$(median_key host-64k-fdatasync 2) / $(median_key host-64k-fdatasync 3) us)"
l_lab1=$(median_key lkvm-labels-first) s_lab1=$(median_key qemu-spapr-labels-first) n_lab1=$(median_key qemu-nvdimm-labels-first)
l_lab=$(median_key lkvm-labels) s_lab=$(median_key qemu-spapr-labels) n_lab=$(median_key qemu-nvdimm-labels)
l_fs=$(median_key lkvm-fsync 2) s_fs=$(median_key qemu-spapr-fsync 2) n_fs=$(median_key qemu-nvdimm-fsync 2)
l_fds=$(median_key lkvm-fdatasync 2)
l_bw=$(median_key lkvm-bw) s_bw=$(median_key qemu-spapr-bw) n_bw=$(median_key qemu-nvdimm-bw)
echo "BENCH pmem labels_ns_ratio_vs_qemu=$(ratio $l_lab1 $s_lab1) (first after boot, as the seed workflow runs it; target <= 0.8; vs plain nvdimm $(ratio $l_lab1 $n_lab1))"
echo "BENCH pmem labels_ns_later_rounds_ratio_vs_qemu=$(ratio $l_lab $s_lab) (target <= 0.8; vs plain nvdimm $(ratio $l_lab $n_lab))"
echo "BENCH pmem fsync_speedup_vs_qemu_spapr=$(ratio $s_fs $l_fs) (target >= 10)"
echo "BENCH pmem fsync_ratio_vs_host_floor=$(ratio $l_fs $floor_p50) (target <= 1.5)"
echo "BENCH pmem fsync_ratio_vs_qemu_nvdimm_not_durable=$(ratio $l_fs $n_fs)"
echo "BENCH pmem fdatasync_ratio_vs_host_floor=$(ratio $l_fds $floor_p50) (vs host 64k + fdatasync $(ratio $l_fds $(median_key host-64k-fdatasync 2)))"
echo "BENCH pmem bw_ratio_vs_qemu=$(ratio $l_bw $s_bw) (medians; target >= 0.95; best-of ratio $(ratio $(best lkvm-bw) $(best qemu-spapr-bw)); vs plain nvdimm $(ratio $l_bw $n_bw))"
echo "== pmem benchmark took $(since $t_start)s"

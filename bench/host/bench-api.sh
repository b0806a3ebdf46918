# Control-API benchmark, run inside the POWER host: lkvm's HTTP API against
# QEMU's QMP, both over a Unix socket, timed by one apibench process
# (bench/apibench.c: no process started per request; the VMMs take turns,
# so that the emulator's drifting speed slows both alike). One lkvm guest
# and one QEMU pseries guest, same kernel and initramfs, both idle (the
# sleep guest script), are up at once; apibench times, on one connection
# per VMM made before the timing and kept (lkvm's HTTP/1.1 keep-alive,
# QMP's session), a status query (lkvm vm.info, QMP query-status) and
# pause + resume pairs (vm.pause/vm.resume; stop/cont), each answered once
# done. Then lkvm's resident memory with the API used, guest RAM excluded
# as bench-boot.sh's vmmtime takes it out.
# Tunables (host command line lkvm.KEY=VALUE): api_n, api_warmup.
. /scenarios/lib.sh
. /scenarios/bench-lib.sh
n=${LKVM_PARAM_api_n:-200}
warmup=${LKVM_PARAM_api_warmup:-20}
ram=536870912	# 512M for both
export LKVM_RUN_DIR=/tmp/lkvm-run
lsock=$LKVM_RUN_DIR/benchapi.sock
qsock=/tmp/qmp.sock

fail() { echo "BENCH api FAILED: $*"; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a <= 0 || b <= 0) print "nan"; else printf "%.3f\n", a / b}'; }
# verdict NAME VALUE LIMIT: whether VALUE <= LIMIT
verdict() {
	awk -v n="$1" -v v="$2" -v l="$3" 'BEGIN {printf "BENCH api target %s <= %s: %s\n",
		n, l, (v != "nan" && v + 0 <= l + 0) ? "met" : "NOT met"}'
}
# resident KiB PID: Rss over PID's mappings without the largest one at
# least as big as the guest's RAM (vmmtime's memory_of, bench/vmmtime.c)
resident_kib() {
	awk -v ram=$ram '/^[0-9a-f]+-[0-9a-f]+ / {next}
		$1 == "Size:" {size = $2}
		$1 == "Rss:" {tot += $2; if (size * 1024 >= ram && size > big) {big = size; big_rss = $2}}
		END {print tot - big_rss}' /proc/$1/smaps
}

run_guest_bg lkvm.log sleep --name benchapi -m 512M -c 1
lpid=$pid
rm -f $qsock
qemu-system-ppc64 -M pseries,accel=kvm,x-vof=on,ic-mode=xics,kernel-irqchip=on,$qemu_caps \
	-cpu host -smp 1 -m 512M -display none -nodefaults -no-reboot \
	-serial stdio -L /usr/share/qemu -qmp unix:$qsock,server=on,wait=off \
	-kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" \
	-append "console=hvc0 quiet panic=-1 lkvm.script=sleep" < /dev/null > qemu.log 2>&1 &
qpid=$!
wait_for lkvm.log '^GUEST-UP' $lpid || { cat lkvm.log; fail "the lkvm guest is not up"; }
wait_for qemu.log '^GUEST-UP' $qpid || { cat qemu.log; fail "the QEMU guest is not up"; }

ok=1
# one process, the VMMs taking turns (bench/apibench.c)
apibench -n $n -w $warmup lkvm:$lpid:$lsock qmp:$qpid:$qsock > api.out || ok=0
sed -n 's/^lkvm //p' api.out > lkvm.out
sed -n 's/^qmp //p' api.out > qemu.out
rss=$(resident_kib $lpid)
qrss=$(resident_kib $qpid)
echo "BENCH run api lkvm $(cat lkvm.out)"
echo "BENCH run api qemu $(cat qemu.out)"
"$LKVM" stop --force benchapi || ok=0
apibench qmp-quit $qsock || ok=0
wait $lpid $qpid
[ $ok = 1 ] || fail "a measurement failed"

for vmm in lkvm qemu; do
	for f in rtt_p50_us rtt_p99_us pause_p50_us pause_p99_us resume_p50_us \
		 resume_p99_us pair_p50_us pair_p99_us; do
		eval "${vmm}_$f=$(median $f $vmm.out)"
	done
done
echo "BENCH api status query round trip (vm.info / query-status), $n each: median lkvm ${lkvm_rtt_p50_us} us, qemu ${qemu_rtt_p50_us} us; p99 lkvm ${lkvm_rtt_p99_us} us, qemu ${qemu_rtt_p99_us} us"
echo "BENCH api pause (vm.pause / stop): median lkvm ${lkvm_pause_p50_us} us, qemu ${qemu_pause_p50_us} us; p99 lkvm ${lkvm_pause_p99_us} us, qemu ${qemu_pause_p99_us} us"
echo "BENCH api resume (vm.resume / cont): median lkvm ${lkvm_resume_p50_us} us, qemu ${qemu_resume_p50_us} us; p99 lkvm ${lkvm_resume_p99_us} us, qemu ${qemu_resume_p99_us} us"
echo "BENCH api pause + resume: median lkvm ${lkvm_pair_p50_us} us, qemu ${qemu_pair_p50_us} us; p99 lkvm ${lkvm_pair_p99_us} us, qemu ${qemu_pair_p99_us} us"
echo "BENCH api VMM CPU per status query, all threads / main thread: lkvm $(median rtt_vmm_cpu_us lkvm.out) / $(median rtt_vmm_main_cpu_us lkvm.out) us, qemu $(median rtt_vmm_cpu_us qemu.out) / $(median rtt_vmm_main_cpu_us qemu.out) us"
echo "BENCH api VMM CPU per pause + resume, all threads / main thread: lkvm $(median pair_vmm_cpu_us lkvm.out) / $(median pair_vmm_main_cpu_us lkvm.out) us, qemu $(median pair_vmm_cpu_us qemu.out) / $(median pair_vmm_main_cpu_us qemu.out) us"
echo "BENCH api VMM resident memory after the API's use, guest RAM excluded: lkvm ${rss} KiB, qemu ${qrss} KiB"
rtt_ratio=$(ratio $lkvm_rtt_p50_us $qemu_rtt_p50_us)
pause_ratio=$(ratio $lkvm_pair_p50_us $qemu_pair_p50_us)
echo "BENCH api_rtt_ratio_vs_qemu=$rtt_ratio"
echo "BENCH pause_ratio_vs_qemu=$pause_ratio"
echo "BENCH api_rss_kib=$rss"
verdict api_rtt_ratio_vs_qemu $rtt_ratio 0.5
verdict pause_ratio_vs_qemu $pause_ratio 0.5
verdict api_rss_kib $rss 4096

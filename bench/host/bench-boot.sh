# Boot benchmark, run inside the POWER host: lkvm and QEMU boot the same
# kernel and initramfs to the same /init marker, alternately, N times each.
# Prints every run and the medians and ratios. Overhead is given two ways:
# - the issue's: wall time to the marker minus the guest's /proc/uptime
#   there. Linux's clock starts in timekeeping_init, ~0.15-0.25 s into the
#   kernel's boot (and lags until interrupts tick), so this also charges
#   both VMMs with that much of the same kernel work;
# - from the kernel's entry: wall time minus the kernel's whole boot, from
#   its first instruction after any firmware to writing the marker, as
#   kvmwatch.so sees both VMMs' KVM exits (bench/kvmwatch.c): start-up,
#   firmware and device set-up only.
runs=${BENCH_RUNS:-9}
params="console=hvc0 quiet panic=-1 lkvm.script=bench"
ram=536870912	# 512M for both
# the same KVM exit observer for both VMMs (bench/kvmwatch.c)
watch=/usr/lib/lkvm-bench/kvmwatch.so
. /scenarios/bench-lib.sh

lkvm_boot() {
	vmmtime -m LKVM-GUEST-INIT -r $ram -w $watch -- \
		"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 512M -c 1 --debug -p "$params"
}

qemu_boot() {
	vmmtime -m LKVM-GUEST-INIT -r $ram -w $watch -- \
		qemu-system-ppc64 -M pseries,accel=kvm,x-vof=on,ic-mode=xics,kernel-irqchip=on,$qemu_caps \
		-cpu host -smp 1 -m 512M -display none -nodefaults -no-reboot \
		-serial stdio -L /usr/share/qemu \
		-kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" -append "$params"
}

# one unmeasured boot each first: the first guest after the host's boot
# meets an emulator that has not translated the host's KVM paths yet
lkvm_boot < /dev/null > /dev/null
qemu_boot < /dev/null > /dev/null
: > lkvm.runs
: > qemu.runs
i=1
while [ $i -le $runs ]; do
	r=$(lkvm_boot < /dev/null)
	echo "BENCH run lkvm $i $r"
	echo "$r" >> lkvm.runs
	r=$(qemu_boot < /dev/null)
	echo "BENCH run qemu $i $r"
	echo "$r" >> qemu.runs
	i=$((i + 1))
done

ok=1
for vmm in lkvm qemu; do
	for f in wall_marker guest_uptime overhead vmm_setup rss_kb kernel_start preclock \
		 kernel_own vmm_overhead; do
		eval "${vmm}_$f=$(median $f $vmm.runs)"
	done
	grep -q 'wall_marker=-1\|vmm_overhead=-1' $vmm.runs && ok=0
done
echo "BENCH boot median wall to /init: lkvm ${lkvm_wall_marker}s, qemu ${qemu_wall_marker}s"
echo "BENCH boot median guest kernel uptime at /init: lkvm ${lkvm_guest_uptime}s, qemu ${qemu_guest_uptime}s"
echo "BENCH boot median VMM overhead (wall - guest uptime): lkvm ${lkvm_overhead}s, qemu ${qemu_overhead}s"
echo "BENCH boot median lkvm start-up (exec to vCPUs running): ${lkvm_vmm_setup}s"
echo "BENCH boot median kernel proper entered (after any firmware): lkvm ${lkvm_kernel_start}s, qemu ${qemu_kernel_start}s"
echo "BENCH boot median guest kernel's own boot before its clock starts (kernel entry to its get-time-of-day): lkvm ${lkvm_preclock}s, qemu ${qemu_preclock}s"
echo "BENCH boot median guest kernel's whole boot (its entry to writing the marker): lkvm ${lkvm_kernel_own}s, qemu ${qemu_kernel_own}s"
echo "BENCH boot median VMM + firmware overhead (wall - the kernel's whole boot): lkvm ${lkvm_vmm_overhead}s, qemu ${qemu_vmm_overhead}s"
echo "BENCH boot median VMM resident memory excluding guest RAM: lkvm ${lkvm_rss_kb} KiB, qemu ${qemu_rss_kb} KiB"
awk -v a="$lkvm_wall_marker" -v b="$qemu_wall_marker" 'BEGIN {printf "BENCH boot_ratio_vs_qemu=%.3f\n", a / b}'
awk -v a="$lkvm_overhead" -v b="$qemu_overhead" 'BEGIN {printf "BENCH overhead_ratio_vs_qemu=%.3f\n", a / b}'
awk -v a="$lkvm_vmm_overhead" -v b="$qemu_vmm_overhead" 'BEGIN {printf "BENCH vmm_overhead_ratio_vs_qemu=%.3f (overhead measured from the kernel entry, not from /proc/uptime)\n", a / b}'
awk -v a="$lkvm_rss_kb" -v b="$qemu_rss_kb" 'BEGIN {printf "BENCH memory_ratio_vs_qemu=%.3f\n", a / b}'
[ $ok = 1 ]

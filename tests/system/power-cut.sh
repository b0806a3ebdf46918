# Host side of power-cut (driven by power-cut.x86, one boot per phase): the
# vNVDIMM's backing file sits on a disk of the emulated host, and the whole
# emulated host is killed right after the guest fsynced. Phases, from the
# host's command line:
#   lkvm.phase=write  mount the disk (lkvm.mkfs=1: make its ext4 first), run
#                     the guest, which adds data, fsyncs and reports it; the
#                     x86 side cuts the power then, so this phase never ends
#                     on its own unless something failed
#   lkvm.phase=check  mount the disk again and run the guest on the same
#                     file: labels, namespace, XFS and every fsynced checksum
# lkvm.vmm=lkvm|qemu picks the VMM (qemu: Debian's QEMU with the plain
# nvdimm device, from the bench image; its results are reported, not
# judged), lkvm.cycle=N counts the cuts made on that backing so far.
# timeout: 600
. "${LKVM_SCENARIOS:-.}/lib.sh"

phase=${LKVM_PARAM_phase:-}
vmm=${LKVM_PARAM_vmm:-lkvm}
cycle=${LKVM_PARAM_cycle:-1}
backing=/mnt/$vmm.nvdimm
size=1G label=128K
bytes=$((1024 * 1048576 + 131072))
# QEMU's device has no record of its own: the same GUID on every run
qemu_uuid=01c682d5-483f-4906-9c4f-6be4638b4519
params="console=hvc0 quiet panic=-1 lkvm.script=power-cut-$phase pc.cycle=$cycle"
qemu_machine=pseries,accel=kvm,x-vof=on,nvdimm=on,ic-mode=xics,kernel-irqchip=on
qemu_machine=$qemu_machine,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off

now() { cut -d' ' -f1 /proc/uptime; }

# run_vmm: the guest of this phase under the chosen VMM, console on stdout
run_vmm() {
	if [ "$vmm" = qemu ]; then
		qemu-system-ppc64 -M "$qemu_machine" -cpu host -smp 1 \
			-m 1G,slots=4,maxmem=8G -display none -nodefaults -no-reboot \
			-serial stdio -L /usr/share/qemu \
			-object memory-backend-file,id=mem1,share=on,mem-path=$backing,size=$bytes \
			-device nvdimm,id=nvdimm1,memdev=mem1,label-size=$label,uuid=$qemu_uuid \
			-kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" -append "$params"
	else
		"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 1G \
			--nvdimm "$backing,$size,$label" -p "$params"
	fi
}

case "$phase" in write | check) ;; *)
	not_ok "power-cut runs only from power-cut.x86 (lkvm.phase=write or check, got '$phase')"
	finish ;;
esac
if [ "$vmm" = qemu ] && ! command -v qemu-system-ppc64 > /dev/null; then
	not_ok "QEMU is in this host image (boot it with host-bench.cpio)"
	finish
fi
require "the host sees the disk /dev/vda" test -b /dev/vda
if [ "${LKVM_PARAM_mkfs:-0}" = 1 ]; then
	require "mkfs.ext4 on /dev/vda" mkfs.ext4 -q -F /dev/vda
fi
# after a cut, the mount replays ext4's journal
require "the disk's ext4 mounts" mount -t ext4 /dev/vda /mnt
echo "HOST phase=$phase vmm=$vmm cycle=$cycle uptime=$(now)"
ls -l /mnt

if [ "$phase" = write ]; then
	# QEMU's cuts are independent, each from a fresh file, made here and
	# made durable first (as an administrator would have done long
	# before): the comparison is about the device, not the file's creation
	if [ "$vmm" = qemu ] && [ "$cycle" = 1 ]; then
		rm -f "$backing"
		require "QEMU's backing file is made and synced" \
			sh -c "truncate -s $bytes $backing && sync"
	fi
	# the guest's console goes straight to this host's console, where the
	# x86 side watches for its POWER-CUT-FSYNCED line
	run_vmm < /dev/null 2>&1
	rc=$?
	# only reached if the guest stopped before the cut
	not_ok "the guest kept running until the power cut ($vmm exited with $rc at $(now)s)"
	umount /mnt
	finish
fi

# a VMM would make a missing file anew: say so first
if [ -f "$backing" ]; then file=kept; else file=lost; fi
echo "HOST backing file: $file, $(stat -c %s "$backing" 2>/dev/null) bytes"
run_vmm < /dev/null > check.log 2>&1
rc=$?
tr -d '\r' < check.log > check.txt
cat check.txt
report() { sed -n "s/^POWER-CUT-$1 //p" check.txt | tail -1; }
labels=$(report LABELS) namespace=$(report NAMESPACE) fs=$(report FILESYSTEM)
data=$(report DATA) overwrite=$(report OVERWRITE)
echo "POWER-CUT-REPORT vmm=$vmm cycle=$cycle file=$file labels=${labels:-unknown}" \
	"namespace=${namespace:-unknown} filesystem=${fs:-unknown}" \
	"data=${data:-unknown} overwrite=${overwrite:-unknown}"
if [ "$vmm" = qemu ]; then
	# the comparison is informational: QEMU's results are reported only
	check "QEMU ran the check guest (exit code $rc)" contains check.txt '^POWER-CUT-CHECKED'
else
	check "lkvm exits 0 after the check" test $rc = 0
	check "the namespace labels are there" test "$labels" = kept
	check "namespace0.0 and /dev/pmem0 are there" test "$namespace" = kept
	check "XFS mounts (after log replay)" test "$fs" = kept
	check "every fsynced file of the $cycle cuts matches its checksum" test "$data" = kept
	check "the last in-place overwrite is there" test "$overwrite" = kept
	check "the backing file is still $bytes bytes" test "$(stat -c %s "$backing")" = $bytes
	check "the unit GUID record is there" test -s "$backing.uuid"
fi
umount /mnt
finish

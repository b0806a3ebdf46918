# Root-file-system benchmark, run inside the POWER host: boot to /init from
# the pmem root image (lkvm --rootfs-pmem), from the same userland as an
# initramfs (lkvm -i), and from the same image under QEMU (spapr-nvdimm,
# same label area and GUID); then 8 guests on one image and how much host
# memory the image's pages take (PSS: pages shared by n guests count 1/n).
# disks: rootfs
. /scenarios/lib.sh
. /scenarios/bench-lib.sh
runs=${BENCH_RUNS:-5}
ram=536870912
image=/tmp/rootfs.img
rootfs_image $image || { echo "BENCH rootfs image missing"; exit 1; }
guid=$(cat $image.uuid)
size=$(stat -c %s $image)
params="console=hvc0 quiet panic=-1 lkvm.script=bench"

pmem_boot() {
	vmmtime -m LKVM-GUEST-INIT -r $ram -- \
		"$LKVM" run -k "$GUEST_KERNEL" --rootfs-pmem $image -m 512M -p "$params"
}

initrd_boot() {
	vmmtime -m LKVM-GUEST-INIT -r $ram -- \
		"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 512M -p "$params"
}

qemu_boot() {
	vmmtime -m LKVM-GUEST-INIT -r $ram -- \
		qemu-system-ppc64 -M pseries,accel=kvm,x-vof=on,nvdimm=on,ic-mode=xics,kernel-irqchip=on,$qemu_caps \
		-cpu host -smp 1 -m 512M,slots=4,maxmem=4G -display none -nodefaults -no-reboot \
		-serial stdio -L /usr/share/qemu -kernel "$GUEST_KERNEL" \
		-object memory-backend-file,id=mem1,share=off,mem-path=$image,size=$size \
		-device spapr-nvdimm,memdev=mem1,label-size=128K,uuid=$guid,unarmed=on \
		-append "root=/dev/pmem0 rootflags=dax ro rootfstype=ext4 $params"
}

: > pmem.runs; : > initrd.runs; : > qemu.runs
i=1
while [ $i -le $runs ]; do
	for kind in pmem initrd qemu; do
		r=$(${kind}_boot < /dev/null)
		echo "BENCH run $kind $i $r"
		echo "$r" >> $kind.runs
	done
	i=$((i + 1))
done

ok=1
for kind in pmem initrd qemu; do
	eval "${kind}_wall=$(median wall_marker $kind.runs)"
	eval "${kind}_up=$(median guest_uptime $kind.runs)"
	grep -q 'wall_marker=-1' $kind.runs && ok=0
done
echo "BENCH rootfs median wall to /init: lkvm pmem root ${pmem_wall}s, lkvm initramfs ${initrd_wall}s, qemu pmem root ${qemu_wall}s"
echo "BENCH rootfs median guest uptime at /init: lkvm pmem root ${pmem_up}s, lkvm initramfs ${initrd_up}s, qemu pmem root ${qemu_up}s"
awk -v a="$pmem_wall" -v b="$initrd_wall" 'BEGIN {printf "BENCH rootfs pmem_vs_initramfs_boot_ratio=%.3f\n", a / b}'
awk -v a="$pmem_wall" -v b="$qemu_wall" 'BEGIN {printf "BENCH rootfs pmem_boot_ratio_vs_qemu=%.3f\n", a / b}'

# 8 guests from one image, kept running; PSS of the image's mappings
pids=""
for g in 1 2 3 4 5 6 7 8; do
	"$LKVM" run -k "$GUEST_KERNEL" --rootfs-pmem $image -m 256M \
		-p "console=hvc0 quiet panic=-1 lkvm.script=sleep" < /dev/null > g$g.log 2>&1 &
	pids="$pids $!"
done
up=0
for g in 1 2 3 4 5 6 7 8; do
	set -- $pids
	eval "p=\${$g}"
	wait_for g$g.log '^GUEST-UP' "$p" && up=$((up + 1))
done
total_pss=0 total_rss=0
for p in $pids; do
	kb=$(awk -v img=$image '/^[0-9a-f]+-/ {m = ($6 == img)} m && /^Pss:/ {pss += $2}
		m && /^Rss:/ {rss += $2} END {print pss + 0, rss + 0}' /proc/$p/smaps)
	set -- $kb
	echo "BENCH rootfs guest pid $p: image Rss ${2} KiB, image Pss ${1} KiB"
	total_pss=$((total_pss + $1)) total_rss=$((total_rss + $2))
done
echo "BENCH rootfs 8 guests up: $up; image pages resident in each guest's VMM: about $((total_rss / 8)) KiB"
echo "BENCH rootfs summed image PSS over the 8 guests: ${total_pss} KiB (the image's pages counted once); per guest $((total_pss / 8)) KiB"
awk -v a="$total_pss" -v b="$total_rss" 'BEGIN {if (b) printf "BENCH rootfs image_pss_sum_over_rss_sum=%.3f (1/8 = 0.125 when every page is shared by all 8)\n", a / b}'
kill $pids 2>/dev/null
wait
[ $ok = 1 ] && [ $up = 8 ]

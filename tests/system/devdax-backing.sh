# A device-DAX namespace of the host's own NVDIMM backs a guest vNVDIMM (the
# seed's "host namespace backed" case): the host makes the devdax namespace,
# lkvm maps /dev/dax0.0 as real pmem (no flush hcall), the guest prepares a
# namespace and XFS, and its files round-trip through a second lkvm on the
# same device. Booted by devdax-backing.x86, which gives the emulated host
# its NVDIMM (QEMU's spapr-nvdimm on a file of the x86 machine).
# timeout: 110
. "${LKVM_SCENARIOS:-.}/lib.sh"

# the unit GUID of a device-DAX backing is recorded here, as dax0.0.uuid
export LKVM_STATE_DIR=/tmp/lkvm-state
record=$LKVM_STATE_DIR/dax0.0.uuid

# exited RC: lkvm's exit code, and the signal if one killed it
exited() {
	echo "HOST lkvm exit code $1"
	if [ "$1" -gt 128 ]; then
		echo "LKVM-KILLED-BY-SIGNAL $(($1 - 128)) SIG$(kill -l $(($1 - 128)) 2>/dev/null)"
		# the kernel's report: instruction address and library offset
		dmesg | grep 'lkvm\[' | tail -n 3
	fi
}

echo "== the host's own NVDIMM"
ndctl list -D -R
require "the host has an NVDIMM region" test -e /sys/bus/nd/devices/region0
require "disable-region" ndctl disable-region region0
require "init-labels nmem0" ndctl init-labels nmem0
require "enable-region" ndctl enable-region region0
# 512M for the guest plus room for a label area and the device's own
# metadata; the region's alignment (16M here) rounds namespace sizes
ndctl create-namespace --region=region0 -m devdax -s 528M > ns.json
rc=$?
cat ns.json
require "create-namespace -m devdax" test $rc = 0
require "/dev/dax0.0 is a character device" test -c /dev/dax0.0
devsize=$(cat /sys/bus/dax/devices/dax0.0/size)
# SIZE: the largest multiple of 256M that leaves at least 128K of label
size=$(((devsize - 131072) / 268435456 * 268435456))
label=$((devsize - size))
echo "HOST dax0.0 size $devsize: SIZE $((size / 1048576))M + LABEL $((label / 1024))K"
require "dax0.0 holds 512M and a label area of 128K to 16M" \
	test $size = 536870912 -a $label -ge 131072 -a $label -le 16777216
spec=/dev/dax0.0,$((size / 1048576))M,$((label / 1024))K

# a size other than the device's is refused, naming both
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --nvdimm /dev/dax0.0,256M,128K \
	< /dev/null > wrong.log 2>&1
rc=$?
cat wrong.log
check "a SIZE + LABEL other than the device's is refused" test $rc != 0
check "the refusal names device DAX and its size" contains wrong.log "device DAX.* $devsize"

run_guest write.log devdax-write -m 1G --nvdimm "$spec"
rc=$?
cat write.log
exited $rc
check "first boot: lkvm exits 0" test $rc = 0
check "first boot: no flush hcall is advertised (real pmem)" \
	contains write.log '^GUEST-FLUSH-HCALL no$'
check "first boot: namespace and XFS prepared" contains write.log '^GUEST-PREPARED'
check "first boot: files written and synced" contains write.log '^GUEST-WRITTEN'
check "the unit GUID is recorded in \$LKVM_STATE_DIR/dax0.0.uuid" \
	grep -Eqx '[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}' "$record"
guid=$(cat "$record" 2>/dev/null)
echo "HOST unit GUID record: $guid"

run_guest check.log persist-check -m 1G --nvdimm "$spec"
rc=$?
cat check.log
exited $rc
check "second boot: lkvm exits 0" test $rc = 0
check "second boot: /dev/pmem0 exists without running ndctl" contains check.log '^GUEST-PMEM0-PRESENT'
check "second boot: XFS mounts" contains check.log '^GUEST-MOUNTED'
check "second boot: every checksum matches" contains check.log '^GUEST-SUMS-OK'
check "the GUID record is unchanged" test "$(cat "$record" 2>/dev/null)" = "$guid"
finish

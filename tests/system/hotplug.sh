# vNVDIMM hot-plug and hot-unplug: a guest booted with none gets one with
# `lkvm nvdimm attach`, prepares it as the seed does and writes to it;
# `lkvm nvdimm detach` takes it away once the guest gave it back (the
# region is gone, the backing holds the data, its lock is released); an
# attach of the same file shows the namespace and data without ndctl.
# timeout: 600
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run
img=/tmp/hp.img
rm -f $img

run_guest_bg hp.log hotplug --name hp1 -m 1G
trap 'echo "--- the guest and lkvm:"; cat hp.log' EXIT
require "the guest is up, with no vNVDIMM" wait_for hp.log '^GUEST-READY-EMPTY' $pid
check "no region at boot" sh -c "! grep -q GUEST-REGION-AT-BOOT hp.log"

"$LKVM" nvdimm attach hp1 $img,512M,128K > attach.log 2>&1
rc=$?
cat attach.log
check "attach answers once the guest took the device" test $rc = 0
check "attach names slot 0 and its DRC index" \
	grep -q '^hp1: attached nvdimm0 (slot 0, DRC index 0x90000000, 512M)$' attach.log
check "the backing file was created, region + label" test "$(stat -c %s $img)" = 537001984
check "lkvm list counts it" test "$(vnvdimms hp1)" = 1
require "the guest sees nmem0 and region0 appear" wait_for hp.log '^GUEST-PLUGGED' $pid
require "the guest wrote and unmounted" wait_for hp.log '^GUEST-WROTE' $pid
check "ndctl: nmem0" contains hp.log '"dev":"nmem0"'
check "ndctl: region0 of 536870912 bytes" contains hp.log '"size":536870912'
check "the seed's steps: labels, fsdax namespace, XFS" contains hp.log '^GUEST-STEP prepare rc=0'
check "mount -o dax" contains hp.log '^GUEST-STEP mount rc=0'
marker=$(tr -d '\r' < hp.log | sed -n 's/^GUEST-MARKER //p')
check "lkvm stat counts the device's label writes" \
	sh -c "'$LKVM' stat hp1 | grep -Eq '^nvdimm0 label_writes [1-9]'"

check "the file is locked while attached" locked $img
"$LKVM" nvdimm detach hp1 nvdimm0 > detach.log 2>&1
rc=$?
cat detach.log
check "detach answers once the guest gave the device back" test $rc = 0
check "detach says so" grep -q '^hp1: detached nvdimm0$' detach.log
check "the guest's region is gone" wait_for hp.log '^GUEST-UNPLUGGED' $pid
check "and /dev/pmem0 with it" contains hp.log '^GUEST-PMEM0-GONE'
check "lkvm list counts none" test "$(vnvdimms hp1)" = 0
check "the backing file holds what the guest wrote" \
	sh -c "[ -n '$marker' ] && grep -aq '$marker' $img"
check "its lock is released" unlocked $img
check "detach of a device no longer there: 404, exit 1" \
	sh -c "'$LKVM' nvdimm detach hp1 nvdimm0; [ \$? = 1 ]"

check "attach again" "$LKVM" nvdimm attach hp1 $img,512M,128K
check "the namespace is back without ndctl" wait_for hp.log '^GUEST-PMEM0-BACK' $pid
check "XFS mounts again" wait_for hp.log '^GUEST-MOUNTED-AGAIN' $pid
check "every byte is there" wait_for hp.log '^GUEST-SUMS-OK' $pid
check "the marker too" wait_for hp.log "^GUEST-MARKER-OK" $pid
wait $pid
rc=$?
check "lkvm exits 0 when the guest powers off" test $rc = 0
check "no socket left" test ! -e $LKVM_RUN_DIR/hp1.sock
finish

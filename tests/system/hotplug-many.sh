# Hot-plug up to the slot limit: 16 vNVDIMMs attached one after the other
# (the 17th refused: no free slot), detached in another order, the guest
# following each; then two attached again into the holes.
# timeout: 900
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run
# sparse files of the right size: lkvm allocates only empty ones, and the
# guest touches only their labels
for i in $(seq 0 16); do
	rm -f /tmp/hm-$i.img /tmp/hm-$i.img.uuid
	truncate -s 268566528 /tmp/hm-$i.img
done

run_guest_bg hm.log hotplug-count --name hm -m 1G
trap 'echo "--- the guest and lkvm:"; cat hm.log' EXIT
require "the guest is up, with no vNVDIMM" wait_for hm.log '^GUEST-READY-EMPTY' $pid

ok=0
for i in $(seq 0 15); do
	"$LKVM" nvdimm attach hm /tmp/hm-$i.img,256M,128K > a.log 2>&1 &&
		grep -q "attached nvdimm$i (slot $i," a.log && ok=$((ok + 1))
done
check "16 attached, each in the next slot ($ok)" test $ok = 16
check "the guest sees 16 regions" wait_for hm.log '^GUEST-REGIONS 16$' $pid
check "lkvm list counts 16" test "$(vnvdimms hm)" = 16
"$LKVM" nvdimm attach hm /tmp/hm-16.img,256M,128K > a.log 2>&1
rc=$?
cat a.log
check "a 17th: no free slot, 409, exit 1" \
	sh -c "[ $rc = 1 ] && grep -q 'no free slot.*HTTP 409' a.log"
check "... nothing changed" test "$(vnvdimms hm)" = 16

ok=0
for i in 13 11 9 7 5 3 1 0 2 4 6 8 10 12 14 15; do
	"$LKVM" nvdimm detach hm nvdimm$i > d.log 2>&1 && ok=$((ok + 1))
done
check "16 detached, odd slots down, then even ones up ($ok)" test $ok = 16
check "the guest sees none" wait_for hm.log '^GUEST-REGIONS 0$' $pid
check "lkvm list counts none" test "$(vnvdimms hm)" = 0

check "attach into slot 7 again" "$LKVM" nvdimm attach hm /tmp/hm-7.img,256M,128K --slot 7
"$LKVM" nvdimm attach hm /tmp/hm-16.img,256M,128K > a.log 2>&1
cat a.log
check "the next goes into the lowest free slot" grep -q 'attached nvdimm0 (slot 0,' a.log
check "the guest sees 2 regions" wait_for hm.log '^GUEST-REGIONS 2$' $pid
check "stop" "$LKVM" stop --force hm
wait $pid
check "lkvm exits 0" test $? = 0
check "no file left locked" sh -c "! grep -q ' FLOCK ' /proc/locks"
finish

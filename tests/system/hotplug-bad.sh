# vNVDIMM hot-plug refusals and timeouts, each with a clear error and the
# running guest untouched: a file of the wrong size, one another lkvm
# holds, the same file twice, a slot in use, an unknown id, a plug while
# paused, a detach or a second plug while a plug is under way; a plug the
# guest does not take in time is taken back, an unplug it does not answer
# in time stays until the guest gives the device back; and hot-plugged
# devices are in the tree of the guest's next boot. A second VM, "deaf",
# holds a file and never answers hot-plug events (its kernel skips the
# initcall that requests their interrupt), so a plug stays under way there
# for as long as the test needs.
# timeout: 900
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run
rm -f /tmp/hb-*.img /tmp/hb-*.img.uuid

# refused DESCRIPTION PATTERN COMMAND...: COMMAND exits 1 and says PATTERN
refused() {
	local desc=$1 pattern=$2
	shift 2
	"$@" > refused.log 2>&1
	local rc=$?
	cat refused.log
	check "$desc (exit $rc)" sh -c "[ $rc = 1 ] && grep -Eq -- \"$pattern\" refused.log"
}

# in_second_boot PATTERN: the guest's second boot printed a line of PATTERN
in_second_boot() {
	tr -d '\r' < hb.log | sed -n '/^GUEST-REGIONS-AT-BOOT/,$p' | grep -q "$1"
}

run_guest_bg hb.log hotplug-wait --name hb -m 1G
hb=$pid
trap 'echo "--- the guest and lkvm:"; cat hb.log' EXIT
require "the guest is up" wait_for hb.log '^GUEST-READY-EMPTY' $hb
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --name deaf \
	--nvdimm /tmp/hb-held.img,256M,128K -p "console=hvc0 quiet panic=-1 \
	lkvm.script=sleep initcall_blacklist=__machine_initcall_pseries_init_ras_hotplug_IRQ" \
	< /dev/null > deaf.log 2>&1 &
deaf=$!
require "another VM holds a file" wait_for deaf.log '^GUEST-UP' $deaf

truncate -s 100M /tmp/hb-wrong.img
refused "a file of another size" "hb-wrong.img is 104857600 bytes, expected 268566528.*HTTP 400" \
	"$LKVM" nvdimm attach hb /tmp/hb-wrong.img,256M,128K
check "... is left as it was" test "$(stat -c %s /tmp/hb-wrong.img)" = 104857600
refused "a file another lkvm holds" "in use by another lkvm.*HTTP 409" \
	"$LKVM" nvdimm attach hb /tmp/hb-held.img,256M,128K
"$LKVM" api hb PUT vm.add-nvdimm \
	'{"file": "/tmp/hb-x.img", "size": 104857600, "label_size": 131072}' > api.log 2>&1
cat api.log
check "a size not of 256 MiB blocks: 400 naming the field" \
	grep -q '"size\\" must be a multiple of 268435456' api.log
check "... creates nothing" test ! -e /tmp/hb-x.img
check "attach a device" "$LKVM" nvdimm attach hb /tmp/hb-a.img,256M,128K --id first

# a guest that does not answer: a plug stays under way until its timeout
"$LKVM" nvdimm attach deaf /tmp/hb-b.img,256M,128K --timeout 8 > attach-b.log 2>&1 &
attach=$!
check "the plug is under way" until_count deaf 2
refused "a detach mid-plug" "'nvdimm1' is being added.*HTTP 409" \
	"$LKVM" nvdimm detach deaf nvdimm1
refused "a second plug mid-plug" "is being added.*HTTP 409" \
	"$LKVM" nvdimm attach deaf /tmp/hb-c.img,256M,128K
check "... which creates nothing" test ! -e /tmp/hb-c.img
wait $attach
rc=$?
cat attach-b.log
check "a plug the guest does not take in time fails (exit $rc)" test $rc = 1
check "... with 504: taken back" \
	grep -q "did not take the device in 8 s: it was taken back (HTTP 504)" attach-b.log
check "... nothing left: the file it made is gone" test ! -e /tmp/hb-b.img
check "... one device, as before" test "$(vnvdimms deaf)" = 1
refused "an unplug the guest does not answer in time" \
	"did not give 'nvdimm0' back in 2 s: it stays attached.*HTTP 504" \
	"$LKVM" nvdimm detach deaf nvdimm0 --timeout 2
check "... and it does stay" test "$(vnvdimms deaf)" = 1
check "... its file still locked" locked /tmp/hb-held.img

refused "the same file twice" "hb-a.img is attached already, as device 'first'.*HTTP 409" \
	"$LKVM" nvdimm attach hb /tmp/hb-a.img,256M,128K
refused "a slot in use" "slot 0 holds device 'first'.*HTTP 409" \
	"$LKVM" nvdimm attach hb /tmp/hb-c.img,256M,128K --slot 0
refused "an id in use" "a device 'first' is attached already.*HTTP 409" \
	"$LKVM" nvdimm attach hb /tmp/hb-c.img,256M,128K --id first
refused "another slot's own name" "'nvdimm5' is slot 5's name.*HTTP 400" \
	"$LKVM" nvdimm attach hb /tmp/hb-c.img,256M,128K --id nvdimm5
refused "an unknown id" "no device 'nosuch'.*HTTP 404" \
	"$LKVM" nvdimm detach hb nosuch
check "pause" "$LKVM" pause hb
refused "a plug while paused" "paused.*resume it first.*HTTP 405" \
	"$LKVM" nvdimm attach hb /tmp/hb-c.img,256M,128K
refused "an unplug while paused" "paused.*resume it first.*HTTP 405" \
	"$LKVM" nvdimm detach hb first
check "... creates nothing" test ! -e /tmp/hb-c.img
check "... takes nothing" test "$(vnvdimms hb)" = 1
check "resume" "$LKVM" resume hb

check "attach a second device" "$LKVM" nvdimm attach hb /tmp/hb-b.img,256M,128K
# no time for the guest: the deadline is the loop's next turn, and what
# the guest has done by then decides (a quick guest may even be done): the
# device is taken back at once, or asked back and removed when the guest
# has given it back, leaving nothing either way; or it is attached
"$LKVM" nvdimm attach hb /tmp/hb-c.img,256M,128K --timeout 0 > c.log 2>&1
rc=$?
cat c.log
if [ $rc = 0 ]; then
	check "a plug with no time for the guest: the guest was done by then" \
		"$LKVM" nvdimm detach hb nvdimm2
else
	check "a plug with no time for the guest: 504, taken or asked back" \
		grep -Eq "(did not take the device in 0 s: it was taken back|did not finish adding 'nvdimm2' in 0 s: it was asked to give it back).*HTTP 504" c.log
	check "... nothing left: the file it made is gone" \
		sh -c "i=0; while [ -e /tmp/hb-c.img ] && [ \$i -lt 300 ]; do sleep 0.2; i=\$((i + 1)); done; [ ! -e /tmp/hb-c.img ]"
fi
check "... then two devices again" until_count hb 2
# the same for an unplug: removed at once, or 504 and removed once given back
"$LKVM" nvdimm detach hb nvdimm1 --timeout 0 > d.log 2>&1
rc=$?
cat d.log
check "an unplug with no time for the guest: done, or 504 and it stays" \
	sh -c "[ $rc = 0 ] || grep -q \"did not give 'nvdimm1' back in 0 s: it stays attached.*HTTP 504\" d.log"
check "... goes once the guest gives it back" until_count hb 1

check "attach in slot 3 (the guest reboots then)" \
	"$LKVM" nvdimm attach hb /tmp/hb-d.img,256M,128K --slot 3 --id data
check "the guest reboots" wait_for hb.log '^GUEST-REBOOTING' $hb
check "the next boot has both devices in its tree" \
	wait_for hb.log '^GUEST-REGIONS-AT-BOOT 2$' $hb
check "... slot 0's node" in_second_boot '^ibm,pmemory@90000000$'
check "... and slot 3's" in_second_boot '^ibm,pmemory@90000003$'
wait $hb
check "lkvm exits 0" test $? = 0
"$LKVM" stop --force deaf > /dev/null
wait $deaf
check "the deaf VM stops, its device asked back but never given: exit 0" test $? = 0
check "... and its file unlocked" unlocked /tmp/hb-held.img
finish

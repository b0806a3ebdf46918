# The seed's hot-plug XML, verbatim (libvirt's <memory model='nvdimm'>, 1 GiB
# with a 128 KiB label: a 768 MiB region in an 805437440-byte file): `lkvm
# nvdimm attach NAME nvdimm-mem.xml` plugs it, `lkvm nvdimm detach NAME
# nvdimm-mem.xml` finds it by its uuid and takes it out; XMLs lkvm cannot
# honour are refused by name; `lkvm run --nvdimm-xml` takes the same XML.
# timeout: 600
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run
xml=/scenarios/data/nvdimm-mem.xml
img=/tmp/nvdimm-hp.img
rm -f $img $img.uuid
cat $xml

# refused DESCRIPTION PATTERN XML-TEXT: attach of XML-TEXT exits 2, says PATTERN
refused() {
	printf '%s\n' "$3" > bad.xml
	"$LKVM" nvdimm attach hx bad.xml > refused.log 2>&1
	local rc=$?
	cat refused.log
	check "$1 (exit $rc)" sh -c "[ $rc = 2 ] && grep -Eq -- \"$2\" refused.log"
}

run_guest_bg hx.log hotplug-count --name hx -m 1G
trap 'echo "--- the guest and lkvm:"; cat hx.log' EXIT
require "the guest is up, with no vNVDIMM" wait_for hx.log '^GUEST-READY-EMPTY' $pid

"$LKVM" nvdimm attach hx $xml > attach.log 2>&1
rc=$?
cat attach.log
check "attach the seed's XML" test $rc = 0
check "a 768M region in slot 0" grep -q '^hx: attached nvdimm0 (slot 0, DRC index 0x90000000, 768M)$' attach.log
check "the file is the region and the label: 805437440 bytes" test "$(stat -c %s $img)" = 805437440
"$LKVM" api hx GET vm.info > info.log 2>&1
check "vm.info: the XML's uuid" grep -q '"uuid":"7d1c9a52-3f4e-4b8a-9c61-2e5f8a0b4d37"' info.log
check "the guest sees the region" wait_for hx.log '^GUEST-REGIONS 1$' $pid

refused "malformed XML" "bad.xml:[0-9]+" "<memory model='nvdimm'><source>"
refused "another device model" "model='dimm'" \
	"<memory model='dimm'><target><size unit='GiB'>1</size></target></memory>"
refused "a size that aligns to zero" "256" \
	"<memory model='nvdimm'><source><path>/tmp/z.img</path></source><target><size unit='MiB'>200</size><label><size unit='KiB'>128</size></label></target></memory>"
refused "a NUMA node" "<node>" \
	"<memory model='nvdimm'><source><path>/tmp/z.img</path></source><target><size unit='GiB'>1</size><node>0</node><label><size unit='KiB'>128</size></label></target></memory>"
check "... none of them changed the guest" test "$(vnvdimms hx)" = 1
check "... or made a file" test ! -e /tmp/z.img

"$LKVM" nvdimm detach hx $xml > detach.log 2>&1
rc=$?
cat detach.log
check "detach by the same XML (its uuid)" test $rc = 0
check "... finds nvdimm0" grep -q '^hx: detached nvdimm0$' detach.log
check "the guest's region is gone" wait_for hx.log '^GUEST-REGIONS 0$' $pid
check "stop" "$LKVM" stop --force hx
wait $pid
check "lkvm exits 0" test $? = 0

run_guest_bg hx2.log hotplug-count --name hx2 -m 1G --nvdimm-xml $xml
check "lkvm run --nvdimm-xml: the guest boots with the region" \
	wait_for hx2.log '^GUEST-REGIONS 1$' $pid
"$LKVM" api hx2 GET vm.info > info2.log 2>&1
cat info2.log
check "... of 768M, with the XML's uuid" \
	grep -q '"size":805306368,.*"uuid":"7d1c9a52-3f4e-4b8a-9c61-2e5f8a0b4d37"' info2.log
check "stop" "$LKVM" stop --force hx2
wait $pid
check "lkvm exits 0" test $? = 0
finish

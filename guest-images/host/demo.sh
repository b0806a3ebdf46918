# The demo, run inside the emulated POWER host: what the host offers, a
# guest booted by lkvm, then the seed's persistent-memory workflow on a
# file-backed vNVDIMM and a second boot that finds the data again.
echo "== lkvm probe"
"$LKVM" probe || exit 1
echo
echo "== lkvm run: a guest with 2 vCPUs, no firmware"
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 1G -c 2 \
	-p "console=hvc0 quiet lkvm.script=demo" < /dev/null || exit 1
echo
echo "== lkvm run --nvdimm /tmp/nvdimm,2816M,128K  (the file starts empty)"
touch /tmp/nvdimm
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 1G --nvdimm /tmp/nvdimm,2816M,128K \
	-p "console=hvc0 quiet lkvm.script=demo-pmem" < /dev/null || exit 1
echo "host: the backing file is now $(stat -c %s /tmp/nvdimm) bytes; its unit GUID" \
	"is kept in /tmp/nvdimm.uuid: $(cat /tmp/nvdimm.uuid)"
echo
echo "== lkvm run again on the same file: the namespace and the data are still there"
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 1G --nvdimm /tmp/nvdimm,2816M,128K \
	-p "console=hvc0 quiet lkvm.script=demo-pmem-again" < /dev/null

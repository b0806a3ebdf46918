# The demo, run inside the emulated POWER host: what this host offers, then
# a guest booted by lkvm.
echo "== lkvm probe"
"$LKVM" probe || exit 1
echo
echo "== lkvm run: booting a guest"
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 1G -c 2 \
	-p "console=hvc0 quiet lkvm.script=demo" < /dev/null

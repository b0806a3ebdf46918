# guest side of reboot: announce the boot, then reboot (or panic)
echo "GUEST-BOOTED"
for word in $(cat /proc/cmdline); do
	case "$word" in
	lkvm.how=panic)
		echo "GUEST-PANICKING"
		echo c > /proc/sysrq-trigger ;;
	esac
done
reboot -f

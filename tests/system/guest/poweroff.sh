# guest side of poweroff: nothing to do, /init powers off afterwards
echo "GUEST-MARKER poweroff"

# guest side of console-output's check: the namespace and the mark are back
mkdir -p /mnt/p
mount -o dax /dev/pmem0 /mnt/p && echo "GUEST-MARK $(cat /mnt/p/mark)"

# the demo's second boot: no ndctl needed, mount and read
run() { echo "guest# $*"; "$@"; }
run ndctl list -N
run mount -o dax /dev/pmem0 /mnt
run cat /mnt/hello
run umount /mnt

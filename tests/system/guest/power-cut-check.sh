# guest side of power-cut, check phase: what survived the cut, one
# "POWER-CUT-WHAT kept|lost" line each (pc.cycle=N: cuts so far)
cycle=$(sed -n 's/.*pc\.cycle=\([0-9]*\).*/\1/p' /proc/cmdline)
say() { if [ "$2" = 0 ]; then echo "POWER-CUT-$1 kept"; else echo "POWER-CUT-$1 lost"; fi; }
# labels: a valid index block and a namespace label with a real uuid
ndctl read-labels -j nmem0 > /tmp/labels.json
grep -E '"signature"|"uuid"' /tmp/labels.json
grep -q '"NAMESPACE_INDEX"' /tmp/labels.json &&
	grep '"uuid":' /tmp/labels.json | grep -qv '"00000000-0000-0000-0000-000000000000"'
say LABELS $?
ndctl list -N
test -b /dev/pmem0
say NAMESPACE $?
mount -o dax /dev/pmem0 /mnt
say FILESYSTEM $?
# every cut added one file and its checksum: all of them, and all match
cat /mnt/sums
n=$(grep -c ' data[0-9]*$' /mnt/sums 2>/dev/null)
(cd /mnt && sha256sum -c sums) && [ "${n:-0}" = "$cycle" ]
say DATA $?
head -1 /mnt/latest
[ "$(head -1 /mnt/latest 2>/dev/null)" = "cycle $cycle" ]
say OVERWRITE $?
umount /mnt 2>/dev/null
echo POWER-CUT-CHECKED

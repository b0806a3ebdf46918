# helpers for guest-side pmem scripts (sourced)

# mkfs.xfs options for XFS on an fsdax namespace, the one definition for
# every guest script that makes one: 64 KiB blocks, the guest's page size
# (XFS mounts with -o dax only when a block is one page); 512-byte sectors,
# the pmem device's logical block size; no reflink, which older kernels
# refuse to combine with DAX
xfs_dax_opts="-b size=65536 -s size=512 -m reflink=0"

# mkfs_xfs_dax DEVICE: a new XFS for DAX on DEVICE, over whatever it held
mkfs_xfs_dax() {
	# shellcheck disable=SC2086 # one option a word
	mkfs.xfs -f $xfs_dax_opts "$@"
}

# the seed's preparation of a fresh vNVDIMM: labels, an fsdax namespace, XFS
pmem_prepare() {
	local region=${1:-region0} nmem=${2:-nmem0}
	ndctl disable-region "$region" && ndctl init-labels "$nmem" &&
		ndctl enable-region "$region" &&
		ndctl create-namespace --region="$region" > /tmp/ns.json &&
		mkfs_xfs_dax "/dev/pmem${region#region}" > /dev/null
}

# write @count MiB of random data to FILE and record its checksum in DIR/sums
write_checked() {
	dd if=/dev/urandom of="$1" bs=1M count="$2" 2>/dev/null &&
		(cd "$(dirname "$1")" && sha256sum "$(basename "$1")" >> sums)
}

# pmem_write_fsynced: a fresh fsdax namespace with XFS on /mnt, 8 MiB of
# random data and its checksums written and fsynced, then GUEST-FSYNCED
pmem_write_fsynced() {
	pmem_prepare && mount -o dax /dev/pmem0 /mnt || echo GUEST-PREPARE-FAILED
	dd if=/dev/urandom of=/mnt/data bs=1M count=8 conv=fsync 2>/dev/null
	(cd /mnt && sha256sum data > sums && sync)
	sync
	echo "GUEST-FSYNCED"
}

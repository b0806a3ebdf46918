# helpers for guest-side pmem scripts (sourced)

# the seed's preparation of a fresh vNVDIMM: labels, an fsdax namespace, XFS
pmem_prepare() {
	local region=${1:-region0} nmem=${2:-nmem0}
	ndctl disable-region "$region" && ndctl init-labels "$nmem" &&
		ndctl enable-region "$region" &&
		ndctl create-namespace --region="$region" > /tmp/ns.json &&
		mkfs.xfs -f -b size=65536 -s size=512 -m reflink=0 "/dev/pmem${region#region}" > /dev/null
}

# write @count MiB of random data to FILE and record its checksum in DIR/sums
write_checked() {
	dd if=/dev/urandom of="$1" bs=1M count="$2" 2>/dev/null &&
		(cd "$(dirname "$1")" && sha256sum "$(basename "$1")" >> sums)
}

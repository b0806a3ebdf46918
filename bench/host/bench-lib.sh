# Helpers for the benchmarks run inside the POWER host (sourced).

# The emulated host reports the speculation controls as broken (TCG
# underneath): QEMU refuses to start a KVM guest unless told the same.
qemu_caps=cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off

# median FIELD FILE: the median of FIELD=value over the lines of FILE
median() {
	sed -n "s/.*$1=\([-0-9.]*\).*/\1/p" "$2" | sort -n |
		awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# guest side of devdax-backing, first boot: a device-DAX backing is real
# pmem to lkvm, so its node carries no ibm,hcall-flush-required; then the
# persistence scenario's first boot (prepare, write, record checksums)
for node in /proc/device-tree/ibm,persistent-memory/ibm,pmemory@*; do
	if [ -e "$node/ibm,hcall-flush-required" ]; then
		echo "GUEST-FLUSH-HCALL yes"
	else
		echo "GUEST-FLUSH-HCALL no"
	fi
done
sh /guest-tests/persist-write.sh

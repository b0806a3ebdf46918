# Data written to a vNVDIMM survives a power-off and a new lkvm on the same
# file, without uuid= (the unit GUID is kept with the backing).
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

expect_exit 0 "first boot" write.log persist-write -m 1G --nvdimm /tmp/pm,512M,128K
check "first boot: namespace and XFS prepared" contains write.log '^GUEST-PREPARED'
check "first boot: files written and synced" contains write.log '^GUEST-WRITTEN'

expect_exit 0 "second boot" check.log persist-check -m 1G --nvdimm /tmp/pm,512M,128K
check "second boot: /dev/pmem0 exists without running ndctl" contains check.log '^GUEST-PMEM0-PRESENT'
check "second boot: namespace0.0 listed" contains check.log '"dev":"namespace0.0"'
check "second boot: XFS mounts" contains check.log '^GUEST-MOUNTED'
check "second boot: every checksum matches" contains check.log '^GUEST-SUMS-OK'
finish

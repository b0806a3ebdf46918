# The seed workflow with lkvm: a file-backed vNVDIMM made from an empty file
# becomes an fsdax namespace with a DAX-mounted XFS that survives a stress run.
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

touch /tmp/nvdimm
INITRD=$GUEST_INITRD_FIO run_guest seed.log seed -m 1G --nvdimm /tmp/nvdimm,2816M,128K
rc=$?
cat seed.log
step() { contains seed.log "^GUEST-STEP $1 rc=0"; }
check "lkvm exits 0" test $rc = 0
check "ndctl list -D shows nmem0" contains seed.log '"dev":"nmem0"'
check "ndctl list -R shows region0 of 2952790016 bytes" contains seed.log '"size":2952790016'
check "region0 is pmem" contains seed.log '"type":"pmem"'
check "region0 persists in the memory controller" contains seed.log '"persistence_domain":"memory_controller"'
check "disable-region" step disable-region
check "init-labels nmem0" step init-labels
check "enable-region" step enable-region
check "create-namespace gives namespace0.0" contains seed.log '"dev":"namespace0.0"'
check "namespace0.0 is fsdax" contains seed.log '"mode":"fsdax"'
check "namespace0.0 has blockdev pmem0" contains seed.log '"blockdev":"pmem0"'
check "/proc/iomem has the namespace" contains seed.log ': namespace0.0$'
check "mkfs.xfs with 64K blocks" step mkfs
check "mount -o dax" step mount
check "mounted with dax=always" contains seed.log 'pmem0 on /mnt type xfs .*dax=always'
check "fio stress with verification passes" step fio
check "df shows /dev/pmem0" contains seed.log '^/dev/pmem0 '
check "umount" step umount
check "the backing file is 2952921088 bytes" test "$(stat -c %s /tmp/nvdimm)" = 2952921088
finish

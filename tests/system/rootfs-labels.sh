# The pre-written labels of the pmem root image, as ndctl in the guest sees
# them: one fsdax namespace covering the region.
# timeout: 180
# disks: rootfs
. "${LKVM_SCENARIOS:-.}/lib.sh"

check "the rootfs image is available" rootfs_image /tmp/rootfs.img
expect_exit 0 "" labels.log rootfs-labels --nvdimm /tmp/rootfs.img,256M,128K,ro
check "one namespace: namespace0.0" contains labels.log '"dev":"namespace0.0"'
check "it is fsdax" contains labels.log '"mode":"fsdax"'
check "its raw namespace uuid is the one lkvm wrote" contains labels.log '"raw_uuid":"4c4b564d-726f-4f74-8066-730000000002"'
check "its name is lkvm-rootfs" contains labels.log '"name":"lkvm-rootfs"'
check "region0 is 256M" contains labels.log '"size":268435456'
check "the namespace covers the region (nothing left)" contains labels.log '"available_size":0,'
check "fsdax data: the region less the 2M info block area" contains labels.log '"size":266338304'
check "ndctl check-labels accepts the labels" contains labels.log '^GUEST-CHECK-LABELS-OK'
check "read-labels shows the namespace" contains labels.log '"uuid":"4c4b564d-726f-4f74-8066-730000000002"'
finish

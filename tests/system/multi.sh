# Two writable vNVDIMMs and one read-only: the writable ones work, writes to
# the read-only one fail in the guest and its file stays unchanged.
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

# the read-only image: exact size, recognisable content
dd if=/dev/urandom of=/tmp/ro.img bs=1M count=1 2>/dev/null
truncate -s $((256 * 1048576 + 131072)) /tmp/ro.img
before=$(sha256sum < /tmp/ro.img)
uuid=11111111-2222-4333-8444-555555555555
expect_exit 0 "" multi.log multi -m 1G --nvdimm /tmp/m0,512M,128K --nvdimm /tmp/m1,512M,256K \
	--nvdimm /tmp/ro.img,256M,128K,ro,uuid=$uuid
check "the guest sees three regions" contains multi.log '"dev":"region2"'
check "region0 is writable" contains multi.log '^GUEST-RO region0 0'
check "region1 is writable" contains multi.log '^GUEST-RO region1 0'
check "region2 (ro) is read-only" contains multi.log '^GUEST-RO region2 1'
check "first writable device: namespace, XFS, file" contains multi.log '^GUEST-DEV0-OK'
check "second writable device: namespace, XFS, file" contains multi.log '^GUEST-DEV1-OK'
check "label writes to the ro device do not land" contains multi.log '^GUEST-RO-LABEL-BYTES 0$'
check "no namespace on the ro device" sh -c "! grep -q '^GUEST-RO-NS-CREATED' multi.log"
check "no block write to the ro device" sh -c "! grep -q '^GUEST-RO-BLOCK-WRITTEN' multi.log"
check "the guest script finished" contains multi.log '^GUEST-MULTI-DONE'
check "the ro file is byte-identical" test "$(sha256sum < /tmp/ro.img)" = "$before"
check "the 512M device's file is 512M + 256K" test "$(stat -c %s /tmp/m1)" = $((512 * 1048576 + 262144))
finish

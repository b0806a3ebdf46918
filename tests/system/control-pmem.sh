# `lkvm stop --force` while the guest writes to a vNVDIMM: lkvm exits 0,
# and every byte the guest fsynced is there when the VM comes back.
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run
run_guest_bg cp.log control-pmem-write --name cpmem -m 1G --nvdimm /tmp/cp,512M,128K
wait_for cp.log '^GUEST-FSYNCED' $pid
sleep 1	# in the middle of the next writes
check "stop --force answers" "$LKVM" stop --force cpmem
wait $pid
expect_fsynced_kept cp.log $? 0 "lkvm exits 0" /tmp/cp,512M,128K
finish

# A second lkvm on the same writable backing is refused while the first runs;
# read-only users share an image.
# timeout: 240
. "${LKVM_SCENARIOS:-.}/lib.sh"

"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --nvdimm /tmp/lk,256M,128K \
	-p "console=hvc0 quiet lkvm.script=sleep" < /dev/null > first.log 2>&1 &
pid=$!
check "the first lkvm runs its guest" wait_for first.log '^GUEST-UP' $pid
# seccomp is on by default on every thread: main, vCPU, label flusher
modes=$(for t in /proc/$pid/task/*; do sed -n 's/^Seccomp:[[:space:]]*//p' $t/status; done | sort -u)
echo "# seccomp modes of lkvm's $(ls /proc/$pid/task | wc -l) threads: $modes"
check "every thread of a running lkvm is under a seccomp filter" test "$modes" = 2
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --nvdimm /tmp/lk,256M,128K \
	-p "console=hvc0 quiet lkvm.script=sleep" < /dev/null > second.log 2>&1
rc=$?
cat second.log
check "a second lkvm on the same file is refused" test $rc != 0
check "the refusal says the file is in use" contains second.log 'in use|locked'
check "the refusal is one line" test "$(wc -l < second.log)" = 1
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --nvdimm /tmp/lk,256M,128K,ro \
	-p "console=hvc0 quiet lkvm.script=sleep" < /dev/null > third.log 2>&1
rc=$?
check "a read-only user is refused while a writer holds it" test $rc != 0
kill -TERM $pid
wait $pid
check "the first lkvm stops on SIGTERM" test $? = 5

# read-only users share: two at once
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --nvdimm /tmp/lk,256M,128K,ro \
	-p "console=hvc0 quiet lkvm.script=sleep" < /dev/null > ro1.log 2>&1 &
p1=$!
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --nvdimm /tmp/lk,256M,128K,ro \
	-p "console=hvc0 quiet lkvm.script=sleep" < /dev/null > ro2.log 2>&1 &
p2=$!
wait_for ro1.log '^GUEST-UP' $p1
wait_for ro2.log '^GUEST-UP' $p2
check "two read-only users run at once" sh -c "grep -q GUEST-UP ro1.log && grep -q GUEST-UP ro2.log && kill -0 $p1 && kill -0 $p2"
kill -TERM $p1 $p2
wait
finish

# Guest output that nobody reads: when the reader of lkvm's stdout goes
# away, lkvm carries on (no SIGPIPE death) and ends normally; when the
# reader stalls (a full pipe), SIGTERM still stops lkvm within seconds and
# its vNVDIMM is closed (unlocked, fsynced data kept).
# timeout: 300
. "${LKVM_SCENARIOS:-.}/lib.sh"

run_flood() {
	"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 1G --nvdimm /tmp/co,512M,128K \
		-p "console=hvc0 quiet panic=-1 lkvm.script=console-flood $1"
}

# 1. the reader goes away after 4 KiB
mkfifo out1
head -c 4096 out1 > head.out &
run_flood "" < /dev/null > out1 2> err1
rc=$?
cat err1 head.out
check "reader gone: lkvm goes on and exits 0 when the guest powers off" test $rc = 0
check "the guest synced its mark first" contains head.out '^GUEST-FLOOD-MARK-SYNCED$'
check "the reader got its 4 KiB" test "$(wc -c < head.out)" = 4096

# 2. the reader stalls: it holds the pipe open and never reads
mkfifo out2
sleep 600 < out2 &
stall=$!
"$LKVM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 1G --nvdimm /tmp/co,512M,128K \
	-p "console=hvc0 quiet panic=-1 lkvm.script=console-flood lkvm.flood=forever" \
	< /dev/null > out2 2> err2 &
pid=$!
# the guest boots and fills the pipe: a vCPU thread then sleeps in
# pipe_write, or in poll waiting for room (its wchan), held by the reader
held() {
	for t in /proc/$pid/task/*; do
		[ "${t##*/}" = $pid ] || echo "$(cat $t/wchan 2>/dev/null)"
	done | grep -q -e pipe_write -e poll
}
i=0
until held || [ $i -ge 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
for t in /proc/$pid/task/*; do echo "# thread ${t##*/}: $(cat $t/wchan 2>/dev/null)"; done
check "a vCPU is held by the full pipe" held
t0=$(date +%s)
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $pid
rc=$?
kill $stall 2>/dev/null
cat err2
echo "# lkvm exit code $rc, stopped $(($(date +%s) - t0)) s after SIGTERM"
kill -KILL $pid 2>/dev/null
check "a stalled reader does not hold SIGTERM: stopped within 10 s, exit 5" test $rc = 5
check "the vNVDIMM was closed: another lkvm can take it" \
	run_guest again.log persist-check-mark -m 1G --nvdimm /tmp/co,512M,128K
check "data fsynced before the flood is there" contains again.log '^GUEST-MARK flushed-before-output'
cat again.log
finish

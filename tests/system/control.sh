# The control API through its commands: list, stat, pause, resume, stop;
# one VM per name; the socket removed on exit, a stale one by list.
# timeout: 500
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run
sock=$LKVM_RUN_DIR/ctl1.sock

# last_tick LOG: the last number the ticker printed
last_tick() {
	tr -d '\r' < "$1" | sed -n 's/^TICK \([0-9]*\)$/\1/p' | tail -1
}

# counter FILE SET NAME: one value of `lkvm stat`'s output
counter() {
	awk -v s="$2" -v n="$3" '$1 == s && $2 == n { print $3 }' "$1"
}

run_guest_bg ctl.log ticker --name ctl1
check "the guest ticks" wait_for ctl.log '^TICK 5$' $pid
check "the socket is there, for its owner only" \
	sh -c "test -S $sock && [ \$(stat -c %a $sock) = 600 ]"

"$LKVM" list > list.log 2>&1
cat list.log
check "list shows the VM, its pid, state, vCPUs and memory" grep -Eq "^$pid +ctl1 +Running +1 +512M +0$" list.log
"$LKVM" list --json > list.json 2>&1
cat list.json
check "list --json too" grep -q "\"name\":\"ctl1\",.*\"pid\":$pid,.*\"state\":\"Running\"" list.json

"$LKVM" stat ctl1 > s1.log 2>&1
sleep 1
"$LKVM" stat ctl1 > s2.log 2>&1
cat s2.log
r1=$(counter s1.log vcpu0 runs) r2=$(counter s2.log vcpu0 runs)
check "stat: vcpu0's KVM_RUN count grows ($r1 -> $r2)" test "${r2:-0}" -gt "${r1:-0}"
check "stat: the console's hcalls are counted" grep -q '^vcpu0 hcall_0x58 ' s2.log

check "pause answers" "$LKVM" pause ctl1
before=$(last_tick ctl.log)
sleep 2
after=$(last_tick ctl.log)
check "no tick while paused ($before, then $after)" test "$before" = "$after"
"$LKVM" list > list2.log 2>&1
check "list says Paused" grep -Eq "^$pid +ctl1 +Paused " list2.log
check "a second pause is refused" sh -c "! '$LKVM' pause ctl1"
check "resume answers" "$LKVM" resume ctl1
check "the guest ticks again" wait_for ctl.log "^TICK $((before + 3))$" $pid
check "from the next number on" contains ctl.log "^TICK $((before + 1))$"

expect_rc 3 "a second VM named ctl1 is refused" dup.log boot_guest sleep --name ctl1
check "... saying so in one line" contains dup.log 'already running'

check "stop --force answers" "$LKVM" stop --force ctl1
wait $pid
rc=$?
check "lkvm exits 0" test $rc = 0
check "the socket is gone" test ! -e $sock
check "the VM is no longer listed" sh -c "! '$LKVM' list | grep -q ctl1"
check "pausing a VM that is gone says so" sh -c "'$LKVM' pause ctl1; test \$? = 7"

run_guest_bg ep.log epow --name ctl3
wait_for ep.log '^GUEST-UP' $pid
check "stop returns once the guest has powered off" "$LKVM" stop ctl3
wait $pid
check "... which it did its own way (lkvm exits 0)" test $? = 0
check "... running its poweroff_cmd" contains ep.log '^GUEST-EPOW poweroff_cmd ran'

run_guest_bg ig.log epow-ignore --name ctl4
wait_for ig.log '^GUEST-UP' $pid
start=$(date +%s)
check "a guest that ignores it is stopped after --timeout" "$LKVM" stop --timeout 3 ctl4
took=$(($(date +%s) - start))
wait $pid
check "... lkvm exits 0 ($took s)" test $? = 0
check "... not before the timeout" test "$took" -ge 3
check "... saying why" contains ig.log 'did not power off in time'

run_guest_bg k.log sleep --name ctl2
wait_for k.log '^GUEST-UP' $pid
kill -KILL $pid
wait $pid
check "a killed lkvm leaves its socket" test -S $LKVM_RUN_DIR/ctl2.sock
"$LKVM" list > list3.log 2>&1
check "list removes the stale socket" test ! -e $LKVM_RUN_DIR/ctl2.sock
check "... and does not show it" sh -c "! grep -q ctl2 list3.log"
finish

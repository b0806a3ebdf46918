# Hostile requests on the control socket: each gets its 4xx (or nothing),
# the guest never stops running, and the next good request is answered.
# timeout: 400
. "${LKVM_SCENARIOS:-.}/lib.sh"

export LKVM_RUN_DIR=/tmp/lkvm-run

# last_tick: the last number the ticker printed
last_tick() {
	tr -d '\r' < bad.log | sed -n 's/^TICK \([0-9]*\)$/\1/p' | tail -1
}

# answers WHAT STATUS REQUEST: REQUEST (printf format) sent as it is gets
# an answer whose status line says STATUS (a regex; "none" for no answer)
answers() {
	local what=$1 status=$2 out
	out=$(printf "$3" | "$LKVM" api --raw bad 2>&1 | head -1 | tr -d '\r')
	if [ -z "$out" ]; then
		check "$what: $status (got no answer)" sh -c "echo '$status' | grep -qw none"
	else
		check "$what: $status (got '$out')" sh -c "echo '$out' | grep -Eq '^HTTP/1.1 ($status) '"
	fi
}

# still_fine: the guest still ticks, and a good request is answered
still_fine() {
	local before=$(last_tick)
	check "$1: vm.info still answered" sh -c "timeout 5 '$LKVM' api bad GET vm.info | head -1 | grep -qx 200"
	check "$1: the guest still runs" wait_for bad.log "^TICK $((before + 2))\$" $pid
}

run_guest_bg bad.log ticker --name bad
require "the guest ticks" wait_for bad.log '^TICK 5$' $pid

get='GET /api/v1/vm.info HTTP/1.1\r\nHost: x\r\n'
answers "garbage" 400 'hello there\r\n\r\n'
answers "a request cut short" "none|400" "${get}Content-"
answers "NUL bytes" 400 'GET /api/v1/vm.info\000 HTTP/1.1\r\n\r\n'
answers "an HTTP/2 preface" "400|505" 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
answers "a chunked body" 411 'PUT /api/v1/vm.shutdown HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
answers "a huge Content-Length" 413 'PUT /api/v1/vm.shutdown HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n{'
answers "a wrong method" 405 'DELETE /api/v1/vm.info HTTP/1.1\r\n\r\n'
answers "an unknown path" 404 'GET /api/v1/vm.destroy HTTP/1.1\r\n\r\n'
answers "a path with a query" 400 'GET /api/v1/vm.info?x=1 HTTP/1.1\r\n\r\n'
answers "bad JSON" 400 'PUT /api/v1/vm.shutdown HTTP/1.1\r\nContent-Length: 15\r\n\r\n{"timeout_s": }'
answers "an unknown field" 400 'PUT /api/v1/vm.shutdown HTTP/1.1\r\nContent-Length: 14\r\n\r\n{"timeout": 5}'
answers "a timeout out of range" 400 'PUT /api/v1/vm.shutdown HTTP/1.1\r\nContent-Length: 22\r\n\r\n{"timeout_s": 9999999}'
deep=$(head -c 200 /dev/zero | tr '\0' '[')$(head -c 200 /dev/zero | tr '\0' ']')
answers "JSON nested 200 deep" 400 "PUT /api/v1/vm.shutdown HTTP/1.1\r\nContent-Length: 400\r\n\r\n$deep"
head -c 70000 /dev/zero | tr '\0' a > big.txt
answers "a 70 KB header" "413|431" "${get}X-Big: $(cat big.txt)\r\n\r\n"
still_fine "after the hostile requests"

# on one kept connection: two good requests answered in turn, then a
# hostile one refused and the connection closed
statuses=$(printf "${get}\r\n${get}\r\nhello there\r\n\r\n" | "$LKVM" api --raw bad 2>&1 |
	grep -ao 'HTTP/1\.1 [0-9][0-9][0-9]' | tr '\n' ' ')
check "two requests then garbage on one connection: 200 200 400 (got '$statuses')" \
	test "$statuses" = "HTTP/1.1 200 HTTP/1.1 200 HTTP/1.1 400 "

# a client that sends half a request and then nothing
mkfifo slow.fifo
(printf "$get"; sleep 12) > slow.fifo &
writer=$!
"$LKVM" api --raw bad < slow.fifo > slow.out 2>&1 &
slow=$!
sleep 1
still_fine "while a client stalls"
wait $slow
check "the stalled client is dropped with 408" grep -q '^HTTP/1.1 408 ' slow.out
kill $writer 2>/dev/null

# more stalled clients than the server keeps
i=0
while [ $i -lt 20 ]; do
	(printf "$get"; sleep 8) | "$LKVM" api --raw bad > many.$i.out 2>&1 &
	i=$((i + 1))
done
sleep 1
check "clients beyond the limit are told so at once (503)" sh -c 'cat many.*.out | grep -q "^HTTP/1.1 503 "'
sleep 6
still_fine "once the stalled clients are gone"

check "stop --force still answers" "$LKVM" stop --force bad
wait $pid
check "lkvm exits 0" test $? = 0
finish

# A guest kernel panic reaches lkvm through RTAS ibm,os-term: by default
# lkvm stops with exit code 4 and the panic's message on one line; with
# --on-panic=reboot it restarts the guest. Never a hang either way.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

GUEST_TIMEOUT=60 run_guest panic.log panic
rc=$?
cat panic.log
check "lkvm exits 4 (guest failed)" test $rc = 4
check "the panic's message, on one line" \
	contains panic.log '^lkvm run: guest panicked: OS panic: sysrq triggered crash$'
check "the guest booted once" test "$(grep -c '^LKVM-GUEST-INIT' panic.log)" = 1

GUEST_TIMEOUT=20 run_guest panic-reboot.log panic --on-panic=reboot
rc=$?
cat panic-reboot.log
check "--on-panic=reboot: still restarting when stopped (killed)" test $rc = 137
check "--on-panic=reboot: the guest booted again" \
	test "$(grep -c '^LKVM-GUEST-INIT' panic-reboot.log)" -ge 2
check "--on-panic=reboot: each restart is reported" \
	contains panic-reboot.log '^lkvm: guest panicked \(OS panic: sysrq triggered crash\): restarting it'

"$LKVM" run -k "$GUEST_KERNEL" --on-panic=later 2> bad.err
rc=$?
check "--on-panic with another word: usage error" test $rc = 2
check "... named in one line" contains bad.err "^lkvm run: --on-panic: 'later' is not stop, reboot or guest$"
finish

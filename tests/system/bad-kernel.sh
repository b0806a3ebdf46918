# A kernel that is not an ELF vmlinux is refused with one clear line.
# timeout: 60
. "${LKVM_SCENARIOS:-.}/lib.sh"

printf 'this is not a kernel\n' > notakernel
"$LKVM" run -k notakernel -i "$GUEST_INITRD" < /dev/null > bad.out 2>&1
rc=$?
cat bad.out
check "lkvm exits non-zero" test $rc != 0
check "the error names the problem" contains bad.out 'not an ELF'
check "the error is one line" test "$(wc -l < bad.out)" = 1

"$LKVM" run -k /nonexistent/vmlinux < /dev/null > missing.out 2>&1
rc=$?
cat missing.out
check "a missing kernel: non-zero exit" test $rc != 0
check "a missing kernel: the path is named" contains missing.out '/nonexistent/vmlinux'
finish

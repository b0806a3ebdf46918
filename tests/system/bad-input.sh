# Bad --nvdimm values: one-line error naming the problem, non-zero exit, and
# every existing file byte-identical afterwards.
# timeout: 120
. "${LKVM_SCENARIOS:-.}/lib.sh"

mkdir -p /tmp/bad && cd /tmp/bad || exit 1
dd if=/dev/urandom of=wrong bs=1k count=300 2>/dev/null	# another size
dd if=/dev/urandom of=good bs=1M count=1 2>/dev/null
truncate -s $((256 * 1048576 + 131072)) good			# exact size
mkdir -p adir
touch empty
chmod 0444 good.ro 2>/dev/null
# contents, sizes and times of the files, and which files exist
sums() {
	for f in wrong good empty; do sha256sum $f; stat -c '%n %s %Y' $f; done
	ls | grep -vx -e out -e before -e after
}
sums > before

many=""
for i in $(seq 0 16); do many="$many --nvdimm /tmp/bad/many$i,256M,128K"; done

# expect DESCRIPTION PATTERN LKVM-ARGS...: refused in one line naming PATTERN
expect() {
	local desc=$1 pattern=$2
	shift 2
	"$LKVM" run -k "$GUEST_KERNEL" "$@" < /dev/null > out 2>&1
	local rc=$?
	if [ $rc != 0 ] && [ "$(wc -l < out)" = 1 ] && grep -qi -- "$pattern" out; then
		ok "$desc: $(cat out)"
	else
		not_ok "$desc (rc=$rc): $(cat out)"
	fi
}

expect "size not a multiple of 256M" "256" --nvdimm /tmp/bad/x,100M,128K
expect "label under 128K" "128" --nvdimm /tmp/bad/x,256M,64K
expect "zero size" "size" --nvdimm /tmp/bad/x,0,128K
expect "zero label" "label" --nvdimm /tmp/bad/x,256M,0
expect "size overflow" "size" --nvdimm /tmp/bad/x,99999999999999999999G,128K
expect "size+label overflow" "" --nvdimm /tmp/bad/x,17179869184G,128K
expect "missing label" "label" --nvdimm /tmp/bad/x,256M
expect "missing size and label" "" --nvdimm /tmp/bad/x
expect "empty path" "path" --nvdimm ,256M,128K
expect "garbage size" "size" --nvdimm /tmp/bad/x,lots,128K
expect "unknown key" "colour" --nvdimm /tmp/bad/x,256M,128K,colour=blue
expect "bad uuid" "uuid" --nvdimm /tmp/bad/x,256M,128K,uuid=not-a-uuid
expect "all-zero uuid" "uuid" --nvdimm /tmp/bad/x,256M,128K,uuid=00000000-0000-0000-0000-000000000000
expect "uuid given twice" "uuid" --nvdimm /tmp/bad/x,256M,128K,uuid=11111111-2222-4333-8444-555555555555,uuid=11111111-2222-4333-8444-555555555555
expect "file of another size" "307200" --nvdimm /tmp/bad/wrong,256M,128K
expect "exact-size file with a different SIZE" "good" --nvdimm /tmp/bad/good,512M,128K
expect "a directory" "adir" --nvdimm /tmp/bad/adir,256M,128K
expect "unwritable location" "" --nvdimm /proc/lkvm-test,256M,128K
expect "missing parent directory" "nonexistent" --nvdimm /tmp/bad/nonexistent/x,256M,128K
expect "too many devices" "most" $many
expect "same file twice" "" --nvdimm /tmp/bad/good,256M,128K --nvdimm /tmp/bad/good,256M,128K
expect "same file twice via another path" "" --nvdimm /tmp/bad/good,256M,128K --nvdimm /tmp/bad/../bad/good,256M,128K
expect "ro on a missing file" "" --nvdimm /tmp/bad/missing,256M,128K,ro
expect "not a number label" "label" --nvdimm /tmp/bad/x,256M,big

sums > after
check "every existing file is byte-identical" cmp -s before after

# a kernel or initrd that cannot boot is found before any backing is made
echo "not an ELF" > notelf
mkfifo fifo
sums > before
# expect_k DESCRIPTION PATTERN KERNEL LKVM-ARGS...: like expect, other -k
expect_k() {
	local desc=$1 pattern=$2 kernel=$3
	shift 3
	timeout -s KILL 20 "$LKVM" run -k "$kernel" "$@" < /dev/null > out 2>&1
	local rc=$?
	if [ $rc = 3 ] && [ "$(wc -l < out)" = 1 ] && grep -qi -- "$pattern" out; then
		ok "$desc: $(cat out)"
	else
		not_ok "$desc (rc=$rc): $(cat out)"
	fi
}
expect_k "missing kernel, new backing" "missing" /tmp/bad/missing --nvdimm /tmp/bad/new,256M,128K
expect_k "non-ELF kernel, new backing" "ELF" /tmp/bad/notelf --nvdimm /tmp/bad/new,256M,128K
expect_k "FIFO kernel: refused, no hang" "not a regular file" /tmp/bad/fifo
expect_k "FIFO initrd: refused, no hang" "not a regular file" "$GUEST_KERNEL" -i /tmp/bad/fifo
expect_k "device as kernel: never opened" "not a regular file" /dev/zero
expect_k "FIFO pmem root image" "not a regular file" "$GUEST_KERNEL" --rootfs-pmem /tmp/bad/fifo
expect_k "newline in a path: one line" "missing.nvmlinux" "/tmp/bad/missing
vmlinux"
# a file size limit below the backing: an error, not death by SIGXFSZ
(ulimit -f 1024; exec "$LKVM" run -k "$GUEST_KERNEL" --nvdimm /tmp/bad/big,256M,128K) \
	< /dev/null > out 2>&1
rc=$?
check "ulimit -f below the backing: exit 3, one line ($(cat out))" \
	sh -c "[ $rc = 3 ] && [ \$(wc -l < out) = 1 ] && grep -q 'File too large' out"
check "... and no file left behind" sh -c 'test ! -e /tmp/bad/big && test ! -e /tmp/bad/big.uuid'
check "no backing and no GUID record left by a failed start" \
	sh -c 'test ! -e /tmp/bad/new && test ! -e /tmp/bad/new.uuid'

sums > after
check "files are still byte-identical after failed starts" cmp -s before after
check "no stray backing file was created" test ! -e /tmp/bad/x
check "nothing was created for the missing parent" test ! -e /tmp/bad/nonexistent
finish

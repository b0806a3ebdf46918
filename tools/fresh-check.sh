#!/bin/bash
# make fresh-check: the README's two commands on a new machine. Builds a
# minimal Debian 12 root with mmdebstrap (Debian's minbase: Essential
# packages and apt, which is what a plain Debian 12 image is made of, plus
# make to type the commands with), copies this work tree in as a clone would
# have it (tracked and untracked files, nothing ignored: no build/, no
# cache), and runs `make demo` then `make check` inside, as root, in a chroot
# of its own mount and PID namespace. Everything the commands need must come
# from tools/ensure-deps.sh, installed there without Recommends; the kernel,
# sysroot and images are built from an empty cache.
# Ends with "fresh-check: N passed, N failed" (make check's count, plus one
# for make demo). Full log: build/fresh-check.log. Needs root.
# FRESH_TARGETS="unit-native" runs other make targets instead.
# --if-changed (CI): only when a file that decides dependencies or images
# changed since the last full pass.
# FRESH_ROOT=DIR puts the root elsewhere (default /var/tmp/lkvm-fresh; it
# takes about 10 GB while running and is removed afterwards unless
# FRESH_KEEP=1).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/guest-images/lib.sh"

# What decides a new machine's packages and images: when these are as
# they were at the last passing full run (recorded in tools/fresh-check.passed,
# committed), --if-changed has nothing to prove.
inputs=$(cd "$top" && git ls-files tools/ensure-deps.sh tools/fresh-check.sh guest-images \
	Makefile tests/system/run.sh bench/run.sh .ci/run | sort)
key=$(cd "$top" && cache_key $inputs)
record=$top/tools/fresh-check.passed
if [ "${1:-}" = --if-changed ] && grep -qx "$key" "$record" 2>/dev/null; then
	echo "fresh-check: skipped, dependency and image files as at the last pass ($key)"
	exit 0
fi

[ "$(id -u)" = 0 ] || fail "needs root (chroot and mounts)"
[ "$(uname -m)" = x86_64 ] || fail "checks the x86_64 set-up only"
"$top/tools/ensure-deps.sh" build >/dev/null || exit 1
root=${FRESH_ROOT:-/var/tmp/lkvm-fresh}
log=$top/build/fresh-check.log
mkdir -p "$top/build"
: > "$log"

# remove_root: only when nothing is mounted below it any more
remove_root() {
	if findmnt -rn -o TARGET | grep -q "^$root/"; then
		log "mounts left under $root: not removing it"
		return 1
	fi
	rm -rf "$root"
}

# the suites this machine's apt uses (Debian's own, not third-party ones),
# so the new root sees the same archive and security updates
sources() {
	local m sec
	m=$(debian_mirror)
	echo "deb $m bookworm main"
	echo "deb $m bookworm-updates main"
	sec=$(grep -hs -e '^URIs:' -e '^deb ' /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list | grep -o 'http[^ ]*debian-security[^ ]*' | head -1)
	[ -z "$sec" ] || echo "deb $sec bookworm-security main"
}

# all of it in one function, parsed before it runs: bash reads a script as
# it goes, and an edit of this file during a 20-minute run must not change it
main() {
	start=$(date +%s)
	remove_root || exit 1
	log "building a minimal Debian 12 root in $root"
	if ! sources | mmdebstrap --quiet --variant=minbase --include=make \
		--customize-hook='rm -f "$1"/etc/apt/apt.conf.d/99mmdebstrap' \
		bookworm "$root" - >> "$log" 2>&1; then
		tail -n 20 "$log" >&2
		fail "mmdebstrap failed (log: ${log#$top/})"
	fi
	# how this workplace reaches the archive (a proxy, a snapshot's dates): the
	# network settings of this machine's apt, no package choices
	for f in /etc/apt/apt.conf.d/*; do
		grep -q '^Acquire::' "$f" 2>/dev/null && cp "$f" "$root/etc/apt/apt.conf.d/"
	done
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	packages=$(chroot "$root" dpkg-query -W -f='.\n' | wc -l)
	log "root: $packages packages, built in $(($(date +%s) - start)) s"

	# the work tree as a fresh clone of it would be, at /root/lkvm
	mkdir -p "$root/root/lkvm"
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -C "$root/root/lkvm" -xf -
	[ -z "$(ls -A "$root/root/lkvm/build" 2>/dev/null)" ] || fail "build/ was copied"

	# inside: make demo, then make check, each timed, with a result line each
	targets=${FRESH_TARGETS:-demo check}
	inner="cd /root/lkvm
	for target in $targets; do
		t=\$(date +%s); make \$target; rc=\$?
		echo \"FRESH-RESULT \$target rc=\$rc secs=\$((\$(date +%s) - t))\"
	done"
	log "running make $targets inside (log: ${log#$top/})"
	unshare --mount --pid --fork --kill-child -- bash -c '
		set -e
		root=$1
		mount --make-rprivate /
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t sysfs sysfs "$root/sys"
		mount -t tmpfs tmpfs "$root/tmp"
		exec chroot "$root" env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			bash -c "$2"' fresh "$root" "$inner" < /dev/null 2>&1 |
		tee -a "$log" |
		grep --line-buffered -E -e '^(PASS|FAIL|SKIP) ' -e '^FRESH-RESULT ' \
			-e '^[a-z0-9 ()_-]*: [0-9]+ passed, [0-9]+ failed' -e '^installing:' \
			-e 'took [0-9]+ s|built in [0-9]+ s' -e 'Error [0-9]|error:'

	# make check counts its tests; any other target counts as one
	passed=0 failed=0
	for target in $targets; do
		rc=$(sed -n "s/^FRESH-RESULT $target rc=\([0-9]*\).*/\1/p" "$log" | tail -1)
		p=0 f=0
		if [ "$target" = check ]; then
			read -r p f < <(sed -n 's/^check: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' \
				"$log" | tail -1)
			p=${p:-0} f=${f:-0}
			# a check that broke before its summary still fails
			[ "$rc" = 0 ] || [ "$f" -gt 0 ] || f=1
		elif [ "$rc" = 0 ]; then
			p=1
		else
			f=1
		fi
		passed=$((passed + p)) failed=$((failed + f))
	done
	[ "${FRESH_KEEP:-0}" = 1 ] || remove_root
	if [ "$failed" = 0 ] && [ "$targets" = "demo check" ]; then
		echo "$key" > "$record"
		log "passed: key $key recorded in ${record#$top/} (commit it)"
	fi
	echo "fresh-check took $(($(date +%s) - start)) s"
	echo "fresh-check: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
exit $?

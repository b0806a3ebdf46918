#!/bin/bash
# The dependency rules between lkvm's folders (docs/design.md), checked on
# the #include lines of every source file and header. Each lkvm header belongs to the folder that implements it; a
# folder may not include what the rules below forbid. Breaches the code
# still has are listed in tools/layers.known, one "file -> header" a line:
# a new breach fails, and so does a listed one that is gone (strike it from
# the list: it only ever shrinks). Ends with "layers: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# owner of each header in include/lkvm/
owner_of() {
	case "$1" in
	util.h|guest-mem.h|loader.h|sandbox.h|bytes.h|uuid.h|limits.h|event-loop.h|device.h) echo util ;;
	kvm.h|kvm-vm.h|kvm-caps.h|kvm-slots.h|run-state.h) echo kvm ;;
	linux/kvm.h) echo uapi ;;	# the kernel's KVM ABI: numbers, no code
	pseries.h|memmap.h|boot.h|hcall.h|rtas.h|rtas-events.h|papr.h|drc.h) echo ppc ;;
	fdt.h) echo fdt ;;
	console.h|scm.h) echo devices ;;
	nvdimm.h|pmem-lib.h) echo pmem ;;
	nvdimm-format.h|rootfs-pmem.h) echo image ;;
	machine.h|vm.h) echo vm ;;
	api.h|api-vm.h|http.h|api-client.h|api-server.h) echo api ;;
	config.h|builtin.h|nvdimm-xml.h|xml-lib.h) echo commands ;;
	*) echo unknown ;;
	esac
}

# the folder a file belongs to; a header belongs where it is implemented
folder_of() {
	case "$1" in
	util/*|kvm/*|ppc/*|fdt/*|devices/*|pmem/*|image/*|vm/*|api/*) echo "${1%%/*}" ;;
	include/lkvm/*) owner_of "${1#include/lkvm/}" ;;
	*) echo commands ;;	# main.c, builtin-*.c, the option parsers
	esac
}

# may FOLDER include a header owned by OWNER? (the table in docs/design.md)
allowed() {
	local folder=$1 owner=$2
	[ "$folder" = "$owner" ] && return 0
	case "$folder:$owner" in
	*:unknown) return 1 ;;
	util:*) return 1 ;;			# util/ stands alone
	*:util) return 0 ;;
	*:commands) [ "$folder" = commands ] ;;	# only commands see options
	kvm:uapi|ppc:uapi) return 0 ;;		# PAPR on KVM: its ABI's numbers
	kvm:*) return 1 ;;			# no pseries, device or option header
	pmem:*) return 1 ;;			# host-side backing: nothing guest-facing
	image:pmem) return 0 ;;			# the offline writer opens backings
	image:*) return 1 ;;			# and knows no running VM
	ppc:fdt) return 0 ;;			# the boot writes the tree
	ppc:*) return 1 ;;			# devices register themselves
	fdt:ppc) return 0 ;;			# plain descriptions only
	fdt:*) return 1 ;;
	devices:ppc|devices:fdt|devices:pmem) return 0 ;;	# no ioctls, no options
	devices:*) return 1 ;;
	vm:api) return 1 ;;			# the VM serves whoever asks
	vm:*) return 0 ;;			# the lifecycle ties it all together
	api:vm|api:pmem) return 0 ;;		# the control API asks the VM
	api:*) return 1 ;;
	commands:*) return 0 ;;
	esac
	return 1
}

found=$(mktemp)
trap 'rm -f "$found"' EXIT
for f in $(git ls-files 'util/*.[ch]' 'kvm/*.[ch]' 'ppc/*.[ch]' 'fdt/*.[ch]' \
	'devices/*.[ch]' 'pmem/*.[ch]' 'image/*.[ch]' 'vm/*.[ch]' 'api/*.[ch]' \
	'include/lkvm/*.h' '*.c' | grep -v '^tests/\|^bench/'); do
	folder=$(folder_of "$f")
	sed -n -e 's/^#include "lkvm\/\([^"]*\)".*/\1/p' -e 's/^#include <\(linux\/kvm.h\)>.*/\1/p' "$f" |
	while read -r h; do
		allowed "$folder" "$(owner_of "$h")" || echo "$f -> $h"
	done
done | sort -u > "$found"

known=tools/layers.known
new=$(comm -23 "$found" <(grep -v '^#' "$known" | sort -u))
gone=$(comm -13 "$found" <(grep -v '^#' "$known" | sort -u))
failed=0
if [ -n "$new" ]; then
	echo "--- layers: new includes that break the dependency rules:"
	echo "$new" | sed 's/^/    /'
	failed=1
fi
if [ -n "$gone" ]; then
	echo "--- layers: mended, strike these from $known:"
	echo "$gone" | sed 's/^/    /'
	failed=1
fi
[ $failed = 0 ] && echo "layers: $(wc -l < "$found") breaches of the rules left, all listed in $known"
echo "layers: $((1 - failed)) passed, $failed failed"
[ $failed = 0 ]

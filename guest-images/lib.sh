# Shared by the image scripts: where cached artefacts live and how to reach
# Debian's archive for ppc64el packages without touching the system's apt.

LKVM_CACHE=${LKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkvm}
mkdir -p "$LKVM_CACHE"
# mmdebstrap and the Makefile want absolute paths
LKVM_CACHE=$(cd "$LKVM_CACHE" && pwd)
CROSS=${CROSS:-powerpc64le-linux-gnu-}

log() { echo "[$(basename "$0")] $*" >&2; }
fail() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The mirror this machine's own apt uses, so no host is written in the repo.
debian_mirror() {
	local uri
	uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources |
		awk '{print $2}' | grep -v security | grep -m1 debian)
	[ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list |
		awk '{for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; exit}}')
	[ -n "$uri" ] || fail "cannot find a Debian mirror in the apt configuration"
	echo "$uri"
}

# Extract ppc64el packages and their dependencies into DIR (no scripts run,
# no dpkg architecture added). Usage: ppc_extract DIR pkg...
ppc_extract() {
	local dir=$1; shift
	local pkgs
	pkgs=$(echo "$@" | tr ' ' ',')
	mmdebstrap --quiet --variant=extract --architectures=ppc64el \
		--include="$pkgs" bookworm "$dir" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) bookworm main" >&2
}

# sha256 of the named files and strings: a cache key
cache_key() {
	{ for a in "$@"; do if [ -f "$a" ]; then cat "$a"; else echo "$a"; fi; done; } |
		sha256sum | cut -c1-16
}

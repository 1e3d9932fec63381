#!/usr/bin/env bash
# Fetch ONNX Runtime's C/C++ headers for the C++ core and the CMSSW plugin tests (`make ort-headers` runs this).
#
#   tools/fetch_ort_headers.sh [CACHE_DIR]     (default: .cache/onnxruntime of this checkout)
#
# The PyPI onnxruntime wheel ships the shared library but no headers. This downloads Debian's libonnxruntime-dev
# (suite $ORT_DEB_SUITE, default trixie: the first Debian release that packages it) with a private apt configuration
# under CACHE_DIR/apt, which leaves the system's apt state untouched and needs no root, and unpacks it into
# CACHE_DIR/sdk, so the headers end up in CACHE_DIR/sdk/usr/include/onnxruntime/ -- where `e2e_nb.export.ort_sdk`
# looks. Does nothing when they are there already. Needs apt-get and dpkg-deb (any Debian or Ubuntu) and the network.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=$(realpath -m "${1:-$here/.cache/onnxruntime}")
suite=${ORT_DEB_SUITE:-trixie}
hdr=sdk/usr/include/onnxruntime/onnxruntime_cxx_api.h

if [ -f "$cache/$hdr" ]; then echo "ONNX Runtime headers: $cache/sdk/usr/include (cached)"; exit 0; fi
for t in apt-get dpkg-deb; do
  command -v $t >/dev/null || { echo "$0: $t not found; install ONNX Runtime's C++ headers another way and set \$E2E_NB_ORT_INCLUDE" >&2; exit 1; }
done

# the Debian mirror the machine's apt uses (one-line sources.list or deb822 .sources), else deb.debian.org
uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
      | grep -oE '^(deb([[:space:]]+\[[^]]*\])?|URIs:)[[:space:]]+[^[:space:]]+/debian/?([[:space:]]|$)' \
      | awk '{print $NF}' | sed 's:/$::' | head -n1 || true)
uri=${uri:-http://deb.debian.org/debian}
key=/usr/share/keyrings/debian-archive-keyring.gpg
opt=""; [ -f "$key" ] && opt="[signed-by=$key] "

apt="$cache/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
echo "deb $opt$uri $suite main" > "$apt/sources.list"
o=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$apt/lists"
   -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root -qq)
echo "fetching Debian $suite's libonnxruntime-dev from $uri into $cache"
apt-get "${o[@]}" update
(cd "$apt" && apt-get "${o[@]}" download libonnxruntime-dev)
deb=$(ls "$apt"/libonnxruntime-dev_*.deb 2>/dev/null | sort | tail -n1)
[ -n "$deb" ] || { echo "$0: apt-get download left no libonnxruntime-dev_*.deb in $apt" >&2; exit 1; }
tmp=$(mktemp -d "$cache/.sdk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
[ -f "$tmp/${hdr#sdk/}" ] || { echo "$0: $deb holds no ${hdr#sdk/}" >&2; exit 1; }
if [ -e "$cache/sdk" ]; then rm -rf "$cache/sdk"; fi   # an incomplete earlier unpacking (the header check failed above)
mv "$tmp" "$cache/sdk"
rm -rf "$apt/lists" "$apt/cache"   # ~20 MB of package lists, no longer needed
echo "ONNX Runtime headers: $cache/sdk/usr/include ($(basename "$deb"))"

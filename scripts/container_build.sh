#!/usr/bin/env bash
# The container image's build steps. The Dockerfile's build stage only copies the tree and runs
# this, so the same steps run (and are tested, tests/deploy) on Debian 12 without a Docker engine.
#
#   scripts/container_build.sh PREFIX [BUILD_DIR]
#
# Installs the build dependencies (scripts/setup.sh --build-only), configures a Release build
# without tests, builds the `ebworker` binary and installs it, stripped, as PREFIX/bin/ebworker.
# Also writes PREFIX/share/ebworker/runtime-packages: the Debian packages that hold the shared
# libraries the binary loads, which the image's runtime stage installs and nothing more.
# BUILD_DIR defaults to build-container in the tree.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "${1:0:1}" = "-" ]; then
  echo "usage: scripts/container_build.sh PREFIX [BUILD_DIR]" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(realpath -m "$1")
build_dir=$(realpath -m "${2:-$root/build-container}")

"$root/scripts/setup.sh" --build-only

cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEBWORKER_TESTS=OFF \
  -DEBWORKER_SANITIZE=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target ebworker_app
# Only the binary: the image needs no headers or static library.
cmake --install "$build_dir" --component runtime --strip

binary="$prefix/bin/ebworker"
[ -x "$binary" ] || { echo "container_build: $binary was not installed" >&2; exit 1; }

# Which package ships each shared library the binary needs. dpkg records a file under the path
# its package installed it to, /usr/lib/… or /lib/…, while ldd may name either (merged /usr).
owner_of() {
  local lib=$1 alt
  case "$lib" in
    /usr/*) alt=${lib#/usr} ;;
    *) alt=/usr$lib ;;
  esac
  dpkg-query -S "$lib" 2>/dev/null || dpkg-query -S "$alt" 2>/dev/null
}
# The binary's own NEEDED entries only: their packages' dependencies bring in the rest.
resolved=$(ldd "$binary")
packages=()
for soname in $(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }'); do
  lib=$(awk -v n="$soname" '$1 == n && $2 == "=>" { print $3 }' <<<"$resolved")
  [ -n "$lib" ] || { echo "container_build: $soname not found by ldd" >&2; exit 1; }
  owner=$(owner_of "$lib") || { echo "container_build: no Debian package ships $lib" >&2; exit 1; }
  packages+=("${owner%%:*}")
done
mkdir -p "$prefix/share/ebworker"
printf '%s\n' "${packages[@]}" | sort -u >"$prefix/share/ebworker/runtime-packages"

echo "container_build: installed $binary"
echo "container_build: runtime packages: $(tr '\n' ' ' <"$prefix/share/ebworker/runtime-packages")"

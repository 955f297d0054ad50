#!/usr/bin/env bash
# The container build's real steps run here as the Dockerfile's build stage runs them:
# scripts/container_build.sh into a temporary prefix (Release, no tests, one build). The binary
# it produces then starts with the Dockerfile's environment, from a directory laid out like the
# image's /app (the binary and cron.yaml), and answers a signed EchoJob with 200.
#   container_build_test.sh SOURCE_DIR
set -euo pipefail
src=$1
source "$src/tests/deploy/roundtrip.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$src/scripts/container_build.sh" "$tmp/prefix" "$tmp/build"
rm -rf "$tmp/build"  # only the prefix goes into the image

binary=$tmp/prefix/bin/ebworker
packages=$tmp/prefix/share/ebworker/runtime-packages
[ -x "$binary" ] || { echo "no $binary" >&2; exit 1; }
grep -qx 'libpistache0' "$packages" || { echo "runtime-packages lacks libpistache0:" >&2; cat "$packages" >&2; exit 1; }
# What the runtime stage installs must exist in Debian's archive.
while read -r p; do
  dpkg-query -W "$p" >/dev/null 2>&1 || { echo "runtime package $p is not a Debian package here" >&2; exit 1; }
done <"$packages"

# /app as the image has it.
mkdir "$tmp/app"
cp "$binary" "$tmp/app/ebworker"
cp "$src/cron.yaml" "$tmp/app/cron.yaml"
cd "$tmp/app"

# The Dockerfile's ENV lines; tests listen on loopback only, so roundtrip overrides the bind.
while IFS='=' read -r name value; do
  export "$name=$value"
  echo "Dockerfile: $name=$value"
done < <(sed -n 's/^ENV \([A-Z_][A-Z_0-9]*=[^ ]*\)[[:space:]]*$/\1/p' "$src/Dockerfile")

export ECHO_JOB_OUT=$tmp/echo.jsonl
roundtrip ./ebworker EchoJob '["from the container build", 1]'
grep -q 'from the container build' "$ECHO_JOB_OUT" || { echo "EchoJob did not run" >&2; exit 1; }
echo "container build: binary answered a signed job with 200"

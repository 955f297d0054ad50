#!/usr/bin/env bash
# The Dockerfile's steps, run here without a Docker engine (tests/deploy/dockerfile_steps.py reads
# them): the build stage copies the tree (.dockerignore applied) and runs
# scripts/container_build.sh as its RUN line says (Release, no tests, one build); the runtime
# stage copies from the build stage what the Dockerfile names, the packages its apt-get installs
# exist, and the user it adds is the one deploy/'s task and pod run as. Then the image's CMD starts
# from its WORKDIR with its ENV and answers a signed EchoJob with 200. So neither the Dockerfile
# nor the script can change without the other: a file the script no longer writes, a path it
# moved, an instruction or a RUN the test does not know, each fails here.
#   container_build_test.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
source "$src/tests/deploy/roundtrip.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/image"

python3 "$src/tests/deploy/dockerfile_steps.py" "$src/Dockerfile" "$src" "$tmp/image" >"$tmp/steps.sh"
# The steps leave image_workdir, image_cmd and the final stage's ENV behind.
# shellcheck disable=SC1091
source "$tmp/steps.sh"

[ "${image_cmd[*]:1}" = serve ] || { echo "the image's CMD is ${image_cmd[*]}, expected PROGRAM serve" >&2; exit 1; }
cd "$image_workdir"
[ -f cron.yaml ] || { echo "the image has no cron.yaml in its WORKDIR (EBWORKER_CRON_FILE's default)" >&2; exit 1; }
# The image's ENV applies; tests listen on loopback only, so roundtrip overrides the bind.
env | grep -E '^(PORT|EBWORKER_[A-Z_]*)=' | sed 's/^/image ENV: /'

export ECHO_JOB_OUT=$tmp/echo.jsonl
roundtrip "${image_cmd[0]}" EchoJob '["from the container build", 1]'
grep -q 'from the container build' "$ECHO_JOB_OUT" || { echo "EchoJob did not run" >&2; exit 1; }
echo "container build: the Dockerfile's steps built the image's /app, and its CMD answered a signed job with 200"

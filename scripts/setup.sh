#!/usr/bin/env bash
# Installs what ebworker needs to build and test, from Debian 12's packages.
# Idempotent: packages already present are not fetched again.
#   scripts/setup.sh               everything: build, tests, benchmarks, the local SQS
#   scripts/setup.sh --build-only  only what building the library and binary needs (the
#                                  container build, scripts/container_build.sh)
set -euo pipefail

build_only=false
[ "${1:-}" = "--build-only" ] && build_only=true

# To build.
packages=(
  build-essential cmake pkg-config ca-certificates
  libpistache-dev rapidjson-dev libssl-dev libspdlog-dev libyaml-cpp-dev
  libcurl4-openssl-dev
)
# To test: nginx only for `nginx -t` on the deploy kit's config (tests/deploy).
$build_only || packages+=(
  git curl openssl libgtest-dev libgmock-dev libbenchmark-dev
  iproute2 nginx
  wrk  # the worker benchmark's load generator (bench/run.sh; its smoke test runs in ctest)
  clang-14 libclang-rt-14-dev  # the fuzz build (scripts/fuzz.sh): clang and libFuzzer's runtime
  chromium  # renders the worker's status page headless (tests/e2e/status_page_browser_test.cc)
  # Rails 6.1's ActiveJob makes and reads the messages of the Rails interop tests (tests/e2e/rails/);
  # puma and rack serve the Rails side of the C++ client's messages.
  ruby ruby-activejob ruby-globalid puma ruby-rack
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  # nginx is only for `nginx -t` in the tests: don't let its package start a server on port 80.
  # policy-rc.d is Debian's switch for that; ours exists only during this install.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { [ -z "$policy" ] || $sudo rm -f "$policy"; exit 1; }
  [ -z "$policy" ] || $sudo rm -f "$policy"
fi
echo "setup: build dependencies present"
$build_only && exit 0

# The local SQS (fauxqs, pinned in package-lock.json) needs Node.js 20 or later.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing nodejs and npm"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
  if [ "$(node_major)" -lt 20 ]; then
    echo "setup: fauxqs needs Node.js 20 or later; this machine has $(node --version 2>/dev/null || echo none)" >&2
    exit 1
  fi
fi
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing the local SQS and DynamoDB (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
echo "setup: fauxqs $(node -p 'require("./node_modules/fauxqs/package.json").version') present"
echo "setup: dynalite $(node -p 'require("./node_modules/dynalite/package.json").version') present"

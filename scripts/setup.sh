#!/usr/bin/env bash
# Installs what ebworker needs to build and test, from Debian 12's packages.
# Idempotent: packages already present are not fetched again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates curl openssl
  libpistache-dev rapidjson-dev libssl-dev libspdlog-dev libyaml-cpp-dev
  libcurl4-openssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  iproute2
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
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: build dependencies present"

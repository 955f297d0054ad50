#!/usr/bin/env bash
# Installs the Sidekiq baseline of bench/run.sh from Debian 12's packages: ruby-sidekiq (6.4,
# with ruby, ruby-redis, ruby-connection-pool) and redis-server (7.0). Only the benchmark needs
# them, so scripts/setup.sh does not install them. Idempotent: nothing is fetched when present.
# The package's own Redis service is never started: the benchmark runs its own redis-server on
# 127.0.0.1 and a free port, and stops it by its pid.
set -euo pipefail

packages=(ruby-sidekiq redis-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "sidekiq setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
# policy-rc.d (Debian's switch) keeps redis-server's package from starting a server on port 6379;
# ours exists only during this install.
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  policy=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
fi
status=0
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=1
[ -z "$policy" ] || $sudo rm -f "$policy"
exit $status

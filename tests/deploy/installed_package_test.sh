#!/usr/bin/env bash
# The installed package works for a project outside the tree: install the current build into
# a temporary prefix, check the layout, configure and build tests/deploy/consumer against it with
# find_package(ebworker CONFIG), run the consumer's own job through a signed request (200), and
# compile the same main.cc with only `pkg-config --cflags --libs ebworker`.
#   installed_package_test.sh SOURCE_DIR BUILD_DIR CMAKE CXX
set -euo pipefail
src=$1 build=$2 cmake=$3 cxx=$4
source "$src/tests/deploy/roundtrip.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

"$cmake" --install "$build" --prefix "$prefix" >/dev/null
for f in include/ebworker/job/job.h include/ebworker/cli/cli.h include/ebworker/client/client.h \
         include/ebworker/middleware/dispatch.h include/ebworker/middleware/default_stack.h \
         bin/ebworker; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
lib=$(find "$prefix" -name libebworker.a -o -name 'libebworker.so')
config=$(find "$prefix" -name ebworkerConfig.cmake)
pc=$(find "$prefix" -name ebworker.pc)
[ -n "$lib" ] && [ -n "$config" ] && [ -n "$pc" ] || { echo "library, package config or ebworker.pc missing" >&2; exit 1; }
echo "installed: $lib, $config, $pc"

echo "== find_package(ebworker CONFIG) from an out-of-tree project"
"$cmake" -S "$src/tests/deploy/consumer" -B "$tmp/consumer-build" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
"$cmake" --build "$tmp/consumer-build" -j2

export GREETING_OUT=$tmp/greetings.txt
cd "$tmp"  # no cron.yaml here: the consumer has no periodic tasks
roundtrip "$tmp/consumer-build/consumer" GreetingJob '["consumer"]'
[ "$(cat "$GREETING_OUT")" = "hello, consumer" ] || { echo "GreetingJob wrote: $(cat "$GREETING_OUT")" >&2; exit 1; }
echo "consumer's GreetingJob ran and answered 200"

echo "== pkg-config --cflags --libs ebworker"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs ebworker)
echo "$flags"
# shellcheck disable=SC2086  # the flags are words
"$cxx" -o "$tmp/consumer-pc" "$src/tests/deploy/consumer/main.cc" $flags
"$tmp/consumer-pc" help >/dev/null
echo "the pkg-config build links and runs"

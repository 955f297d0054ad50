#!/usr/bin/env bash
# The installed package works for a project outside the tree: install the current build into
# a temporary prefix and check
#   - the layout: the public headers (include/ebworker/) and nothing else, both libraries, the
#     package config and the three pkg-config files;
#   - that every installed header compiles on its own with only the installed include path (so
#     none includes an internal one), and that a job the registry can't take fails to compile
#     with an error naming the RegistrableJob concept;
#   - tests/deploy/consumer (the worker: find_package, its own job through a signed request, 200;
#     and the same main.cc with only `pkg-config --cflags --libs ebworker`); its own_stack builds
#     every default middleware from public types and answers requests through them;
#   - the consumer installed beside the package runs `dev --once` from a directory of its own:
#     the installed fauxqs launcher is found (and, before its npm packages are there, the one line
#     saying how to install them), the env file it names lets `enqueue` reach the local stack, the
#     job is done, and no ebworker-dev-* directory is left;
#   - tests/deploy/web_consumer (the web tier: find_package COMPONENTS client, ebworker::client
#     alone, and with `pkg-config ebworker-client`): its binary needs neither libpistache nor
#     libyaml-cpp, and it reaches SQS (a refused port here: a transport error, exit 75).
#   installed_package_test.sh SOURCE_DIR BUILD_DIR CMAKE CXX
set -euo pipefail
src=$1 build=$2 cmake=$3 cxx=$4
source "$src/tests/deploy/roundtrip.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

"$cmake" --install "$build" --prefix "$prefix" >/dev/null
for f in include/ebworker/worker/job.h include/ebworker/worker/job_registry.h include/ebworker/worker/cli.h \
         include/ebworker/client/client.h include/ebworker/worker/middlewares.h include/ebworker/result.h \
         bin/ebworker; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
# The installed headers are exactly the public ones.
diff <(cd "$src/include" && find ebworker -name '*.h' | sort) \
     <(cd "$prefix/include" && find . -type f | sed 's|^\./||' | sort) ||
  { echo "installed headers differ from include/ebworker/ (above)" >&2; exit 1; }
for name in libebworker_client libebworker_worker; do
  [ -n "$(find "$prefix" -name "$name.a" -o -name "$name.so")" ] || { echo "not installed: $name" >&2; exit 1; }
done
config=$(find "$prefix" -name ebworkerConfig.cmake)
pcdir=$(dirname "$(find "$prefix" -name ebworker.pc)")
for pc in ebworker ebworker-client ebworker-worker; do
  [ -e "$pcdir/$pc.pc" ] || { echo "not installed: $pc.pc" >&2; exit 1; }
done
[ -n "$config" ] || { echo "ebworkerConfig.cmake missing" >&2; exit 1; }
echo "installed: the public headers, both libraries, $config, three .pc files"

echo "== every installed header compiles alone, from the installed include path only"
headers=$(cd "$prefix/include" && find ebworker -name '*.h' | sort)
export cxx prefix
# shellcheck disable=SC2016  # expanded by the inner shell
if ! xargs -P "$(nproc)" -I{} sh -c 'printf "#include <%s>\n" "$1" | "$cxx" -std=c++20 -fsyntax-only -I"$prefix/include" -x c++ - ||
       { echo "installed header <$1> does not compile alone (does it include an internal one?)" >&2; exit 255; }' _ {} <<<"$headers"; then
  exit 1
fi
echo "$(wc -l <<<"$headers") headers, each self-contained"

echo "== a job JobRegistry::add<J> can't take fails with the concept's name"
if "$cxx" -std=c++20 -fsyntax-only -I"$prefix/include" "$src/tests/deploy/bad_job.cc" 2>"$tmp/bad_job.err"; then
  echo "bad_job.cc compiled: the RegistrableJob concept is not checked" >&2; exit 1
fi
grep -q "RegistrableJob" "$tmp/bad_job.err" || { cat "$tmp/bad_job.err" >&2; echo "the error does not name RegistrableJob" >&2; exit 1; }
grep -m1 "RegistrableJob" "$tmp/bad_job.err"

echo "== find_package(ebworker CONFIG) from an out-of-tree project"
"$cmake" -S "$src/tests/deploy/consumer" -B "$tmp/consumer-build" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
"$cmake" --build "$tmp/consumer-build" -j2

export GREETING_OUT=$tmp/greetings.txt
cd "$tmp"  # no cron.yaml here: the consumer has no periodic tasks
roundtrip "$tmp/consumer-build/consumer" GreetingJob '["consumer"]'
[ "$(cat "$GREETING_OUT")" = "hello, consumer" ] || { echo "GreetingJob wrote: $(cat "$GREETING_OUT")" >&2; exit 1; }
echo "consumer's GreetingJob ran and answered 200"

echo "== the default middlewares, each built from public types, in a stack of the consumer's own"
"$tmp/consumer-build/own_stack"

echo "== the consumer's own binary runs \`dev --once\` outside the source tree"
"$cmake" --install "$tmp/consumer-build" --prefix "$prefix" >/dev/null
local_sqs=$prefix/share/ebworker/local-sqs
for f in fauxqs.mjs package.json package-lock.json; do
  [ -e "$local_sqs/$f" ] || { echo "not installed: share/ebworker/local-sqs/$f" >&2; exit 1; }
done
mkdir "$tmp/project" "$tmp/dev-tmp"
cd "$tmp/project"
dev() { env -u SECRET_KEY_BASE TMPDIR="$tmp/dev-tmp" "$prefix/bin/consumer" dev --once --port 0 --sqs-port 0; }
status=0
dev >"$tmp/dev-missing.log" 2>&1 || status=$?
[ "$status" -ne 0 ] && grep -q "npm ci --prefix $local_sqs\$" "$tmp/dev-missing.log" ||
  { cat "$tmp/dev-missing.log" >&2; echo "dev without fauxqs: exit $status, expected the npm ci line" >&2; exit 1; }
# What `npm ci --prefix $local_sqs` installs, without the network: this tree's packages.
ln -s "$src/node_modules" "$local_sqs/node_modules"
# The log exists before the loop reads it: the background job opens it only once it has forked.
: >"$tmp/dev.log"
dev >>"$tmp/dev.log" 2>&1 &
dev_pid=$!
env_file=""
for ((i = 0; i < 600; i++)); do  # 60 s: fauxqs and a sanitizer build start slowly
  env_file=$(sed -n 's|.*enqueue from another terminal: source \([^ ]*\) .*|\1|p' "$tmp/dev.log")
  [ -n "$env_file" ] && break
  kill -0 "$dev_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$env_file" ] || { kill -KILL "$dev_pid"; cat "$tmp/dev.log" >&2; echo "dev printed no env file" >&2; exit 1; }
# Another terminal: only what the env file says.
env -i PATH="$PATH" HOME="$tmp" bash -c 'source "$1" && "$2" enqueue GreetingJob "[\"dev\"]"' _ "$env_file" \
  "$prefix/bin/consumer" || { kill -KILL "$dev_pid"; cat "$tmp/dev.log" >&2; echo "enqueue with $env_file failed" >&2; exit 1; }
for ((i = 0; i < 600; i++)); do  # --once: it stops after that job
  kill -0 "$dev_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$dev_pid" 2>/dev/null && { kill -KILL "$dev_pid"; cat "$tmp/dev.log" >&2; echo "dev --once still running" >&2; exit 1; }
status=0
wait "$dev_pid" || status=$?
[ "$status" -eq 0 ] || { cat "$tmp/dev.log" >&2; echo "dev --once exited $status" >&2; exit 1; }
grep -qx "hello, dev" "$GREETING_OUT" || { cat "$tmp/dev.log" >&2; echo "GreetingJob did not run through dev" >&2; exit 1; }
left=$(find "$tmp/dev-tmp" -mindepth 1 -maxdepth 1 -name 'ebworker-dev-*')
[ -z "$left" ] || { echo "dev left $left behind" >&2; exit 1; }
echo "dev --once found the installed launcher, its env file let enqueue in, and it cleaned up"
cd "$tmp"

echo "== pkg-config --cflags --libs ebworker"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$pcdir
flags=$(pkg-config --cflags --libs ebworker)
echo "$flags"
# shellcheck disable=SC2086  # the flags are words
"$cxx" -o "$tmp/consumer-pc" "$src/tests/deploy/consumer/main.cc" $flags
"$tmp/consumer-pc" help >/dev/null
echo "the pkg-config build links and runs"

# The web tier's binary: the client alone. NEEDED entries are what the dynamic loader loads.
check_client_only() {  # check_client_only BINARY
  local needed
  needed=$(readelf -d "$1" | grep NEEDED || true)
  if grep -Eq 'libpistache|libyaml-cpp' <<<"$needed"; then
    echo "$1 depends on pistache or yaml-cpp:" >&2; echo "$needed" >&2; exit 1
  fi
  grep -q 'libcurl' <<<"$needed" || { echo "$1 does not link libcurl: is it the client at all?" >&2; exit 1; }
  # Nothing listens on port 1: the client tries, retries, and reports a transport error.
  local status=0 key=0123456789abcdef0123456789abcdef  # a test key; eb_check: not a secret
  EBWORKER_QUEUE_URL=http://127.0.0.1:1/000000000000/jobs SECRET_KEY_BASE=$key \
    AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=example AWS_REGION=us-east-1 \
    EBWORKER_SQS_MAX_ATTEMPTS=2 EBWORKER_SQS_BACKOFF_BASE_MS=10 EBWORKER_SQS_BACKOFF_MAX_MS=20 \
    timeout 60 "$1" GreetingJob '["web"]' >"$tmp/web.out" 2>&1 || status=$?
  cat "$tmp/web.out"
  [ "$status" -eq 75 ] && grep -q "enqueue failed (transport)" "$tmp/web.out" ||
    { echo "$1: exit $status, expected 75 and a transport error" >&2; exit 1; }
}

echo "== find_package(ebworker CONFIG COMPONENTS client): a web tier linking ebworker::client alone"
"$cmake" -S "$src/tests/deploy/web_consumer" -B "$tmp/web-build" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
"$cmake" --build "$tmp/web-build" -j2
check_client_only "$tmp/web-build/web_consumer"
echo "web_consumer needs neither pistache nor yaml-cpp, and reaches for SQS"

echo "== pkg-config --cflags --libs ebworker-client"
flags=$(pkg-config --cflags --libs ebworker-client)
echo "$flags"
# shellcheck disable=SC2086  # the flags are words
"$cxx" -o "$tmp/web-pc" "$src/tests/deploy/web_consumer/main.cc" $flags
check_client_only "$tmp/web-pc"
echo "the pkg-config client build links alone and runs"

#!/usr/bin/env bash
# Quick start, command 1: set up, build, start the worker with the example jobs, and send one
# signed demo job through it the way aws-sqsd would. The worker then keeps running (Ctrl-C
# stops it gracefully); pass --once to stop right after the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

once=false
[ "${1:-}" = "--once" ] && once=true

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEBWORKER_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target ebworker_app

demo_dir=$(mktemp -d)
if [ -z "${SECRET_KEY_BASE:-}" ]; then
  SECRET_KEY_BASE=$(openssl rand -hex 32)
  echo "demo: made a random SECRET_KEY_BASE for this run (web and worker tiers must share one)"
fi
export SECRET_KEY_BASE
export EBWORKER_PROCESS_JOBS=true
export ECHO_JOB_OUT="$demo_dir/echo.jsonl"
export PORT="${PORT:-5000}"

log="$demo_dir/worker.log"
./build/ebworker serve >"$log" 2>&1 &
worker=$!
trap 'kill -TERM $worker 2>/dev/null; wait $worker 2>/dev/null; rm -rf "$demo_dir"' EXIT

for _ in $(seq 100); do
  grep -q "listening on" "$log" && break
  kill -0 $worker 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
grep -q "listening on" "$log" || { cat "$log"; echo "demo: worker did not start"; exit 1; }
cat "$log"

echo
echo "demo: POST a signed EchoJob, as aws-sqsd would:"
./build/ebworker post EchoJob '["hello from the demo", 42]' --url "http://127.0.0.1:$PORT/"
echo "demo: EchoJob wrote: $(cat "$ECHO_JOB_OUT")"
echo "demo: the worker logged:"
grep "job=EchoJob" "$log"

$once && exit 0
echo
(umask 077; printf '%s' "$SECRET_KEY_BASE" >"$demo_dir/secret")
echo "demo: worker on http://127.0.0.1:$PORT; from another terminal try:"
echo "  SECRET_KEY_BASE=\$(cat $demo_dir/secret) ./build/ebworker post EchoJob '[1]'"
echo "demo: Ctrl-C stops it"
tail -n 0 -f "$log" --pid=$worker

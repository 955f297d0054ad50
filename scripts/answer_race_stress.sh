#!/usr/bin/env bash
# The long variant of integration.UnknownNames' four keep-alive clients: starts the ASan worker
# with a small quarantine (freed memory reused soon, as that test sets it) and drives it with wrk
# (keep-alive POSTs of undeclared periodic tasks, answered 404 by the job threads) for SECONDS, RUNS
# times. Says per run whether the worker survived without a sanitizer report; exit 1 if any did not.
# Answers that attached a continuation to pistache 0.0.5's ResponseWriter::send promise from a job
# thread crashed it (SEGV in Transport::asyncWriteImpl) in 2 of 3 runs of 25 s at 8 connections.
#
#   scripts/answer_race_stress.sh [RUNS=3] [SECONDS=25] [CONNECTIONS=8] [BINARY=build-asan/ebworker]
set -euo pipefail
runs=${1:-3}
seconds=${2:-25}
connections=${3:-8}
binary=${4:-build-asan/ebworker}
command -v wrk >/dev/null || { echo "wrk is needed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/periodic.lua" <<'EOF'
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/periodic_tasks", {
    ["X-Aws-Sqsd-Msgid"] = "stress-" .. counter,
    ["X-Aws-Sqsd-Taskname"] = "Undeclared" .. counter,
    ["X-Aws-Sqsd-Scheduled-At"] = "2026-01-01T00:00:00Z",
    ["X-Aws-Sqsd-Path"] = "/periodic_tasks",
    ["User-Agent"] = "aws-sqsd/2.4",
  }, "")
end
EOF
printf 'version: 1\ncron: []\n' >"$work/cron.yaml"

failed=0
for run in $(seq 1 "$runs"); do
  log="$work/worker-$run.log"
  env -i PATH="$PATH" SECRET_KEY_BASE="$(printf 'k%.0s' $(seq 64))" EBWORKER_PROCESS_JOBS=true PORT=0 \
    EBWORKER_BIND=127.0.0.1 EBWORKER_CRON_FILE="$work/cron.yaml" ECHO_JOB_OUT="$work/echo.out" \
    EBWORKER_LOG_LEVEL=info EBWORKER_JOB_THREADS=4 AWS_EC2_METADATA_DISABLED=true \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:quarantine_size_mb=16:thread_local_quarantine_size_kb=256:allocator_release_to_os_interval_ms=50 \
    "$binary" serve >"$log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 500); do
    port=$(grep -so 'listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    sleep 0.02
  done
  [ -n "$port" ] || { echo "run $run: the worker did not start"; tail -5 "$log"; kill "$pid"; exit 2; }
  requests=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/periodic.lua" "http://127.0.0.1:$port/" 2>&1 |
               grep -o '[0-9]* requests in' || true)
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if grep -q 'ERROR: AddressSanitizer\|runtime error' "$log"; then
    echo "run $run: CRASHED: $(grep -m1 'ERROR: AddressSanitizer\|runtime error' "$log" | cut -c1-160)"
    failed=1
  else
    echo "run $run: ok (${requests:-? requests in} ${seconds} s)"
  fi
done
exit "$failed"

#!/usr/bin/env bash
# Sourced by the deploy tests. roundtrip BINARY JOB ARGS_JSON: start `BINARY serve` on
# 127.0.0.1, port 0, job processing on, with a fresh SECRET_KEY_BASE; wait (bounded) for its
# listening line; POST JOB signed as aws-sqsd would deliver it (`BINARY post`), expecting 200;
# then SIGTERM it and expect a clean exit 0. The caller's environment and working directory
# apply (e.g. ECHO_JOB_OUT, ./cron.yaml). Prints the worker's log on any failure.

roundtrip() {
  local binary=$1 job=$2 arguments=$3
  local log port pid status i
  log=$(mktemp)
  SECRET_KEY_BASE=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  export SECRET_KEY_BASE
  EBWORKER_PROCESS_JOBS=true "$binary" serve --bind 127.0.0.1 --port 0 >"$log" 2>&1 &
  pid=$!

  port=""
  for ((i = 0; i < 300; i++)); do  # 30 s: a sanitizer build starts slowly
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" | head -n1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "roundtrip: $binary did not print its listening line within 30 s" >&2
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    cat "$log" >&2; rm -f "$log"
    return 1
  fi
  echo "roundtrip: $binary listening on 127.0.0.1:$port"

  if ! timeout 30 "$binary" post "$job" "$arguments" --url "http://127.0.0.1:$port/"; then
    echo "roundtrip: POST $job was not answered 200" >&2
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    cat "$log" >&2; rm -f "$log"
    return 1
  fi

  kill -TERM "$pid"
  for ((i = 0; i < 150; i++)); do  # 15 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "roundtrip: $binary still running 15 s after SIGTERM" >&2
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    cat "$log" >&2; rm -f "$log"
    return 1
  fi
  status=0
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "roundtrip: $binary exited $status after SIGTERM" >&2
    cat "$log" >&2; rm -f "$log"
    return 1
  fi
  grep "job=$job" "$log" || true
  rm -f "$log"
}

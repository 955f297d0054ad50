# 6. Receives in flight: the pipeline of section 4 (queue filled first, then `ebworker sqsd` →
# worker until the queue is empty) against an artificially distant SQS: bench/sqs/slow_sqs.cc
# (the tests' chaos proxy) answers every ReceiveMessage $receives_delay_ms late, the other
# actions at loopback speed. Once per --receives value; report.mjs prints each as a ratio to
# --receives 1 within the same repetition. Sourced by run.sh.

start_receives_worker() {
  mkdir -p "$out/receives-worker-cwd"
  (cd "$out/receives-worker-cwd" && exec env SECRET_KEY_BASE="$bench_secret" EBWORKER_PROCESS_JOBS=true PORT=0 \
    EBWORKER_JOB_THREADS="$receives_connections" "$bin/ebworker-bench" serve) \
    >"$out/receives-worker.log" 2>&1 &
  receives_worker_pid=$!
  bench_pids+=("$receives_worker_pid")
  local line
  line=$(wait_for_line "$out/receives-worker.log" 'listening on http://' 20 "$receives_worker_pid") || return 1
  receives_worker_url=${line##*listening on }
  receives_worker_url=${receives_worker_url%% *}
}

start_slow_sqs() {
  local port=${sqs_endpoint##*:}
  port=${port%%/*}
  start_bg slow-sqs "$bin/slow_sqs" --upstream-port "$port" --delay-ms "$receives_delay_ms"
  slow_sqs_pid=$bg_pid
  local line
  line=$(wait_for_line "$out/slow-sqs.log" 'listening on http://' 10 "$slow_sqs_pid") || return 1
  slow_sqs_endpoint=${line##*listening on }
}

run_receives_once() {
  local rep=$1 receives=$2 queue since
  queue=$("$bin/sqs_bench" create-queue --endpoint "$sqs_endpoint" --name "receives-$rep-$receives") || return 1
  "$bin/sqs_bench" fill --endpoint "$sqs_endpoint" --queue-url "$queue" --messages "$receives_messages" || return 1
  mkdir -p "$out/sqsd-cwd"  # no cron.yaml there: no periodic tasks
  since=$(date +%s%N)
  (cd "$out/sqsd-cwd" && exec env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1 \
    AWS_ENDPOINT_URL_SQS="$slow_sqs_endpoint" "$bin/ebworker-bench" sqsd --queue-url "$queue" \
    --worker-url "$receives_worker_url" --receives "$receives" --http-connections "$receives_connections" \
    --wait-time 1 --log-level warn) >"$out/sqsd-receives-$rep-$receives.log" 2>&1 &
  local sqsd_pid=$!
  bench_pids+=("$sqsd_pid")
  local output rc=0
  output=$(timeout 300 "$bin/sqs_bench" wait-empty --endpoint "$sqs_endpoint" --queue-url "$queue" \
    --since-ns "$since" --timeout 240) || rc=1
  stop_pid "$sqsd_pid"
  printf '%s\n' "$output" | record "{\"bench\":\"receives\",\"rep\":$rep,\"receives\":$receives,\"messages\":$receives_messages,\"delay_ms\":$receives_delay_ms}"
  [ "$rc" = 0 ]
}

run_receives_bench() {
  start_receives_worker || return 1
  start_slow_sqs || return 1
  log "receives: SQS at $slow_sqs_endpoint, every ReceiveMessage ${receives_delay_ms} ms late"
  local rep receives
  for ((rep = 1; rep <= reps; rep++)); do
    for receives in "${receives_values[@]}"; do
      log "receives: rep $rep/$reps, --receives $receives, $receives_messages jobs"
      run_receives_once "$rep" "$receives" || return 1
    done
  done
  stop_pid "$slow_sqs_pid"
  stop_pid "$receives_worker_pid"
}

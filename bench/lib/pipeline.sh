# 4. Pipeline: N jobs already in the queue, then `ebworker sqsd` posting them to the worker
# (NoopJob, default logging, 50 job threads = HttpConnections 50) until the queue is empty;
# against the queue's own rate: a plain loop receiving 10 and deleting them in a batch, from the
# same number of queued messages. And the one-process form, in the same repetition: the worker
# polling the queue itself (`serve` with EBWORKER_SQSD_QUEUE_URL, 50 job threads). Sourced by run.sh.

start_pipeline_worker() {
  mkdir -p "$out/worker-cwd"
  (cd "$out/worker-cwd" && exec env SECRET_KEY_BASE="$bench_secret" EBWORKER_PROCESS_JOBS=true PORT=0 \
    EBWORKER_JOB_THREADS=50 "$bin/ebworker-bench" serve) >"$out/pipeline-worker.log" 2>&1 &
  pipeline_worker_pid=$!
  bench_pids+=("$pipeline_worker_pid")
  local line
  line=$(wait_for_line "$out/pipeline-worker.log" 'listening on http://' 20 "$pipeline_worker_pid") || return 1
  pipeline_worker_url=${line##*listening on }
  pipeline_worker_url=${pipeline_worker_url%% *}
}

# The queue's own rate.
run_ceiling() {
  local rep=$1 queue before output
  queue=$("$bin/sqs_bench" create-queue --endpoint "$sqs_endpoint" --name "ceiling-$rep") || return 1
  "$bin/sqs_bench" fill --endpoint "$sqs_endpoint" --queue-url "$queue" --messages "$pipeline_messages" || return 1
  before=$(cpu_of "$fauxqs_pid")
  output=$(timeout 300 "$bin/sqs_bench" drain --endpoint "$sqs_endpoint" --queue-url "$queue" \
    --messages "$pipeline_messages" --timeout 240) || { printf '%s\n' "$output" >&2; return 1; }
  printf '%s\n' "$output" |
    record "{\"bench\":\"pipeline\",\"rep\":$rep,\"queue_cpu_s\":$(minus "$(cpu_of "$fauxqs_pid")" "$before")}"
}

run_pipeline() {
  local rep=$1 queue since jobs_before jobs_after
  queue=$("$bin/sqs_bench" create-queue --endpoint "$sqs_endpoint" --name "pipeline-$rep") || return 1
  # The fill's CPU too, for the comparison with Sidekiq's enqueuer: the filler's (it has exited
  # by then: this shell's waited-for children's time) and fauxqs's.
  local fill_cpu0 fill_queue_cpu0
  fill_cpu0=$(children_cpu)
  fill_queue_cpu0=$(cpu_of "$fauxqs_pid")
  "$bin/sqs_bench" fill --endpoint "$sqs_endpoint" --queue-url "$queue" --messages "$pipeline_messages" || return 1
  local fill_cpu="\"fill_cpu_s\":$(minus "$(children_cpu)" "$fill_cpu0"),\"fill_queue_cpu_s\":$(minus "$(cpu_of "$fauxqs_pid")" "$fill_queue_cpu0")"
  jobs_before=$(grep -c 'job=NoopJob' "$out/pipeline-worker.log" || true)
  local queue_cpu0 worker_cpu0
  queue_cpu0=$(cpu_of "$fauxqs_pid")
  worker_cpu0=$(cpu_of "$pipeline_worker_pid")
  mkdir -p "$out/sqsd-cwd"  # no cron.yaml there: no periodic tasks
  since=$(date +%s%N)
  (cd "$out/sqsd-cwd" && exec env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1 \
    AWS_ENDPOINT_URL_SQS="$sqs_endpoint" "$bin/ebworker-bench" sqsd --queue-url "$queue" \
    --worker-url "$pipeline_worker_url") >"$out/sqsd-$rep.log" 2>&1 &
  local sqsd_pid=$!
  bench_pids+=("$sqsd_pid")
  local output rc=0
  output=$(timeout 300 "$bin/sqs_bench" wait-empty --endpoint "$sqs_endpoint" --queue-url "$queue" \
    --since-ns "$since" --timeout 240) || rc=1
  # CPU seconds each process spent on the run (wait-empty's own polling of fauxqs included).
  local cpu="\"queue_cpu_s\":$(minus "$(cpu_of "$fauxqs_pid")" "$queue_cpu0"),\"sqsd_cpu_s\":$(cpu_of "$sqsd_pid")"
  cpu+=",\"worker_cpu_s\":$(minus "$(cpu_of "$pipeline_worker_pid")" "$worker_cpu0")"
  stop_pid "$sqsd_pid"
  printf '%s\n' "$output" |
    record "{\"bench\":\"pipeline\",\"stage\":\"pipeline\",\"rep\":$rep,\"messages\":$pipeline_messages,$cpu,$fill_cpu}"
  jobs_after=$(grep -c 'job=NoopJob' "$out/pipeline-worker.log" || true)
  log "pipeline: the worker ran $((jobs_after - jobs_before)) jobs for $pipeline_messages messages"
  [ "$rc" = 0 ]
}

# The worker polling the queue itself: one process, started once the queue is full, stopped once
# it is empty; its CPU from start to stop (start-up included, as the daemon's is above).
run_in_process() {
  local rep=$1 queue since
  queue=$("$bin/sqs_bench" create-queue --endpoint "$sqs_endpoint" --name "in-process-$rep") || return 1
  "$bin/sqs_bench" fill --endpoint "$sqs_endpoint" --queue-url "$queue" --messages "$pipeline_messages" || return 1
  local queue_cpu0
  queue_cpu0=$(cpu_of "$fauxqs_pid")
  mkdir -p "$out/in-process-cwd"  # no cron.yaml there: no periodic tasks
  since=$(date +%s%N)
  (cd "$out/in-process-cwd" && exec env SECRET_KEY_BASE="$bench_secret" EBWORKER_PROCESS_JOBS=true PORT=0 \
    EBWORKER_JOB_THREADS=50 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1 \
    AWS_ENDPOINT_URL_SQS="$sqs_endpoint" EBWORKER_SQSD_QUEUE_URL="$queue" \
    "$bin/ebworker-bench" serve) >"$out/in-process-$rep.log" 2>&1 &
  local worker_pid=$!
  bench_pids+=("$worker_pid")
  local output rc=0
  output=$(timeout 300 "$bin/sqs_bench" wait-empty --endpoint "$sqs_endpoint" --queue-url "$queue" \
    --since-ns "$since" --timeout 240) || rc=1
  local cpu="\"queue_cpu_s\":$(minus "$(cpu_of "$fauxqs_pid")" "$queue_cpu0"),\"worker_cpu_s\":$(cpu_of "$worker_pid")"
  stop_pid "$worker_pid"
  # wait-empty names its stage "pipeline", and a result's fields win over the label's.
  output=${output//'"stage":"pipeline"'/'"stage":"in_process"'}
  printf '%s\n' "$output" |
    record "{\"bench\":\"pipeline\",\"stage\":\"in_process\",\"rep\":$rep,\"messages\":$pipeline_messages,$cpu}"
  log "pipeline: the in-process worker ran $(grep -c 'job=NoopJob' "$out/in-process-$rep.log" || true) jobs for $pipeline_messages messages"
  [ "$rc" = 0 ]
}

run_pipeline_bench() {
  start_pipeline_worker || return 1
  local rep
  for ((rep = 1; rep <= reps; rep++)); do
    log "pipeline: rep $rep/$reps, $pipeline_messages jobs"
    if ((rep % 2)); then
      run_ceiling "$rep" && run_pipeline "$rep" && run_in_process "$rep" || return 1
    else
      run_in_process "$rep" && run_pipeline "$rep" && run_ceiling "$rep" || return 1
    fi
  done
  stop_pid "$pipeline_worker_pid"
}

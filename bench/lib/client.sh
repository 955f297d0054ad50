# 3. Client: N messages to fauxqs through Client::enqueue (one by one, 1 and 8 threads) and
# enqueue_batch (1 and 8 threads), and the same messages at the same concurrency through the AWS
# SDK for JavaScript v3. A fresh queue for every run. Sourced by run.sh.

# run_client IMPL MODE THREADS REP
run_client() {
  local impl=$1 mode=$2 threads=$3 rep=$4 queue
  queue=$("$bin/sqs_bench" create-queue --endpoint "$sqs_endpoint" --name "client-$impl-$mode-$threads-$rep") || return 1
  local cmd=("$bin/sqs_bench" client)
  [ "$impl" = ebworker ] || cmd=(node --no-warnings "$here/sqs/sdk_client.mjs" --arguments "$sample_arguments")
  # fauxqs's own CPU over the run (warm-up included): what the queue spends per message.
  local before output
  before=$(cpu_of "$fauxqs_pid")
  output=$(timeout 300 "${cmd[@]}" --endpoint "$sqs_endpoint" --queue-url "$queue" --mode "$mode" \
    --threads "$threads" --messages "$client_messages" --warmup "$client_warmup") ||
    { printf '%s\n' "$output" >&2; log "client $impl $mode x$threads failed"; return 1; }
  local queue_cpu
  queue_cpu=$(minus "$(cpu_of "$fauxqs_pid")" "$before")
  printf '%s\n' "$output" |
    record "{\"bench\":\"client\",\"rep\":$rep,\"queue_cpu_s\":$queue_cpu,\"queue_messages\":$((client_messages + client_warmup))}"
}

run_client_bench() {
  sample_arguments=$("$bin/sqs_bench" arguments)
  local rep config mode threads impls
  for ((rep = 1; rep <= reps; rep++)); do
    for config in "${client_configs[@]}"; do
      read -r mode threads <<<"$config"
      # Alternate which goes first, so neither always gets the warmer machine.
      if ((rep % 2)); then impls=(ebworker "${sdk_impl[@]}"); else impls=("${sdk_impl[@]}" ebworker); fi
      for impl in "${impls[@]}"; do
        log "client: rep $rep/$reps, $impl $mode x$threads, $client_messages messages"
        run_client "$impl" "$mode" "$threads" "$rep" || return 1
      done
    done
  done
}

# 5. Sidekiq: the same number of no-op jobs (with the same arguments) through Sidekiq 6.4
# (Debian's ruby-sidekiq, concurrency 10, its default) and Redis 7 (Debian's redis-server, on
# 127.0.0.1 and a free port, no persistence). The queue is filled first with push_bulk (1,000 per
# call, timed on its own), then Sidekiq starts and runs them until the queue is empty. CPU of
# every process from /proc/PID/stat (utime + stime). Sidekiq stops with -t 1: a no-op job never
# needs its default 25 s shutdown deadline. Sourced by run.sh.

start_redis() {
  redis_port=$(free_port)
  start_bg redis redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --protected-mode yes --dir "$out"
  redis_pid=$bg_pid
  wait_for_line "$out/redis.log" 'Ready to accept connections' 20 "$redis_pid" >/dev/null || return 1
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
}

run_sidekiq() {
  local rep=$1 jobs=$sidekiq_jobs output redis0 redis1 since
  redis-cli -p "$redis_port" flushall >/dev/null || return 1
  redis0=$(cpu_of "$redis_pid")
  output=$(timeout 300 ruby "$here/sidekiq/jobs.rb" fill "$jobs" "$sample_arguments" 1000) ||
    { printf '%s\n' "$output" >&2; return 1; }
  redis1=$(cpu_of "$redis_pid")
  printf '%s\n' "$output" |
    record "{\"bench\":\"sidekiq\",\"stage\":\"fill\",\"rep\":$rep,\"queue_cpu_s\":$(minus "$redis1" "$redis0")}"

  mkdir -p "$out/sidekiq-cwd"
  since=$(date +%s%N)
  (cd "$out/sidekiq-cwd" && exec sidekiq -r "$here/sidekiq/noop_job.rb" -c 10 -q default -t 1) \
    >"$out/sidekiq-$rep.log" 2>&1 &
  local sidekiq_pid=$!
  bench_pids+=("$sidekiq_pid")
  local rc=0
  output=$(timeout 300 ruby "$here/sidekiq/jobs.rb" wait-empty "$since" 240) || rc=1
  local cpu="\"queue_cpu_s\":$(minus "$(cpu_of "$redis_pid")" "$redis1"),\"sidekiq_cpu_s\":$(cpu_of "$sidekiq_pid")"
  stop_pid "$sidekiq_pid"
  printf '%s\n' "$output" |
    record "{\"bench\":\"sidekiq\",\"stage\":\"run\",\"rep\":$rep,\"messages\":$jobs,$cpu}"
  # Sidekiq writes its counts when it exits: every job ran once and none failed.
  local processed failed
  read -r processed failed < <(ruby "$here/sidekiq/jobs.rb" processed)
  log "sidekiq: $processed jobs processed, $failed failed, for $jobs enqueued"
  [ "$rc" = 0 ] && [ "$processed" = "$jobs" ] && [ "$failed" = 0 ]
}

run_sidekiq_bench() {
  sample_arguments=$("$bin/sqs_bench" arguments)
  start_redis || return 1
  log "redis at $REDIS_URL (pid $redis_pid)"
  local rep
  for ((rep = 1; rep <= reps; rep++)); do
    log "sidekiq: rep $rep/$reps, $sidekiq_jobs jobs"
    run_sidekiq "$rep" || return 1
  done
  stop_pid "$redis_pid"
}

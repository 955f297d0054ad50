# 2. Worker: wrk with signed aws-sqsd requests against (a) the ebworker worker with a NoopJob,
# logging at its default level (a_info) and off (a_off), (b) bare pistache, (c) nginx
# `return 200`; all with 2 I/O threads / worker processes, all on 127.0.0.1. Diagnostic target
# (a0): the worker with processing off (the server and its job-pool hand-off, no job middleware).
# Sourced by run.sh (needs $bin, $out, $here, $reps, $worker_seconds, $worker_conns, $rss_*).

io_threads=2

# start_target NAME: starts it on a free port; sets $target_url and $target_pid.
start_target() {
  local name=$1 line port
  case $name in
    a_info | a_off | a0)
      # a0: processing off, log off: the server and the job pool hand-off, no job middleware.
      local processing=true level=${name#a_}
      [ "$name" = a0 ] && processing=false level=off
      # A port of our choosing: with the log off the worker does not say where it listens.
      port=$(free_port)
      mkdir -p "$out/worker-cwd"  # no cron.yaml there: no periodic tasks
      (cd "$out/worker-cwd" && exec env SECRET_KEY_BASE="$bench_secret" EBWORKER_PROCESS_JOBS=$processing PORT=$port \
        EBWORKER_IO_THREADS=$io_threads EBWORKER_JOB_THREADS=64 EBWORKER_LOG_LEVEL=$level \
        "$bin/ebworker-bench" serve) >"$out/$name.log" 2>&1 &
      target_pid=$!
      bench_pids+=("$target_pid")
      wait_http "http://127.0.0.1:$port/" "$target_pid" || { cat "$out/$name.log" >&2; return 1; }
      ;;
    b)
      start_bg bare_pistache "$bin/bare_pistache" --threads "$io_threads"
      target_pid=$bg_pid
      line=$(wait_for_line "$out/bare_pistache.log" 'listening on http://' 20 "$target_pid") || return 1
      port=${line##*:}
      ;;
    c)
      port=$(free_port)
      local dir="$out/nginx"
      mkdir -p "$dir/logs"
      cat >"$dir/nginx.conf" <<CONF
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
worker_processes $io_threads;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  default_type text/plain;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "OK\n"; }
  }
}
CONF
      start_bg nginx "$nginx" -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" -g 'daemon off;'
      target_pid=$bg_pid
      wait_http "http://127.0.0.1:$port/" "$target_pid" || { cat "$out/nginx.log" "$dir/logs/error.log" >&2; return 1; }
      ;;
  esac
  target_url="http://127.0.0.1:$port/"
}

stop_target() {
  stop_pid "$target_pid"
  local keep=()
  for p in "${bench_pids[@]}"; do [ "$p" = "$target_pid" ] || keep+=("$p"); done
  bench_pids=("${keep[@]}")
}

# run_wrk LABEL_JSON CONNS CONNECTION SECONDS [MAX_REQUESTS]
run_wrk() {
  local label=$1 conns=$2 connection=$3 seconds=$4 max=${5:-0}
  SQSD_REQUESTS="$out/requests.lua" BENCH_CONNECTION=$connection BENCH_MAX_REQUESTS=$max \
    BENCH_LABEL="$label" timeout $((seconds + 30)) \
    wrk -t1 -c"$conns" -d"${seconds}s" --timeout 5s -s "$here/worker/sqsd.lua" "$target_url" >"$out/wrk.out" 2>&1 ||
    { log "wrk failed:"; cat "$out/wrk.out" >&2; return 1; }
  record '{}' <"$out/wrk.out"
}

# One pass over the matrix for TARGET in repetition REP.
worker_matrix() {
  local target=$1 rep=$2 connection conns
  start_target "$target" || return 1
  # One unmeasured second first (not in a smoke run): connections, caches, job threads warmed up.
  $smoke || run_wrk '{"bench":"warmup"}' 8 keep-alive 1 >/dev/null 2>&1 || true
  for connection in "${worker_connections[@]}"; do
    for conns in "${worker_conns[@]}"; do
      run_wrk "{\"bench\":\"worker\",\"target\":\"$target\",\"conns\":$conns,\"connection\":\"$connection\",\"rep\":$rep}" \
        "$conns" "$connection" "$worker_seconds" "$worker_max_requests" || { stop_target; return 1; }
    done
  done
  if [[ $target == a_* ]]; then
    # Every request the worker answered got a log line at info, none at off.
    log "$target: $(grep -c 'status=200' "$out/$target.log" || true) request log lines"
  fi
  stop_target
}

# The worker's memory: VmRSS after the first 100 k requests and after 1 M, and the peak (VmHWM),
# with request logging at its default level (to /dev/null), half keep-alive, half reconnecting.
worker_rss() {
  local first=$rss_first total=$rss_total port
  port=$(free_port)
  (cd "$out/worker-cwd" && exec env SECRET_KEY_BASE="$bench_secret" EBWORKER_PROCESS_JOBS=true PORT=$port \
    EBWORKER_IO_THREADS=$io_threads EBWORKER_JOB_THREADS=64 "$bin/ebworker-bench" serve) >/dev/null 2>&1 &
  target_pid=$!
  bench_pids+=("$target_pid")
  target_url="http://127.0.0.1:$port/"
  wait_http "$target_url" "$target_pid" || return 1
  local start_rss after_first after_total
  start_rss=$(rss_of "$target_pid")
  run_wrk '{"bench":"rss-load","phase":"first-keepalive"}' 64 keep-alive 300 $((first / 2)) || return 1
  run_wrk '{"bench":"rss-load","phase":"first-close"}' 64 close 300 $((first / 2)) || return 1
  after_first=$(rss_of "$target_pid")
  run_wrk '{"bench":"rss-load","phase":"rest-keepalive"}' 64 keep-alive 600 $(((total - first) / 2)) || return 1
  run_wrk '{"bench":"rss-load","phase":"rest-close"}' 64 close 600 $(((total - first) / 2)) || return 1
  after_total=$(rss_of "$target_pid")
  read -r s0 _ <<<"$start_rss"
  read -r r1 _ <<<"$after_first"
  read -r r2 hwm <<<"$after_total"
  echo "RESULT {\"bench\":\"rss\",\"first\":$first,\"total\":$total,\"start_kib\":$s0,\"after_first_kib\":$r1,\"after_total_kib\":$r2,\"hwm_kib\":$hwm}" |
    record '{}'
  stop_target
}

run_worker_bench() {
  "$bin/sqsd_requests" 64 1024 >"$out/requests.lua"
  local rep target
  for ((rep = 1; rep <= reps; rep++)); do
    for target in "${worker_targets[@]}"; do
      log "worker: rep $rep/$reps, target $target"
      worker_matrix "$target" "$rep" || return 1
      rm -f "$out/$target.log"
    done
  done
  log "worker: memory over $rss_total requests"
  worker_rss
}

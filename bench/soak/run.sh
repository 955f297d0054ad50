#!/usr/bin/env bash
# Soak: `ebworker sqsd` and `ebworker serve` (ebworker-bench, NoopJob; both with their defaults
# but HttpConnections = job threads) over many jobs, once per HttpConnections setting. For each:
# fill a fresh fauxqs queue (untimed), start the worker and the daemon, and let soak_monitor
# print per interval the jobs processed, the rate, what is left and both processes' RSS, until
# the queue is empty; then SIGTERM the daemon, then the worker, and time each shutdown.
#
# Fails (exit 1) on a stall (an interval with nothing processed while messages remain), RSS more
# than --rss-growth-mib above its first interval's, a process gone, a shutdown slower than its
# bound or not exiting 0, or the worker running fewer jobs than were queued.
#
#   bench/soak/run.sh [--jobs N] [--connections 1,2,50] [--interval S] [--rss-growth-mib M]
#                     [--wait-time S] [--sqsd-shutdown-bound S] [--worker-shutdown-bound S]
#                     [--timeout S] [--build-dir DIR] [--out DIR]
#   bench/soak/run.sh --smoke --build-dir DIR     800 jobs per setting, 1 s intervals, 1 s long
#                                                 polls, RSS bound 512 MiB (ASan), the binaries of
#                                                 DIR (ctest -L soak-smoke)
# Defaults: 200,000 jobs, HttpConnections 1, 2 and 50, 5 s intervals, RSS growth 64 MiB, the
# daemon's own long poll (20 s), shutdown bounds of the long poll + 5 s for the daemon (the
# receive in flight ends first) and 10 s for the worker, 1,800 s per setting. Without --build-dir
# it builds Release in build-bench/ as bench/run.sh does.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
root=$(dirname "$bench")

jobs=200000
connections=1,2,50
interval=5
rss_growth=64
wait_time=20
sqsd_bound=""
worker_bound=10
timeout_s=1800
build_dir=""
out=""
smoke=false
while (($#)); do
  case $1 in
    --smoke) smoke=true; jobs=800; interval=1; rss_growth=512; wait_time=1; timeout_s=120 ;;
    --jobs) jobs=$2; shift ;;
    --connections) connections=$2; shift ;;
    --interval) interval=$2; shift ;;
    --rss-growth-mib) rss_growth=$2; shift ;;
    --wait-time) wait_time=$2; shift ;;
    --sqsd-shutdown-bound) sqsd_bound=$2; shift ;;
    --worker-shutdown-bound) worker_bound=$2; shift ;;
    --timeout) timeout_s=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    --out) out=$2; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "soak: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ -n "$sqsd_bound" ] || sqsd_bound=$((wait_time + 5))
source "$bench/lib/common.sh"
bench_secret="bench-secret-key-base-0123456789abcdef0123456789abcdef"  # bench::kSecret

command -v node >/dev/null || { echo "soak: node is not installed: run scripts/setup.sh" >&2; exit 1; }
[ -d "$root/node_modules/fauxqs" ] || { echo "soak: fauxqs is not installed: run scripts/setup.sh" >&2; exit 1; }

if [ -z "$build_dir" ]; then
  build_dir="$root/build-bench"
  log "building (Release) in $build_dir"
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEBWORKER_TESTS=OFF -DEBWORKER_BENCH=ON >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target ebworker_bench_app sqs_bench soak_monitor >/dev/null
fi
build_dir=$(cd "$build_dir" && pwd)
bin="$build_dir/bench"
for b in ebworker-bench sqs_bench soak_monitor; do
  [ -x "$bin/$b" ] || { echo "soak: $bin/$b is not built" >&2; exit 1; }
done

if [ -z "$out" ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/ebworker-soak.XXXXXX")
  trap 'stop_all; rm -rf "$out"' EXIT
else
  mkdir -p "$out"
  trap 'stop_all' EXIT
fi
log "soak: $jobs jobs at HttpConnections $connections, ${interval} s intervals, ${wait_time} s long polls; logs in $out"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# stop_timed PID BOUND: SIGTERM, then waits for the exit (a watchdog sends SIGKILL BOUND + 5 s
# later). Sets stop_ms (how long it took) and stop_rc (its exit status).
stop_timed() {
  local pid=$1 bound=$2 t0 t1 watchdog
  t0=$(date +%s%N)
  kill -TERM "$pid"
  (
    sleep "$((bound + 5))" &
    s=$!
    trap 'kill $s 2>/dev/null; exit 0' TERM
    wait $s
    kill -KILL "$pid" 2>/dev/null
  ) &
  watchdog=$!
  stop_rc=0
  wait "$pid" || stop_rc=$?
  t1=$(date +%s%N)
  kill -TERM "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  stop_ms=$(((t1 - t0) / 1000000))
}

start_fauxqs || exit 1
log "fauxqs at $sqs_endpoint"
mkdir -p "$out/cwd"  # no cron.yaml there: no periodic tasks
failed=0
summary=()
IFS=, read -r -a settings <<<"$connections"
for c in "${settings[@]}"; do
  log "HttpConnections $c: filling a queue with $jobs jobs"
  queue=$("$bin/sqs_bench" create-queue --endpoint "$sqs_endpoint" --name "soak-$c") || exit 1
  "$bin/sqs_bench" fill --endpoint "$sqs_endpoint" --queue-url "$queue" --messages "$jobs" || exit 1

  (cd "$out/cwd" && exec env SECRET_KEY_BASE="$bench_secret" EBWORKER_PROCESS_JOBS=true PORT=0 \
    EBWORKER_JOB_THREADS="$c" "$bin/ebworker-bench" serve) >"$out/worker-$c.log" 2>&1 &
  worker_pid=$!
  bench_pids+=("$worker_pid")
  line=$(wait_for_line "$out/worker-$c.log" 'listening on http://' 30 "$worker_pid") || exit 1
  worker_url=${line##*listening on }
  worker_url=${worker_url%% *}

  (cd "$out/cwd" && exec env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1 \
    AWS_ENDPOINT_URL_SQS="$sqs_endpoint" "$bin/ebworker-bench" sqsd --queue-url "$queue" \
    --worker-url "$worker_url" --http-connections "$c" --wait-time "$wait_time") >"$out/sqsd-$c.log" 2>&1 &
  sqsd_pid=$!
  bench_pids+=("$sqsd_pid")
  wait_for_line "$out/sqsd-$c.log" 'sqsd polling' 30 "$sqsd_pid" >/dev/null || exit 1

  log "HttpConnections $c: running (sqsd pid $sqsd_pid, worker pid $worker_pid)"
  rc=0
  "$bin/soak_monitor" --endpoint "$sqs_endpoint" --queue-url "$queue" --messages "$jobs" \
    --sqsd-pid "$sqsd_pid" --worker-pid "$worker_pid" --interval "$interval" \
    --rss-growth-mib "$rss_growth" --timeout "$timeout_s" | tee "$out/monitor-$c.txt" >&2 || rc=$?
  result=$(grep '^RESULT ' "$out/monitor-$c.txt" | tail -1 || true)

  stop_timed "$sqsd_pid" "$sqsd_bound"
  sqsd_ms=$stop_ms sqsd_rc=$stop_rc
  stop_timed "$worker_pid" "$worker_bound"
  worker_ms=$stop_ms worker_rc=$stop_rc
  ran=$(grep -c 'job=NoopJob' "$out/worker-$c.log" || true)
  log "HttpConnections $c: shutdown sqsd ${sqsd_ms} ms (exit $sqsd_rc), worker ${worker_ms} ms (exit $worker_rc); the worker ran $ran jobs"

  problems=()
  ((rc == 0)) || problems+=("the monitor failed (see above)")
  ((sqsd_rc == 0)) || problems+=("sqsd exited $sqsd_rc on SIGTERM")
  ((worker_rc == 0)) || problems+=("the worker exited $worker_rc on SIGTERM")
  ((sqsd_ms <= sqsd_bound * 1000)) || problems+=("sqsd took ${sqsd_ms} ms to shut down (bound ${sqsd_bound} s)")
  ((worker_ms <= worker_bound * 1000)) || problems+=("the worker took ${worker_ms} ms to shut down (bound ${worker_bound} s)")
  ((ran >= jobs)) || problems+=("the worker ran $ran jobs for $jobs messages")
  if ((${#problems[@]})); then
    failed=1
    for p in "${problems[@]}"; do log "HttpConnections $c: FAILED: $p"; done
    log "the daemon's log ends:"
    tail -n 15 "$out/sqsd-$c.log" >&2
  fi
  summary+=("$(node -e '
    const [c, r, sq, wk, ran, ok] = process.argv.slice(1);
    const x = r ? JSON.parse(r.slice(7)) : {};
    const m = (k) => (x[k] / 1024).toFixed(1);
    console.log(`| ${c} | ${x.messages ?? "–"} | ${x.seconds ?? "–"} | ${x.jobs_per_s ?? "–"} | ` +
      `${x.min_interval_rate ?? "–"}–${x.max_interval_rate ?? "–"} | ${m("sqsd_rss_first_kib")} → ${m("sqsd_rss_max_kib")} | ` +
      `${m("worker_rss_first_kib")} → ${m("worker_rss_max_kib")} | ${sq} | ${wk} | ${ran} | ${ok} |`)' \
    "$c" "$result" "$sqsd_ms" "$worker_ms" "$ran" "$( ((${#problems[@]})) && echo FAILED || echo ok)")")
done

echo "| HttpConnections | jobs | seconds | jobs/s | per-interval jobs/s (min–max) | sqsd RSS MiB (first → max) | worker RSS MiB (first → max) | sqsd shutdown ms | worker shutdown ms | jobs run | |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${summary[@]}"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$failed"

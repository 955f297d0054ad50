#!/usr/bin/env bash
# Where the CPU of a job goes: perf (software clock, `-e cpu-clock`: the VM has no hardware
# counters) on the worker under wrk, and on the daemon and the worker in the pipeline, with the
# Release binaries of bench/run.sh. Prints perf's top symbols per process, and the same time
# summed by library (dso), into --out DIR (report-NAME.txt, report-NAME-dso.txt, NAME.data).
#
#   bench/profile.sh [--build-dir build-bench] [--out DIR] [--seconds 8] [--jobs 20000] [--only worker,pipeline]
#
# Everything on 127.0.0.1; wrk runs for --seconds, the pipeline for --jobs messages; every
# process started is stopped by its pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build_dir="$root/build-bench"
out=""
seconds=8
jobs=20000
only=worker,pipeline
while (($#)); do
  case $1 in
    --build-dir) build_dir=$2; shift ;;
    --out) out=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --only) only=$2; shift ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v perf >/dev/null || { echo "profile.sh: perf is not installed (Debian: linux-perf)" >&2; exit 1; }
bin=$(cd "$build_dir" && pwd)/bench
[ -x "$bin/ebworker-bench" ] || { echo "profile.sh: no $bin/ebworker-bench: run bench/run.sh --only micro first" >&2; exit 1; }
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/ebworker-profile.XXXXXX")
mkdir -p "$out"
source "$here/lib/common.sh"
trap 'stop_all' EXIT
bench_secret="bench-secret-key-base-0123456789abcdef0123456789abcdef"  # bench::kSecret
wants() { [[ ,$only, == *,$1,* ]]; }
log "profiles in $out"

# perf_report NAME: the top symbols (self time) and the time by library.
perf_report() {
  local name=$1
  perf report -i "$out/$name.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
    grep -v -e '^#' -e '^$' >"$out/report-$name.txt" || true
  perf report -i "$out/$name.data" --no-children --sort dso --stdio -g none 2>/dev/null |
    grep -v -e '^#' -e '^$' >"$out/report-$name-dso.txt" || true
  log "$name: $(wc -l <"$out/report-$name.txt") lines in report-$name.txt"
}

if wants worker; then
  "$bin/sqsd_requests" 64 1024 >"$out/requests.lua"
  port=$(free_port)
  mkdir -p "$out/worker-cwd"
  (cd "$out/worker-cwd" && exec env SECRET_KEY_BASE="$bench_secret" EBWORKER_PROCESS_JOBS=true PORT=$port \
    EBWORKER_IO_THREADS=2 EBWORKER_JOB_THREADS=64 "$bin/ebworker-bench" serve) >"$out/worker.log" 2>&1 &
  worker_pid=$!
  bench_pids+=("$worker_pid")
  wait_http "http://127.0.0.1:$port/" "$worker_pid"
  SQSD_REQUESTS="$out/requests.lua" BENCH_CONNECTION=keep-alive BENCH_MAX_REQUESTS=0 BENCH_LABEL='{}' \
    timeout $((seconds + 30)) wrk -t1 -c32 -d"$((seconds + 2))s" --timeout 5s -s "$here/worker/sqsd.lua" \
    "http://127.0.0.1:$port/" >"$out/wrk.out" 2>&1 &
  wrk_pid=$!
  sleep 1  # wrk's connections open
  cpu0=$(cpu_of "$worker_pid")
  perf record -e cpu-clock -F 1999 -g -p "$worker_pid" -o "$out/worker-wrk.data" -- sleep "$seconds" 2>"$out/perf-worker.log"
  cpu1=$(cpu_of "$worker_pid")
  wait "$wrk_pid" || true
  grep RESULT "$out/wrk.out" >&2 || cat "$out/wrk.out" >&2
  log "worker under wrk: $(minus "$cpu1" "$cpu0") CPU-s in the ${seconds} s recorded"
  stop_pid "$worker_pid"
  perf_report worker-wrk
fi

if wants pipeline; then
  start_fauxqs
  mkdir -p "$out/worker-cwd" "$out/sqsd-cwd"
  (cd "$out/worker-cwd" && exec env SECRET_KEY_BASE="$bench_secret" EBWORKER_PROCESS_JOBS=true PORT=0 \
    EBWORKER_JOB_THREADS=50 "$bin/ebworker-bench" serve) >"$out/pipeline-worker.log" 2>&1 &
  worker_pid=$!
  bench_pids+=("$worker_pid")
  line=$(wait_for_line "$out/pipeline-worker.log" 'listening on http://' 20 "$worker_pid")
  worker_url=${line##*listening on }
  worker_url=${worker_url%% *}
  queue=$("$bin/sqs_bench" create-queue --endpoint "$sqs_endpoint" --name profile)
  "$bin/sqs_bench" fill --endpoint "$sqs_endpoint" --queue-url "$queue" --messages "$jobs"
  since=$(date +%s%N)
  (cd "$out/sqsd-cwd" && exec env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1 \
    AWS_ENDPOINT_URL_SQS="$sqs_endpoint" "$bin/ebworker-bench" sqsd --queue-url "$queue" \
    --worker-url "$worker_url") >"$out/sqsd.log" 2>&1 &
  sqsd_pid=$!
  bench_pids+=("$sqsd_pid")
  worker_cpu0=$(cpu_of "$worker_pid")
  perf record -e cpu-clock -F 1999 -g -p "$sqsd_pid" -o "$out/sqsd-pipeline.data" 2>"$out/perf-sqsd.log" &
  perf_sqsd=$!
  perf record -e cpu-clock -F 1999 -g -p "$worker_pid" -o "$out/worker-pipeline.data" 2>"$out/perf-worker-pipeline.log" &
  perf_worker=$!
  "$bin/sqs_bench" wait-empty --endpoint "$sqs_endpoint" --queue-url "$queue" --since-ns "$since" --timeout 240 >&2
  log "pipeline, $jobs jobs: sqsd $(cpu_of "$sqsd_pid") CPU-s, worker $(minus "$(cpu_of "$worker_pid")" "$worker_cpu0") CPU-s"
  kill -INT "$perf_sqsd" "$perf_worker"
  wait "$perf_sqsd" "$perf_worker" || true
  stop_pid "$sqsd_pid"
  stop_pid "$worker_pid"
  stop_pid "$fauxqs_pid"
  perf_report sqsd-pipeline
  perf_report worker-pipeline
fi

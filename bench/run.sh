#!/usr/bin/env bash
# The benchmarks, in one command: builds them (Release, build-bench/) and runs
#   1. micro     Google Benchmark: sign, verify, envelope parse, MD5s, cron, the middleware stack
#   2. worker    wrk at 1/8/32/64 connections, keep-alive and Connection: close, against the
#                ebworker worker (request log at info and off), bare pistache and nginx; its RSS
#   3. client    enqueue / enqueue_batch against the AWS SDK for JavaScript v3, to fauxqs
#   4. pipeline  fauxqs → ebworker sqsd → worker, against fauxqs's own receive-and-delete loop
#   5. sidekiq   the same jobs through Sidekiq 6.4 and Redis 7 (Debian's), installed by
#                bench/sidekiq/setup.sh when missing; CPU per job of every process of both
#   6. receives  the pipeline against a distant SQS (every ReceiveMessage delayed by a proxy) at
#                ebworker sqsd --receives 1, 2, 4, 8: throughput as ratios to --receives 1
# then prints the table of medians and ratios (bench/README.md explains it). Everything runs on
# 127.0.0.1, every load loop is bounded in count and time.
#
#   bench/run.sh [--reps N] [--only micro,worker,client,pipeline,sidekiq,receives] [--out DIR]
#   bench/run.sh --smoke --build-dir DIR    each harness briefly (a few hundred requests or jobs),
#                                           binaries from DIR, fails if any of them fails
#                                           (ctest -L bench-smoke)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

smoke=false
reps=3
only=micro,worker,client,pipeline,sidekiq,receives
build_dir=""
out=""
while (($#)); do
  case $1 in
    --smoke) smoke=true ;;
    --reps) reps=$2; shift ;;
    --only) only=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    --out) out=$2; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

wants() { [[ ,$only, == *,$1,* ]]; }

source "$here/lib/common.sh"
source "$here/lib/worker.sh"
source "$here/lib/client.sh"
source "$here/lib/pipeline.sh"
source "$here/lib/sidekiq.sh"
source "$here/lib/receives.sh"

bench_secret="bench-secret-key-base-0123456789abcdef0123456789abcdef"  # bench::kSecret
worker_targets=(a_info a_off a0 b c)
worker_connections=(keep-alive close)
worker_conns=(1 8 32 64)
worker_seconds=3
worker_max_requests=0  # 0: only the seconds bound a wrk run
rss_first=100000
rss_total=1000000
client_configs=("single 1" "single 8" "batch 1" "batch 8")
client_messages=2000
client_warmup=50
pipeline_messages=60000
micro_args=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
receives_values=(1 2 4 8)
receives_messages=3000
receives_delay_ms=100
receives_connections=100
if $smoke; then
  receives_values=(1 4)
  receives_messages=100
  receives_delay_ms=50
  reps=1
  worker_targets=(a_info a_off b c)
  worker_connections=(keep-alive close)
  worker_conns=(8)
  worker_seconds=2
  worker_max_requests=200  # wrk stops after these (well before the seconds)
  rss_first=400
  rss_total=800
  client_configs=("single 1" "batch 8")
  client_messages=20
  client_warmup=2
  pipeline_messages=60
  micro_args=(--benchmark_min_time=0.01 '--benchmark_filter=BM_Verify/1024|BM_EnvelopeParse/1024|BM_Md5OfAttributes|every_12_hours|traverse/log_off')
fi

for tool in wrk node curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed: run scripts/setup.sh" >&2; exit 1; }
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "run.sh: nginx is not installed: run scripts/setup.sh" >&2; exit 1; }
[ -d "$root/node_modules/fauxqs" ] || { echo "run.sh: fauxqs is not installed: run scripts/setup.sh" >&2; exit 1; }

# The AWS SDK baseline, pinned by bench/package-lock.json, in bench/node_modules.
sdk_impl=(aws-sdk-js-v3)
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  log "installing the AWS SDK baseline (npm ci in bench/)"
  if ! (cd "$here" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null); then
    $smoke || { echo "run.sh: npm ci in bench/ failed" >&2; exit 1; }
    log "npm ci failed: the smoke run skips the AWS SDK baseline"
    sdk_impl=()
  fi
fi

# The Sidekiq baseline (Debian's ruby-sidekiq and redis-server), installed when missing. The
# smoke run skips it, and says so, when they cannot be installed.
if wants sidekiq && ! "$here/sidekiq/setup.sh"; then
  $smoke || { echo "run.sh: could not install the Sidekiq baseline (bench/sidekiq/setup.sh)" >&2; exit 1; }
  log "the Sidekiq baseline could not be installed: the smoke run skips it"
  only=${only//sidekiq/}
fi

if [ -z "$build_dir" ]; then
  build_dir="$root/build-bench"
  log "building (Release) in $build_dir"
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEBWORKER_TESTS=OFF -DEBWORKER_BENCH=ON >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target ebworker_micro ebworker_bench_app bare_pistache sqsd_requests sqs_bench slow_sqs >/dev/null
fi
build_dir=$(cd "$build_dir" && pwd)
bin="$build_dir/bench"

if [ -z "$out" ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/ebworker-bench.XXXXXX")
  $smoke && trap 'stop_all; rm -rf "$out"' EXIT || trap 'stop_all' EXIT
else
  mkdir -p "$out"
  trap 'stop_all' EXIT
fi
: >"$out/results.jsonl"
log "results in $out"
started=$(date +%s)

# The machine, for the README.
{
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "debian: $(cat /etc/debian_version 2>/dev/null || echo unknown)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), nginx: $("$nginx" -v 2>&1 | cut -d/ -f2), node: $(node --version)"
  if wants sidekiq; then
    echo "ruby: $(ruby -e 'print RUBY_VERSION'), sidekiq: $(ruby -rsidekiq -e 'print Sidekiq::VERSION'), redis: $(redis-server --version | grep -o 'v=[0-9.]*' | cut -d= -f2)"
  fi
} >"$out/machine.txt"

$smoke && { wants client || wants pipeline || wants receives; } && launch_fauxqs
if wants micro; then
  log "micro"
  "$bin/ebworker_micro" "${micro_args[@]}" --benchmark_out="$out/micro.json" --benchmark_out_format=json >&2
fi
# The smoke run only checks that every harness works, so its independent sections run side by
# side (each in a subshell that stops what it started); a measuring run keeps them one at a time.
side_sections=()
in_smoke_background() {
  local name=$1
  shift
  ( bench_pids=(); trap 'stop_all' EXIT; "$@" || { log "the $name benchmark failed"; exit 1; } ) &
  side_sections+=($!)
}
if wants worker; then
  if $smoke; then
    in_smoke_background worker run_worker_bench
  else
    run_worker_bench || { log "the worker benchmark failed"; exit 1; }
  fi
fi
sidekiq_jobs=$pipeline_messages
if wants sidekiq && $smoke; then
  in_smoke_background Sidekiq run_sidekiq_bench
fi
if wants client || wants pipeline || wants receives; then
  start_fauxqs || exit 1
  log "fauxqs at $sqs_endpoint"
  if wants client; then
    run_client_bench || { log "the client benchmark failed"; exit 1; }
  fi
  if wants pipeline; then
    run_pipeline_bench || { log "the pipeline benchmark failed"; exit 1; }
  fi
  if wants receives; then
    run_receives_bench || { log "the receives benchmark failed"; exit 1; }
  fi
  stop_pid "$fauxqs_pid"
fi
if wants sidekiq && ! $smoke; then
  run_sidekiq_bench || { log "the Sidekiq benchmark failed"; exit 1; }
fi
for section in "${side_sections[@]}"; do
  wait "$section" || exit 1
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); took $(($(date +%s) - started)) s" >>"$out/machine.txt"
check=()
$smoke && check=(--check)
$smoke && wants sidekiq && check+=(--sidekiq)
node "$here/lib/report.mjs" "$out" "${check[@]}"

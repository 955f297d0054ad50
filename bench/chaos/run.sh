#!/usr/bin/env bash
# The long chaos run: the chaos end-to-end test (tests/e2e/chaos_test.cc) with more jobs and more
# kills than the test command gives it. Jobs go through fauxqs → the fault-injecting proxy →
# `ebworker sqsd` → `ebworker serve` while the worker and the daemon are SIGKILLed in turn;
# every job must be performed or dead-lettered intact. Then the same with retry policies, hops
# and two daemons electing a cron leader through a DynamoDB that answers errors, the worker and
# the leader killed in turn (--policy-jobs, --policy-kills). Prints the tests' figures.
#
#   bench/chaos/run.sh [--jobs N] [--kills K] [--policy-jobs N] [--policy-kills K] [--seed S]
#                      [--connections C] [--max-receives R] [--timeout S] [--build-dir DIR]
# Defaults: 10,000 jobs, 100 kills, 2,000 policy jobs, 20 policy kills, seed 20261201,
# HttpConnections 10, maxReceiveCount 3, 900 s (each test).
# Without --build-dir it builds e2e_chaos_tests in Release in build-bench-chaos/ (a build with
# the tests, which build-bench/ has not); `--build-dir build-asan` runs the sanitizer build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

jobs=10000
kills=100
policy_jobs=2000
policy_kills=20
seed=20261201
connections=10
max_receives=3
timeout_s=900
build_dir=""
while (($#)); do
  case $1 in
    --jobs) jobs=$2; shift ;;
    --kills) kills=$2; shift ;;
    --policy-jobs) policy_jobs=$2; shift ;;
    --policy-kills) policy_kills=$2; shift ;;
    --seed) seed=$2; shift ;;
    --connections) connections=$2; shift ;;
    --max-receives) max_receives=$2; shift ;;
    --timeout) timeout_s=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "chaos: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ -d "$root/node_modules/fauxqs" ] || { echo "chaos: fauxqs is not installed: run scripts/setup.sh" >&2; exit 1; }
if [ -z "$build_dir" ]; then
  build_dir="$root/build-bench-chaos"
  echo "chaos: building e2e_chaos_tests (Release) in $build_dir" >&2
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEBWORKER_BENCH=OFF >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target e2e_chaos_tests ebworker_app ebworker_fixture_app >/dev/null
fi
binary="$build_dir/tests/e2e/e2e_chaos_tests"
[ -x "$binary" ] || { echo "chaos: $binary is not built" >&2; exit 1; }

echo "chaos: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
rc=0
# The test's own deadline is the timeout; the stall check (no progress at all) stays at 60 s.
EBWORKER_CHAOS_JOBS=$jobs EBWORKER_CHAOS_KILLS=$kills EBWORKER_CHAOS_SEED=$seed \
  EBWORKER_CHAOS_POLICY_JOBS=$policy_jobs EBWORKER_CHAOS_POLICY_KILLS=$policy_kills \
  EBWORKER_CHAOS_CONNECTIONS=$connections EBWORKER_CHAOS_MAX_RECEIVES=$max_receives \
  EBWORKER_CHAOS_TIMEOUT=$timeout_s EBWORKER_CHAOS_STALL=60 \
  timeout "$((2 * timeout_s + 240))" "$binary" --gtest_color=no || rc=$?
echo "chaos: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"

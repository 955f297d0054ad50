#!/usr/bin/env bash
# Quick start, command 2: set up, then build and run every test:
#   - the AddressSanitizer + UndefinedBehaviorSanitizer build with warnings as errors (build-asan):
#     unit, integration, credentials, sqs, e2e (chaos included), deploy, and the soak and benchmark
#     smoke runs (the benchmark one installs its Sidekiq baseline, bench/sidekiq/setup.sh);
#   - the ThreadSanitizer build of the race tests (build-tsan);
#   - every fuzz harness for a few seconds (scripts/fuzz.sh --smoke, clang, build-fuzz);
#   - with EBWORKER_TEST_CONTAINER=1 only, the container build (tests/deploy/container_build_test.sh:
#     the whole library once more in Release, then a signed job; ~6 minutes of CPU on 2 cores,
#     which the 20-minute CI budget cannot hold beside the sanitizer builds).
# The sanitizer builds keep line tables only (-g1): their reports still name file and line, and
# compiling and linking take far less than with full debug information.
# Arguments go to the ASan ctest run (e.g. -R e2e). Exits non-zero if any part failed.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
# A safety net: nothing a test starts ever asks the real instance metadata service.
export AWS_EC2_METADATA_DISABLED=true
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DEBWORKER_SANITIZE=ON \
  -DEBWORKER_WERROR=ON >/dev/null
cmake --build build-asan -j"$(nproc)"

# The ThreadSanitizer and fuzz parts run at low priority beside the ASan tests, which mostly
# wait on sockets and processes: the spare core builds and runs them, and a test that needs both
# cores still gets them. Their output is printed once the ASan tests are done.
mkdir -p build-logs
(
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DEBWORKER_TSAN=ON \
    -DEBWORKER_WERROR=ON >/dev/null &&
    nice -n 10 cmake --build build-tsan -j"$(nproc)" --target race_tests &&
    nice -n 10 ctest --test-dir build-tsan --output-on-failure --timeout 300 -L race
) >build-logs/tsan.log 2>&1 &
tsan=$!
./scripts/fuzz.sh --smoke >build-logs/fuzz.log 2>&1 &
fuzz=$!
# The container build (also the ctest deploy.container_build, left out of the run below) needs
# no timing: when asked for, it takes the spare core too.
parts=(tsan fuzz)
if [ "${EBWORKER_TEST_CONTAINER:-0}" = 1 ]; then
  nice -n 10 tests/deploy/container_build_test.sh "$PWD" >build-logs/container.log 2>&1 &
  container=$!
  parts+=(container)
fi

status=0
# Two at a time: those that compile or load both cores (the installed package, chaos, soak, the
# benchmark smoke run) are RUN_SERIAL.
ctest --test-dir build-asan --output-on-failure --timeout 300 -j2 -E '^deploy\.container_build$' "$@" ||
  status=1

for part in "${parts[@]}"; do
  pid=${!part}
  if wait "$pid"; then
    echo "== $part: passed"
    grep -E "tests passed|Total Test time|^container build:" "build-logs/$part.log" || true
  else
    echo "== $part: FAILED (build-logs/$part.log):"
    tail -80 "build-logs/$part.log"
    status=1
  fi
done
exit $status

#!/usr/bin/env bash
# Quick start, command 2: set up, build with AddressSanitizer + UndefinedBehaviorSanitizer and
# warnings as errors, and run every test (unit and integration).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEBWORKER_SANITIZE=ON -DEBWORKER_WERROR=ON >/dev/null
cmake --build build-asan -j"$(nproc)"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# The benchmark smoke run (label bench-smoke) is left out: it needs minutes on a loaded 2-core
# machine. Run it with: ctest --test-dir build-asan -L bench-smoke
ctest --test-dir build-asan --output-on-failure --timeout 300 -LE bench-smoke "$@"

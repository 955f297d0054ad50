#!/usr/bin/env bash
# The scale-out run at full size: tests/e2e/scale_out_test.cc (three workers, each fed by its
# own `ebworker sqsd`, all on one fauxqs queue) with 10,000 jobs instead of the test command's
# 1,000. Every job must be performed at least once; duplicates are printed. Prints the test's
# figures (jobs, duplicates, seconds, each daemon's share).
#
#   scripts/scale_out.sh [--jobs N] [--build-dir DIR]
# Without --build-dir it builds e2e_scale_tests (Release) in build-scale/; `--build-dir
# build-asan` runs the sanitizer build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

jobs=10000
build_dir=""
while (($#)); do
  case $1 in
    --jobs) jobs=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "scale_out: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $jobs =~ ^[0-9]+$ ]] && ((jobs >= 1 && jobs <= 1000000)) || { echo "scale_out: --jobs 1-1000000" >&2; exit 2; }
[ -d "$root/node_modules/fauxqs" ] || { echo "scale_out: fauxqs is not installed: run scripts/setup.sh" >&2; exit 1; }
if [ -z "$build_dir" ]; then
  build_dir="$root/build-scale"
  echo "scale_out: building e2e_scale_tests (Release) in $build_dir" >&2
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DEBWORKER_BENCH=OFF >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target e2e_scale_tests ebworker_app ebworker_fixture_app >/dev/null
fi
binary="$build_dir/tests/e2e/e2e_scale_tests"
[ -x "$binary" ] || { echo "scale_out: $binary is not built" >&2; exit 1; }

echo "scale_out: $jobs jobs; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
rc=0
# The test's deadline grows with the jobs (30 s + 1 s per 50); this bounds the whole run.
EBWORKER_SCALE_OUT_JOBS=$jobs timeout "$((jobs / 50 + 180))" "$binary" --gtest_color=no || rc=$?
echo "scale_out: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"

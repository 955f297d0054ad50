#!/usr/bin/env bash
# The fuzz build (tests/fuzz/README.md): clang++ with libFuzzer, ASan and UBSan, in build-fuzz/.
# Configures and builds it, then runs the harnesses:
#   scripts/fuzz.sh --smoke                      every harness a few seconds (ctest -L fuzz), what
#                                                the test command runs
#   scripts/fuzz.sh [--time S] [--runs N] [HARNESS...]
#                                                each harness (default: all) for S seconds and/or N
#                                                executions (default 60 s), growing a working corpus
#                                                in build-fuzz/corpus/HARNESS (the seeds in
#                                                tests/fuzz/corpus are only read)
# Prints per harness: executions, exec/s, crashes. Exits non-zero if any harness crashed, broke
# an invariant, hung or ran out of memory; the input that did it is in
# build-fuzz/fuzz-artifacts/HARNESS/. Builds and runs at nice 10, at most 2 jobs.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }

smoke=false time="" runs=""
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=true ;;
    --time) time=${2:?--time needs seconds}; shift ;;
    --time=*) time=${1#--time=} ;;
    --runs) runs=${2:?--runs needs a count}; shift ;;
    --runs=*) runs=${1#--runs=} ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) harnesses+=("$1") ;;
  esac
  shift
done

compiler=""
for c in clang++-14 clang++; do
  if command -v "$c" >/dev/null; then compiler=$(command -v "$c"); break; fi
done
[ -n "$compiler" ] || { echo "fuzz.sh: clang++ not found (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2; exit 1; }

build=build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  nice -n 10 cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$compiler" -DEBWORKER_FUZZ=ON >/dev/null
fi
start=$(date +%s)
nice -n 10 cmake --build "$build" -j2 >"$build/fuzz-build.log" 2>&1 ||
  { tail -40 "$build/fuzz-build.log" >&2; echo "fuzz.sh: build failed (log: $build/fuzz-build.log)" >&2; exit 1; }
echo "fuzz.sh: fuzz build ready in $(( $(date +%s) - start )) s ($build)"

if $smoke; then
  # Two at once: each harness is one process on one core.
  exec nice -n 10 ctest --test-dir "$build" -L fuzz --output-on-failure -j2
fi

all=$(sed -n 's/^  \(fuzz_[a-z_]*\)$/\1/p' tests/fuzz/CMakeLists.txt)
[ ${#harnesses[@]} -gt 0 ] || read -r -a harnesses <<<"$(echo $all)"
[ -n "$time$runs" ] || time=60

flags=()
[ -z "$time" ] || flags+=("-max_total_time=$time")
[ -z "$runs" ] || flags+=("-runs=$runs")

failed=()
for h in "${harnesses[@]}"; do
  h=${h#fuzz.}
  grep -qx "$h" <<<"$all" || { echo "fuzz.sh: no harness $h (have: $(echo $all))" >&2; exit 2; }
  nice -n 10 tests/fuzz/run_fuzzer.sh "$build/tests/fuzz/$h" "tests/fuzz/corpus/$h" \
    "$build/fuzz-artifacts/$h" "$build/corpus/$h" "${flags[@]}" || failed+=("$h")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#harnesses[@]} harnesses, no crash"

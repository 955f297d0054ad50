#!/usr/bin/env bash
# Runs one libFuzzer harness from its seed corpus and prints one summary line:
#   fuzz HARNESS: executions=N exec/s=N crashes=N seconds=N
#   run_fuzzer.sh HARNESS_BINARY SEED_DIR ARTIFACT_DIR [WORK_CORPUS_DIR] [-flag=value ...]
# The seed directory is only read: new inputs go to WORK_CORPUS_DIR (kept, for long runs) or to
# a temp directory removed afterwards. A crash, leak, sanitizer report, broken invariant, hang
# (-timeout, 10 s an input) or out-of-memory leaves its input in ARTIFACT_DIR, and the exit
# status is non-zero.
set -uo pipefail

binary=$1 seeds=$2 artifacts=$3
shift 3
work=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then work=$1; shift; fi
name=$(basename "$binary")

[ -d "$seeds" ] || { echo "run_fuzzer: no seed corpus $seeds" >&2; exit 2; }
mkdir -p "$artifacts"
temp=""
if [ -z "$work" ]; then
  temp=$(mktemp -d "${TMPDIR:-/tmp}/ebworker-fuzz-$name.XXXXXX")
  work=$temp
fi
mkdir -p "$work"
log=$(mktemp "${TMPDIR:-/tmp}/ebworker-fuzz-$name.log.XXXXXX")
cleanup() { [ -z "$temp" ] || rm -rf "$temp"; rm -f "$log"; }
trap cleanup EXIT

start=$(date +%s)
"$binary" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$work" "$seeds" >"$log" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))

stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
executions=$(stat number_of_executed_units)
per_second=$(stat average_exec_per_sec)
crashes=0
[ $status -eq 0 ] || crashes=1
echo "fuzz $name: executions=${executions:-?} exec/s=${per_second:-?} crashes=$crashes seconds=$elapsed"
if [ $status -ne 0 ]; then
  # The report: the sanitizer's or the broken invariant's message and the stack.
  grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse|INITED|RELOAD)' "$log" | tail -60 >&2
  echo "fuzz $name: FAILED (exit $status); input saved in $artifacts/" >&2
fi
exit $status

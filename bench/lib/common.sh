# Helpers the benchmark sections share (sourced by run.sh). Every process started here is
# recorded and stopped by its pid on exit; everything listens on 127.0.0.1.

bench_pids=()

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# A free TCP port on 127.0.0.1 (the kernel's choice; closed again at once).
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_bg NAME CMD...: runs CMD in the background, output to $out/NAME.log; sets $bg_pid.
start_bg() {
  local name=$1
  shift
  "$@" >"$out/$name.log" 2>&1 &
  bg_pid=$!
  bench_pids+=("$bg_pid")
}

# stop_pid PID: SIGTERM, then SIGKILL after 10 s; waits for it.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  local pid
  for pid in "${bench_pids[@]}"; do stop_pid "$pid"; done
  bench_pids=()
}

# wait_for_line FILE REGEX SECONDS PID: prints the first matching line; fails when PID exits or
# the time runs out.
wait_for_line() {
  local file=$1 regex=$2 seconds=$3 pid=$4 i line
  for ((i = 0; i < seconds * 20; i++)); do
    line=$(grep -m1 -E "$regex" "$file" 2>/dev/null || true)
    if [ -n "$line" ]; then
      printf '%s\n' "$line"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  log "no \"$regex\" in $file:"
  tail -n 20 "$file" >&2
  return 1
}

# wait_http URL PID: waits (at most 10 s) until URL answers anything over HTTP.
wait_http() {
  local url=$1 pid=$2 i
  for ((i = 0; i < 200; i++)); do
    curl -s -o /dev/null --max-time 1 "$url" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  log "nothing answers at $url"
  return 1
}

# record JSON_LABEL < output: appends each "RESULT {…}" line of the output to results.jsonl with
# the label's fields merged in, and echoes it.
record() {
  local label=$1 line
  while IFS= read -r line; do
    case $line in
      RESULT\ *)
        node -e 'const r=JSON.parse(process.argv[1]);const l=JSON.parse(process.argv[2]);
                 const o={...l,...r};if(r.label){Object.assign(o,r.label);delete o.label}
                 console.log(JSON.stringify(o))' "${line#RESULT }" "$label" | tee -a "$out/results.jsonl" >&2
        ;;
    esac
  done
}

# fauxqs on a free loopback port; sets $sqs_endpoint. launch_fauxqs starts it without waiting
# (node takes a second or so to start: the smoke run starts it before the worker section).
launch_fauxqs() {
  [ -n "${fauxqs_pid:-}" ] && return 0
  start_bg fauxqs node "$root/scripts/fauxqs.mjs" 0
  fauxqs_pid=$bg_pid
}
start_fauxqs() {
  launch_fauxqs
  local line
  line=$(wait_for_line "$out/fauxqs.log" 'fauxqs listening on ' 30 "$fauxqs_pid") || return 1
  sqs_endpoint=${line#*listening on }
}

# CPU seconds (user + system) PID has used so far.
cpu_of() {
  awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / tck }' "/proc/$1/stat"
}

# CPU seconds of the waited-for children of the benchmark's shell so far (cutime + cstime of
# /proc/$$/stat, $$ even in a subshell): a process that has exited can no longer be read by its pid.
children_cpu() {
  awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($14 + $15) / tck }' "/proc/$$/stat"
}

# A - B, for CPU seconds.
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a - b }'; }

# VmRSS and VmHWM of PID, in KiB: "RSS HWM".
rss_of() {
  awk '/^VmRSS:/{r=$2} /^VmHWM:/{h=$2} END{print r, h}' "/proc/$1/status"
}

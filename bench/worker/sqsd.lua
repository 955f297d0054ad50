-- wrk script: POSTs the signed aws-sqsd requests that sqsd_requests generated, round robin.
--   SQSD_REQUESTS       the generated Lua file (required)
--   BENCH_CONNECTION    "keep-alive" (default) or "close": the Connection header of every request
--   BENCH_MAX_REQUESTS  stop after sending this many requests (0: only -d bounds the run; use -t1)
--   BENCH_LABEL         a JSON object merged into the result line
-- done() prints one line: RESULT {"requests":…,"rps":…,"p50_ms":…,"p99_ms":…,"errors":…}

local connection = os.getenv("BENCH_CONNECTION") or "keep-alive"
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
local prepared = {}
local next_index = 1
local sent = 0

function init(args)
  local path = os.getenv("SQSD_REQUESTS")
  assert(path, "SQSD_REQUESTS must name the generated requests file")
  for _, r in ipairs(dofile(path)) do
    local headers = {}
    for name, value in pairs(r.headers) do headers[name] = value end
    headers["Connection"] = connection
    prepared[#prepared + 1] = wrk.format("POST", "/", headers, r.body)
  end
end

function request()
  sent = sent + 1
  if max_requests > 0 and sent == max_requests + 1 then
    -- Stop this thread's loop, then end wrk's wait for -d as Ctrl-C would (wrk's SIGINT handler
    -- ends the run and prints the results). The shell's parent is wrk; the signal goes a moment
    -- later, once this thread has exited, so that wrk's main thread is the one it interrupts.
    wrk.thread:stop()
    os.execute("(sleep 0.2; kill -INT $PPID) &")
  end
  local r = prepared[next_index]
  next_index = next_index % #prepared + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local label = os.getenv("BENCH_LABEL") or "{}"
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,' ..
    '"max_ms":%.3f,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"label":%s}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout, label))
end

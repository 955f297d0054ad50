#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/stack.h>

#include "worker/worker_config.h"
#include "cron/cron_file.h"
#include "envelope/signer.h"
#include "http/server_metrics.h"
#include "worker/job_counters.h"
#include "worker/retry_hops.h"

namespace ebworker {

// The worker's chain: the default middlewares, and the one app it ends in.
struct WorkerChain {
  Stack stack;
  App end;
  // For the Server (ServerOptions): the worker's own endpoints are answered off the job pool,
  // and the server counts its answers into the worker's metrics.
  std::function<bool(const Request&)> answer_inline{};
  std::shared_ptr<ServerMetrics> server_metrics{};

  Response call(Request& request) const { return stack.call(request, end); }
};

// Job processing on:
//   RequestLog → SourceCheck → WorkerEndpoints → SqsdOnly → VerifySignature, ending in Dispatch
//   (the jobs); WorkerEndpoints answers the metrics, health and status paths (when any is set),
//   SqsdOnly whatever else is not the daemon's with `app`.
// Job processing off: RequestLog, ending in `app`, so one binary can serve the web tier too.
// `signer` is required when processing is on.
// `shutdown` reaches every job's stop token; `hops`, when set, carries out retry policies;
// `counters` counts every job's outcome (Dispatch).
WorkerChain default_stack(const WorkerConfig& config, const JobRegistry& registry,
                          const std::optional<Signer>& signer, const CronFile& cron, App app,
                          std::stop_token shutdown = {}, std::shared_ptr<const RetryHops> hops = nullptr,
                          std::shared_ptr<JobCounters> counters = nullptr);

}  // namespace ebworker

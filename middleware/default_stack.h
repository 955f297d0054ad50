#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/stack.h>

#include "cron/cron_file.h"
#include "envelope/signer.h"
#include "worker/exclusive_runs.h"
#include "worker/job_counters.h"
#include "worker/limit_gate.h"
#include "worker/poller_view.h"
#include "worker/retry_hops.h"
#include "worker/server_metrics.h"
#include "worker/worker_config.h"

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

// What the chain is built from when job processing is on.
struct WorkerParts {
  SigningKeys keys;  // VerifySignature's
  CronFile cron{};
  std::stop_token shutdown{};  // reaches every job's stop token
  std::shared_ptr<const RetryHops> hops{};  // when set, carries out retry policies
  std::shared_ptr<JobCounters> counters{};  // counts every job's outcome; made when null
  std::shared_ptr<const ExclusiveRuns> exclusive{};  // cron.yaml's exclusive tasks' leases
  std::shared_ptr<const LimitGate> limits{};  // the job classes' declared limits; null: none
  std::shared_ptr<const PollerView> poller{};  // the worker polling its queue itself: its health and metrics
};

// Job processing on, in this order (tests/unit/middleware_order_test.cc checks the docs say the same):
//   RequestLog → SourceCheck → WorkerEndpoints → SqsdOnly → PeriodicTasks → VerifySignature →
//   Dispatch (the jobs, the one end). WorkerEndpoints answers the metrics, health and status paths
//   (when any is set); SqsdOnly routes what is not the daemon's POST to `app`; PeriodicTasks
//   answers the tasks cron.yaml declares.
// Job processing off: RequestLog, ending in `app`, so one binary can serve the web tier too.
// `parts` is required when processing is on (std::invalid_argument otherwise), and its keys
// must be valid (Signer::create's rules).
WorkerChain default_stack(const WorkerConfig& config, const JobRegistry& registry, std::optional<WorkerParts> parts,
                          App app);

}  // namespace ebworker

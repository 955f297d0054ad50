#pragma once

#include <optional>
#include <stop_token>

#include <ebworker/job_registry.h>
#include <ebworker/stack.h>

#include "config/worker_config.h"
#include "cron/cron_file.h"
#include "envelope/signer.h"
#include "worker/job_counters.h"
#include "worker/retry_hops.h"

namespace ebworker {

// The worker's chain: the default middlewares, and the one app it ends in.
struct WorkerChain {
  Stack stack;
  App end;

  Response call(Request& request) const { return stack.call(request, end); }
};

// Job processing on:
//   RequestLog → SourceCheck → SqsdOnly → VerifySignature, ending in Dispatch (the jobs);
//   SqsdOnly answers whatever is not the daemon's with `app`.
// Job processing off: RequestLog, ending in `app`, so one binary can serve the web tier too.
// `signer` is required when processing is on.
// `shutdown` reaches every job's stop token; `hops`, when set, carries out retry policies;
// `counters` counts every job's outcome (Dispatch).
WorkerChain default_stack(const WorkerConfig& config, const JobRegistry& registry,
                          const std::optional<Signer>& signer, const CronFile& cron, App app,
                          std::stop_token shutdown = {}, std::shared_ptr<const RetryHops> hops = nullptr,
                          std::shared_ptr<JobCounters> counters = nullptr);

}  // namespace ebworker

#pragma once
// What the worker's own endpoints (<ebworker/worker/middleware/worker_endpoints.h>) answer from:
// the worker's counters, its server's, cron.yaml's tasks and its shutdown. The paths, their
// defaults and the prefix they share are http/own_endpoints.h's; an empty path turns its
// endpoint off. The status page is worker/status_page.h's.

#include <memory>
#include <stop_token>
#include <vector>

#include <ebworker/worker/middleware/worker_endpoints.h>

#include "cron/cron_file.h"
#include "http/own_endpoints.h"
#include "worker/job_counters.h"
#include "worker/limit_gate.h"
#include "worker/poller_view.h"
#include "worker/server_metrics.h"

namespace ebworker {

struct WorkerEndpoints::Sources {
  OwnEndpointPaths paths{};
  std::shared_ptr<const JobCounters> jobs{};
  std::shared_ptr<const ServerMetrics> server{};
  std::vector<CronTask> tasks{};
  std::stop_token shutdown{};  // requested once the worker stops accepting
  std::shared_ptr<const PollerView> poller{};  // the worker polling its queue itself
  std::shared_ptr<const LimitGate> limits{};  // the job classes' declared limits; null: none
};

}  // namespace ebworker

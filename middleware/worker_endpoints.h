#pragma once
// The worker's own endpoints, answered after SourceCheck (trusted sources only) and before
// SqsdOnly, on the I/O thread without a job slot (Server's answer_inline), so they answer while
// every job thread is busy:
//   GET EBWORKER_METRICS_PATH  Prometheus text (the worker's metrics registry)
//   GET EBWORKER_HEALTH_PATH   200 {"status":"ok","jobs_running":N,"job_threads":M},
//                              503 {"status":"stopping",...} once shutdown began
//   GET EBWORKER_STATUS_PATH   the HTML status page (worker/status_page.h)
// The paths, their defaults and the prefix they share are http/own_endpoints.h's. An empty path
// turns its endpoint off. Other methods on these paths get 405.

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <ebworker/worker/middleware.h>

#include "cron/cron_file.h"
#include "http/own_endpoints.h"
#include "worker/server_metrics.h"
#include "worker/job_counters.h"

namespace ebworker {

struct WorkerEndpointSources {
  OwnEndpointPaths paths{};
  std::shared_ptr<const JobCounters> jobs{};
  std::shared_ptr<const ServerMetrics> server{};
  std::vector<CronTask> tasks{};
  std::stop_token shutdown{};  // requested once the worker stops accepting
};

class WorkerEndpoints : public Middleware {
 public:
  explicit WorkerEndpoints(WorkerEndpointSources sources);
  Response call(Request& request, const Next& next) const override;

 private:
  Response metrics() const;
  Response health() const;
  Response status() const;

  WorkerEndpointSources sources_;
};

}  // namespace ebworker

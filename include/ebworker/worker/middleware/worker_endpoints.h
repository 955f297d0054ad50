#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include <ebworker/result.h>
#include <ebworker/worker/middleware.h>

namespace ebworker {

// The worker's own endpoints, GET only (405 otherwise); every other request goes on down the
// chain. Placed after SourceCheck (trusted sources only) and before SqsdOnly; the worker answers
// them on the I/O thread, so they answer while every job thread is busy:
//   metrics path  Prometheus text: the jobs' counts and times, the job threads, the answers
//   health path   200 {"status":"ok","jobs_running":N,"job_threads":M}, 503 "stopping" once
//                 shutdown began
//   status path   the HTML status page: throughput, jobs, latest failures, periodic tasks
// The worker builds its own from its settings (EBWORKER_METRICS_PATH, _HEALTH_PATH,
// _STATUS_PATH), reading its counters; name it to place a middleware of yours around it.
class WorkerEndpoints : public Middleware {
 public:
  struct Sources;  // the paths, the worker's counters, cron.yaml's tasks, its shutdown
  explicit WorkerEndpoints(std::shared_ptr<const Sources> sources);

  // Endpoints at these paths, each under /_ebworker/ or "" for none (the error names a path that
  // is not, or one named twice), "stopping" once `shutdown` is requested. Built this way they
  // count nothing: they answer with counts of their own, all zero, and no periodic tasks.
  static Result<WorkerEndpoints> at(std::string metrics_path, std::string health_path, std::string status_path,
                                    std::stop_token shutdown = {});

  Response call(Request& request, const Next& next) const override;

 private:
  Response metrics() const;
  Response health() const;
  Response status() const;

  std::shared_ptr<const Sources> sources_;
};

}  // namespace ebworker

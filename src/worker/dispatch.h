#pragma once

#include <chrono>
#include <memory>
#include <stop_token>
#include <string_view>

#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/request.h>
#include <ebworker/worker/response.h>

#include "cron/cron_file.h"
#include "envelope/envelope.h"
#include "worker/job_counters.h"
#include "worker/job_runner.h"
#include "worker/retry_hops.h"

namespace ebworker {

// The end of the worker chain: runs the job a request names, a message's or a periodic task's.
//   periodic task (X-Aws-Sqsd-Taskname): runs with no arguments only where cron.yaml declares
//     that task at that path, since nobody can sign it; 404 anywhere else. While a run of the
//     task is still going another is skipped (200, logged), unless its class allows overlap.
//   message: the body is the envelope (signed, VerifySignature checked that): 400 not an
//     envelope. With `hops` (the worker's own queue configured), retry_in and the job class's
//     retry policy are carried out by sending the next attempt to SQS (RetryHops), answering
//     200 once SQS holds it, 500 if it could not be sent.
//     A message received before its envelope's scheduled_at is not run: it is sent on with the
//     time left (200), or, without hops, answered 503 with Retry-After.
//   then, both: 404 unknown job · 500 the job failed or threw · 200 done.
class Dispatch {
 public:
  // `shutdown` is requested when the worker stops accepting: every running job's stop token is.
  // `counters`, when given, counts every outcome (else the dispatcher keeps its own).
  Dispatch(const JobRegistry& registry, CronFile cron, std::stop_token shutdown = {},
           std::shared_ptr<const RetryHops> hops = nullptr, std::shared_ptr<JobCounters> counters = nullptr);
  const JobCounters& counters() const { return *counters_; }
  Response operator()(Request& request) const;

 private:
  Response run_task(Request& request, std::string_view task) const;
  Response run_message(Request& request) const;
  Response not_due(const Envelope& envelope, std::chrono::seconds left) const;
  Response count(JobRun run) const;
  Response follow_policy(const Request& request, Envelope& envelope, int attempt, JobRun run) const;

  const JobRegistry* registry_;
  CronFile cron_;
  std::stop_token shutdown_;
  struct RunningTasks;
  std::shared_ptr<RunningTasks> running_;  // shared by the copies App makes
  std::shared_ptr<const RetryHops> hops_;
  std::shared_ptr<JobCounters> counters_;
};

}  // namespace ebworker

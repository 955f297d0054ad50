#pragma once

#include <memory>
#include <stop_token>
#include <string_view>

#include <ebworker/job_registry.h>
#include <ebworker/request.h>
#include <ebworker/response.h>

#include "cron/cron_file.h"

namespace ebworker {

// The end of the worker chain: runs the job a request names, a message's or a periodic task's.
//   periodic task (X-Aws-Sqsd-Taskname): runs with no arguments only where cron.yaml declares
//     that task at that path, since nobody can sign it; 404 anywhere else. While a run of the
//     task is still going another is skipped (200, logged), unless its class allows overlap.
//   message: the body is the envelope (signed, VerifySignature checked that): 400 not an
//     envelope.
//   then, both: 404 unknown job · 500 the job failed or threw · 200 done.
class Dispatch {
 public:
  // `shutdown` is requested when the worker stops accepting: every running job's stop token is.
  Dispatch(const JobRegistry& registry, CronFile cron, std::stop_token shutdown = {});
  Response operator()(Request& request) const;

 private:
  Response run_task(Request& request, std::string_view task) const;

  const JobRegistry* registry_;
  CronFile cron_;
  std::stop_token shutdown_;
  struct RunningTasks;
  std::shared_ptr<RunningTasks> running_;  // shared by the copies App makes
};

}  // namespace ebworker

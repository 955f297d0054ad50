#pragma once

#include <ebworker/job_registry.h>
#include <ebworker/request.h>
#include <ebworker/response.h>

#include "cron/cron_file.h"

namespace ebworker {

// The end of the worker chain: runs the job a request names, a message's or a periodic task's.
//   periodic task (X-Aws-Sqsd-Taskname): runs with no arguments only where cron.yaml declares
//     that task at that path, since nobody can sign it; 404 anywhere else.
//   message: the body is the envelope (signed, VerifySignature checked that): 400 not an
//     envelope.
//   then, both: 404 unknown job · 500 the job failed or threw · 200 done.
class Dispatch {
 public:
  Dispatch(const JobRegistry& registry, CronFile cron) : registry_(&registry), cron_(std::move(cron)) {}
  Response operator()(Request& request) const;

 private:
  const JobRegistry* registry_;
  CronFile cron_;
};

}  // namespace ebworker

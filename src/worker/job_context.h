#pragma once

#include <string_view>

#include <ebworker/worker/job.h>
#include <ebworker/worker/request.h>

namespace ebworker {

// A run's context from the daemon's headers of its request: the message's, and for a periodic
// task (X-Aws-Sqsd-Taskname) the task's name and scheduled time. `job_id` is the envelope's
// (empty for a periodic task).
JobContext job_context(const Request& request, std::string_view job_name, std::string_view job_id);

}  // namespace ebworker

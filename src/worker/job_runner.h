#pragma once
// The dispatch boundary: runs one job and turns how it ended into the status the daemon acts on.
// A job's exception stops here; it becomes a 500 and a reason, never a crash.

#include <rapidjson/document.h>

#include <string_view>

#include <ebworker/job.h>
#include <ebworker/job_registry.h>
#include <ebworker/response.h>

namespace ebworker {

// 200 done or discarded · 404 no such job registered · 500 the job failed or threw ·
// 503 with Retry-After: the job asked to run again later (retry_in).
Response run_job(const JobRegistry& registry, std::string_view job_name,
                 const rapidjson::Value& arguments, JobContext& context);

}  // namespace ebworker

#pragma once
// The dispatch boundary: runs one job and turns how it ended into the status the daemon acts on.
// A job's exception stops here; it becomes a 500 and a reason, never a crash.

#include <rapidjson/document.h>

#include <chrono>
#include <exception>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include <ebworker/worker/job.h>
#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/response.h>

namespace ebworker {

// 200 done or discarded · 404 no such job registered · 500 the job failed or threw ·
// 503 with Retry-After: the job asked to run again later (retry_in).
// `shutdown` is the worker's: when it is requested, so is the run's context.stop; so is it once
// the run passes the job's time limit. A job that then returns anything but done() is answered
// with a reason saying it was stopped, and why.
Response run_job(const JobRegistry& registry, std::string_view job_name,
                 const rapidjson::Value& arguments, JobContext& context, std::stop_token shutdown = {});

// The same, with how the job ended, for a caller that acts on it (a retry policy).
struct JobRun {
  Response response;
  JobResult::Kind kind = JobResult::Kind::failed;  // failed too for a throw or an unknown job
  bool known = true;                                // false: no such job registered
  bool threw = false;
  std::exception_ptr exception{};                   // what it threw, for a retry policy's retry_if
  bool stopped = false;                             // asked to stop (shutdown, time limit), not done
  std::chrono::seconds delay{0};                    // retry_in's
  std::string reason;                               // the job's own reason (or the exception's)
  // Which run this was, for the job counters: the job's name, its envelope's id and message's.
  std::string job{};
  std::string job_id{};
  std::string message_id{};
  std::optional<std::chrono::duration<double>> ran{};  // perform()'s run time, when it was called
};
JobRun run_job_for(const JobRegistry& registry, std::string_view job_name, const rapidjson::Value& arguments,
                   JobContext& context, std::stop_token shutdown = {});

}  // namespace ebworker

#pragma once
// The dispatch boundary: runs one job and reports what happened, nothing more (the status is
// decided in job_outcome.h). A job's exception stops here; it never crashes the worker.

#include <rapidjson/document.h>

#include <chrono>
#include <exception>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include <ebworker/worker/job.h>
#include <ebworker/worker/job_registry.h>

namespace ebworker {

struct JobRun {
  // Which run: the job's name, its envelope's id and its message's.
  std::string job{};
  std::string job_id{};
  std::string message_id{};
  bool known = true;                 // false: no such job registered (nothing ran)
  bool threw = false;                // the job (or its constructor) threw
  bool exception_text = false;       // what it threw was a std::exception: `reason` is its what()
  std::exception_ptr exception{};    // what it threw, for a retry policy's retry_if
  JobResult::Kind kind = JobResult::Kind::failed;  // what perform() returned; failed for a throw
  std::chrono::seconds delay{0};     // retry_in's
  std::string reason;                // the job's own reason (or the exception's)
  bool stopped = false;              // asked to stop (shutdown, time limit), and not done
  bool handed_on = false;            // a continuable job stopped at a step boundary (job_steps.h)
  bool time_limit_passed = false;    // it was the time limit that asked
  std::chrono::seconds time_limit{0};
  std::optional<std::chrono::duration<double>> ran{};  // perform()'s run time, when it was called
};

// `shutdown` is the worker's: when it is requested, so is the run's context.stop; so is it once
// the run passes the job class's time limit. context.started is set as perform() is called
// (context.budget counts from it); context.continuation is where the steps stand after it.
JobRun run_job(const JobRegistry& registry, std::string_view job_name, const rapidjson::Value& arguments,
               JobContext& context, std::stop_token shutdown = {});

}  // namespace ebworker

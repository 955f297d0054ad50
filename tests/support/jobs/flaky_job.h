#pragma once

#include <chrono>
#include <string>

#include <ebworker/worker/job.h>
#include <ebworker/worker/job_registry.h>

// Fails until its attempt number reaches arguments[0], under a retry policy of 3 attempts with
// delays from 1 s: [2] succeeds on its second run, [4] is dead-lettered after its third. The
// retry policy tests' job (it needs the worker's EBWORKER_QUEUE_URL).
class FlakyJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "FlakyJob";
  static constexpr ebworker::RetryOptions retry{
      .max_attempts = 3, .base_delay = std::chrono::seconds(1), .max_delay = std::chrono::seconds(4)};

  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override {
    if (!arguments.IsArray() || arguments.Empty() || !arguments[0].IsInt())
      return ebworker::discard("arguments must be [SUCCEED_ON_ATTEMPT]");
    context.log.info("attempt {} of job {}", context.attempt, context.job_id);  // the chaos test tallies these
    if (context.attempt < arguments[0].GetInt())
      return ebworker::fail("not yet: attempt " + std::to_string(context.attempt));
    return ebworker::done();
  }
};

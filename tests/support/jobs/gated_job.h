#pragma once

#include <filesystem>
#include <string>

#include <ebworker/worker/job.h>
#include <ebworker/worker/job_registry.h>

// Fails until the file named by arguments[0] exists, then succeeds. Its retry policy of one
// attempt sends a failure straight to the dead-letter queue (with EBWORKER_DEAD_LETTER_QUEUE_URL):
// the `ebworker dlq requeue` tests create the file, requeue, and it runs.
class GatedJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "GatedJob";
  static constexpr ebworker::RetryOptions retry{.max_attempts = 1};

  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext&) override {
    if (!arguments.IsArray() || arguments.Empty() || !arguments[0].IsString())
      return ebworker::discard("arguments must be [GATE_FILE]");
    const std::string gate = arguments[0].GetString();
    std::error_code error;
    if (!std::filesystem::exists(gate, error)) return ebworker::fail("gate " + gate + " is closed");
    return ebworker::done();
  }
};

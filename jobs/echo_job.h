#pragma once

#include <ebworker/worker/job.h>

// Appends its arguments, as one JSON line, to the file named by ECHO_JOB_OUT (or logs them when
// that is not set). The demo and the tests use it to see exactly what ran.
class EchoJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "EchoJob";
  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override;
};

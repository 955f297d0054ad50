#pragma once

#include <ebworker/worker/job.h>

// Sleeps arguments[0] milliseconds: a stand-in for a slow job in tests and benchmarks. It watches
// its stop token, so a shutdown (or a time limit) ends it early and its message comes back.
class SleepJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "SleepJob";
  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override;
};

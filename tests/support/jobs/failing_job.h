#pragma once

#include <ebworker/worker/job.h>

// Always fails, so its message is retried and finally dead-lettered (the dead-letter and chaos
// tests).
class FailingJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "FailingJob";
  ebworker::JobResult perform(const rapidjson::Value&, ebworker::JobContext&) override {
    return ebworker::fail("FailingJob always fails");
  }
};

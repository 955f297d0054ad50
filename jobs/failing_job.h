#pragma once

#include <ebworker/worker/job.h>

// Always fails, so its message is retried and finally dead-lettered: for tests and for trying
// out a dead-letter queue.
class FailingJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "FailingJob";
  ebworker::JobResult perform(const rapidjson::Value&, ebworker::JobContext&) override {
    return ebworker::fail("FailingJob always fails");
  }
};

#pragma once
// The job every benchmark runs: does nothing and succeeds, so what is measured is ebworker
// (server, middleware stack, dispatch) and not the job.

#include <ebworker/worker/job.h>

class NoopJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "NoopJob";
  ebworker::JobResult perform(const rapidjson::Value&, ebworker::JobContext&) override { return ebworker::done(); }
};

#pragma once

#include <ebworker/worker/job.h>
#include <ebworker/worker/flow_control.h>

// At most 2 runs at once per arguments[0], across every worker on the queue (a limit kept in
// EBWORKER_LIMITS_TABLE): a run beyond that is sent on with a delay, unrun, and comes back. It
// sleeps arguments[1] milliseconds, then appends `KEY START_MS END_MS` (epoch milliseconds) to
// the file LIMITED_JOB_OUT names, so a test can see from outside that no more than 2 overlapped.
class LimitedJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "LimitedJob";
  // A slot of a worker killed mid-run is free again within 10 s.
  static constexpr ebworker::ConcurrencyLimit concurrency{
      .max = 2, .key = ebworker::by_argument<0>, .lease = std::chrono::seconds(10)};
  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override;
};

#pragma once
// The first 503 for busy job threads, logged once as a warning. On Elastic Beanstalk a burst of
// them as soon as aws-sqsd starts usually means its HttpConnections is above EBWORKER_JOB_THREADS:
// a worker environment created in the console sets HttpConnections itself, overriding
// .ebextensions. Every such 503 counts as a receive toward MaxRetries.

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>

namespace ebworker {

class BusyWarning {
 public:
  // The warning's text the first time it is called, nullopt every time after. Thread-safe.
  std::optional<std::string> first(std::size_t job_threads) {
    if (fired_.exchange(true)) return std::nullopt;
    const std::string n = std::to_string(job_threads);
    return "all " + n + " job threads busy: a job got 503 (warned once). If this starts as soon as "
           "aws-sqsd does, its HttpConnections is above EBWORKER_JOB_THREADS (" + n +
           "); a value set in the console overrides .ebextensions. Make them equal: each 503 "
           "counts as a receive toward MaxRetries";
  }

 private:
  std::atomic<bool> fired_{false};
};

}  // namespace ebworker

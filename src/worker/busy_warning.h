#pragma once
// The first 503 for busy job threads, logged once as a warning. On Elastic Beanstalk a burst of
// them as soon as aws-sqsd starts usually means its HttpConnections is above EBWORKER_JOB_THREADS:
// a worker environment created in the console sets HttpConnections itself, overriding
// .ebextensions. Every such 503 counts as a receive toward MaxRetries. An observer of the server
// (http/server_observer.h) on its own, when the worker keeps no metrics; else ServerMetrics's.

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>

#include "http/server_observer.h"

namespace ebworker {

class BusyWarning : public ServerObserver {
 public:
  explicit BusyWarning(std::size_t job_threads) : job_threads_(job_threads) {}

  // The warning's text the first time it is called, nullopt every time after. Thread-safe.
  std::optional<std::string> first() {
    if (fired_.exchange(true)) return std::nullopt;
    const std::string n = std::to_string(job_threads_);
    return "all " + n + " job threads busy: a job got 503 (warned once). If this starts as soon as "
           "aws-sqsd does, its HttpConnections is above EBWORKER_JOB_THREADS (" + n +
           "); a value set in the console overrides .ebextensions. Make them equal: each 503 "
           "counts as a receive toward MaxRetries";
  }

  void busy() override {
    if (auto warning = first()) spdlog::warn("{}", *warning);
  }

 private:
  std::size_t job_threads_;
  std::atomic<bool> fired_{false};
};

// The 503's reason when every job thread is busy (ServerOptions::busy_reason).
inline std::string job_threads_busy_reason(std::size_t job_threads) {
  return "all " + std::to_string(job_threads) + " job threads are busy (EBWORKER_JOB_THREADS)";
}

}  // namespace ebworker

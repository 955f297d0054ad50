#pragma once
// What the HTTP server counts, in the worker's metrics registry:
//   ebworker_requests_total{status}  every answer written, by status
//   ebworker_busy_total              requests refused with 503 because every job thread was busy
//   ebworker_jobs_running            requests holding a job thread now
//   ebworker_job_threads             the job pool's size
// The status series are resolved once each (an array by status), so counting an answer is one
// atomic load and one atomic add.

#include <array>
#include <atomic>
#include <cstddef>

#include "metrics/registry.h"

namespace ebworker {

class ServerMetrics {
 public:
  ServerMetrics(metrics::Registry& registry, std::size_t job_threads);

  void answered(int status);
  void busy() { busy_.inc(); }
  void job_started() { running_.inc(); }
  void job_ended() { running_.dec(); }

  double jobs_running() const { return running_.value(); }
  std::size_t job_threads() const { return job_threads_; }
  std::uint64_t busy_total() const { return busy_.value(); }

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Counter& busy_;
  metrics::Gauge& running_;
  std::size_t job_threads_;
  std::array<std::atomic<metrics::Counter*>, 600> by_status_{};  // 100-599; others share slot 0
};

}  // namespace ebworker

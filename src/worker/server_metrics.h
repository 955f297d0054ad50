#pragma once
// What the worker makes of its HTTP server's events (http/server_observer.h), whose handler
// threads are its job threads, counted in the worker's metrics registry:
//   ebworker_requests_total{status}  every answer written, by status
//   ebworker_busy_total              requests refused with 503 because every job thread was busy
//   ebworker_jobs_running            requests holding a job thread now
//   ebworker_job_threads             the job pool's size
// and the first busy refusal's warning (worker/busy_warning.h). The status series are resolved
// once each (an array by status), so counting an answer is one atomic load and one atomic add.

#include <array>
#include <atomic>
#include <cstddef>

#include "http/server_observer.h"
#include "metrics/registry.h"
#include "worker/busy_warning.h"

namespace ebworker {

class ServerMetrics : public ServerObserver {
 public:
  ServerMetrics(metrics::Registry& registry, std::size_t job_threads);

  void answered(int status) override;
  void busy() override {
    warning_.busy();
    busy_.inc();
  }
  void handler_started() override { running_.inc(); }
  void handler_finished() override { running_.dec(); }

  double jobs_running() const { return running_.value(); }
  std::size_t job_threads() const { return job_threads_; }
  std::uint64_t busy_total() const { return busy_.value(); }

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Counter& busy_;
  metrics::Gauge& running_;
  std::size_t job_threads_;
  BusyWarning warning_;
  std::array<std::atomic<metrics::Counter*>, 600> by_status_{};  // 100-599; others share slot 0
};

}  // namespace ebworker

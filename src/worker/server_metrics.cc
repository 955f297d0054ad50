#include "worker/server_metrics.h"

#include <string>

namespace ebworker {

ServerMetrics::ServerMetrics(metrics::Registry& registry, std::size_t job_threads)
    : requests_(registry.counter("ebworker_requests_total", "HTTP answers written by the worker, by status.",
                                 {"status"})),
      busy_(registry.counter("ebworker_busy_total",
                             "Requests answered 503 because every job thread was busy (EBWORKER_JOB_THREADS).")
                .with({})),
      running_(registry.gauge("ebworker_jobs_running", "Requests holding a job thread now.").with({})),
      job_threads_(job_threads),
      warning_(job_threads) {
  registry.gauge_function("ebworker_job_threads", "Job threads: the most jobs that run at once.",
                          [n = job_threads] { return static_cast<double>(n); });
}

void ServerMetrics::answered(int status) {
  const std::size_t slot = status >= 100 && status < 600 ? static_cast<std::size_t>(status) : 0;
  metrics::Counter* counter = by_status_[slot].load(std::memory_order_acquire);
  if (!counter) {
    // Racing threads resolve the same series: the family hands both the same counter.
    counter = &requests_.with({slot == 0 ? std::string("other") : std::to_string(status)});
    by_status_[slot].store(counter, std::memory_order_release);
  }
  counter->inc();
}

}  // namespace ebworker

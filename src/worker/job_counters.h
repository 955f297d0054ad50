#pragma once
// The fate of every job the worker was handed, counted (the daemon's are SqsdCounters), so the
// worker can say what it did at the end of its run, and tests and metrics read the same truth.

#include <atomic>
#include <string>

namespace ebworker {

struct JobCounters {
  std::atomic<long> done{0};           // 200, the job done
  std::atomic<long> failed{0};         // answered with a failure the daemon retries (500, 400, 404)
  std::atomic<long> retried{0};        // retry_in or a retry policy: the next attempt sent, or Retry-After
  std::atomic<long> discarded{0};      // discard(): 200, never retried
  std::atomic<long> dead_lettered{0};  // a retry policy's attempts spent: sent to the dead-letter queue
  std::atomic<long> skipped{0};        // a periodic task whose previous run was still going
  std::atomic<long> not_due{0};        // received before its scheduled_at: sent on, not run

  std::string describe() const {
    return "done=" + std::to_string(done) + " failed=" + std::to_string(failed) +
           " retried=" + std::to_string(retried) + " discarded=" + std::to_string(discarded) +
           " dead_lettered=" + std::to_string(dead_lettered) + " skipped=" + std::to_string(skipped) +
           " not_due=" + std::to_string(not_due);
  }
};

}  // namespace ebworker

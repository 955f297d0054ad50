#pragma once
// The fate of every message `ebworker sqsd` receives, counted, so the daemon itself can say what
// it did (its stop line, its tests, metrics) instead of leaving it to a reading of its log.

#include <atomic>
#include <string>

#include "metrics/histogram.h"

namespace ebworker {

struct SqsdCounters {
  long received = 0;        // messages ReceiveMessage returned
  long posted = 0;          // POSTs to the worker started
  long succeeded = 0;       // POSTs answered 200 (each then queued for delete)
  long failed = 0;          // POSTs answered otherwise or not at all
  long deleted = 0;         // deletes SQS confirmed
  long delete_failed = 0;   // deletes that failed: those messages come back and run again
  long released = 0;        // made visible again (after a failure, or at stop)
  long release_failed = 0;  // could not be released: they return after the visibility timeout
  long expired = 0;         // older than RetentionPeriod: deleted without a POST
  long in_flight = 0;       // POSTs running now
  long deletes_waiting = 0; // handles of answered messages no DeleteMessageBatch carries yet
  long visibility_extended = 0;  // heartbeats: a running message's visibility extended
  long extend_failed = 0;        // heartbeats SQS refused (the message may then run twice)
  metrics::Histogram::Snapshot receive_latency{};  // seconds of the ReceiveMessage calls that succeeded

  // "receives=N receive_ms_mean=X receive_ms_p99=Y" (p99 estimated within its bucket).
  std::string describe_receives() const {
    const auto ms = [](double s) { return std::to_string(static_cast<long long>(s * 1000 + 0.5)); };
    const double mean = receive_latency.count ? receive_latency.sum / double(receive_latency.count) : 0;
    return "receives=" + std::to_string(receive_latency.count) + " receive_ms_mean=" + ms(mean) +
           " receive_ms_p99=" + ms(metrics::quantile(receive_latency, 0.99));
  }

  std::string describe() const {
    return "received=" + std::to_string(received) + " posted=" + std::to_string(posted) +
           " succeeded=" + std::to_string(succeeded) + " failed=" + std::to_string(failed) +
           " deleted=" + std::to_string(deleted) + " delete_failed=" + std::to_string(delete_failed) +
           " released=" + std::to_string(released) + " release_failed=" + std::to_string(release_failed) +
           " expired=" + std::to_string(expired) + " in_flight=" + std::to_string(in_flight) +
           " visibility_extended=" + std::to_string(visibility_extended) +
           " extend_failed=" + std::to_string(extend_failed) + " " + describe_receives();
  }
};

// The daemon's own tally, updated from its threads.
struct LiveSqsdCounters {
  std::atomic<long> received{0}, posted{0}, succeeded{0}, failed{0}, released{0}, release_failed{0},
      expired{0};
  // Bounds in seconds: a receive from a busy queue takes SQS's round trip, an idle long poll
  // its whole wait time (up to 20 s).
  metrics::Histogram receive_latency{{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20}};

  SqsdCounters snapshot() const {
    SqsdCounters c;
    c.received = received;
    c.posted = posted;
    c.succeeded = succeeded;
    c.failed = failed;
    c.released = released;
    c.release_failed = release_failed;
    c.expired = expired;
    c.receive_latency = receive_latency.snapshot();
    return c;
  }
};

}  // namespace ebworker

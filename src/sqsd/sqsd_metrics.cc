#include "sqsd/sqsd_metrics.h"

#include <spdlog/fmt/fmt.h>

#include "metrics/text_format.h"

namespace ebworker {

namespace {

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP ebworker_sqsd_{} {}\n# TYPE ebworker_sqsd_{} {}\n", name, metrics::escape_help(help), name,
                     type);
}

void counter(std::string& out, const char* name, long value, const char* help) {
  family(out, name, "counter", help);
  out += fmt::format("ebworker_sqsd_{} {}\n", name, value);
}

void gauge(std::string& out, const char* name, double value, const char* help) {
  family(out, name, "gauge", help);
  out += fmt::format("ebworker_sqsd_{} {}\n", name, metrics::format_value(value));
}

}  // namespace

std::string sqsd_metrics_text(const SqsdCounters& c, bool leader, bool worker_up) {
  std::string out;
  counter(out, "received_total", c.received, "Messages ReceiveMessage returned.");
  counter(out, "posted_total", c.posted, "POSTs to the worker started.");
  counter(out, "succeeded_total", c.succeeded, "POSTs the worker answered 200.");
  counter(out, "failed_total", c.failed, "POSTs answered otherwise or not at all.");
  counter(out, "deleted_total", c.deleted, "Deletes SQS confirmed.");
  counter(out, "delete_failed_total", c.delete_failed, "Deletes that failed (those messages run again).");
  counter(out, "released_total", c.released, "Messages made visible again (after a failure, or at stop).");
  counter(out, "release_failed_total", c.release_failed,
          "Messages that could not be made visible again (they return after the visibility timeout).");
  counter(out, "expired_total", c.expired, "Messages older than the retention period, deleted unposted.");
  counter(out, "visibility_extended_total", c.visibility_extended,
          "Heartbeats that extended a running message's visibility.");
  counter(out, "extend_failed_total", c.extend_failed, "Heartbeats SQS refused.");
  gauge(out, "in_flight", static_cast<double>(c.in_flight), "POSTs running now.");
  gauge(out, "deletes_waiting", static_cast<double>(c.deletes_waiting),
        "Answered messages waiting for a DeleteMessageBatch; while a full batch waits for each sender, "
        "nothing more is received.");
  gauge(out, "leader", leader ? 1 : 0, "1 while this daemon sends the periodic tasks' messages.");
  gauge(out, "worker_up", worker_up ? 1 : 0, "0 while the worker accepts no connections.");

  const metrics::Histogram::Snapshot& r = c.receive_latency;
  family(out, "receive_duration_seconds", "histogram", "Time a successful ReceiveMessage call took.");
  for (std::size_t i = 0; i < r.bounds.size() && i < r.cumulative.size(); ++i)
    out += fmt::format("ebworker_sqsd_receive_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                       metrics::format_value(r.bounds[i]), r.cumulative[i]);
  out += fmt::format("ebworker_sqsd_receive_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", r.count);
  out += fmt::format("ebworker_sqsd_receive_duration_seconds_sum {}\n", metrics::format_value(r.sum));
  out += fmt::format("ebworker_sqsd_receive_duration_seconds_count {}\n", r.count);
  return out;
}

}  // namespace ebworker

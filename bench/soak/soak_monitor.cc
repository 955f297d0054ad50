// The soak's watcher (bench/soak/run.sh starts the daemon and the worker, then runs this):
// polls the queue's counts and the two processes' memory until the queue is empty, and prints
// per interval the messages processed (gone from the queue: posted, answered 200, deleted), the
// rate, what is left, and the RSS of `ebworker sqsd` and the worker.
//
//   soak_monitor --endpoint URL --queue-url Q --messages N --sqsd-pid P --worker-pid P
//                [--interval S] [--rss-growth-mib M] [--timeout S]
//
// Exits 1, saying why, on
//   - a stall: a whole interval with nothing processed while messages remain;
//   - memory: either process's RSS more than M MiB (default 64) above its RSS at the end of the
//     first interval (the steady state: connections open, threads started, buffers grown);
//   - either process gone (or a zombie) before the queue is empty;
//   - the timeout (default 1800 s).
// Otherwise prints `RESULT {…}` (the figures, for run.sh) and exits 0 when nothing is left
// (visible, in flight or delayed). The queue is polled every 200 ms, so the end is seen promptly.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sqs/sqs_client.h"

namespace {

using namespace ebworker;
using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "soak_monitor: %s\n", message.c_str());
  std::exit(1);
}

struct Args {
  std::map<std::string, std::string> values;
  std::string get(const std::string& name) const {
    const auto it = values.find(name);
    if (it == values.end()) die(name + " is required");
    return it->second;
  }
  long number(const std::string& name, long fallback) const {
    const auto it = values.find(name);
    if (it == values.end()) return fallback;
    char* end = nullptr;
    const long v = std::strtol(it->second.c_str(), &end, 10);
    if (*end != '\0' || v < 0) die(name + " must be a non-negative number");
    return v;
  }
};

// VmRSS of a live process in KiB; nullopt when it is gone or a zombie.
std::optional<long> rss_kib(long pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return std::nullopt;
  std::optional<long> rss;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("State:", 0) == 0 && line.find("Z (zombie)") != std::string::npos) return std::nullopt;
    if (line.rfind("VmRSS:", 0) == 0) rss = std::atol(line.c_str() + 6);
  }
  return rss;
}

long left_in(const SqsClient& sqs, const std::string& queue) {
  static const std::vector<std::string> names = {"ApproximateNumberOfMessages",
                                                 "ApproximateNumberOfMessagesNotVisible",
                                                 "ApproximateNumberOfMessagesDelayed"};
  auto attributes = sqs.get_queue_attributes(queue, names);
  if (!attributes) die("GetQueueAttributes: " + attributes.error().describe());
  long left = 0;
  for (const auto& n : names)
    if (auto it = attributes->find(n); it != attributes->end()) left += std::atol(it->second.c_str());
  return left;
}

double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

struct Watched {
  const char* name;
  long pid;
  long first = 0;  // RSS at the end of the first interval
  long max = 0;
  long last = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) args.values[argv[i]] = argv[i + 1];
  const std::string queue = args.get("--queue-url");
  const long messages = args.number("--messages", 0);
  const auto interval = std::chrono::seconds(std::max(1L, args.number("--interval", 5)));
  const long growth_bound_kib = args.number("--rss-growth-mib", 64) * 1024;
  const auto timeout = std::chrono::seconds(args.number("--timeout", 1800));
  Watched watched[] = {{"sqsd", args.number("--sqsd-pid", 0)}, {"worker", args.number("--worker-pid", 0)}};

  SqsClientOptions options;
  options.credentials = static_credentials(AwsCredentials{"bench", "bench-secret", "", std::nullopt});
  options.endpoint = {args.get("--endpoint"), "us-east-1"};
  const SqsClient sqs(std::move(options));

  const auto start = SteadyClock::now();
  auto interval_end = start + interval;
  long left = left_in(sqs, queue);
  long left_at_interval = left;
  long intervals = 0;
  double min_rate = -1, max_rate = 0;
  std::string failure;
  std::printf("%8s %10s %10s %10s %12s %12s\n", "t (s)", "processed", "jobs/s", "left", "sqsd RSS", "worker RSS");
  std::fflush(stdout);
  // Bounded: by the timeout, and by a count far beyond it at 200 ms a poll.
  for (long poll = 0; poll < 10'000'000; ++poll) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the polling interval
    left = left_in(sqs, queue);
    const auto now = SteadyClock::now();
    const bool done = left == 0;
    if (now >= interval_end || done) {
      const double span = std::chrono::duration<double>(now - (interval_end - interval)).count();
      const long processed = left_at_interval - left;
      const double rate = static_cast<double>(processed) / span;
      ++intervals;
      std::string rss_text[2];
      for (int i = 0; i < 2; ++i) {
        Watched& w = watched[i];
        const auto rss = rss_kib(w.pid);
        if (!rss) {
          if (!done && failure.empty()) failure = std::string(w.name) + " (pid " + std::to_string(w.pid) + ") is gone";
          rss_text[i] = "gone";
          continue;
        }
        w.last = *rss;
        if (intervals == 1) w.first = *rss;
        w.max = std::max(w.max, *rss);
        char text[32];
        std::snprintf(text, sizeof text, "%.1f MiB", mib(*rss));
        rss_text[i] = text;
        if (w.max - w.first > growth_bound_kib && failure.empty())
          failure = std::string(w.name) + " RSS grew " + std::to_string((w.max - w.first) / 1024) +
                    " MiB above its first interval's (bound " + std::to_string(growth_bound_kib / 1024) + " MiB)";
      }
      std::printf("%8.1f %10ld %10.0f %10ld %12s %12s\n", std::chrono::duration<double>(now - start).count(),
                  processed, rate, left, rss_text[0].c_str(), rss_text[1].c_str());
      std::fflush(stdout);
      const bool full = !done || now >= interval_end;
      if (full) {  // a short last interval says nothing about the rate
        min_rate = min_rate < 0 ? rate : std::min(min_rate, rate);
        max_rate = std::max(max_rate, rate);
      }
      if (full && processed <= 0 && left > 0 && failure.empty())
        failure = "stall: nothing processed in " + std::to_string(interval.count()) + " s with " +
                  std::to_string(left) + " messages left";
      left_at_interval = left;
      interval_end = now + interval;
    }
    if (!failure.empty() || done) break;
    if (now - start > timeout) {
      failure = "timeout: " + std::to_string(left) + " messages left after " + std::to_string(timeout.count()) + " s";
      break;
    }
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::printf(
      "RESULT {\"messages\":%ld,\"left\":%ld,\"seconds\":%.2f,\"jobs_per_s\":%.1f,\"min_interval_rate\":%.1f,"
      "\"max_interval_rate\":%.1f,\"sqsd_rss_first_kib\":%ld,\"sqsd_rss_max_kib\":%ld,\"sqsd_rss_last_kib\":%ld,"
      "\"worker_rss_first_kib\":%ld,\"worker_rss_max_kib\":%ld,\"worker_rss_last_kib\":%ld,\"ok\":%s}\n",
      messages, left, seconds, static_cast<double>(messages - left) / seconds, std::max(0.0, min_rate), max_rate,
      watched[0].first, watched[0].max, watched[0].last, watched[1].first, watched[1].max, watched[1].last,
      failure.empty() ? "true" : "false");
  if (!failure.empty()) die(failure);
  return 0;
}

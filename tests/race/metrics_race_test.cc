// The metrics registry under ThreadSanitizer: threads resolving the same and different label
// sets at once, incrementing counters, gauges and histograms while another thread scrapes. No
// increment may be lost, and every scrape must be well formed.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "metrics/registry.h"
#include "worker/job_counters.h"
#include "support/prometheus_text.h"

namespace ebworker::metrics {
namespace {

TEST(MetricsRace, ConcurrentIncrementsAndLabelResolutionLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 5000;
  Registry registry;
  auto& jobs = registry.counter("jobs_total", "Jobs.", {"job", "outcome"});
  Gauge& running = registry.gauge("running", "Running.").with({});
  auto& seconds = registry.histogram("seconds", "Run time.", {0.5, 1, 2}, {"job"});

  std::atomic<bool> stop_scraping{false};
  std::atomic<int> scrapes{0};
  std::string scrape_error;
  std::thread scraper([&] {
    // Bounded: stops when the writers are done, or after 10,000 scrapes.
    while (!stop_scraping && scrapes < 10000) {
      const auto parsed = testing::parse_prometheus_text(registry.expose());
      if (!parsed && scrape_error.empty()) scrape_error = parsed.error().message;
      ++scrapes;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      const std::string mine = "Job" + std::to_string(t % 3);  // threads share label sets
      for (int i = 0; i < kPerThread; ++i) {
        // Resolving on every increment on purpose: the lookup path races too.
        jobs.with({mine, i % 2 ? "done" : "failed"}).inc();
        running.inc();
        seconds.with({mine}).observe((i % 4) * 0.75);
        running.dec();
      }
    });
  for (auto& w : writers) w.join();
  stop_scraping = true;
  scraper.join();

  EXPECT_EQ(scrape_error, "");
  const auto parsed = testing::parse_prometheus_text(registry.expose());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->sum("jobs_total"), kThreads * kPerThread);
  EXPECT_EQ(parsed->sum("jobs_total", {{"outcome", "done"}}), kThreads * kPerThread / 2);
  EXPECT_EQ(parsed->sum("seconds_count"), kThreads * kPerThread);
  EXPECT_EQ(parsed->value("running"), 0);
  // Job0 is written by threads 0, 3, 6: 3 × 5000 observations, a quarter of them 0 (le 0.5).
  EXPECT_EQ(parsed->value("seconds_bucket", {{"job", "Job0"}, {"le", "0.5"}}), 3 * kPerThread / 4);
}

// JobCounters as job threads use them: a new job class's series resolved by several threads at
// once, the history's lock, and the status page's and /metrics' reads going on beside them.
TEST(MetricsRace, JobCountersFromManyJobThreadsWithReadersBeside) {
  using ebworker::JobCounters;
  constexpr int kThreads = 6;
  constexpr int kPerThread = 2000;
  JobCounters counters;
  counters.recognise({"Job0", "Job1"});
  std::atomic<bool> done{false};
  std::thread reader([&] {
    for (int i = 0; i < 10000 && !done; ++i) {
      (void)counters.by_job();
      (void)counters.history().failures();
      (void)counters.history().minutes(std::chrono::system_clock::now());
      (void)counters.registry().expose();
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      const std::string job = "Job" + std::to_string(t % 2);
      for (int i = 0; i < kPerThread; ++i)
        counters.count({.outcome = i % 4 == 0 ? ebworker::JobOutcome::failed : ebworker::JobOutcome::done,
                        .job = job, .reason = "r", .ran = std::chrono::milliseconds(i % 50)});
    });
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  EXPECT_EQ(counters.total(ebworker::JobOutcome::done) + counters.total(ebworker::JobOutcome::failed),
            static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(counters.total(ebworker::JobOutcome::failed), static_cast<std::uint64_t>(kThreads * kPerThread / 4));
  EXPECT_EQ(counters.history().failures().size(), ebworker::JobHistory::kFailures);
}

}  // namespace
}  // namespace ebworker::metrics

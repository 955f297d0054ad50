// The EMF reporter under ThreadSanitizer: its thread reads the job counters every second while
// job threads count, and it is stopped while they still do. The records' deltas must add up to
// every count made before the stop: nothing lost, nothing counted twice.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "worker/emf_reporter.h"
#include "worker/job_counters.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;

TEST(EmfReporterRace, RecordsAddUpToEveryCountWhileJobThreadsCount) {
  auto counters = std::make_shared<JobCounters>();
  std::mutex mutex;
  std::vector<std::string> lines;
  EmfReporter reporter(counters, "race", 1s, [&](const std::string& line) {
    std::lock_guard lock(mutex);
    lines.push_back(line);
  });
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      const std::string job = "Job" + std::to_string(t % 2);
      for (int i = 0; i < 200'000 && !stop; ++i) {
        counters->count({.outcome = i % 3 ? JobOutcome::done : JobOutcome::failed, .job = job,
                         .ran = std::chrono::milliseconds(1)});
        if (i % 100 == 0) std::this_thread::sleep_for(1ms);
      }
    });
  // Two intervals' records (a record per job class) made while the threads count, at most 10 s.
  const auto records = [&] {
    std::lock_guard lock(mutex);
    return lines.size();
  };
  for (int i = 0; i < 1000 && records() < 4; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GE(records(), 4u) << "no records while the job threads counted";
  stop = true;
  for (auto& t : threads) t.join();
  reporter.stop();  // the final record: everything counted so far

  std::map<std::string, std::uint64_t> done, failed;
  std::lock_guard lock(mutex);
  for (const auto& line : lines) {
    rapidjson::Document record;
    record.Parse(line.c_str(), line.size());
    ASSERT_FALSE(record.HasParseError()) << line;
    ASSERT_TRUE(record.HasMember("job") && record.HasMember("done") && record.HasMember("failed")) << line;
    done[record["job"].GetString()] += record["done"].GetUint64();
    failed[record["job"].GetString()] += record["failed"].GetUint64();
  }
  for (const auto& summary : counters->by_job()) {
    EXPECT_EQ(done[summary.job], summary.counts[static_cast<size_t>(JobOutcome::done)]) << summary.job;
    EXPECT_EQ(failed[summary.job], summary.counts[static_cast<size_t>(JobOutcome::failed)]) << summary.job;
  }
  // Every job class counted got records (the counters may fold unregistered names into one).
  EXPECT_EQ(done.size(), counters->by_job().size());
  EXPECT_FALSE(done.empty());
}

}  // namespace
}  // namespace ebworker

// Scale-out: three `ebworker serve` workers, each fed by its own `ebworker sqsd`, all on one
// fauxqs queue, with jobs enqueued in batches by the client. Every job must be performed at
// least once (delivery is at-least-once: duplicates are printed, not failed on) and each daemon
// must have taken a share. The suite runs 1,000 jobs; scripts/scale_out.sh runs 10,000
// (EBWORKER_SCALE_OUT_JOBS sizes it).

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

constexpr int kPairs = 3;

int jobs_to_run() {
  const char* text = std::getenv("EBWORKER_SCALE_OUT_JOBS");
  if (!text || !*text) return 1000;
  const int n = std::atoi(text);
  return n >= 1 && n <= 1'000'000 ? n : 1000;
}

std::string id_of(int i) { return "scale-" + std::to_string(i); }

// How many times each id appears in EchoJob's output (one `["scale-N"]` line per run).
std::map<std::string, int> count_ids(const std::string& output) {
  std::map<std::string, int> counts;
  for (const auto& line : lines_with(output, {"[\"scale-"})) {
    const auto open = line.find("\"scale-");
    const auto close = line.find('"', open + 1);
    if (close != std::string::npos) ++counts[line.substr(open + 1, close - open - 1)];
  }
  return counts;
}

class ScaleOut : public LocalStackTest {};

TEST_F(ScaleOut, ThreeWorkersAndThreeDaemonsPerformEveryJob) {
  const int jobs = jobs_to_run();
  const auto timeout = std::chrono::seconds(30 + jobs / 50);
  const std::string queue = create_queue("scale-out");
  for (int i = 0; i < kPairs; ++i) {
    auto& worker = start_worker();
    start_sqsd(queue, worker.url(""), {"--visibility-timeout", "60", "--error-visibility-timeout", "1",
                                       "--http-connections", "10", "--receives", "3"});
  }

  const auto started = std::chrono::steady_clock::now();
  std::vector<JobToEnqueue> batch;
  for (int i = 0; i < jobs; ++i) batch.push_back({"EchoJob", "[\"" + id_of(i) + "\"]", {}});
  const auto results = client(queue).enqueue_batch(batch);
  ASSERT_EQ(results.size(), batch.size());
  for (size_t i = 0; i < results.size(); ++i) ASSERT_TRUE(results[i]) << i << ": " << results[i].error().describe();
  const auto enqueued = std::chrono::steady_clock::now();

  std::map<std::string, int> counts;
  const bool all = eventually(
      [&] {
        counts = count_ids(echo_output());
        return counts.size() >= static_cast<size_t>(jobs);
      },
      timeout);
  const auto done = std::chrono::steady_clock::now();

  std::vector<std::string> missing;
  int duplicates = 0;
  for (int i = 0; i < jobs; ++i) {
    const auto it = counts.find(id_of(i));
    if (it == counts.end())
      missing.push_back(id_of(i));
    else
      duplicates += it->second - 1;
  }
  const auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf("[ e2e      ] %d jobs through %d daemons and %d workers: %zu performed, %d duplicate runs "
              "(at-least-once), %zu missing; enqueued in %.1f s, all performed %.1f s after the start\n",
              jobs, kPairs, kPairs, counts.size(), duplicates, missing.size(), seconds(enqueued - started),
              seconds(done - started));
  for (const auto& [id, n] : counts)
    if (n > 1) std::printf("[ e2e      ]   %s ran %d times\n", id.c_str(), n);
  for (int i = 0; i < kPairs; ++i) {
    const auto share = lines_with(sqsd_log(static_cast<size_t>(i)), {"status=200", "deleting"}).size();
    std::printf("[ e2e      ]   daemon %d posted %zu\n", i, share);
    EXPECT_GT(share, 0u) << "daemon " << i << " took no share of the queue";
  }
  EXPECT_TRUE(all) << "not all jobs were performed within " << timeout.count() << " s";
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first " << (missing.empty() ? "" : missing.front());
  EXPECT_EQ(counts.size(), static_cast<size_t>(jobs)) << "ids nobody enqueued";
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 20s)) << messages_in(queue) << " left";
}

}  // namespace
}  // namespace ebworker::testing

// 1,000 EchoJobs through the whole stack: the enqueue client, fauxqs, `ebworker sqsd`, `ebworker
// serve`. Every id must come out of EchoJob's file; delivery is at-least-once, so duplicates are
// counted and printed, not failed on.

#include <gtest/gtest.h>

#include <map>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

constexpr int kJobs = 1000;

class ThousandJobs : public LocalStackTest {};

std::string id_of(int i) { return "job-" + std::to_string(i); }

// How many times each id appears in EchoJob's output (one `["job-N"]` line per run).
std::map<std::string, int> count_ids(const std::string& output) {
  std::map<std::string, int> counts;
  for (const auto& line : lines_with(output, {"[\"job-"})) {
    const auto open = line.find("\"job-");
    const auto close = line.find('"', open + 1);
    if (close != std::string::npos) ++counts[line.substr(open + 1, close - open - 1)];
  }
  return counts;
}

TEST_F(ThousandJobs, AllArePerformed) {
  const std::string queue = create_queue("thousand");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""), {"--visibility-timeout", "60", "--error-visibility-timeout", "1"});

  std::vector<JobToEnqueue> jobs;
  for (int i = 0; i < kJobs; ++i) jobs.push_back({"EchoJob", "[\"" + id_of(i) + "\"]", {}});
  const auto results = client(queue).enqueue_batch(jobs);
  ASSERT_EQ(results.size(), jobs.size());
  for (size_t i = 0; i < results.size(); ++i)
    ASSERT_TRUE(results[i]) << i << ": " << results[i].error().describe();

  std::map<std::string, int> counts;
  const bool all = eventually(
      [&] {
        counts = count_ids(echo_output());
        return counts.size() >= static_cast<size_t>(kJobs);
      },
      90s);

  std::vector<std::string> missing;
  int duplicates = 0;
  for (int i = 0; i < kJobs; ++i) {
    const auto it = counts.find(id_of(i));
    if (it == counts.end())
      missing.push_back(id_of(i));
    else
      duplicates += it->second - 1;
  }
  std::printf("[ e2e      ] %d jobs: %zu performed, %d duplicate runs (at-least-once), %zu missing\n", kJobs,
              counts.size(), duplicates, missing.size());
  for (const auto& [id, n] : counts)
    if (n > 1) std::printf("[ e2e      ]   %s ran %d times\n", id.c_str(), n);
  EXPECT_TRUE(all) << "not all jobs were performed within 90 s";
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first " << missing.front();
  EXPECT_EQ(counts.size(), static_cast<size_t>(kJobs)) << "ids nobody enqueued";

  // Every post was answered 200, and everything was deleted.
  EXPECT_TRUE(lines_with(worker.log(), {"POST / status=", "job=EchoJob"}).size() >= static_cast<size_t>(kJobs));
  EXPECT_TRUE(lines_with(worker.log(), {"POST / status=5"}).empty());
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << messages_in(queue) << " left";
}

}  // namespace
}  // namespace ebworker::testing

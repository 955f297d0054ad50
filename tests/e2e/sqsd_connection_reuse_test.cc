// `ebworker sqsd` keeps its connections to the worker alive: N posts open at most
// --http-connections TCP connections, not N. A proxy between the daemon and the worker counts
// the connections the daemon opened (tests/support/chaos_proxy.h, with no faults).

#include <gtest/gtest.h>

#include "e2e/support/local_stack.h"
#include "support/chaos_proxy.h"

namespace ebworker::testing {
namespace {

class SqsdConnectionReuse : public LocalStackTest {};

TEST_F(SqsdConnectionReuse, PostsReuseKeptAliveConnections) {
  constexpr int kJobs = 40;
  constexpr int kConnections = 2;
  const std::string queue = create_queue("reuse");
  auto& worker = start_worker();
  ChaosProxy counter("127.0.0.1", worker.port(), ChaosRates{}, 1);

  std::vector<JobToEnqueue> jobs;
  for (int i = 0; i < kJobs; ++i) jobs.push_back({"EchoJob", "[\"reuse-" + std::to_string(i) + "\"]", {}});
  for (const auto& sent : client(queue).enqueue_batch(jobs)) ASSERT_TRUE(sent) << sent.error().describe();
  start_sqsd(queue, counter.url(), {"--http-connections", std::to_string(kConnections)});

  EXPECT_TRUE(eventually([&] { return lines_with(sqsd_log(0), {"status=200", "deleting"}).size() == kJobs; }, 30s))
      << counter.counts().describe() << "\nsqsd log:\n" << sqsd_log(0);
  const ChaosCounts counts = counter.counts();
  std::printf("[ e2e      ] %d posts over %llu connections\n", kJobs,
              static_cast<unsigned long long>(counts.connections));
  EXPECT_EQ(counts.requests, static_cast<std::uint64_t>(kJobs)) << counts.describe();
  EXPECT_GE(counts.connections, 1u);
  EXPECT_LE(counts.connections, static_cast<std::uint64_t>(kConnections))
      << "a connection per post instead of kept-alive ones: " << counts.describe();
}

}  // namespace
}  // namespace ebworker::testing

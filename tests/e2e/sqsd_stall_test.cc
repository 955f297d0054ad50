// `ebworker sqsd` with few connections keeps posting until the queue is empty. It once stalled
// for good at HttpConnections 1 (about 1,000 of 5,000 jobs posted, then nothing) and drained in
// fits at 2: a poster's slot was still held when the poller heard it was free, the refused
// submit was dropped, and the in-flight count never came down. Its totals at stop say what
// happened to every message.

#include <gtest/gtest.h>

#include <csignal>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

class SqsdStall : public LocalStackTest {
 protected:
  void drains(int connections, int jobs) {
    const std::string queue = create_queue("stall-" + std::to_string(connections));
    std::vector<JobToEnqueue> batch;
    for (int i = 0; i < jobs; ++i) batch.push_back({"EchoJob", "[" + std::to_string(i) + "]", {}});
    for (const auto& r : client(queue).enqueue_batch(batch)) ASSERT_TRUE(r) << r.error().describe();

    // The worker is sized exactly like the daemon, as docs/guide.md tells users to do.
    auto& worker = start_worker({{"EBWORKER_JOB_THREADS", std::to_string(connections)},
                                 {"EBWORKER_LOG_LEVEL", "info"}});
    // A visibility timeout longer than the whole test: a dropped message would not come back
    // in time, so any stall shows as jobs never performed.
    auto& sqsd = start_sqsd(queue, worker.url(""),
                            {"--http-connections", std::to_string(connections), "--visibility-timeout", "600",
                             "--inactivity-timeout", "60", "--log-level", "info"});
    const bool all = eventually([&] { return lines_with(echo_output(), {""}).size() >= static_cast<size_t>(jobs); }, 90s);
    EXPECT_TRUE(all) << lines_with(echo_output(), {""}).size() << " of " << jobs << " performed at "
                     << connections << " connection(s)";
    EXPECT_TRUE(lines_with(worker.log(), {"status=503"}).empty()) << "503 for a free slot";
    EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << messages_in(queue) << " left";

    // Stop is prompt, and the totals add up: every message posted once, answered 200, deleted.
    sqsd.send_signal(SIGTERM);
    const auto stopped = sqsd.wait_for_exit(15s);
    ASSERT_TRUE(stopped) << "sqsd did not stop\n" << sqsd_log(sqsds_.size() - 1);
    EXPECT_TRUE(stopped->success()) << stopped->describe();
    const std::string n = std::to_string(jobs);
    EXPECT_EQ(lines_with(sqsd_log(sqsds_.size() - 1),
                         {"sqsd totals: received=" + n + " posted=" + n + " succeeded=" + n + " failed=0 deleted=" + n +
                          " delete_failed=0 released=0 release_failed=0 expired=0 in_flight=0"})
                  .size(),
              1u)
        << sqsd_log(sqsds_.size() - 1);
  }
};

TEST_F(SqsdStall, OneConnectionDrainsTheQueue) { drains(1, 1500); }
TEST_F(SqsdStall, TwoConnectionsDrainTheQueue) { drains(2, 1500); }

// InactivityTimeout not below VisibilityTimeout: a message would come back while its POST still
// runs. The daemon says so at start-up, naming both.
// The heartbeat keeps a running message invisible, so a VisibilityTimeout below InactivityTimeout
// is sound and no longer warned about (tests/e2e/heartbeat_test.cc shows it).
TEST_F(SqsdStall, NoWarningWhenAPostMayOutliveItsVisibility) {
  const std::string queue = create_queue("warn");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""), {"--visibility-timeout", "100", "--inactivity-timeout", "100"});
  EXPECT_TRUE(lines_with(sqsd_log(0), {"InactivityTimeout"}).empty()) << sqsd_log(0);
}

}  // namespace
}  // namespace ebworker::testing

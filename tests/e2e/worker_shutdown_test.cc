// SIGTERM to `ebworker serve` behind `ebworker sqsd` while a job that watches its stop token
// runs: the job ends at once, the post gets no 200 so the daemon deletes nothing, the worker
// exits well within its shutdown timeout, and the message comes back to the next worker.

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

class WorkerShutdown : public LocalStackTest {};

TEST_F(WorkerShutdown, AJobWatchingItsStopTokenGetsNoTwoHundredAndItsMessageComesBack) {
  const std::string queue = create_queue("worker-stop");
  // A shutdown timeout of 60 s: an exit within seconds is the stop token's doing, not the timeout's.
  auto& first = start_worker({{"EBWORKER_SHUTDOWN_TIMEOUT", "60"}});
  const std::uint16_t port = first.port();
  start_sqsd(queue, first.url(""), {"--visibility-timeout", "30", "--error-visibility-timeout", "1"});

  const auto sent = client(queue).enqueue("SleepJob", "[60000]");
  ASSERT_TRUE(sent) << sent.error().describe();
  const std::string msgid = "msgid=" + sent->message_id;
  ASSERT_TRUE(first.wait_for_line(msgid + " job=SleepJob sleeping", 15s)) << first.log();

  const auto signalled = std::chrono::steady_clock::now();
  first.send_signal(SIGTERM);
  const auto exited = first.wait_for_exit(10s);
  const auto took = std::chrono::steady_clock::now() - signalled;
  ASSERT_TRUE(exited) << "still running 10 s after SIGTERM, with its only job asked to stop; log:\n" << first.log();
  EXPECT_TRUE(exited->success()) << exited->describe() << "\n" << first.log();
  EXPECT_LT(took, 5s) << "the job did not end at its stop token";  // a bound, not a benchmark

  // The worker answered 500, saying why; the daemon saw no 200 and deleted nothing.
  const auto posts = first.request_lines(sent->message_id);
  ASSERT_EQ(posts.size(), 1u) << first.log();
  EXPECT_NE(posts[0].find(" status=500 "), std::string::npos) << posts[0];
  EXPECT_NE(posts[0].find("reason=stopped for shutdown: job failed: asked to stop after"), std::string::npos)
      << posts[0];
  ASSERT_TRUE(eventually([&] { return !lines_with(sqsd_log(0), {msgid, "status=500", "retry in 1 s"}).empty(); }, 5s))
      << sqsd_log(0);
  EXPECT_TRUE(lines_with(sqsd_log(0), {msgid, "status=200"}).empty()) << sqsd_log(0);
  EXPECT_TRUE(lines_with(sqsd_log(0), {msgid, "deleting"}).empty()) << sqsd_log(0);

  // Back after ErrorVisibilityTimeout (1 s): a worker on the same port receives it again.
  auto& second = start_worker({{"PORT", std::to_string(port)}, {"EBWORKER_SHUTDOWN_TIMEOUT", "60"}});
  ASSERT_EQ(second.port(), port);
  ASSERT_TRUE(second.wait_for_line(msgid + " job=SleepJob sleeping", 15s))
      << "not received again; worker log:\n" << second.log() << "\nsqsd log:\n" << sqsd_log(0);
  EXPECT_EQ(messages_in(queue), 1);
  // Stopped the same way, so the daemon's stop at the end has no 60 s post to wait for.
  EXPECT_TRUE(second.stop(10s).success()) << second.log();
}

}  // namespace
}  // namespace ebworker::testing

// SIGTERM to `ebworker sqsd`: it stops polling, lets the post in flight finish (the worker
// answers 200 and the message is deleted), makes a message it received but did not start
// visible again at once, and exits 0. Nothing is lost.

#include <gtest/gtest.h>

#include <csignal>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

class SqsdShutdown : public LocalStackTest {};

TEST_F(SqsdShutdown, FinishesThePostInFlightAndLosesNothing) {
  const std::string queue = create_queue("shutdown");
  auto& worker = start_worker();
  // A long poll of 20 s: after the slow job is received the daemon is waiting in the next
  // receive when SIGTERM comes, and that receive returns the second message during the stop.
  auto& sqsd = start_sqsd(queue, worker.url(""),
                          {"--wait-time", "20", "--http-connections", "2", "--visibility-timeout", "60"});
  const Client jobs = client(queue);

  const auto slow = jobs.enqueue("SleepJob", "[2000]");
  ASSERT_TRUE(slow) << slow.error().describe();
  ASSERT_TRUE(worker.wait_for_line("msgid=" + slow->message_id + " job=SleepJob sleeping", 15s)) << worker.log();

  sqsd.send_signal(SIGTERM);
  ASSERT_TRUE(sqsd.wait_for_line("finishing the posts in flight", 5s)) << sqsd_log(0);
  const auto unstarted = jobs.enqueue("EchoJob", R"(["received during the stop"])");
  ASSERT_TRUE(unstarted) << unstarted.error().describe();

  const auto exited = sqsd.wait_for_exit(15s);
  ASSERT_TRUE(exited) << "sqsd still running 15 s after SIGTERM; its log:\n" << sqsd_log(0);
  EXPECT_TRUE(exited->success()) << exited->describe() << "\n" << sqsd_log(0);
  EXPECT_NE(sqsd_log(0).find("stopped"), std::string::npos) << sqsd_log(0);

  // The slow job's post finished with a 200 and its message was deleted before the exit.
  const auto slow_posts = worker.request_lines(slow->message_id);
  ASSERT_EQ(slow_posts.size(), 1u) << worker.log();
  EXPECT_NE(slow_posts[0].find(" status=200 "), std::string::npos) << slow_posts[0];
  EXPECT_EQ(lines_with(sqsd_log(0), {"msgid=" + slow->message_id, "status=200", "deleting"}).size(), 1u)
      << sqsd_log(0);

  // The second message was not posted, and is back in the queue now, not after the 60 s
  // visibility timeout: its second receive is this one.
  EXPECT_TRUE(worker.request_lines(unstarted->message_id).empty()) << worker.log();
  const auto back = receive_one(
      queue, [&](const ReceivedMessage& m) { return m.message_id == unstarted->message_id; }, 5s);
  ASSERT_TRUE(back) << "the message received during the stop is not visible; sqsd log:\n" << sqsd_log(0);
  EXPECT_EQ(back->attributes.at("ApproximateReceiveCount"), "2") << "it should have been received by sqsd once";
  EXPECT_EQ(messages_in(queue), 1) << "only that message is left (now in flight for this test)";
}

// SIGTERM during an idle 20 s long poll (aws-sqsd's default): the daemon gives the poll up and
// exits within a few seconds, instead of waiting out the rest of it; a message sent afterwards
// is still in the queue for the next daemon.
TEST_F(SqsdShutdown, AnIdleLongPollDoesNotHoldUpTheStop) {
  const std::string queue = create_queue("idle-stop");
  auto& worker = start_worker();
  auto& sqsd = start_sqsd(queue, worker.url(""), {"--wait-time", "20"});
  // The poller starts its first receive before "sqsd polling" is logged, so the stop meets a
  // long poll in flight.
  const auto started = std::chrono::steady_clock::now();
  sqsd.send_signal(SIGTERM);
  const auto exited = sqsd.wait_for_exit(30s);
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(exited) << sqsd_log(0);
  EXPECT_TRUE(exited->success()) << exited->describe() << "\n" << sqsd_log(0);
  EXPECT_LT(took, 5s) << "the stop waited out the long poll";  // a bound, not a benchmark

  const auto sent = client(queue).enqueue("EchoJob", "[1]");
  ASSERT_TRUE(sent) << sent.error().describe();
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 1; }, 5s));
}

}  // namespace
}  // namespace ebworker::testing

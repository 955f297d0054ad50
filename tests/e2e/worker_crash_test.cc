// kill -9 of the worker while a job runs: the daemon's post fails, the message becomes visible
// again after ErrorVisibilityTimeout, and once a worker listens on the same port again the job
// is redelivered and done.

#include <gtest/gtest.h>

#include <csignal>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

class WorkerCrash : public LocalStackTest {};

TEST_F(WorkerCrash, JobIsRedeliveredToTheRestartedWorker) {
  const std::string queue = create_queue("crash");
  auto& first = start_worker();
  const std::uint16_t port = first.port();
  start_sqsd(queue, first.url(""), {"--visibility-timeout", "30", "--error-visibility-timeout", "1"});

  const auto sent = client(queue).enqueue("SleepJob", "[1500]");
  ASSERT_TRUE(sent) << sent.error().describe();
  const std::string msgid = "msgid=" + sent->message_id;
  ASSERT_TRUE(first.wait_for_line(msgid + " job=SleepJob sleeping", 15s)) << first.log();

  first.send_signal(SIGKILL);
  const auto killed = first.wait_for_exit(5s);
  ASSERT_TRUE(killed && !killed->exited && killed->signal == SIGKILL);
  EXPECT_TRUE(first.request_lines(sent->message_id).empty()) << "the killed worker answered";

  // The daemon saw the post fail and put the message back for a retry.
  ASSERT_TRUE(eventually([&] { return !lines_with(sqsd_log(0), {msgid, "error=", "retry in 1 s"}).empty(); }, 10s))
      << sqsd_log(0);

  auto& second = start_worker({{"PORT", std::to_string(port)}});
  ASSERT_EQ(second.port(), port);
  ASSERT_TRUE(second.wait_for_line(
      [&](std::string_view l) { return l.find(msgid) != l.npos && l.find(" status=200 ") != l.npos; }, 20s))
      << "not redelivered; worker log:\n" << second.log() << "\nsqsd log:\n" << sqsd_log(0);
  EXPECT_EQ(second.request_lines(sent->message_id).size(), 1u) << second.log();
  ASSERT_TRUE(eventually([&] { return !lines_with(sqsd_log(0), {msgid, "status=200", "deleting"}).empty(); }, 5s));
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 5s));
}

}  // namespace
}  // namespace ebworker::testing

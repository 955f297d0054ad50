// A worker that is down (stopped, restarting) must not cost queued messages their retries: once
// a POST finds nothing accepting connections, `ebworker sqsd` hands the message back, receives
// nothing, probes the worker each second, and resumes when it answers. Here the worker is down
// for a while with messages queued, under an ErrorVisibilityTimeout of 0 (the old behaviour
// would have posted each message again and again): no message is received more than once while
// it is down, nor posted more than once before the 200.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "support/closed_port.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

class WorkerDown : public LocalStackTest {};

TEST_F(WorkerDown, QueuedMessagesWaitForTheWorkerInsteadOfBurningTheirReceives) {
  const std::string queue = create_queue("down");
  const int port = closed_port();
  const std::string worker_url = "http://127.0.0.1:" + std::to_string(port);
  start_sqsd(queue, worker_url, {"--error-visibility-timeout", "0"});
  const auto c = client(queue);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto sent = c.enqueue("EchoJob", "[\"queued " + std::to_string(i) + "\"]");
    ASSERT_TRUE(sent) << sent.error().describe();
    ids.push_back(sent->message_id);
  }

  // Down: the daemon says so, then only probes; five probes are five seconds of outage.
  ASSERT_TRUE(eventually([&] { return !lines_with(sqsd_log(), {"accepts no connections"}).empty(); }, 20s))
      << sqsd_log();
  ASSERT_TRUE(eventually([&] { return lines_with(sqsd_log(), {"probe of the worker"}).size() >= 5; }, 20s))
      << sqsd_log();

  // While it is down, each message has been received at most once by the daemon: this look is
  // its second receive (long polls under way when the worker went down take nothing back). One
  // look for all three, each kept invisible until all are seen: putting one back and receiving
  // again would count the test's own receives twice.
  std::map<std::string, ReceivedMessage> seen;
  for (int look = 0; look < 20 && seen.size() < ids.size(); ++look) {
    auto got = fauxqs_.sqs().receive_messages(queue, {.max_messages = 10, .wait_seconds = 1});
    ASSERT_TRUE(got) << got.error().describe();
    for (auto& m : *got) seen.emplace(m.message_id, std::move(m));
  }
  for (const auto& id : ids) {
    const auto it = seen.find(id);
    ASSERT_NE(it, seen.end()) << id << "\n" << sqsd_log();
    EXPECT_LE(std::stoi(it->second.attributes.at("ApproximateReceiveCount")), 2) << id << "\n" << sqsd_log();
  }
  for (const auto& [id, m] : seen) ASSERT_TRUE(fauxqs_.sqs().change_message_visibility(queue, m.receipt_handle, 0));

  start_worker({{"PORT", std::to_string(port)}});
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 30s)) << sqsd_log();
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(echo_output().find("queued " + std::to_string(i)), std::string::npos) << echo_output();
  EXPECT_EQ(lines_with(sqsd_log(), {"accepts connections again"}).size(), 1u) << sqsd_log();
  // Each message's POSTs: at most one refused connection, then its 200.
  for (const auto& id : ids) {
    const auto posts = lines_with(sqsd_log(), {"msgid=" + id, "duration_ms="});
    EXPECT_LE(posts.size(), 2u) << id << "\n" << sqsd_log();
    EXPECT_EQ(lines_with(sqsd_log(), {"msgid=" + id, "status=200"}).size(), 1u) << sqsd_log();
  }
}

}  // namespace
}  // namespace ebworker::testing

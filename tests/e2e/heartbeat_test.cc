// What `ebworker sqsd` does beyond aws-sqsd for a message whose POST is slow or refused:
//   - while the POST runs it extends the message's visibility, so a job longer than
//     VisibilityTimeout is posted once, not again each time the visibility runs out;
//   - a failed answer's Retry-After sets when the message comes back (not ErrorVisibilityTimeout);
//   - a POST that ends while its message's extension is under way holds up no other POST's end.

#include <gtest/gtest.h>

#include <future>
#include <string>

#include "support/chaos_proxy.h"
#include "support/fake_http_server.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

class Heartbeat : public LocalStackTest {};

TEST_F(Heartbeat, AJobThreeTimesLongerThanTheVisibilityIsPostedOnceAndDeletedOnce) {
  const std::string queue = create_queue("heartbeat");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""), {"--visibility-timeout", "5", "--inactivity-timeout", "60"});
  auto sent = client(queue).enqueue("SleepJob", "[15000]");
  ASSERT_TRUE(sent) << sent.error().describe();

  ASSERT_TRUE(eventually([&] { return !lines_with(sqsd_log(), {sent->message_id, "status=200"}).empty(); }, 45s))
      << sqsd_log();
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << "not deleted";
  // One POST: the worker's log has one line for the message, the daemon's one outcome.
  EXPECT_EQ(lines_with(worker.log(), {"POST / status=", "msgid=" + sent->message_id}).size(), 1u) << worker.log();
  EXPECT_EQ(lines_with(sqsd_log(), {"msgid=" + sent->message_id, "duration_ms="}).size(), 1u) << sqsd_log();
  EXPECT_TRUE(lines_with(sqsd_log(), {"could not extend"}).empty()) << sqsd_log();
}

TEST_F(Heartbeat, RetryAfterSetsWhenAFailedMessageComesBack) {
  const std::string queue = create_queue("retry-after");
  // First answer 503 with Retry-After: 1, then 200. Without the header's effect the message
  // would come back after ErrorVisibilityTimeout, set to 10 minutes here.
  FakeHttpServer worker([](const Request& request) {
    Response r = Response::ok();
    if (request.headers.get("X-Aws-Sqsd-Receive-Count") == "1") {
      r = Response::refuse(503, "busy");
      r.headers.add("Retry-After", "1");
    }
    return r;
  });
  start_sqsd(queue, worker.url(), {"--error-visibility-timeout", "600"});
  auto sent = client(queue).enqueue("EchoJob", "[]");
  ASSERT_TRUE(sent) << sent.error().describe();

  ASSERT_TRUE(worker.wait_for_requests(2, 20s)) << sqsd_log();
  const auto requests = worker.requests();
  EXPECT_EQ(requests[1].headers.get("X-Aws-Sqsd-Receive-Count"), "2");
  EXPECT_EQ(lines_with(sqsd_log(), {sent->message_id, "status=503", "retry in 1 s (Retry-After)"}).size(), 1u)
      << sqsd_log();
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << "not deleted";
}

// The answers to 200s are handled on the one loop that runs every POST. Forgetting a message
// there once waited for its extension under way, an SQS round trip, and every other POST's end
// waited with it. Here SQS answers ChangeMessageVisibility 8 s late (a chaos proxy) and the POST
// ends while its message's extension is under way: it is handled before that answer comes.
TEST_F(Heartbeat, APostEndingDuringItsExtensionIsHandledWithoutWaitingForIt) {
  const std::string queue = create_queue("extension-under-way");
  ChaosRates slow_extensions;
  slow_extensions.slow = 1;
  slow_extensions.slow_only = "ChangeMessageVisibility";
  slow_extensions.slow_min = slow_extensions.slow_max = 8s;
  ChaosProxy proxy("127.0.0.1", fauxqs_.port(), slow_extensions, 1);
  std::promise<void> answer;
  std::shared_future<void> answering = answer.get_future().share();
  struct AnswerAtEnd {
    std::promise<void>& p;
    bool done = false;
    ~AnswerAtEnd() {
      if (!done) p.set_value();
    }
  } answer_at_end{answer};
  FakeHttpServer worker([&](const Request&) {
    answering.wait_for(30s);
    return Response::ok();
  });
  // Visibility 12 s: the extension goes 8 s after the receipt and, forwarded at once, hides the
  // message until 20 s; its answer comes at 16 s. So the message is not received again before
  // the answer, even when the daemon waits for it.
  start_sqsd(queue, worker.url(), {"--visibility-timeout", "12"}, {{"AWS_ENDPOINT_URL_SQS", proxy.url()}});
  auto sent = client(queue).enqueue("EchoJob", "[]");
  ASSERT_TRUE(sent) << sent.error().describe();
  ASSERT_TRUE(worker.wait_for_requests(1, 20s)) << sqsd_log();
  ASSERT_TRUE(eventually([&] { return proxy.counts().by_action["ChangeMessageVisibility"] >= 1; }, 20s))
      << proxy.counts().describe() << "\n" << sqsd_log();

  answer.set_value();
  answer_at_end.done = true;
  ASSERT_TRUE(eventually([&] { return !lines_with(sqsd_log(), {sent->message_id, "status=200", "deleting"}).empty(); }, 20s))
      << sqsd_log();
  EXPECT_EQ(proxy.counts().answered["ChangeMessageVisibility"], 0u)
      << "the POST's end waited for its extension's answer\n" << sqsd_log();
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 20s)) << "not deleted\n" << sqsd_log();
  EXPECT_EQ(worker.requests().size(), 1u);
}

}  // namespace
}  // namespace ebworker::testing

// What `ebworker sqsd` does beyond aws-sqsd for a message whose POST is slow or refused:
//   - while the POST runs it extends the message's visibility, so a job longer than
//     VisibilityTimeout is posted once, not again each time the visibility runs out;
//   - a failed answer's Retry-After sets when the message comes back (not ErrorVisibilityTimeout).

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace ebworker::testing

// Each result kind end to end, through fauxqs, `ebworker sqsd` and the worker (OutcomeJob ends
// as its arguments say): what is deleted, what comes back, and when. ErrorVisibilityTimeout is
// 600 s here, so a message that comes back within seconds came back because it asked to.

#include <gtest/gtest.h>

#include <string>

#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

class ResultKinds : public LocalStackTest {
 protected:
  // The worker's request lines for one message, in order.
  std::vector<std::string> posts_of(WorkerProcess& worker, const std::string& message_id) const {
    return lines_with(worker.log(), {"POST / status=", "msgid=" + message_id});
  }
};

TEST_F(ResultKinds, DoneAndDiscardAreDeletedAfterOnePostAndFailIsKept) {
  const std::string queue = create_queue("kinds");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  const auto c = client(queue);
  auto done = c.enqueue("OutcomeJob", R"(["done"])");
  auto discarded = c.enqueue("OutcomeJob", R"(["discard","customer 42 does not exist"])");
  auto failed = c.enqueue("OutcomeJob", R"(["fail","upstream down"])");
  ASSERT_TRUE(done && discarded && failed);

  ASSERT_TRUE(eventually([&] { return posts_of(worker, failed->message_id).size() == 1 &&
                                      posts_of(worker, done->message_id).size() == 1 &&
                                      posts_of(worker, discarded->message_id).size() == 1; }, 20s))
      << worker.log();
  // Done and discarded: deleted; failed: still in the queue, waiting out ErrorVisibilityTimeout.
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 1; }, 10s)) << sqsd_log();
  const auto discard_line = posts_of(worker, discarded->message_id)[0];
  EXPECT_NE(discard_line.find("status=200"), std::string::npos) << discard_line;
  EXPECT_NE(discard_line.find("reason=discarded: customer 42 does not exist"), std::string::npos) << discard_line;
  const auto fail_line = posts_of(worker, failed->message_id)[0];
  EXPECT_NE(fail_line.find("status=500"), std::string::npos) << fail_line;
  EXPECT_NE(fail_line.find("reason=job failed: upstream down"), std::string::npos) << fail_line;
  EXPECT_EQ(lines_with(sqsd_log(), {failed->message_id, "retry in 600 s"}).size(), 1u) << sqsd_log();
  // The worker counts each outcome, and says so when it stops.
  EXPECT_TRUE(worker.stop().success()) << worker.log();
  EXPECT_EQ(lines_with(worker.log(), {"job totals: done=1 failed=1 retried=0 discarded=1 dead_lettered=0"}).size(), 1u)
      << worker.log();
}

TEST_F(ResultKinds, RetryInComesBackAfterItsDelayNotErrorVisibility) {
  const std::string queue = create_queue("retry-in");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  auto later = client(queue).enqueue("OutcomeJob", R"(["retry",1])");
  ASSERT_TRUE(later) << later.error().describe();

  // Posted, asked for 1 s, posted again (and again): each time 503 with Retry-After: 1.
  ASSERT_TRUE(eventually([&] { return posts_of(worker, later->message_id).size() >= 2; }, 20s)) << sqsd_log();
  const auto first = posts_of(worker, later->message_id)[0];
  EXPECT_NE(first.find("status=503"), std::string::npos) << first;
  EXPECT_NE(first.find("reason=retry in 1 s: asked to"), std::string::npos) << first;
  EXPECT_FALSE(lines_with(sqsd_log(), {later->message_id, "status=503", "retry in 1 s (Retry-After)"}).empty())
      << sqsd_log();
}

}  // namespace
}  // namespace ebworker::testing

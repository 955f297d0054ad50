// A job that always fails is retried MaxRetries times, then SQS's redrive policy (set by
// `sqsd --create-queues --max-retries N`) moves it to the dead-letter queue, intact.

#include <gtest/gtest.h>

#include "e2e/support/local_stack.h"
#include "envelope/signer.h"
#include "sqsd/queue_setup.h"

namespace ebworker::testing {
namespace {

class DeadLetter : public LocalStackTest {};

TEST_F(DeadLetter, FailingJobLandsThereAfterMaxRetriesIntact) {
  constexpr int kMaxRetries = 2;
  const std::string queue = queue_url_for("failing");
  const std::string dead_letters = queue_url_for(dead_letter_queue_name("failing"));
  auto& worker = start_worker();
  auto& sqsd = start_sqsd(queue, worker.url(""),
                          {"--create-queues", "--max-retries", std::to_string(kMaxRetries),
                           "--error-visibility-timeout", "0", "--visibility-timeout", "30"});
  ASSERT_TRUE(sqsd.wait_for_line("dead-letter queue", 1s)) << sqsd_log(0);

  const auto sent = client(queue).enqueue("FailingJob", R"(["keep",{"me":"intact"},42])");
  ASSERT_TRUE(sent) << sent.error().describe();

  const auto dead = receive_one(
      dead_letters, [&](const ReceivedMessage& m) { return m.body.find(sent->job_id) != std::string::npos; }, 30s);
  ASSERT_TRUE(dead) << "not in the dead-letter queue within 30 s; sqsd log:\n" << sqsd_log(0);

  // The worker refused it once per receive, MaxRetries times, each a 500 from the job.
  const auto posts = worker.request_lines(sent->message_id);
  EXPECT_EQ(posts.size(), static_cast<size_t>(kMaxRetries)) << worker.log();
  for (const auto& line : posts) EXPECT_NE(line.find(" status=500 "), std::string::npos) << line;
  EXPECT_EQ(lines_with(sqsd_log(0), {"msgid=" + sent->message_id, "status=500", "retry in 0 s"}).size(),
            static_cast<size_t>(kMaxRetries))
      << sqsd_log(0);

  // Body and attributes as sent: the envelope, its digest under the worker's key, the origin.
  EXPECT_EQ(dead->message_id, sent->message_id);
  EXPECT_NE(dead->body.find(R"(["keep",{"me":"intact"},42])"), std::string::npos) << dead->body;
  const MessageAttribute* digest = dead->attribute("message-digest");
  const MessageAttribute* origin = dead->attribute("origin");
  ASSERT_NE(digest, nullptr);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(digest->data_type, "String");
  EXPECT_EQ(origin->data_type, "String");
  EXPECT_EQ(origin->value, "ebworker");
  auto signer = Signer::create(std::string(kE2eKey));
  ASSERT_TRUE(signer);
  EXPECT_TRUE(signer->verify(dead->body, digest->value)) << digest->value;
  EXPECT_EQ(dead->message_attributes.size(), 2u);

  // Nothing is left in the worker queue.
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 5s));
}

}  // namespace
}  // namespace ebworker::testing

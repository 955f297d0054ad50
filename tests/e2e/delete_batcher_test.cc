// DeleteBatcher against fauxqs: handles go in DeleteMessageBatch requests of up to 10, when a
// batch is full, when the oldest handle has lingered, on flush() and on destruction.

#include <gtest/gtest.h>

#include "e2e/support/local_stack.h"
#include "sqsd/delete_batcher.h"

namespace ebworker::testing {
namespace {

// A linger nothing waits out: only a full batch, flush() or destruction sends. (Longer than the
// machine's uptime, which the steady clock's epoch may be as little as.)
constexpr auto kForever = std::chrono::hours(24 * 365 * 50);

class DeleteBatcherOnFauxqs : public LocalStackTest {
 protected:
  // Sends `n` messages and receives them all (hidden for 60 s); returns them.
  std::vector<ReceivedMessage> send_and_receive(const std::string& queue, int n) {
    std::vector<OutgoingMessage> batch;
    for (int i = 0; i < n; ++i) {
      batch.push_back({.body = "message " + std::to_string(i)});
      if (batch.size() == kMaxBatchEntries || i == n - 1) {
        for (const auto& sent : fauxqs_.sqs().send_message_batch(queue, batch))
          if (!sent) throw std::runtime_error(sent.error().describe());
        batch.clear();
      }
    }
    std::vector<ReceivedMessage> got;
    for (int poll = 0; poll < 50 && got.size() < static_cast<size_t>(n); ++poll) {
      auto more = fauxqs_.sqs().receive_messages(
          queue, {.max_messages = 10, .wait_seconds = 1, .visibility_timeout = 60});
      if (!more) throw std::runtime_error(more.error().describe());
      for (auto& m : *more) got.push_back(std::move(m));
    }
    return got;
  }
};

TEST_F(DeleteBatcherOnFauxqs, AFullBatchGoesWithoutWaitingForTheLinger) {
  const std::string queue = create_queue("full-batch");
  const auto received = send_and_receive(queue, 10);
  ASSERT_EQ(received.size(), 10u);
  ASSERT_EQ(messages_in(queue), 10);
  DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, kForever);
  for (const auto& m : received) deletes.add(m.message_id, m.receipt_handle);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << messages_in(queue);
}

TEST_F(DeleteBatcherOnFauxqs, FlushDeletesEverything) {
  const std::string queue = create_queue("deletes");
  const auto received = send_and_receive(queue, 25);
  ASSERT_EQ(received.size(), 25u);
  DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, kForever);
  for (const auto& m : received) deletes.add(m.message_id, m.receipt_handle);
  deletes.flush();
  EXPECT_EQ(messages_in(queue), 0);
}

TEST_F(DeleteBatcherOnFauxqs, OneHandleGoesAfterTheLinger) {
  const std::string queue = create_queue("linger");
  const auto received = send_and_receive(queue, 1);
  ASSERT_EQ(received.size(), 1u);
  DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, std::chrono::milliseconds(50));
  deletes.add(received[0].message_id, received[0].receipt_handle);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s));
}

TEST_F(DeleteBatcherOnFauxqs, DestructionSendsWhatIsPending) {
  const std::string queue = create_queue("destroyed");
  const auto received = send_and_receive(queue, 3);
  ASSERT_EQ(received.size(), 3u);
  {
    DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, kForever);
    for (const auto& m : received) deletes.add(m.message_id, m.receipt_handle);
  }
  EXPECT_EQ(messages_in(queue), 0);
}

TEST_F(DeleteBatcherOnFauxqs, AStaleHandleIsLoggedNotFatal) {
  const std::string queue = create_queue("stale");
  const auto received = send_and_receive(queue, 2);
  ASSERT_EQ(received.size(), 2u);
  ASSERT_TRUE(fauxqs_.sqs().delete_message(queue, received[0].receipt_handle));
  DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, kForever);
  deletes.add(received[0].message_id, received[0].receipt_handle);
  deletes.add(received[1].message_id, received[1].receipt_handle);
  deletes.flush();
  EXPECT_EQ(messages_in(queue), 0);
}

}  // namespace
}  // namespace ebworker::testing

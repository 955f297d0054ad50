// DeleteBatcher against fauxqs: handles go in DeleteMessageBatch requests of up to 10, when a
// batch is full, when the oldest handle has lingered, on flush() and on destruction. Against a
// scripted SQS that holds every delete: several batches go at once, never more than its senders,
// and what waits beyond them says the batcher is behind.

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <condition_variable>
#include <mutex>

#include "aws/credentials_chain.h"
#include "e2e/support/local_stack.h"
#include "sqsd/delete_batcher.h"
#include "support/fake_http_server.h"

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
  DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, {.linger = kForever});
  for (const auto& m : received) deletes.add(m.message_id, m.receipt_handle);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << messages_in(queue);
}

TEST_F(DeleteBatcherOnFauxqs, FlushDeletesEverything) {
  const std::string queue = create_queue("deletes");
  const auto received = send_and_receive(queue, 25);
  ASSERT_EQ(received.size(), 25u);
  DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, {.linger = kForever});
  for (const auto& m : received) deletes.add(m.message_id, m.receipt_handle);
  deletes.flush();
  EXPECT_EQ(messages_in(queue), 0);
}

TEST_F(DeleteBatcherOnFauxqs, OneHandleGoesAfterTheLinger) {
  const std::string queue = create_queue("linger");
  const auto received = send_and_receive(queue, 1);
  ASSERT_EQ(received.size(), 1u);
  DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, {.linger = std::chrono::milliseconds(50)});
  deletes.add(received[0].message_id, received[0].receipt_handle);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s));
}

TEST_F(DeleteBatcherOnFauxqs, DestructionSendsWhatIsPending) {
  const std::string queue = create_queue("destroyed");
  const auto received = send_and_receive(queue, 3);
  ASSERT_EQ(received.size(), 3u);
  {
    DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, {.linger = kForever});
    for (const auto& m : received) deletes.add(m.message_id, m.receipt_handle);
  }
  EXPECT_EQ(messages_in(queue), 0);
}

TEST_F(DeleteBatcherOnFauxqs, AStaleHandleIsLoggedNotFatal) {
  const std::string queue = create_queue("stale");
  const auto received = send_and_receive(queue, 2);
  ASSERT_EQ(received.size(), 2u);
  ASSERT_TRUE(fauxqs_.sqs().delete_message(queue, received[0].receipt_handle));
  DeleteBatcher deletes(fauxqs_.shared_sqs(), queue, {.linger = kForever});
  deletes.add(received[0].message_id, received[0].receipt_handle);
  deletes.add(received[1].message_id, received[1].receipt_handle);
  deletes.flush();
  EXPECT_EQ(messages_in(queue), 0);
}

// An SQS whose DeleteMessageBatch answers wait until the test lets them go (or 20 s pass), each
// entry deleted; it counts the batches open at once and the handles it deleted.
class HeldDeletes {
 public:
  Response answer(const Request& request) {
    rapidjson::Document body;
    body.Parse(request.body.c_str());
    std::string ids;
    std::unique_lock lock(mutex_);
    ++open_;
    most_open_ = std::max(most_open_, open_);
    changed_.notify_all();
    changed_.wait_for(lock, 20s, [&] { return released_; });
    --open_;
    if (body.IsObject() && body.HasMember("Entries") && body["Entries"].IsArray())
      for (const auto& entry : body["Entries"].GetArray()) {
        ids += std::string(ids.empty() ? "" : ",") + R"({"Id":")" + entry["Id"].GetString() + R"("})";
        ++handles_;
      }
    return Response::ok(R"({"Successful":[)" + ids + R"(],"Failed":[]})");
  }
  bool wait_open(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 20s, [&] { return open_ == n; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  int most_open() {
    std::lock_guard lock(mutex_);
    return most_open_;
  }
  int handles() {
    std::lock_guard lock(mutex_);
    return handles_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int open_ = 0, most_open_ = 0, handles_ = 0;
  bool released_ = false;
};

TEST(DeleteBatcherInFlight, AsManyBatchesAsSendersGoAtOnceAndTheRestIsBehind) {
  HeldDeletes sqs_side;
  FakeHttpServer sqs_server([&](const Request& r) { return sqs_side.answer(r); }, 16);
  struct ReleaseAtEnd {
    HeldDeletes& held;
    ~ReleaseAtEnd() { held.release(); }
  } release_at_end{sqs_side};
  SqsClientOptions options;
  options.credentials = static_credentials({"AKIDEXAMPLE", "secret", "", std::nullopt});
  options.endpoint = {sqs_server.url(), "us-east-1"};
  options.request_timeout = 30s;
  const std::string queue = "http://sqs.us-east-1.localhost:" + std::to_string(sqs_server.port()) + "/000000000000/q";

  std::atomic<int> caught_up{0};
  DeleteBatcher deletes(std::make_shared<const SqsClient>(std::move(options)), queue,
                        {.linger = kForever, .senders = 4, .caught_up = [&] { ++caught_up; }});
  for (int i = 0; i < 90; ++i) deletes.add("m" + std::to_string(i), "h" + std::to_string(i));
  // Four full batches in flight at once, and the other fifty wait: the batcher is behind.
  ASSERT_TRUE(sqs_side.wait_open(4)) << "open at most " << sqs_side.most_open();
  EXPECT_EQ(deletes.waiting(), 50);
  EXPECT_TRUE(deletes.behind());
  const int caught_up_before = caught_up;  // it may have caught up, then fallen behind, while the test added

  sqs_side.release();
  deletes.flush();
  EXPECT_EQ(deletes.deleted(), 90);
  EXPECT_EQ(sqs_side.handles(), 90);
  EXPECT_EQ(sqs_side.most_open(), 4) << "more batches in flight than senders";
  EXPECT_EQ(deletes.waiting(), 0);
  EXPECT_FALSE(deletes.behind());
  EXPECT_GT(caught_up, caught_up_before) << "the receivers were not told that the backlog fell";
}

}  // namespace
}  // namespace ebworker::testing

// VisibilityHeartbeat: extends each watched message before its visibility runs out, by the whole
// visibility each time, and never after forget() has returned; drop() returns at once.

#include "sqsd/visibility_heartbeat.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ebworker {
namespace {

using namespace std::chrono_literals;

// Waits on a condition, not a clock: true once `done` holds, false at the deadline.
template <typename F>
bool within(std::chrono::milliseconds timeout, F done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(VisibilityHeartbeat, ExtendsAWatchedMessageByTheWholeVisibilityUntilForgotten) {
  std::mutex m;
  std::vector<std::pair<std::string, int>> calls;
  VisibilityHeartbeat heartbeat(1s, [&](const std::string& handle, int seconds) {
    std::lock_guard lock(m);
    calls.emplace_back(handle, seconds);
    return Status{};
  });
  heartbeat.watch(7, "receipt-7");
  ASSERT_TRUE(within(10s, [&] { return heartbeat.extended() >= 2; }));
  heartbeat.forget(7);
  const long after = heartbeat.extended();
  std::lock_guard lock(m);
  for (const auto& [handle, seconds] : calls) {
    EXPECT_EQ(handle, "receipt-7");
    EXPECT_EQ(seconds, 1);
  }
  EXPECT_EQ(static_cast<long>(calls.size()), after);
  EXPECT_EQ(heartbeat.failed(), 0);
}

TEST(VisibilityHeartbeat, ForgetWaitsForAnExtensionUnderWay) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> finished{false};
  std::atomic<int> calls{0};
  VisibilityHeartbeat heartbeat(1s, [&](const std::string&, int) {
    if (calls++ == 0) {
      entered.set_value();
      released.wait();
      finished = true;
    }
    return Status{};
  });
  heartbeat.watch(1, "r");
  entered.get_future().wait();  // the extension of message 1 is running now
  auto forgetting = std::async(std::launch::async, [&] {
    heartbeat.forget(1);
    return finished.load();  // must already be true: forget waited for the extension
  });
  EXPECT_EQ(forgetting.wait_for(200ms), std::future_status::timeout) << "forget did not wait";
  release.set_value();
  EXPECT_TRUE(forgetting.get());
}

// The posting loop drops a message it is about to delete; an extension of it under way must not
// hold the loop, and its failure (SQS refuses a deleted message's handle) is no failure to count.
TEST(VisibilityHeartbeat, DropReturnsWhileAnExtensionIsUnderWayAndItsFailureIsNotCounted) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> finished{false};
  VisibilityHeartbeat heartbeat(1s, [&](const std::string& handle, int) -> Status {
    if (handle == "r1") {
      entered.set_value();
      released.wait();
      finished = true;
      return fail("ReceiptHandleIsInvalid");
    }
    return Status{};
  });
  heartbeat.watch(1, "r1");
  entered.get_future().wait();  // the extension of message 1 is running now
  heartbeat.drop(1);
  EXPECT_FALSE(finished) << "drop waited for the extension";
  release.set_value();
  // One thread extends in turn: once message 2 is extended, message 1's answer has been handled.
  heartbeat.watch(2, "r2");
  ASSERT_TRUE(within(10s, [&] { return heartbeat.extended() >= 1; }));
  EXPECT_TRUE(finished);
  EXPECT_EQ(heartbeat.failed(), 0);
  heartbeat.forget(2);
}

TEST(VisibilityHeartbeat, ARefusedExtensionIsCounted) {
  VisibilityHeartbeat heartbeat(1s, [](const std::string&, int) -> Status { return fail("refused"); });
  heartbeat.watch(1, "r");
  ASSERT_TRUE(within(10s, [&] { return heartbeat.failed() >= 1; }));
  heartbeat.forget(1);
  EXPECT_EQ(heartbeat.extended(), 0);
}

TEST(VisibilityHeartbeat, ZeroVisibilityNeedsNoExtension) {
  std::atomic<int> calls{0};
  {
    VisibilityHeartbeat heartbeat(0s, [&](const std::string&, int) { return ++calls, Status{}; });
    heartbeat.watch(1, "r");
    heartbeat.forget(1);
  }
  EXPECT_EQ(calls.load(), 0);
}

// The thread waits until the earliest entry is due; forgetting that entry meanwhile (the POST
// ended) must not leave it waiting on freed memory (AddressSanitizer found this once). Many
// rounds, so that some forget while the thread is inside its wait.
TEST(VisibilityHeartbeat, ForgettingTheEntryTheThreadWaitsOnIsSafe) {
  for (int round = 0; round < 200; ++round) {
    VisibilityHeartbeat heartbeat(std::chrono::seconds(30), [](const std::string&, int) { return Status{}; });
    heartbeat.watch(1, "r1");
    heartbeat.watch(2, "r2");
    std::this_thread::yield();
    heartbeat.forget(1);
    heartbeat.watch(3, "r3");
    heartbeat.forget(2);
    heartbeat.forget(3);
    EXPECT_EQ(heartbeat.extended() + heartbeat.failed(), 0);
  }
}

}  // namespace
}  // namespace ebworker

// The visibility heartbeat under ThreadSanitizer with a visibility short enough that it extends:
// its thread's extensions racing watch(), forget() and drop() from many threads, and the whole
// daemon keeping slow POSTs invisible (extend, then forget after a failure, drop after a 200).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "e2e/support/local_stack.h"
#include "sqsd/sqsd_daemon.h"
#include "sqsd/visibility_heartbeat.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

// forget()'s promise: once it returns, no extension of that message is under way (one landing
// later would hide a released message again). Half the messages are forgotten while their
// extension is under way (each takes 30 ms, an SQS round trip); the rest are dropped at a random
// time, which does not wait.
TEST(HeartbeatRace, NoExtensionIsUnderWayOnceForgetReturns) {
  std::mutex mutex;
  std::condition_variable extending_changed;
  std::set<std::string> extending, forgotten;  // handles with an extension begun; whose forget() returned
  std::atomic<int> extensions{0}, landed_after_forget{0};
  VisibilityHeartbeat heartbeat(1s, [&](const std::string& handle, int seconds) -> Status {
    EXPECT_EQ(seconds, 1);
    {
      std::lock_guard lock(mutex);
      extending.insert(handle);
    }
    extending_changed.notify_all();
    std::this_thread::sleep_for(30ms);
    ++extensions;
    std::lock_guard lock(mutex);
    if (forgotten.count(handle)) ++landed_after_forget;
    if (handle.back() == '7') return fail("refused");  // some fail: counted, logged, no harm
    return {};
  });

  constexpr int kThreads = 12;
  constexpr int kPerThread = 3;
  std::atomic<int> forgotten_mid_extension{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      for (int i = 0; i < kPerThread; ++i) {
        const long id = t * 1000 + i;
        const std::string handle = "handle-" + std::to_string(id);
        heartbeat.watch(id, handle);
        if ((t + i) % 2) {
          // Its first extension comes half a second in; forget it while that is under way.
          std::unique_lock lock(mutex);
          if (extending_changed.wait_for(lock, 5s, [&] { return extending.count(handle) > 0; }))
            ++forgotten_mid_extension;
          lock.unlock();
          heartbeat.forget(id);
          lock.lock();
          forgotten.insert(handle);
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(600 + random() % 1000));
          heartbeat.drop(id);
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(landed_after_forget.load(), 0) << "an extension landed after forget() returned";
  EXPECT_EQ(forgotten_mid_extension.load(), kThreads * kPerThread / 2);
  EXPECT_GT(heartbeat.extended(), 0);
  // A failure counts only while its message is watched; one dropped meanwhile is not a failure.
  EXPECT_LE(heartbeat.extended() + heartbeat.failed(), extensions.load());
}

class HeartbeatDaemonRace : public LocalStackTest {};

// POSTs of 4.4 to 5.2 s against a 4 s visibility: each message is extended (twice or so) while it
// runs, so none is received a second time while its POST runs; one in five fails (the daemon
// forgets it, then releases it), the rest are dropped from the heartbeat and deleted. Between a
// 200 and its batched delete the visibility may lapse on a loaded machine (a 2 s visibility did
// under ThreadSanitizer beside the ASan tests): delivery is at least once, so a message may
// succeed twice, never zero times.
TEST_F(HeartbeatDaemonRace, SlowPostsAreExtendedForgottenAndDroppedWithoutRunningTwice) {
  constexpr int kMessages = 24;
  const std::string queue = create_queue("heartbeat-race");
  std::vector<OutgoingMessage> batch;
  for (int i = 0; i < kMessages; ++i) {
    batch.push_back({.body = "m" + std::to_string(i)});
    if (batch.size() == kMaxBatchEntries || i == kMessages - 1) {
      for (const auto& sent : fauxqs_.sqs().send_message_batch(queue, batch)) ASSERT_TRUE(sent);
      batch.clear();
    }
  }
  std::mutex mutex;
  std::map<std::string, int> running, succeeded;  // by body
  std::atomic<int> posts{0}, overlapping{0};
  FakeHttpServer worker([&](const Request& request) {
    const int n = ++posts;
    {
      std::lock_guard lock(mutex);
      if (running[request.body]++ > 0) ++overlapping;  // received again while its POST runs
    }
    std::this_thread::sleep_for(4400ms + std::chrono::milliseconds(n % 8 * 100));
    const bool fails = n % 5 == 0;
    std::lock_guard lock(mutex);
    --running[request.body];
    if (!fails) ++succeeded[request.body];
    return fails ? Response::refuse(500, "planned") : Response::ok();
  }, 32);  // more threads than connections: a thread freed just after its answer is never short

  SqsdConfig config;
  config.queue_url = queue;
  config.worker_url = worker.url();
  config.http_connections = 16;
  config.wait_time = 1;
  config.visibility_timeout = 4;
  config.error_visibility_timeout = 0;
  config.leader = false;
  SqsdDaemon daemon(config, fauxqs_.shared_sqs());
  ASSERT_TRUE(daemon.start());
  const bool drained = eventually([&] { return daemon.counters().deleted >= kMessages; }, 90s);
  daemon.stop();
  const SqsdCounters c = daemon.counters();
  EXPECT_TRUE(drained) << c.describe();
  EXPECT_GE(c.deleted, kMessages) << c.describe();
  EXPECT_GT(c.visibility_extended, kMessages) << c.describe();
  EXPECT_EQ(c.extend_failed, 0) << c.describe();
  EXPECT_EQ(overlapping.load(), 0) << "a message was posted again while its POST ran";
  std::lock_guard lock(mutex);
  EXPECT_EQ(succeeded.size(), static_cast<size_t>(kMessages));
  for (const auto& [body, times] : succeeded) EXPECT_GE(times, 1) << body;
  EXPECT_EQ(c.posted, posts.load()) << c.describe();
  EXPECT_EQ(c.posted, c.succeeded + c.failed) << c.describe();
}

}  // namespace
}  // namespace ebworker::testing

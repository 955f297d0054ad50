// `ebworker sqsd`'s daemon in this process, so ThreadSanitizer sees every one of its threads at
// once (poller, posting loop, delete batcher) against fauxqs and a worker on loopback: the counts
// must add up exactly, at one connection (where the in-flight count once leaked) and at several,
// with failures on the way, and stop() must return. The same again in process (`ebworker serve
// --queue-url`): the messages run on a Server's handler threads (LocalDelivery), no HTTP.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "e2e/support/local_stack.h"
#include "http/server.h"
#include "sqsd/local_delivery.h"
#include "sqsd/sqsd_daemon.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

enum class Form { http, in_process };

class SqsdDaemonRace : public LocalStackTest {
 protected:
  void run(int connections, int messages, int fail_every, Form form = Form::http) {
    const std::string queue = create_queue("race-" + std::to_string(connections));
    std::vector<OutgoingMessage> batch;
    for (int i = 0; i < messages; ++i) {
      batch.push_back({.body = "m" + std::to_string(i)});
      if (batch.size() == kMaxBatchEntries || i == messages - 1) {
        for (const auto& sent : fauxqs_.sqs().send_message_batch(queue, batch)) ASSERT_TRUE(sent);
        batch.clear();
      }
    }
    // Every fail_every-th POST fails once; the message comes back at once and then succeeds.
    std::atomic<int> posts{0};
    const auto answer = [&](const Request&) {
      const int n = ++posts;
      return fail_every > 0 && n % fail_every == 0 ? Response::refuse(500, "planned") : Response::ok();
    };
    FakeHttpServer worker(answer, static_cast<std::size_t>(connections));
    Server local(ServerOptions{.port = 0, .handler_threads = static_cast<std::size_t>(connections)}, Stack{}, answer);
    ASSERT_TRUE(local.start());

    SqsdConfig config;
    config.queue_url = queue;
    config.worker_url = worker.url();
    config.http_connections = connections;
    config.wait_time = 1;
    config.visibility_timeout = 60;
    config.error_visibility_timeout = 0;
    config.leader = false;
    SqsdDaemon daemon(config, fauxqs_.shared_sqs(), {}, nullptr,
                      form == Form::in_process ? std::make_unique<LocalDelivery>(local) : nullptr);
    ASSERT_TRUE(daemon.start());
    const bool drained = eventually([&] { return daemon.counters().deleted >= messages; }, 60s);
    daemon.stop();
    const SqsdCounters c = daemon.counters();
    EXPECT_TRUE(drained) << c.describe();
    EXPECT_EQ(c.deleted, messages) << c.describe();
    EXPECT_EQ(c.succeeded, messages) << c.describe();
    EXPECT_EQ(c.posted, c.succeeded + c.failed) << c.describe();
    EXPECT_EQ(c.released, c.failed) << c.describe();
    EXPECT_EQ(c.in_flight, 0) << c.describe();
    EXPECT_EQ(c.delete_failed + c.release_failed + c.expired, 0) << c.describe();
    EXPECT_EQ(posts.load(), c.posted);
  }
};

TEST_F(SqsdDaemonRace, OneConnection) { run(1, 300, 0); }
TEST_F(SqsdDaemonRace, SeveralConnectionsWithFailures) { run(8, 300, 7); }
TEST_F(SqsdDaemonRace, InProcessOneJobThread) { run(1, 300, 0, Form::in_process); }
TEST_F(SqsdDaemonRace, InProcessSeveralJobThreadsWithFailures) { run(8, 300, 7, Form::in_process); }

}  // namespace
}  // namespace ebworker::testing

// `ebworker sqsd` receives no faster than it deletes. With SQS's DeleteMessageBatch slow (a chaos
// proxy delays that call alone) and a worker that answers at once, the messages the daemon holds
// (received, not yet deleted) stay within its POST slots, its delete senders' batches and one
// receive's worth. It once received at the posts' pace whatever the deletes did: a soak at 50
// connections held tens of thousands of handles in memory, each nearer its visibility timeout.

#include <gtest/gtest.h>

#include "e2e/support/local_stack.h"
#include "net/http_client.h"
#include "support/chaos_proxy.h"
#include "support/closed_port.h"
#include "support/fake_http_server.h"
#include "support/prometheus_text.h"

namespace ebworker::testing {
namespace {

class SqsdDeletePace : public LocalStackTest {};

TEST_F(SqsdDeletePace, TheMessagesHeldStayBoundedWhileDeletesAreSlow) {
  constexpr int kMessages = 200;
  constexpr int kConnections = 20;
  // POST slots, then the delete batches waiting and in flight (four senders of ten each), and
  // what one receive under way may add.
  constexpr double kMostHeld = kConnections + 2 * 40 + 10;

  const std::string queue = create_queue("delete-pace");
  std::vector<JobToEnqueue> jobs;
  for (int i = 0; i < kMessages; ++i) jobs.push_back({"EchoJob", "[" + std::to_string(i) + "]", {}});
  for (const auto& sent : client(queue).enqueue_batch(jobs)) ASSERT_TRUE(sent) << sent.error().describe();

  ChaosRates slow_deletes;
  slow_deletes.slow = 1;
  slow_deletes.slow_only = "DeleteMessageBatch";
  slow_deletes.slow_min = slow_deletes.slow_max = 300ms;
  ChaosProxy proxy("127.0.0.1", fauxqs_.port(), slow_deletes, 1);
  FakeHttpServer worker([](const Request&) { return Response::ok(); }, 32);
  const std::uint16_t port = closed_port();
  start_sqsd(queue, worker.url(),
             {"--http-connections", std::to_string(kConnections), "--visibility-timeout", "600", "--health-port",
              std::to_string(port), "--log-level", "info"},
             {{"AWS_ENDPOINT_URL_SQS", proxy.url()}});

  HttpClient http;
  double most_held = 0, most_waiting = 0;
  std::string last;
  const bool all_deleted = eventually(
      [&] {
        HttpRequest request;
        request.url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
        request.timeout = 5s;
        request.direct = true;
        auto reply = http.perform(request);
        if (!reply || reply->status != 200) return false;
        last = reply->body;
        auto metrics = parse_prometheus_text(last);
        if (!metrics) return false;
        const double received = metrics->value("ebworker_sqsd_received_total").value_or(0);
        const double deleted = metrics->value("ebworker_sqsd_deleted_total").value_or(0);
        const double failed = metrics->value("ebworker_sqsd_delete_failed_total").value_or(0);
        most_held = std::max(most_held, received - deleted - failed);
        most_waiting = std::max(most_waiting, metrics->value("ebworker_sqsd_deletes_waiting").value_or(0));
        return deleted == kMessages;
      },
      60s);
  ASSERT_TRUE(all_deleted) << last << "\nsqsd log:\n" << sqsd_log(0);
  EXPECT_LE(most_held, kMostHeld) << "received far ahead of the deletes";
  EXPECT_GT(most_held, kConnections) << "the deletes never lagged: the test shows nothing";
  EXPECT_LE(most_waiting, 40 + kConnections);  // the posts under way when receiving paused end too
  EXPECT_EQ(messages_in(queue), 0);
  EXPECT_GE(proxy.counts().by_action["DeleteMessageBatch"], static_cast<std::uint64_t>(kMessages / 10));
}

}  // namespace
}  // namespace ebworker::testing

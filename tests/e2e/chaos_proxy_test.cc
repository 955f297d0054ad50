// The chaos proxy itself (tests/support/chaos_proxy.h), with one fault at a time at rate 1:
// what the SQS client sees of it, and whether the request reached the upstream (a scripted
// server standing in for SQS). The chaos test relies on each of these.

#include <gtest/gtest.h>

#include "aws/credentials_chain.h"
#include "sqs/sqs_client.h"
#include "support/chaos_proxy.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class ChaosProxyTest : public ::testing::Test {
 protected:
  // What SQS answers to GetQueueAttributes (the client reads the JSON whatever the type).
  FakeHttpServer upstream_{[](const Request&) {
    return Response::ok(R"({"Attributes":{"QueueArn":"arn:aws:sqs:us-east-1:000000000000:q"}})");
  }};

  SqsClient client_for(const ChaosProxy& proxy) const {
    SqsClientOptions options;
    options.credentials = static_credentials({"AKIDEXAMPLE", "secret", "", std::nullopt});
    options.endpoint = {proxy.url(), "us-east-1"};
    options.retry.max_attempts = 1;  // every fault shows
    options.request_timeout = 5s;
    return SqsClient(std::move(options));
  }
  std::string queue() const {
    return "http://sqs.us-east-1.localhost:" + std::to_string(upstream_.port()) + "/000000000000/q";
  }
};

ChaosRates only(ChaosFault fault) {
  ChaosRates r;
  switch (fault) {
    case ChaosFault::server_error: r.server_error = 1; break;
    case ChaosFault::throttled_sqs: r.throttled_sqs = 1; break;
    case ChaosFault::throttled_coral: r.throttled_coral = 1; break;
    case ChaosFault::throttled_429: r.throttled_429 = 1; break;
    case ChaosFault::drop_before: r.drop_before = 1; break;
    case ChaosFault::drop_after: r.drop_after = 1; break;
    case ChaosFault::slow: r.slow = 1; break;
    case ChaosFault::none: break;
  }
  r.slow_min = r.slow_max = 300ms;
  return r;
}

TEST_F(ChaosProxyTest, WithoutFaultsForwardsTheRequestAndTheAnswerUnchanged) {
  ChaosProxy proxy("127.0.0.1", upstream_.port(), only(ChaosFault::none), 1);
  const SqsClient sqs = client_for(proxy);
  for (int i = 0; i < 3; ++i) {  // on one kept-alive connection
    const auto got = sqs.get_queue_attributes(queue(), {"QueueArn"});
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ(got->at("QueueArn"), "arn:aws:sqs:us-east-1:000000000000:q");
  }
  const auto seen = upstream_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].headers.get("X-Amz-Target"), "AmazonSQS.GetQueueAttributes");
  EXPECT_NE(seen[0].body.find(R"("QueueUrl")"), std::string::npos) << seen[0].body;
  const ChaosCounts counts = proxy.counts();
  EXPECT_EQ(counts.requests, 3u);
  EXPECT_EQ(counts.of(ChaosFault::none), 3u);
  EXPECT_EQ(counts.injected(), 0u);
  EXPECT_EQ(counts.by_action.at("GetQueueAttributes"), 3u);
  EXPECT_EQ(counts.connections, 1u);
}

TEST_F(ChaosProxyTest, InjectedAnswersAreTheErrorsSqsSendsAndNeverReachTheUpstream) {
  const std::pair<ChaosFault, SqsErrorKind> cases[] = {{ChaosFault::server_error, SqsErrorKind::server},
                                                       {ChaosFault::throttled_sqs, SqsErrorKind::throttled},
                                                       {ChaosFault::throttled_coral, SqsErrorKind::throttled},
                                                       {ChaosFault::throttled_429, SqsErrorKind::throttled}};
  for (const auto& [fault, kind] : cases) {
    ChaosProxy proxy("127.0.0.1", upstream_.port(), only(fault), 1);
    const auto got = client_for(proxy).get_queue_attributes(queue(), {"QueueArn"});
    ASSERT_FALSE(got) << to_string(fault);
    EXPECT_EQ(got.error().kind, kind) << to_string(fault) << ": " << got.error().describe();
    EXPECT_TRUE(got.error().retryable()) << to_string(fault);
    EXPECT_EQ(proxy.counts().of(fault), 1u);
  }
  EXPECT_TRUE(upstream_.requests().empty());
}

TEST_F(ChaosProxyTest, DropsCloseWithoutAnAnswerBeforeOrAfterTheUpstreamActed) {
  {
    ChaosProxy proxy("127.0.0.1", upstream_.port(), only(ChaosFault::drop_before), 1);
    const auto got = client_for(proxy).get_queue_attributes(queue(), {"QueueArn"});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, SqsErrorKind::transport) << got.error().describe();
    EXPECT_TRUE(upstream_.requests().empty()) << "dropped before forwarding, yet forwarded";
  }
  {
    ChaosProxy proxy("127.0.0.1", upstream_.port(), only(ChaosFault::drop_after), 1);
    const auto got = client_for(proxy).get_queue_attributes(queue(), {"QueueArn"});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, SqsErrorKind::transport) << got.error().describe();
    EXPECT_EQ(upstream_.requests().size(), 1u) << "dropped after forwarding, yet not forwarded";
    EXPECT_EQ(proxy.counts().of(ChaosFault::drop_after), 1u);
  }
}

TEST_F(ChaosProxyTest, SlowAnswersArriveLateButWhole) {
  ChaosProxy proxy("127.0.0.1", upstream_.port(), only(ChaosFault::slow), 1);
  const auto started = std::chrono::steady_clock::now();
  const auto got = client_for(proxy).get_queue_attributes(queue(), {"QueueArn"});
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  EXPECT_EQ(proxy.counts().of(ChaosFault::slow), 1u);
}

TEST_F(ChaosProxyTest, TheSameSeedInjectsTheSameFaultsInTheSameOrder) {
  ChaosRates rates;
  rates.server_error = 0.2;
  rates.throttled_429 = 0.2;
  rates.slow = 0.1;
  rates.slow_min = rates.slow_max = 1ms;
  auto run = [&](std::uint64_t seed) {
    ChaosProxy proxy("127.0.0.1", upstream_.port(), rates, seed);
    const SqsClient sqs = client_for(proxy);
    std::string outcomes;
    for (int i = 0; i < 40; ++i) outcomes += sqs.get_queue_attributes(queue(), {"QueueArn"}) ? '.' : 'x';
    return std::make_pair(outcomes, proxy.counts().by_fault);
  };
  const auto a = run(42), b = run(42);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.first.find('x'), std::string::npos) << "no fault in 40 requests at rate 0.4";
  EXPECT_NE(a.first.find('.'), std::string::npos);
}

}  // namespace
}  // namespace ebworker::testing

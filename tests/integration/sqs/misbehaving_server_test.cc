// Against a misbehaving SQS on loopback (FakeHttpServer): what is retried and what is not,
// MD5s that don't match, batch answers with failed entries, a server too slow to answer.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "fake_sqs.h"
#include "sqs/message_md5.h"
#include "sqs/sqs_client.h"

namespace ebworker {
namespace {

using testing::FakeHttpServer;
using testing::FailedEntry;
using testing::sqs_answer;
using testing::sqs_error;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The MessageBody inside a SendMessage request.
template <typename R>
std::string message_body_of(const R& request) {
  rapidjson::Document d;
  d.Parse(request.body.c_str());
  return d["MessageBody"].GetString();
}

Client make_client(const ClientConfig& config) {
  auto c = Client::create(config);
  if (!c) throw std::runtime_error(c.error().message);
  return std::move(c).value();
}

// Answers the n-th request (0-based) with answers[n], and every later one with a good answer.
FakeHttpServer::Script in_turn(std::vector<Response> answers) {
  auto count = std::make_shared<std::atomic<std::size_t>>(0);
  return [answers = std::move(answers), count](const Request& r) {
    const std::size_t n = (*count)++;
    if (n < answers.size()) return answers[n];
    return sqs_answer(testing::send_answer_for(r.body));
  };
}

TEST(Misbehaving, ServerErrorsAreRetriedThenSucceed) {
  FakeHttpServer server(in_turn({sqs_error(500, "InternalError", "boom"), sqs_error(503, "ServiceUnavailable", "busy")}));
  auto sent = make_client(testing::client_config_for(server)).enqueue("EchoJob", "[1]");
  ASSERT_TRUE(sent) << sent.error().describe();
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_FALSE(sent->message_id.empty());
}

TEST(Misbehaving, ThrottlingIsRetriedThenSucceeds) {
  Response too_many;
  too_many.status = 429;
  too_many.body = "Too Many Requests";
  FakeHttpServer server(in_turn({sqs_error(400, "ThrottlingException", "Rate exceeded"), too_many,
                                 sqs_error(400, "RequestThrottled", "slow down",
                                           "AWS.SimpleQueueService.RequestThrottled;Sender")}));
  auto sent = make_client(testing::client_config_for(server)).enqueue("EchoJob");
  ASSERT_TRUE(sent) << sent.error().describe();
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(Misbehaving, RetriesRunOutWithTheLastCause) {
  FakeHttpServer server([](const Request&) { return sqs_error(503, "ServiceUnavailable", "still busy"); });
  auto config = testing::client_config_for(server);
  config.retry.max_attempts = 3;
  auto sent = make_client(config).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(server.requests().size(), 3u);
  const SqsError& e = sent.error();
  EXPECT_EQ(e.kind, SqsErrorKind::server);
  EXPECT_EQ(e.service, "SQS");
  EXPECT_EQ(e.http_status, 503);
  EXPECT_EQ(e.code, "ServiceUnavailable");
  EXPECT_EQ(e.attempts, 3);
  EXPECT_TRUE(contains(e.describe(), "still busy (after 3 attempts)")) << e.describe();
  EXPECT_TRUE(contains(e.describe(), config.queue_url)) << e.describe();
}

TEST(Misbehaving, QueueDoesNotExistIsNotRetried) {
  FakeHttpServer server([](const Request&) {
    return sqs_error(400, "QueueDoesNotExist", "The specified queue does not exist.",
                     "AWS.SimpleQueueService.NonExistentQueue;Sender");
  });
  auto config = testing::client_config_for(server, "missing-queue");
  auto sent = make_client(config).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(sent.error().kind, SqsErrorKind::client);
  EXPECT_EQ(sent.error().code, "QueueDoesNotExist");
  EXPECT_TRUE(contains(sent.error().describe(), "missing-queue")) << sent.error().describe();
}

TEST(Misbehaving, AccessDeniedIsNotRetried) {
  FakeHttpServer server([](const Request&) { return sqs_error(403, "AccessDenied", "not allowed"); });
  auto sent = make_client(testing::client_config_for(server)).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_FALSE(sent.error().retryable());
}

TEST(Misbehaving, WrongBodyMd5IsAnErrorNamingBothDigests) {
  const std::string wrong = "0123456789abcdef0123456789abcdef";
  FakeHttpServer server([&](const Request&) {
    return sqs_answer(R"({"MessageId":"a1b2c3d4-0000-4000-8000-000000000001","MD5OfMessageBody":")" + wrong +
                      R"(","MD5OfMessageAttributes":"ffffffffffffffffffffffffffffffff"})");
  });
  auto sent = make_client(testing::client_config_for(server)).enqueue("EchoJob", "[\"x\"]");
  ASSERT_FALSE(sent);
  EXPECT_EQ(server.requests().size(), 1u);  // SQS holds something: sending again would not help
  const SqsError& e = sent.error();
  EXPECT_EQ(e.kind, SqsErrorKind::md5_mismatch);
  EXPECT_FALSE(e.retryable());
  const std::string ours = md5_of_body(message_body_of(server.requests().at(0)));
  EXPECT_TRUE(contains(e.message, "a1b2c3d4-0000-4000-8000-000000000001")) << e.message;
  EXPECT_TRUE(contains(e.message, wrong)) << e.message;
  EXPECT_TRUE(contains(e.message, ours)) << e.message;
}

TEST(Misbehaving, WrongAttributesMd5IsAnError) {
  FakeHttpServer server([](const Request& r) {
    std::string answer = testing::send_answer_for(r.body);
    const auto at = answer.find("\"MD5OfMessageAttributes\":\"") + 26;
    answer.replace(at, 32, std::string(32, '0'));
    return sqs_answer(answer);
  });
  auto sent = make_client(testing::client_config_for(server)).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, SqsErrorKind::md5_mismatch);
  EXPECT_TRUE(contains(sent.error().message, "MD5OfMessageAttributes")) << sent.error().message;
  EXPECT_TRUE(contains(sent.error().message, std::string(32, '0'))) << sent.error().message;
}

TEST(Misbehaving, MissingAttributesMd5IsAnError) {
  FakeHttpServer server([](const Request& r) {
    return sqs_answer(R"({"MessageId":"m-1","MD5OfMessageBody":")" + md5_of_body(message_body_of(r)) + "\"}");
  });
  auto sent = make_client(testing::client_config_for(server)).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, SqsErrorKind::md5_mismatch);
  EXPECT_TRUE(contains(sent.error().message, "missing")) << sent.error().message;
}

TEST(Misbehaving, UnreadableSuccessIsAnErrorAndNotResent) {
  FakeHttpServer server([](const Request&) { return Response::ok("<html>hello from a proxy</html>"); });
  auto sent = make_client(testing::client_config_for(server)).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(contains(sent.error().describe(), "not a JSON object")) << sent.error().describe();
}

std::vector<JobToEnqueue> jobs(std::size_t n) {
  std::vector<JobToEnqueue> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back({"EchoJob", "[" + std::to_string(i) + "]", {}});
  return out;
}

TEST(MisbehavingBatch, OneFailedEntryIsReportedForThatEntryOnly) {
  FakeHttpServer server([](const Request& r) {
    return sqs_answer(testing::batch_answer_for(r.body, {{"1", FailedEntry{true, "InvalidParameterValue"}}}));
  });
  auto results = make_client(testing::client_config_for(server)).enqueue_batch(jobs(3));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0]) << results[0].error().describe();
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().kind, SqsErrorKind::client);
  EXPECT_EQ(results[1].error().code, "InvalidParameterValue");
  EXPECT_TRUE(contains(results[1].error().describe(), "entry 1")) << results[1].error().describe();
  EXPECT_TRUE(results[2]) << results[2].error().describe();
  EXPECT_EQ(server.requests().size(), 1u);  // a sender fault is not sent again
  EXPECT_EQ(testing::action_of(server.requests()[0]), "SendMessageBatch");
}

TEST(MisbehavingBatch, RetryableFailedEntryIsResentAlone) {
  auto count = std::make_shared<std::atomic<int>>(0);
  FakeHttpServer server([count](const Request& r) {
    if ((*count)++ == 0)
      return sqs_answer(testing::batch_answer_for(r.body, {{"2", FailedEntry{false, "InternalError"}}}));
    return sqs_answer(testing::batch_answer_for(r.body));
  });
  auto results = make_client(testing::client_config_for(server)).enqueue_batch(jobs(4));
  for (const auto& r : results) EXPECT_TRUE(r) << r.error().describe();
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto first = testing::batch_bodies(requests[0].body);
  const auto second = testing::batch_bodies(requests[1].body);
  ASSERT_EQ(first.size(), 4u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0], first[2]);  // the same signed message, not a new one
  EXPECT_TRUE(contains(requests[1].body, "\"Id\":\"2\"")) << requests[1].body;
}

TEST(MisbehavingBatch, RetryableFailedEntryThatKeepsFailingIsReported) {
  FakeHttpServer server([](const Request& r) {
    return sqs_answer(testing::batch_answer_for(r.body, {{"0", FailedEntry{false, "ServiceUnavailable"}}}));
  });
  auto config = testing::client_config_for(server);
  config.retry.max_attempts = 3;
  auto results = make_client(config).enqueue_batch(jobs(2));
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, "ServiceUnavailable");
  EXPECT_EQ(results[0].error().attempts, 3);
  EXPECT_TRUE(results[1]);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(MisbehavingBatch, WrongMd5InOneEntry) {
  FakeHttpServer server([](const Request& r) {
    std::string answer = testing::batch_answer_for(r.body);
    const auto at = answer.find("\"MD5OfMessageBody\":\"") + 20;  // the first entry's
    answer.replace(at, 32, std::string(32, 'f'));
    return sqs_answer(answer);
  });
  auto results = make_client(testing::client_config_for(server)).enqueue_batch(jobs(2));
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().kind, SqsErrorKind::md5_mismatch);
  EXPECT_TRUE(contains(results[0].error().message, std::string(32, 'f')));
  EXPECT_TRUE(results[1]);
}

TEST(MisbehavingBatch, TwentyFiveJobsGoTenToARequest) {
  FakeHttpServer server([](const Request& r) { return sqs_answer(testing::batch_answer_for(r.body)); });
  auto results = make_client(testing::client_config_for(server)).enqueue_batch(jobs(25));
  ASSERT_EQ(results.size(), 25u);
  for (const auto& r : results) EXPECT_TRUE(r) << r.error().describe();
  std::vector<std::size_t> sizes;
  for (const auto& request : server.requests()) sizes.push_back(testing::batch_bodies(request.body).size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 5}));
}

TEST(MisbehavingBatch, RequestsStayUnderTheSizeLimit) {
  FakeHttpServer server([](const Request& r) { return sqs_answer(testing::batch_answer_for(r.body)); });
  auto config = testing::client_config_for(server);
  config.max_message_bytes = 4096;
  std::vector<JobToEnqueue> big;
  for (int i = 0; i < 6; ++i) big.push_back({"EchoJob", "[\"" + std::string(1500, 'a' + i) + "\"]", {}});
  auto results = make_client(config).enqueue_batch(big);
  for (const auto& r : results) EXPECT_TRUE(r) << r.error().describe();
  for (const auto& request : server.requests()) EXPECT_LE(testing::batch_bodies(request.body).size(), 2u);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(MisbehavingBatch, WholeRequestFailureIsEveryEntrysError) {
  FakeHttpServer server([](const Request&) { return sqs_error(400, "AccessDenied", "no"); });
  auto results = make_client(testing::client_config_for(server)).enqueue_batch(jobs(3));
  for (const auto& r : results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "AccessDenied");
  }
  EXPECT_EQ(server.requests().size(), 1u);
}

// A server that holds every request until the test lets go (at teardown at the latest).
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    released_.wait_for(lock, std::chrono::seconds(30), [&] { return open_; });
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    released_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool open_ = false;
};

TEST(Misbehaving, SlowServerHitsTheTimeout) {
  Gate gate;
  FakeHttpServer server([&](const Request& r) {
    gate.wait();
    return sqs_answer(testing::send_answer_for(r.body));
  });
  struct OpenOnExit {
    Gate& g;
    ~OpenOnExit() { g.open(); }
  } open_on_exit{gate};  // destroyed before the server, which then drains at once

  auto config = testing::client_config_for(server);
  config.request_timeout = std::chrono::milliseconds(200);
  config.retry.max_attempts = 2;
  const auto start = std::chrono::steady_clock::now();
  auto sent = make_client(config).enqueue("EchoJob");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, SqsErrorKind::timeout) << sent.error().describe();
  EXPECT_TRUE(sent.error().retryable());
  EXPECT_EQ(sent.error().attempts, 2);
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_TRUE(server.wait_for_requests(2, std::chrono::seconds(5)));
}

TEST(Misbehaving, RefusedConnectionRunsOutOfRetries) {
  std::string url;
  {
    FakeHttpServer gone([](const Request&) { return Response::ok(); });
    url = gone.url();
  }  // nothing listens there now
  ClientConfig config;
  config.secret = testing::kTestSecret;
  config.credentials = testing::test_credentials();
  config.queue_url = url + "/000000000000/jobs";
  config.endpoint = {url, "us-east-1"};
  config.retry = {.max_attempts = 3, .base_delay = std::chrono::milliseconds(1),
                  .max_delay = std::chrono::milliseconds(2), .budget = std::chrono::seconds(10)};
  auto sent = make_client(config).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, SqsErrorKind::transport) << sent.error().describe();
  EXPECT_EQ(sent.error().attempts, 3);
}

TEST(Misbehaving, CredentialsFailureIsClearAndNotRetried) {
  struct NoCredentials : CredentialsProvider {
    Result<AwsCredentials> get() override { return fail("no credentials in environment, profile or metadata"); }
  };
  FakeHttpServer server([](const Request&) { return Response::ok(); });
  auto config = testing::client_config_for(server);
  config.credentials = std::make_shared<NoCredentials>();
  auto sent = make_client(config).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, SqsErrorKind::credentials);
  EXPECT_TRUE(contains(sent.error().describe(), "no credentials in environment")) << sent.error().describe();
  EXPECT_TRUE(server.requests().empty());
}

TEST(Misbehaving, ReceivedMessageWithWrongMd5IsLeftOut) {
  FakeHttpServer server([](const Request&) {
    return sqs_answer(R"({"Messages":[)"
                      R"({"MessageId":"good","ReceiptHandle":"r1","Body":"this is my body",)"
                      R"("MD5OfBody":"567762fc32b60cd7fc4abbe9cf1fcfbe",)"
                      R"("MessageAttributes":{"attribName1":{"DataType":"String","StringValue":"attribValue 1"}},)"
                      R"("MD5OfMessageAttributes":"19e27d4e946b072f3f58da80d94fd778"},)"
                      R"({"MessageId":"bad","ReceiptHandle":"r2","Body":"this is my body",)"
                      R"("MD5OfBody":"00000000000000000000000000000000"}]})");
  });
  SqsClient sqs({.credentials = testing::test_credentials(), .endpoint = {server.url(), "us-east-1"}});
  auto got = sqs.receive_messages(testing::queue_url_on(server));
  ASSERT_TRUE(got) << got.error().describe();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].message_id, "good");
  EXPECT_EQ((*got)[0].attribute("attribName1")->value, "attribValue 1");
  EXPECT_EQ(testing::action_of(server.requests().at(0)), "ReceiveMessage");
}

TEST(Misbehaving, OneClientManyThreads) {
  FakeHttpServer server([](const Request& r) { return sqs_answer(testing::send_answer_for(r.body)); });
  const Client client = make_client(testing::client_config_for(server));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i)
        if (client.enqueue("EchoJob", "[" + std::to_string(i) + "]")) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(server.requests().size(), 40u);
}

}  // namespace
}  // namespace ebworker

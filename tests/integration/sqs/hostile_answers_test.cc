// Answers no real SQS gives, from a server on loopback: nested 300,000 levels deep (which once
// killed `ebworker enqueue` and `ebworker sqsd` with a stack overflow in the parser) and larger
// than any answer could be (which was read whole into memory before any check). Each is one
// clear error; nothing crashes; nothing is read past the limit.

#include <gtest/gtest.h>

#include <string>

#include "fake_sqs.h"
#include "net/http_client.h"
#include "sqs/sqs_client.h"
#include "support/process.h"

namespace ebworker {
namespace {

using testing::FakeHttpServer;
using testing::sqs_answer;

constexpr int kLevels = 300000;

std::string deeply_nested_answer() {
  return R"({"Messages":)" + std::string(kLevels, '[') + std::string(kLevels, ']') + "}";
}

SqsClient client_for(const FakeHttpServer& server) {
  return SqsClient({.credentials = testing::test_credentials(),
                    .endpoint = {server.url(), "us-east-1"},
                    .retry = {.max_attempts = 1}});
}

TEST(HostileAnswers, DeepNestingIsAnErrorNotACrash) {
  FakeHttpServer server([](const Request&) { return sqs_answer(deeply_nested_answer()); });
  const SqsClient sqs = client_for(server);
  auto received = sqs.receive_messages(testing::queue_url_on(server));
  ASSERT_FALSE(received);
  EXPECT_NE(received.error().describe().find("not a JSON object"), std::string::npos) << received.error().describe();

  auto sent = sqs.send_message(testing::queue_url_on(server), OutgoingMessage{.body = "x"});
  ASSERT_FALSE(sent);
}

TEST(HostileAnswers, DeepNestingInAnErrorAnswerIsStillAnError) {
  FakeHttpServer server([](const Request&) { return sqs_answer(deeply_nested_answer(), 400); });
  auto received = client_for(server).receive_messages(testing::queue_url_on(server));
  ASSERT_FALSE(received);
  EXPECT_EQ(received.error().http_status, 400);
}

TEST(HostileAnswers, AnAnswerPastTheLimitIsNotReadWhole) {
  constexpr std::size_t kBig = 2 * 1024 * 1024;
  FakeHttpServer server([](const Request&) { return sqs_answer(std::string(kBig, ' ') + "{}"); });
  HttpClient http;
  HttpRequest request;
  request.method = "POST";
  request.url = server.url() + "/";
  request.max_reply_body = 64 * 1024;
  auto failed = http.perform(request);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("answer body over 65536 bytes"), std::string::npos)
      << failed.error().message;

  request.oversize = HttpRequest::Oversize::truncate;
  auto truncated = http.perform(request);
  ASSERT_TRUE(truncated) << truncated.error().message;
  EXPECT_EQ(truncated->status, 200);
  EXPECT_TRUE(truncated->truncated);
  EXPECT_EQ(truncated->body.size(), 64u * 1024);

  request.max_reply_body = kBig + 2;
  request.oversize = HttpRequest::Oversize::fail;
  auto whole = http.perform(request);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_FALSE(whole->truncated);
  EXPECT_EQ(whole->body.size(), kBig + 2);
}

// The real binaries, as a user meets them: one line saying why, and an exit code, not a signal.
TEST(HostileAnswers, EnqueueAndSqsdSayWhyAndExit) {
  FakeHttpServer server([](const Request&) { return sqs_answer(deeply_nested_answer()); });
  auto env = testing::base_environment();
  env["AWS_ENDPOINT_URL_SQS"] = server.url();
  env["AWS_REGION"] = "us-east-1";
  env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
  env["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  env["EBWORKER_SQS_MAX_ATTEMPTS"] = "1";
  env["SECRET_KEY_BASE"] = testing::kTestSecret;
  env["EBWORKER_QUEUE_URL"] = testing::queue_url_on(server);

  const auto enqueue = testing::run_command(EBWORKER_BINARY, {"enqueue", "EchoJob", "[1]"}, env, std::chrono::seconds(20));
  ASSERT_TRUE(enqueue.status) << "enqueue hung";
  EXPECT_TRUE(enqueue.status->exited) << enqueue.status->describe() << "\n" << enqueue.err;
  EXPECT_NE(enqueue.status->code, 0);
  EXPECT_NE(enqueue.err.find("not a JSON object"), std::string::npos) << enqueue.err;

  // sqsd checks its queue first (GetQueueAttributes): the same answer stops it with a message.
  const auto sqsd = testing::run_command(
      EBWORKER_BINARY, {"sqsd", "--queue-url", testing::queue_url_on(server), "--wait-time", "1"}, env,
      std::chrono::seconds(20));
  ASSERT_TRUE(sqsd.status) << "sqsd hung";
  EXPECT_TRUE(sqsd.status->exited) << sqsd.status->describe() << "\n" << sqsd.err;
  EXPECT_NE(sqsd.status->code, 0);
  EXPECT_NE((sqsd.err + sqsd.out).find("not a JSON object"), std::string::npos) << sqsd.err << sqsd.out;
}

}  // namespace
}  // namespace ebworker

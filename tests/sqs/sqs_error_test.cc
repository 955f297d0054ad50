// Which SQS failures are retried: throttling, 5xx and transport; never another 4xx.

#include <gtest/gtest.h>

#include "sqs/sqs_error_reply.h"

namespace ebworker {
namespace {

Headers query_error(const std::string& value) {
  Headers h;
  h.add("x-amzn-query-error", value);
  return h;
}

TEST(SqsError, QueueDoesNotExistIsAClientErrorWithBothCodes) {
  const auto e = sqs_error_from_reply(
      400, query_error("AWS.SimpleQueueService.NonExistentQueue;Sender"),
      R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})");
  EXPECT_EQ(e.kind, SqsErrorKind::client);
  EXPECT_EQ(e.code, "QueueDoesNotExist");
  EXPECT_EQ(e.query_code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(e.message, "The specified queue does not exist.");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_FALSE(e.retryable());
}

TEST(SqsError, ThrottlingCodesAreRetried) {
  for (const char* code : {"ThrottlingException", "RequestThrottled"}) {
    const auto e = sqs_error_from_reply(400, {}, std::string(R"({"__type":"com.amazonaws.sqs#)") + code +
                                                     R"(","message":"slow down"})");
    EXPECT_EQ(e.kind, SqsErrorKind::throttled) << code;
    EXPECT_TRUE(e.retryable()) << code;
  }
  // Only the query header says so.
  const auto q = sqs_error_from_reply(400, query_error("AWS.SimpleQueueService.RequestThrottled;Sender"), "{}");
  EXPECT_EQ(q.kind, SqsErrorKind::throttled);
}

TEST(SqsError, Http429IsThrottlingWhateverTheBody) {
  const auto e = sqs_error_from_reply(429, {}, "Too Many Requests");
  EXPECT_EQ(e.kind, SqsErrorKind::throttled);
  EXPECT_TRUE(e.retryable());
}

TEST(SqsError, FiveHundredsAreRetried) {
  for (long status : {500L, 502L, 503L, 504L}) {
    const auto e = sqs_error_from_reply(status, {}, R"({"__type":"InternalError","message":"oops"})");
    EXPECT_EQ(e.kind, SqsErrorKind::server) << status;
    EXPECT_TRUE(e.retryable()) << status;
  }
}

TEST(SqsError, OtherFourHundredsAreNot) {
  for (long status : {400L, 403L, 404L, 413L}) {
    const auto e = sqs_error_from_reply(status, {}, R"({"__type":"com.amazonaws.sqs#InvalidParameterValue"})");
    EXPECT_EQ(e.kind, SqsErrorKind::client) << status;
    EXPECT_FALSE(e.retryable()) << status;
  }
  EXPECT_FALSE(sqs_error_from_reply(403, {}, R"({"__type":"AccessDenied","message":"no"})").retryable());
}

TEST(SqsError, AnUnreadableBodyKeepsAnExcerpt) {
  const auto e = sqs_error_from_reply(502, {}, "<html>Bad Gateway</html>");
  EXPECT_EQ(e.kind, SqsErrorKind::server);
  EXPECT_NE(e.message.find("Bad Gateway"), std::string::npos);
}

TEST(SqsError, OtherKindsAreOrAreNotRetried) {
  SqsError e;
  for (auto [kind, retry] : {std::pair{SqsErrorKind::transport, true}, {SqsErrorKind::timeout, true},
                             {SqsErrorKind::md5_mismatch, false}, {SqsErrorKind::invalid_request, false},
                             {SqsErrorKind::credentials, false}}) {
    e.kind = kind;
    EXPECT_EQ(e.retryable(), retry) << to_string(kind);
  }
}

TEST(SqsError, BatchEntries) {
  EXPECT_FALSE(sqs_error_from_batch_entry(true, "InvalidParameterValue", "bad").retryable());
  EXPECT_TRUE(sqs_error_from_batch_entry(false, "InternalError", "oops").retryable());
  EXPECT_TRUE(sqs_error_from_batch_entry(true, "RequestThrottled", "slow").retryable());
}

TEST(SqsError, DescribeIsOneLineWithEverything) {
  auto e = sqs_error_from_reply(503, {}, R"({"__type":"ServiceUnavailable","message":"line one\nline two"})");
  e.context = "SendMessage https://sqs.us-east-1.amazonaws.com/1/jobs";
  e.attempts = 5;
  EXPECT_EQ(e.describe(),
            "SendMessage https://sqs.us-east-1.amazonaws.com/1/jobs: ServiceUnavailable (HTTP 503): "
            "line one line two (after 5 attempts)");
}

}  // namespace
}  // namespace ebworker

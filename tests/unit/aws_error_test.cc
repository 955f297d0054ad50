// Which failures of SQS and DynamoDB are retried: throttling, 5xx and transport; never another
// 4xx. One error shape and one rule for both services.

#include <gtest/gtest.h>

#include "aws/aws_error.h"
#include "sqs/sqs_json.h"

namespace ebworker {
namespace {

Headers query_error(const std::string& value) {
  Headers h;
  h.add("x-amzn-query-error", value);
  return h;
}

TEST(AwsError, QueueDoesNotExistIsAClientErrorWithBothCodes) {
  const auto e = aws_error_from_reply(
      400, query_error("AWS.SimpleQueueService.NonExistentQueue;Sender"),
      R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})");
  EXPECT_EQ(e.kind, AwsErrorKind::client);
  EXPECT_EQ(e.code, "QueueDoesNotExist");
  EXPECT_EQ(e.query_code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(e.message, "The specified queue does not exist.");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_FALSE(e.retryable());
}

TEST(AwsError, ThrottlingCodesAreRetried) {
  for (const char* code : {"ThrottlingException", "RequestThrottled"}) {
    const auto e = aws_error_from_reply(400, {}, std::string(R"({"__type":"com.amazonaws.sqs#)") + code +
                                                     R"(","message":"slow down"})");
    EXPECT_EQ(e.kind, AwsErrorKind::throttled) << code;
    EXPECT_TRUE(e.retryable()) << code;
  }
  // Only the query header says so.
  const auto q = aws_error_from_reply(400, query_error("AWS.SimpleQueueService.RequestThrottled;Sender"), "{}");
  EXPECT_EQ(q.kind, AwsErrorKind::throttled);
}

TEST(AwsError, Http429IsThrottlingWhateverTheBody) {
  const auto e = aws_error_from_reply(429, {}, "Too Many Requests");
  EXPECT_EQ(e.kind, AwsErrorKind::throttled);
  EXPECT_TRUE(e.retryable());
}

TEST(AwsError, FiveHundredsAreRetried) {
  for (long status : {500L, 502L, 503L, 504L}) {
    const auto e = aws_error_from_reply(status, {}, R"({"__type":"InternalError","message":"oops"})");
    EXPECT_EQ(e.kind, AwsErrorKind::server) << status;
    EXPECT_TRUE(e.retryable()) << status;
  }
}

TEST(AwsError, OtherFourHundredsAreNot) {
  for (long status : {400L, 403L, 404L, 413L}) {
    const auto e = aws_error_from_reply(status, {}, R"({"__type":"com.amazonaws.sqs#InvalidParameterValue"})");
    EXPECT_EQ(e.kind, AwsErrorKind::client) << status;
    EXPECT_FALSE(e.retryable()) << status;
  }
  EXPECT_FALSE(aws_error_from_reply(403, {}, R"({"__type":"AccessDenied","message":"no"})").retryable());
}

TEST(AwsError, AnUnreadableBodyKeepsAnExcerpt) {
  const auto e = aws_error_from_reply(502, {}, "<html>Bad Gateway</html>");
  EXPECT_EQ(e.kind, AwsErrorKind::server);
  EXPECT_NE(e.message.find("Bad Gateway"), std::string::npos);
}

TEST(AwsError, OtherKindsAreOrAreNotRetried) {
  AwsError e;
  for (auto [kind, retry] : {std::pair{AwsErrorKind::transport, true}, {AwsErrorKind::timeout, true},
                             {AwsErrorKind::md5_mismatch, false}, {AwsErrorKind::invalid_request, false},
                             {AwsErrorKind::credentials, false}}) {
    e.kind = kind;
    EXPECT_EQ(e.retryable(), retry) << to_string(kind);
  }
}

TEST(AwsError, SqsBatchEntries) {
  EXPECT_FALSE(sqs_error_from_batch_entry(true, "InvalidParameterValue", "bad").retryable());
  EXPECT_TRUE(sqs_error_from_batch_entry(false, "InternalError", "oops").retryable());
  EXPECT_TRUE(sqs_error_from_batch_entry(true, "RequestThrottled", "slow").retryable());
}

TEST(AwsError, DynamoDbCodes) {
  for (const char* code : {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
                           "TransactionConflictException"}) {
    const auto e = aws_error_from_reply(
        400, {}, std::string(R"({"__type":"com.amazonaws.dynamodb.v20120810#)") + code + R"(","message":"m"})");
    EXPECT_EQ(e.kind, AwsErrorKind::throttled) << code;
    EXPECT_EQ(e.code, code);
  }
  // A missing table, an existing one, a failed condition: the request is wrong, by its code.
  for (const char* code : {"ResourceNotFoundException", "ResourceInUseException", "ConditionalCheckFailedException"}) {
    const auto e = aws_error_from_reply(
        400, {}, std::string(R"({"__type":"com.amazonaws.dynamodb.v20120810#)") + code + R"(","Message":"m"})");
    EXPECT_EQ(e.kind, AwsErrorKind::client) << code;
    EXPECT_EQ(e.code, code);
    EXPECT_EQ(e.message, "m") << code;
    EXPECT_FALSE(e.retryable()) << code;
  }
}

TEST(AwsError, TheRequestIdIsKept) {
  Headers h;
  h.add("x-amzn-RequestId", "6fde8d1e-52cd-4581-8cd9-c512f4c64223");
  EXPECT_EQ(aws_error_from_reply(500, h, "{}").request_id, "6fde8d1e-52cd-4581-8cd9-c512f4c64223");
  EXPECT_EQ(aws_error_from_reply(500, {}, "{}").request_id, "");
}

TEST(AwsError, AnHttp200IsShownOnlyWhenNoCodeNamesTheFailure) {
  AwsError unreadable;
  unreadable.kind = AwsErrorKind::server;
  unreadable.http_status = 200;
  unreadable.message = "unreadable answer: not JSON";
  EXPECT_EQ(unreadable.describe(), "HTTP 200: unreadable answer: not JSON");
  // A batch entry's failure came inside the 200; the 200 says nothing about it.
  EXPECT_EQ(sqs_error_from_batch_entry(false, "InternalError", "oops").describe(), "InternalError: oops");
}

TEST(AwsError, DescribeIsOneLineWithEverything) {
  auto e = aws_error_from_reply(503, {}, R"({"__type":"ServiceUnavailable","message":"line one\nline two"})");
  e.context = "SendMessage https://sqs.us-east-1.amazonaws.com/1/jobs";
  e.attempts = 5;
  EXPECT_EQ(e.describe(),
            "SendMessage https://sqs.us-east-1.amazonaws.com/1/jobs: ServiceUnavailable (HTTP 503): "
            "line one line two (after 5 attempts)");
}

}  // namespace
}  // namespace ebworker

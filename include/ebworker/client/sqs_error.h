#pragma once
// What can go wrong talking to an AWS service (SQS; DynamoDB inside the worker), as a value: which
// kind of failure, the service's own error code and message, the HTTP status, the request id.
// retryable() is the one rule the clients' retry loop follows: throttling, 5xx and transport
// failures are retried; every other 4xx is not. The enqueue client (client/client.h) answers
// with it under the name SqsError.

#include <string>
#include <string_view>

#include <ebworker/result.h>

namespace ebworker {

enum class AwsErrorKind {
  transport,        // no HTTP answer: refused, reset, DNS, TLS
  timeout,          // no complete answer within the request timeout
  throttled,        // RequestThrottled, ThrottlingException, ProvisionedThroughputExceeded… or HTTP 429
  server,           // 5xx, a failed batch entry SQS blames on itself, or an answer we can't read
  client,           // any other 4xx: the request is wrong and sending it again won't help
  md5_mismatch,     // SQS stored something other than what was sent
  invalid_request,  // refused before sending (size, delay, characters, FIFO rules, endpoint)
  credentials,      // no AWS credentials to sign with
};

std::string_view to_string(AwsErrorKind kind);

struct AwsError {
  AwsErrorKind kind = AwsErrorKind::invalid_request;
  std::string service;     // "SQS", "DynamoDB"; empty when refused before any service was chosen
  std::string code;        // the service's code: the part of __type after '#', or a batch entry's Code
  std::string query_code;  // from x-amzn-query-error, e.g. AWS.SimpleQueueService.NonExistentQueue
  std::string message;     // the service's message, or ours
  long http_status = 0;    // 0 when there was no HTTP answer
  std::string request_id;  // x-amzn-RequestId of an error answer, for AWS support; else empty
  std::string context;     // what was being done, e.g. "SendMessage https://…/jobs"
  int attempts = 0;        // requests made before giving up (0: none was sent)

  bool retryable() const;
  // One line for a log or a terminal: context, code, status, message, attempts.
  std::string describe() const;
};

template <typename T>
using AwsResult = Result<T, AwsError>;

// The enqueue client's names for the same error.
using SqsErrorKind = AwsErrorKind;
using SqsError = AwsError;
template <typename T>
using SqsResult = AwsResult<T>;

}  // namespace ebworker

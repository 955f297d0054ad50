#pragma once
// What can go wrong talking to DynamoDB, as a value. A failed condition
// (ConditionalCheckFailedException) is not one of these: the client answers it as an outcome
// (dynamodb_client.h, WriteOutcome). retryable() is the rule the client's retry loop follows:
// throttling, 5xx and transport failures are retried; every other 4xx is not.

#include <string>
#include <string_view>

#include <ebworker/worker/headers.h>
#include <ebworker/result.h>

namespace ebworker {

enum class DynamoErrorKind {
  transport,    // no HTTP answer: refused, reset, DNS, TLS
  timeout,      // no complete answer within the request timeout
  throttled,    // ProvisionedThroughputExceeded, Throttling, RequestLimitExceeded or HTTP 429
  server,       // 5xx, or an HTTP 200 we cannot read
  client,       // any other 4xx: sending it again won't help
  not_found,    // ResourceNotFoundException: no such table
  config,       // refused before sending: no endpoint or region
  credentials,  // no AWS credentials to sign with
};

struct DynamoError {
  DynamoErrorKind kind = DynamoErrorKind::config;
  std::string code;     // the part of __type after '#', e.g. ResourceInUseException
  std::string message;  // DynamoDB's message, or ours
  long http_status = 0;
  std::string context;  // e.g. "PutItem ebworker-leases"
  int attempts = 0;

  bool retryable() const;
  // One line for a log: context, code, status, message, attempts.
  std::string describe() const;
};

template <typename T>
using DynamoResult = Result<T, DynamoError>;

// An HTTP answer other than 200, classified from its status and body ({"__type", "message"}).
DynamoError dynamo_error_from_reply(long status, std::string_view body);

}  // namespace ebworker

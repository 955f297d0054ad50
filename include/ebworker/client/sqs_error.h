#pragma once
// What can go wrong talking to SQS, as a value: which kind of failure, SQS's own error code and
// message, the HTTP status. retryable() is the one rule the client's retry loop follows:
// throttling, 5xx and transport failures are retried; every other 4xx is not.

#include <string>
#include <string_view>

#include <ebworker/result.h>

namespace ebworker {

enum class SqsErrorKind {
  transport,        // no HTTP answer: refused, reset, DNS, TLS
  timeout,          // no complete answer within the request timeout
  throttled,        // RequestThrottled, ThrottlingException or HTTP 429
  server,           // 5xx, a failed batch entry SQS blames on itself, or an answer we can't read
  client,           // any other 4xx: the request is wrong and sending it again won't help
  md5_mismatch,     // SQS stored something other than what was sent
  invalid_request,  // refused before sending (size, delay, characters, FIFO rules, config)
  credentials,      // no AWS credentials to sign with
};

std::string_view to_string(SqsErrorKind kind);

struct SqsError {
  SqsErrorKind kind = SqsErrorKind::invalid_request;
  std::string code;        // SQS's code: the part of __type after '#', or a batch entry's Code
  std::string query_code;  // from x-amzn-query-error, e.g. AWS.SimpleQueueService.NonExistentQueue
  std::string message;     // SQS's message, or ours
  long http_status = 0;    // 0 when there was no HTTP answer
  std::string context;     // what was being done, e.g. "SendMessage to https://…/jobs"
  int attempts = 0;        // requests made before giving up (0: none was sent)

  bool retryable() const;
  // One line for a log or a terminal: context, code, status, message, attempts.
  std::string describe() const;
};

template <typename T>
using SqsResult = Result<T, SqsError>;

}  // namespace ebworker

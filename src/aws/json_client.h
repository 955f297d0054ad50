#pragma once
// An AWS service over its JSON protocol (docs/wire-protocol.md, "SQS" and "DynamoDB"): POST / with
// Content-Type application/x-amz-json-1.0 and X-Amz-Target PREFIX.<Action>, signed with SigV4 by
// libcurl, the credentials asked for on every request (the chain caches and refreshes them).
// Throttling, 5xx and transport failures are sent again under a RetryPolicy; nothing else is.
// SqsClient and DynamoClient build their requests and read their answers on top of it.
//
// Thread-safe: one client serves any number of threads, reusing connections (keep-alive).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <ebworker/client/client_config.h>
#include <ebworker/client/sqs_error.h>

#include "aws/aws_endpoint.h"
#include "aws/credentials_chain.h"
#include "aws/retry_policy.h"
#include "net/http_client.h"

namespace ebworker {

// What sets one service's requests apart from another's.
struct AwsJsonService {
  std::string_view name;           // "SQS": AwsError::service
  std::string_view target_prefix;  // "AmazonSQS": X-Amz-Target is PREFIX.Action
  std::string_view signing_name;   // "sqs": SigV4's service
  std::size_t max_answer = 0;      // bytes; a larger answer is refused unread (a transport error)
};

struct AwsJsonClientOptions {
  std::shared_ptr<CredentialsProvider> credentials{};  // required
  RetrySettings retry{};
  RetryHooks retry_hooks{};  // tests only
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{10000};  // per request; `extra_timeout` on top
  std::shared_ptr<HttpClient> http{};                // empty: one of its own
};

// One action: where it goes, what it is about, its JSON body. Its errors say "ACTION ABOUT".
struct AwsJsonRequest {
  std::string_view action;  // "SendMessage"
  std::string_view about;   // a queue URL or name, a table
  AwsEndpoint endpoint;
  std::string_view body;
  std::chrono::milliseconds extra_timeout{};  // a long poll's wait
  // Once true, a request with no answer yet gives up, and no retry follows.
  const std::atomic<bool>* cancel = nullptr;
};

class AwsJsonClient {
 public:
  AwsJsonClient(AwsJsonService service, AwsJsonClientOptions options);

  // The body of the HTTP 200 answer, the call sent again as the retry policy allows.
  AwsResult<std::string> call(const AwsJsonRequest& request) const;
  // The same, drawing on attempts several calls share (a batch sending its failed entries again).
  AwsResult<std::string> call(const AwsJsonRequest& request, RetryPolicy::Attempts& attempts) const;

  const RetryPolicy& retry_policy() const { return retry_; }

  // An error made outside a call (a request refused before sending, an answer that failed a
  // check), named as the call's own are: this service, "ACTION ABOUT".
  AwsError with_context(AwsError error, std::string_view action, std::string_view about) const;
  // An HTTP 200 whose body is not what the action answers. It is not sent again: the service may
  // have acted on the request.
  AwsError unreadable(std::string_view action, std::string_view about, const std::string& why) const;

 private:
  // One request; the body of an HTTP 200.
  AwsResult<std::string> attempt(const AwsJsonRequest& request, std::chrono::milliseconds timeout) const;

  AwsJsonService service_;
  AwsJsonClientOptions options_;
  RetryPolicy retry_;
};

}  // namespace ebworker

#pragma once
// Amazon SQS over its JSON protocol (docs/wire-protocol.md, "SQS"): X-Amz-Target
// AmazonSQS.<Action>, signed for the service "sqs", sent and retried by AwsJsonClient
// (aws/json_client.h). Every send's MD5s are checked against what was sent: a mismatch is an
// error, never a success. A received message whose MD5s don't match what arrived is logged and
// left out (it comes back after its visibility timeout, and ends in the dead-letter queue).
//
// A retried send may store a message twice (SQS may have kept the first before the answer was
// lost); delivery is at-least-once anyway, and a FIFO queue's deduplication id covers it.
//
// Thread-safe: one client serves any number of threads, reusing connections (keep-alive).

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials_chain.h"
#include "aws/json_client.h"
#include "aws/retry_policy.h"
#include "core/limits.h"
#include "net/http_client.h"
#include "sqs/sqs_endpoint.h"
#include "sqs/sqs_messages.h"

namespace ebworker {

struct SqsClientOptions {
  std::shared_ptr<CredentialsProvider> credentials{};  // required
  SqsEndpointSettings endpoint{};                       // empty fields: from each queue URL
  RetrySettings retry{};
  RetryHooks retry_hooks{};                             // tests only
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{10000};   // per request; long polls get their wait on top
  std::shared_ptr<HttpClient> http{};                 // empty: one of its own
};

class SqsClient {
 public:
  explicit SqsClient(SqsClientOptions options);

  SqsResult<SentMessage> send_message(std::string_view queue_url, const OutgoingMessage& message) const;

  // At most 10 messages; one result per message, in order. Entries SQS fails inside its HTTP 200
  // are sent again on their own when the failure is retryable, else reported; the whole call
  // shares one retry budget.
  std::vector<SqsResult<SentMessage>> send_message_batch(std::string_view queue_url,
                                                         const std::vector<OutgoingMessage>& messages) const;

  SqsResult<std::vector<ReceivedMessage>> receive_messages(std::string_view queue_url,
                                                           const ReceiveOptions& options = {}) const;
  SqsResult<void> delete_message(std::string_view queue_url, std::string_view receipt_handle) const;
  // At most 10 receipt handles; one result per handle, in order.
  std::vector<SqsResult<void>> delete_message_batch(std::string_view queue_url,
                                                    const std::vector<std::string>& receipt_handles) const;
  SqsResult<void> change_message_visibility(std::string_view queue_url, std::string_view receipt_handle,
                                            int visibility_timeout_seconds) const;

  // The queue's URL (CreateQueue answers with the existing queue's URL when the attributes match).
  SqsResult<std::string> create_queue(std::string_view name,
                                      const std::map<std::string, std::string>& attributes = {}) const;
  SqsResult<std::string> get_queue_url(std::string_view name) const;
  SqsResult<std::map<std::string, std::string>> get_queue_attributes(
      std::string_view queue_url, const std::vector<std::string>& names = {"All"}) const;
  SqsResult<void> set_queue_attributes(std::string_view queue_url,
                                       const std::map<std::string, std::string>& attributes) const;

 private:
  // One action about `queue_url` (or, when empty, the queue named `about`), retried as the
  // policy allows. The answer is a JSON object.
  SqsResult<rapidjson::Document> call(std::string_view action, std::string_view queue_url,
                                      std::string_view about, const std::string& body,
                                      RetryPolicy::Attempts& attempts,
                                      std::chrono::milliseconds extra_timeout = {},
                                      const std::atomic<bool>* cancel = nullptr) const;
  template <typename T, typename Body, typename OnSuccess>
  std::vector<SqsResult<T>> batch(std::string_view action, std::string_view queue_url, std::size_t count,
                                  Body make_body, OnSuccess on_success) const;

  SqsEndpointSettings endpoint_;
  AwsJsonClient aws_;
};

}  // namespace ebworker

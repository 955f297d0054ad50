#pragma once
// The enqueue client's configuration, built in code or read from the environment
// (Client::from_environment; docs/configuration.md lists the variables).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <ebworker/client/credentials.h>
#include <ebworker/message_format.h>
#include <ebworker/sqs_limits.h>

namespace ebworker {

// SQS's largest message (body plus attributes), and the worker's default EBWORKER_MAX_BODY. A
// queue whose MaximumMessageSize is lower refuses more: lower this to match it.
inline constexpr std::size_t kDefaultMaxMessageBytes = kSqsMaxMessageBytes;

// Where a service's requests go and which region signs them; an empty field means "as the AWS
// SDKs find it": for SQS, from the queue URL; for DynamoDB, from the environment.
struct EndpointSettings {
  std::string endpoint{};  // e.g. "http://127.0.0.1:4566"
  std::string region{};
};
using SqsEndpointSettings = EndpointSettings;

// Retries of a failed SQS request: exponential backoff with full jitter, within a time budget.
struct RetrySettings {
  int max_attempts = 5;  // requests per call, the first included; 1 = no retries
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{5000};
  std::chrono::milliseconds budget{20000};  // for the whole call, retries and waits included
};

// What the policy uses of the outside world; tests replace any of them. Each must be safe to
// call from several threads at once (the defaults are).
struct RetryHooks {
  std::function<void(std::chrono::milliseconds)> sleep{};        // default: this_thread::sleep_for
  std::function<double()> random{};                              // uniform in [0, 1)
  std::function<std::chrono::steady_clock::time_point()> now{};  // default: steady_clock::now
};

struct ClientConfig {
  std::string queue_url;
  std::string secret;  // SECRET_KEY_BASE: at least 32 bytes
  // What the jobs are sent as (EBWORKER_MESSAGE_FORMAT): ebworker's envelope, or a Rails job for
  // a Rails worker (active_elastic_job: signed as that gem checks; active_job: unsigned, as
  // aws-sdk-rails reads it). docs/rails.md.
  MessageFormat message_format = MessageFormat::ebworker;
  std::size_t max_message_bytes = kDefaultMaxMessageBytes;
  SqsEndpointSettings endpoint;
  RetrySettings retry;
  RetryHooks retry_hooks;  // tests only
  // The longest delay one SQS message carries; a job due later hops (EBWORKER_MAX_HOP_DELAY).
  std::chrono::seconds max_hop_delay = kSqsMaxDelay;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{10000};
  // Empty: the SDKs' default chain read from this process's environment.
  std::shared_ptr<CredentialsProvider> credentials;
  // The DynamoDB table unique keys are claimed in and debounced keys recorded in
  // (EBWORKER_LIMITS_TABLE, the workers' own; docs/guide.md, "Unique jobs" and "Debounce");
  // empty: none, and a debounced job is refused. Its requests use `credentials` and `retry`.
  std::string limits_table;
  EndpointSettings dynamodb_endpoint;
};

}  // namespace ebworker

#include "client/client_settings.h"

#include "core/limits.h"
#include "envelope/message_format.h"

namespace ebworker {

namespace {

template <typename N, typename Store>
auto number(N min, N max, Store store) {
  return number_setting<ClientConfig, N>(min, max, store);
}

using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace

const std::vector<ClientSetting>& client_settings() {
  static const std::vector<ClientSetting> settings = {
      {"EBWORKER_QUEUE_URL", "", "(none)", "the SQS queue URL jobs are sent to",
       [](ClientConfig& c, std::string_view v) -> Status {
         if (v.empty()) return {};  // set but empty: as if unset
         if (auto q = QueueUrl::parse(v); !q) return Unexpected{q.error()};
         c.queue_url = std::string(v);
         return {};
       }},
      {"SECRET_KEY_BASE", "", "(none)", "the key jobs are signed with, at least 32 bytes (the worker's too)",
       string_setting(&ClientConfig::secret)},
      {"EBWORKER_MESSAGE_FORMAT", "", "ebworker",
       "what jobs are sent as: ebworker (for ebworker's workers), active_elastic_job (a Rails worker "
       "running that gem: HMAC-SHA1 with SECRET_KEY_BASE) or active_job (a Rails worker running "
       "aws-sdk-rails: unsigned)",
       [](ClientConfig& c, std::string_view v) -> Status {
         auto format = parse_message_format(v);
         if (!format) return Unexpected{format.error()};
         c.message_format = *format;
         return {};
       }},
      {"EBWORKER_MAX_MESSAGE_BYTES", "", "1048576",
       "largest message (body plus attributes) sent, SQS's maximum; lower it to the queue's "
       "MaximumMessageSize if that is smaller",
       number<std::size_t>(1024, kSqsMaxMessageBytes, [](ClientConfig& c, std::size_t n) { c.max_message_bytes = n; })},
      // The SDKs' name first, so that ebworker's own, applied after it, wins.
      {"AWS_MAX_ATTEMPTS", "", "5", "the AWS SDKs' name for EBWORKER_SQS_MAX_ATTEMPTS",
       number<int>(1, 20, [](ClientConfig& c, int n) { c.retry.max_attempts = n; })},
      {"EBWORKER_SQS_MAX_ATTEMPTS", "", "5",
       "requests per SQS call, the first included (1: no retries); only throttling, 5xx and "
       "transport errors are retried",
       number<int>(1, 20, [](ClientConfig& c, int n) { c.retry.max_attempts = n; })},
      {"EBWORKER_SQS_RETRY_BUDGET", "", "20", "seconds one SQS call may take, retries and waits included",
       number<long>(1, 600, [](ClientConfig& c, long n) { c.retry.budget = seconds(n); })},
      {"EBWORKER_SQS_BACKOFF_BASE_MS", "", "100",
       "milliseconds: the first retry waits up to this, each later one up to twice the last (full jitter)",
       number<long>(1, 60000, [](ClientConfig& c, long n) { c.retry.base_delay = milliseconds(n); })},
      {"EBWORKER_SQS_BACKOFF_MAX_MS", "", "5000", "milliseconds: the longest wait between two attempts",
       number<long>(1, 300000, [](ClientConfig& c, long n) { c.retry.max_delay = milliseconds(n); })},
      {"EBWORKER_MAX_HOP_DELAY", "", "900",
       "seconds one message of a job due later is delayed at most (SQS's longest); tests shorten it",
       number<long>(1, kMaxDelaySeconds, [](ClientConfig& c, long n) { c.max_hop_delay = seconds(n); })},
      {"EBWORKER_SQS_TIMEOUT", "", "10", "seconds one SQS request may take (long polls get their wait on top)",
       number<long>(1, 300, [](ClientConfig& c, long n) { c.request_timeout = seconds(n); })},
      {"EBWORKER_LIMITS_TABLE", "", "(none)",
       "the DynamoDB table (the workers' own) unique keys are claimed in and debounced keys recorded in",
       string_setting(&ClientConfig::limits_table)},
      {"EBWORKER_SQS_CONNECT_TIMEOUT", "", "2", "seconds to open a connection to SQS",
       number<long>(1, 60, [](ClientConfig& c, long n) { c.connect_timeout = seconds(n); })},
  };
  return settings;
}

Result<ClientConfig> load_client_config(const Environment& env) {
  auto loaded = load_settings(client_settings(), env, {});
  if (!loaded) return Unexpected{loaded.error()};
  ClientConfig config = std::move(loaded).value();
  if (config.retry.max_delay < config.retry.base_delay)
    return fail("EBWORKER_SQS_BACKOFF_MAX_MS is below EBWORKER_SQS_BACKOFF_BASE_MS");
  config.endpoint = sqs_endpoint_settings(env);
  config.credentials = default_credentials_chain(env);
  return config;
}

SqsClientOptions sqs_client_options(const ClientConfig& config) {
  SqsClientOptions options;
  options.credentials = config.credentials;
  options.endpoint = config.endpoint;
  options.retry = config.retry;
  options.retry_hooks = config.retry_hooks;
  options.connect_timeout = config.connect_timeout;
  options.request_timeout = config.request_timeout;
  return options;
}

std::string client_settings_help() {
  std::string out = "Environment:\n";
  for (const auto& s : client_settings())
    out += "  " + std::string(s.env) + "\n      " + std::string(s.meaning) + " (default " +
           std::string(s.fallback) + ")\n";
  out +=
      "  AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL\n"
      "      where requests go (default: the queue URL's host)\n"
      "  AWS_REGION, AWS_DEFAULT_REGION\n"
      "      the region requests are signed for (default: from the queue URL's host)\n"
      "  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, ...\n"
      "      credentials, found as the AWS SDKs find them (environment, shared credentials file,\n"
      "      container credentials, EC2 instance profile)\n";
  return out;
}

}  // namespace ebworker

#include "client/enqueue_keys.h"

#include "dynamodb/dynamodb_endpoint.h"

namespace ebworker {

namespace {

std::chrono::sys_seconds whole_seconds_now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

EnqueueKeys::EnqueueKeys(std::shared_ptr<const LeaseTable> table) : table_(std::move(table)) {}

AwsResult<bool> EnqueueKeys::claim_unique(std::string_view unique_key, std::string_view job_id,
                                          std::chrono::seconds window) const {
  const auto now = whole_seconds_now();
  return table_->take(unique_claim_key(unique_key), job_id, now, now + window);
}

void EnqueueKeys::release_unique(std::string_view unique_key, std::string_view job_id) const {
  (void)table_->release(unique_claim_key(unique_key), job_id);
}

AwsResult<void> EnqueueKeys::debounce(std::string_view key, std::string_view job_id, std::chrono::seconds window) const {
  return table_->overwrite(debounce_key(key), job_id, whole_seconds_now() + window + kDebounceItemGrace);
}

Result<std::shared_ptr<const EnqueueKeys>> enqueue_keys_for(const ClientConfig& config, const Environment& env) {
  if (config.limits_table.empty()) return std::shared_ptr<const EnqueueKeys>();
  Environment resolved = env;
  if (!config.dynamodb_endpoint.endpoint.empty())
    resolved["AWS_ENDPOINT_URL_DYNAMODB"] = config.dynamodb_endpoint.endpoint;
  if (!config.dynamodb_endpoint.region.empty()) resolved["AWS_REGION"] = config.dynamodb_endpoint.region;
  auto endpoint = dynamodb_endpoint(resolved);
  if (!endpoint) return fail("EBWORKER_LIMITS_TABLE: " + endpoint.error().message);
  auto dynamo = std::make_shared<const DynamoClient>(DynamoClientOptions{.credentials = config.credentials,
                                                                         .endpoint = std::move(endpoint).value(),
                                                                         .retry = config.retry,
                                                                         .connect_timeout = config.connect_timeout,
                                                                         .request_timeout = config.request_timeout});
  return std::make_shared<const EnqueueKeys>(std::make_shared<const LeaseTable>(std::move(dynamo), config.limits_table));
}

}  // namespace ebworker

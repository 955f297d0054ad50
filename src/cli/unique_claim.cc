#include "cli/unique_claim.h"

#include "aws/credentials_chain.h"
#include "core/environment_lookup.h"
#include "dynamodb/dynamodb_endpoint.h"

namespace ebworker {

UniqueClaim::UniqueClaim(std::shared_ptr<const LeaseTable> table, std::string key, std::string holder)
    : table_(std::move(table)), key_(std::move(key)), holder_(std::move(holder)) {}

void UniqueClaim::release() { (void)table_->release(key_, holder_); }  // else it expires with its window

Result<std::optional<UniqueClaim>> claim_unique(const Environment& env, std::string_view unique_key,
                                                std::chrono::seconds window) {
  const auto table_name = lookup(env, "EBWORKER_LIMITS_TABLE");
  if (!table_name) return fail("--unique needs EBWORKER_LIMITS_TABLE, the DynamoDB table its claim is kept in");
  auto endpoint = dynamodb_endpoint(env);
  if (!endpoint) return fail("EBWORKER_LIMITS_TABLE: " + endpoint.error().message);
  auto table = std::make_shared<const LeaseTable>(
      std::make_shared<DynamoClient>(
          DynamoClientOptions{.credentials = default_credentials_chain(env), .endpoint = *endpoint}),
      std::string(*table_name));
  std::string key = unique_claim_key(unique_key);
  std::string holder = make_holder_id();
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto taken = table->take(key, holder, now, now + window);
  if (!taken) return fail("cannot claim unique key " + std::string(unique_key) + ": " + taken.error().describe());
  if (!*taken) return std::optional<UniqueClaim>();
  return std::optional<UniqueClaim>(UniqueClaim(std::move(table), std::move(key), std::move(holder)));
}

}  // namespace ebworker

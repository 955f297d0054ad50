#pragma once
// Amazon DynamoDB over its JSON protocol (docs/wire-protocol.md, "DynamoDB"): X-Amz-Target
// DynamoDB_20120810.<Operation>, signed for the service "dynamodb", sent and retried by
// AwsJsonClient (aws/json_client.h) as SQS requests are.
//
// Only what the coordination table needs: string and number attributes, single items, and
// conditional writes whose failed condition (ConditionalCheckFailedException) is an outcome the
// caller branches on, not an error. A retried conditional write can report a failed condition
// for a write that took effect the first time (the answer was lost): callers that care read
// the item back (LeaseTable does, through its holder check).
//
// Thread-safe: one client serves any number of threads, reusing connections.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <ebworker/client/client_config.h>

#include "aws/credentials_chain.h"
#include "aws/json_client.h"
#include "dynamodb/dynamodb_endpoint.h"
#include "dynamodb/dynamodb_item.h"
#include "net/http_client.h"

namespace ebworker {

// A ConditionExpression with its placeholders (#name → attribute, :value → value).
struct Condition {
  std::string expression{};
  std::map<std::string, std::string> names{};
  std::map<std::string, AttributeValue> values{};
};

enum class WriteOutcome { written, condition_failed };

// DynamoDB as AwsJsonClient speaks to it; its name is in every error about it.
inline constexpr AwsJsonService kDynamoDb{
    .name = "DynamoDB",
    .target_prefix = "DynamoDB_20120810",
    .signing_name = "dynamodb",
    // Items here are a few short attributes; an answer this large is not one we asked for.
    .max_answer = 1024 * 1024,
};

struct DynamoClientOptions {
  std::shared_ptr<CredentialsProvider> credentials{};  // required
  AwsEndpoint endpoint{};                              // required
  RetrySettings retry{};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{5000};
  std::shared_ptr<HttpClient> http{};  // empty: one of its own
};

class DynamoClient {
 public:
  explicit DynamoClient(DynamoClientOptions options);

  // A table keyed by `partition_key` (a string), billed per request. An existing table is
  // ResourceInUseException (a client error).
  AwsResult<void> create_table(std::string_view table, std::string_view partition_key) const;
  // The table's TableStatus (CREATING, ACTIVE, …); a missing table is ResourceNotFoundException
  // (a client error).
  AwsResult<std::string> describe_table(std::string_view table) const;

  AwsResult<WriteOutcome> put_item(std::string_view table, const Item& item, const Condition& condition = {}) const;
  // `update` is an UpdateExpression; its placeholders go in `condition`'s names and values.
  AwsResult<WriteOutcome> update_item(std::string_view table, const Item& key, std::string_view update,
                                      const Condition& condition = {}) const;
  AwsResult<WriteOutcome> delete_item(std::string_view table, const Item& key,
                                      const Condition& condition = {}) const;
  // Strongly consistent; nullopt when there is no such item.
  AwsResult<std::optional<Item>> get_item(std::string_view table, const Item& key) const;

 private:
  // One operation, retried as the policy allows: the body of the HTTP 200.
  AwsResult<std::string> call(std::string_view operation, std::string_view table, const std::string& body) const;
  AwsResult<WriteOutcome> write(std::string_view operation, std::string_view table, const std::string& body) const;

  AwsEndpoint endpoint_;
  AwsJsonClient aws_;
};

}  // namespace ebworker

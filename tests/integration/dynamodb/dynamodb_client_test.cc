// The DynamoDB client against dynalite: each operation's JSON, a failed condition as an outcome
// (not an error), a missing table as ResourceNotFoundException, and errors as DynamoDB words them.

#include <gtest/gtest.h>

#include "dynamodb/dynamodb_client.h"
#include "support/dynalite_process.h"
#include "support/fauxqs_process.h"

namespace ebworker::testing {
namespace {

class DynamoClientTest : public ::testing::Test {
 protected:
  DynaliteProcess dynalite_;
  const DynamoClient& db() { return *dynalite_.client(); }
};

TEST_F(DynamoClientTest, CreatesATableThatBecomesActive) {
  auto missing = db().describe_table("table-one");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, AwsErrorKind::client) << missing.error().describe();
  EXPECT_EQ(missing.error().code, "ResourceNotFoundException");

  ASSERT_TRUE(db().create_table("table-one", "pk"));
  auto again = db().create_table("table-one", "pk");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "ResourceInUseException");
  EXPECT_FALSE(again.error().retryable());

  auto table = dynalite_.table("table-one", true);  // waits for ACTIVE
  auto status = db().describe_table("table-one");
  ASSERT_TRUE(status) << status.error().describe();
  EXPECT_EQ(*status, "ACTIVE");
}

TEST_F(DynamoClientTest, PutGetUpdateDeleteWithConditions) {
  dynalite_.table("items");
  const Item key{{"pk", AttributeValue::s("a")}};
  Item item = key;
  item["holder"] = AttributeValue::s("me \"quoted\" ü");
  item["expires_at"] = AttributeValue::n(1234567890);

  const Condition absent{"attribute_not_exists(#pk)", {{"#pk", "pk"}}, {}};
  auto put = db().put_item("items", item, absent);
  ASSERT_TRUE(put) << put.error().describe();
  EXPECT_EQ(*put, WriteOutcome::written);
  auto second = db().put_item("items", item, absent);
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(*second, WriteOutcome::condition_failed);

  auto got = db().get_item("items", key);
  ASSERT_TRUE(got) << got.error().describe();
  ASSERT_TRUE(*got);
  EXPECT_EQ(**got, item);

  const Condition theirs{"#h = :h", {{"#h", "holder"}, {"#e", "expires_at"}},
                         {{":h", AttributeValue::s("someone else")}, {":e", AttributeValue::n(1)}}};
  auto refused = db().update_item("items", key, "SET #e = :e", theirs);
  ASSERT_TRUE(refused) << refused.error().describe();
  EXPECT_EQ(*refused, WriteOutcome::condition_failed);
  const Condition mine{"#h = :h", {{"#h", "holder"}, {"#e", "expires_at"}},
                       {{":h", item["holder"]}, {":e", AttributeValue::n(99)}}};
  auto updated = db().update_item("items", key, "SET #e = :e", mine);
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_EQ(*updated, WriteOutcome::written);
  EXPECT_EQ((**db().get_item("items", key)).at("expires_at"), AttributeValue::n(99));

  const Condition delete_theirs{"#h = :h", {{"#h", "holder"}}, {{":h", AttributeValue::s("someone else")}}};
  auto kept = db().delete_item("items", key, delete_theirs);
  ASSERT_TRUE(kept) << kept.error().describe();
  EXPECT_EQ(*kept, WriteOutcome::condition_failed);
  const Condition delete_mine{"#h = :h", {{"#h", "holder"}}, {{":h", item["holder"]}}};
  auto deleted = db().delete_item("items", key, delete_mine);
  ASSERT_TRUE(deleted) << deleted.error().describe();
  EXPECT_EQ(*deleted, WriteOutcome::written);

  auto gone = db().get_item("items", key);
  ASSERT_TRUE(gone) << gone.error().describe();
  EXPECT_FALSE(*gone);
}

TEST_F(DynamoClientTest, AValidationErrorIsAClientErrorWithDynamoDbsWords) {
  dynalite_.table("items");
  // A placeholder the expression does not use: DynamoDB refuses the whole request.
  const Condition unused{"attribute_not_exists(#pk)", {{"#pk", "pk"}, {"#unused", "x"}}, {}};
  auto put = db().put_item("items", {{"pk", AttributeValue::s("a")}}, unused);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, AwsErrorKind::client);
  EXPECT_EQ(put.error().code, "ValidationException");
  EXPECT_EQ(put.error().http_status, 400);
  EXPECT_NE(put.error().describe().find("PutItem items"), std::string::npos) << put.error().describe();
}

TEST_F(DynamoClientTest, NothingListeningIsATransportErrorAfterTheRetries) {
  DynamoClientOptions options;
  options.credentials = fauxqs_credentials();
  options.endpoint = {"http://127.0.0.1:1/", "us-east-1"};
  options.retry.max_attempts = 2;
  options.retry.base_delay = std::chrono::milliseconds(1);
  DynamoClient nowhere(std::move(options));
  auto got = nowhere.get_item("items", {{"pk", AttributeValue::s("a")}});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, AwsErrorKind::transport) << got.error().describe();
  EXPECT_EQ(got.error().attempts, 2);
}

}  // namespace
}  // namespace ebworker::testing

#include "dynamodb/dynamodb_client.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"
#include "dynamodb/dynamodb_answers.h"

namespace ebworker {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_value(Writer& w, const AttributeValue& v) {
  w.StartObject();
  w.Key(v.type == AttributeValue::Type::number ? "N" : "S");
  write_json_string(w, v.value);
  w.EndObject();
}

template <typename Map>
void write_item(Writer& w, const char* key, const Map& item) {
  w.Key(key);
  w.StartObject();
  for (const auto& [name, value] : item) {
    write_json_string(w, name);
    write_value(w, value);
  }
  w.EndObject();
}

void write_condition(Writer& w, const Condition& c) {
  if (c.expression.empty()) return;
  w.Key("ConditionExpression");
  write_json_string(w, c.expression);
}

void write_placeholders(Writer& w, const Condition& c) {
  if (!c.names.empty()) {
    w.Key("ExpressionAttributeNames");
    w.StartObject();
    for (const auto& [placeholder, name] : c.names) {
      write_json_string(w, placeholder);
      write_json_string(w, name);
    }
    w.EndObject();
  }
  if (!c.values.empty()) write_item(w, "ExpressionAttributeValues", c.values);
}

}  // namespace

DynamoClient::DynamoClient(DynamoClientOptions options)
    : endpoint_(std::move(options.endpoint)),
      aws_(kDynamoDb, {.credentials = std::move(options.credentials), .retry = options.retry,
                       .connect_timeout = options.connect_timeout, .request_timeout = options.request_timeout,
                       .http = std::move(options.http)}) {}

AwsResult<std::string> DynamoClient::call(std::string_view operation, std::string_view table,
                                          const std::string& body) const {
  return aws_.call({operation, table, endpoint_, body});
}

AwsResult<WriteOutcome> DynamoClient::write(std::string_view operation, std::string_view table,
                                            const std::string& body) const {
  auto answer = call(operation, table, body);
  if (answer) return WriteOutcome::written;
  if (answer.error().code == "ConditionalCheckFailedException") return WriteOutcome::condition_failed;
  return Unexpected{answer.error()};
}

AwsResult<void> DynamoClient::create_table(std::string_view table, std::string_view partition_key) const {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("TableName");
  write_json_string(w, table);
  w.Key("AttributeDefinitions");
  w.StartArray();
  w.StartObject();
  w.Key("AttributeName");
  write_json_string(w, partition_key);
  w.Key("AttributeType");
  w.String("S");
  w.EndObject();
  w.EndArray();
  w.Key("KeySchema");
  w.StartArray();
  w.StartObject();
  w.Key("AttributeName");
  write_json_string(w, partition_key);
  w.Key("KeyType");
  w.String("HASH");
  w.EndObject();
  w.EndArray();
  w.Key("BillingMode");
  w.String("PAY_PER_REQUEST");
  w.EndObject();
  auto answer = call("CreateTable", table, out.GetString());
  if (!answer) return Unexpected{answer.error()};
  return {};
}

AwsResult<std::string> DynamoClient::describe_table(std::string_view table) const {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("TableName");
  write_json_string(w, table);
  w.EndObject();
  auto answer = call("DescribeTable", table, out.GetString());
  if (!answer) return Unexpected{answer.error()};
  auto status = parse_table_status_answer(*answer);
  if (!status) return Unexpected{aws_.unreadable("DescribeTable", table, status.error().message)};
  return std::move(status).value();
}

AwsResult<WriteOutcome> DynamoClient::put_item(std::string_view table, const Item& item,
                                               const Condition& condition) const {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("TableName");
  write_json_string(w, table);
  write_item(w, "Item", item);
  write_condition(w, condition);
  write_placeholders(w, condition);
  w.EndObject();
  return write("PutItem", table, out.GetString());
}

AwsResult<WriteOutcome> DynamoClient::update_item(std::string_view table, const Item& key, std::string_view update,
                                                  const Condition& condition) const {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("TableName");
  write_json_string(w, table);
  write_item(w, "Key", key);
  w.Key("UpdateExpression");
  write_json_string(w, update);
  write_condition(w, condition);
  write_placeholders(w, condition);
  w.EndObject();
  return write("UpdateItem", table, out.GetString());
}

AwsResult<WriteOutcome> DynamoClient::delete_item(std::string_view table, const Item& key,
                                                  const Condition& condition) const {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("TableName");
  write_json_string(w, table);
  write_item(w, "Key", key);
  write_condition(w, condition);
  write_placeholders(w, condition);
  w.EndObject();
  return write("DeleteItem", table, out.GetString());
}

AwsResult<std::optional<Item>> DynamoClient::get_item(std::string_view table, const Item& key) const {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("TableName");
  write_json_string(w, table);
  write_item(w, "Key", key);
  w.Key("ConsistentRead");
  w.Bool(true);
  w.EndObject();
  auto answer = call("GetItem", table, out.GetString());
  if (!answer) return Unexpected{answer.error()};
  auto item = parse_get_item_answer(*answer);
  if (!item) return Unexpected{aws_.unreadable("GetItem", table, item.error().message)};
  return std::move(item).value();
}

}  // namespace ebworker

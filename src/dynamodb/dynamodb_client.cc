#include "dynamodb/dynamodb_client.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "core/json.h"
#include "dynamodb/dynamodb_answers.h"

namespace ebworker {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Items here are a few short attributes; an answer this large is not one we asked for.
constexpr std::size_t kMaxDynamoAnswer = 1024 * 1024;

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

DynamoError unreadable(std::string_view operation, std::string_view table, const std::string& why) {
  DynamoError e;
  e.kind = DynamoErrorKind::server;
  e.http_status = 200;
  e.message = "unreadable answer: " + why;
  e.context = std::string(operation) + " " + std::string(table);
  return e;
}

}  // namespace

DynamoClient::DynamoClient(DynamoClientOptions options)
    : options_(std::move(options)), retry_(options_.retry) {
  if (!options_.http) options_.http = std::make_shared<HttpClient>();
}

DynamoResult<std::string> DynamoClient::attempt(std::string_view operation, const std::string& body,
                                                std::chrono::milliseconds timeout) const {
  const auto error = [](DynamoErrorKind kind, std::string message) {
    DynamoError e;
    e.kind = kind;
    e.message = std::move(message);
    return Unexpected{std::move(e)};
  };
  if (options_.endpoint.url.empty() || options_.endpoint.region.empty())
    return error(DynamoErrorKind::config, "no DynamoDB endpoint or region configured");
  if (!options_.credentials) return error(DynamoErrorKind::credentials, "no AWS credentials provider configured");
  auto credentials = options_.credentials->get();
  if (!credentials) return error(DynamoErrorKind::credentials, credentials.error().message);

  HttpRequest request;
  request.method = "POST";
  request.url = options_.endpoint.url;
  request.headers = {"Content-Type: application/x-amz-json-1.0",
                     "X-Amz-Target: DynamoDB_20120810." + std::string(operation)};
  request.body = body;
  request.max_reply_body = kMaxDynamoAnswer;
  request.connect_timeout = std::min(options_.connect_timeout, timeout);
  request.timeout = timeout;
  request.sigv4 = SigV4{options_.endpoint.region, "dynamodb", credentials->access_key_id,
                        credentials->secret_access_key, credentials->session_token};
  auto reply = options_.http->perform(request);
  if (!reply)
    return error(reply.error().timed_out ? DynamoErrorKind::timeout : DynamoErrorKind::transport,
                 reply.error().message);
  if (reply->status != 200) return Unexpected{dynamo_error_from_reply(reply->status, reply->body)};
  return std::move(reply->body);
}

DynamoResult<std::string> DynamoClient::call(std::string_view operation, std::string_view table,
                                             const std::string& body) const {
  auto attempts = retry_.start();
  for (;;) {
    attempts.begin_attempt();
    // Never past the budget; never 0 either, which libcurl reads as "no timeout".
    const auto timeout = std::max(std::min(options_.request_timeout, attempts.remaining()), std::chrono::milliseconds(1));
    auto answer = attempt(operation, body, timeout);
    if (answer) return answer;
    if (!answer.error().retryable() || !attempts.wait_before_retry()) {
      DynamoError e = answer.error();
      e.context = std::string(operation) + " " + std::string(table);
      e.attempts = attempts.made();
      return Unexpected{std::move(e)};
    }
  }
}

DynamoResult<WriteOutcome> DynamoClient::write(std::string_view operation, std::string_view table,
                                               const std::string& body) const {
  auto answer = call(operation, table, body);
  if (answer) return WriteOutcome::written;
  if (answer.error().code == "ConditionalCheckFailedException") return WriteOutcome::condition_failed;
  return Unexpected{answer.error()};
}

DynamoResult<void> DynamoClient::create_table(std::string_view table, std::string_view partition_key) const {
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

DynamoResult<std::string> DynamoClient::describe_table(std::string_view table) const {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("TableName");
  write_json_string(w, table);
  w.EndObject();
  auto answer = call("DescribeTable", table, out.GetString());
  if (!answer) return Unexpected{answer.error()};
  auto status = parse_table_status_answer(*answer);
  if (!status) return Unexpected{unreadable("DescribeTable", table, status.error().message)};
  return std::move(status).value();
}

DynamoResult<WriteOutcome> DynamoClient::put_item(std::string_view table, const Item& item,
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

DynamoResult<WriteOutcome> DynamoClient::update_item(std::string_view table, const Item& key, std::string_view update,
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

DynamoResult<WriteOutcome> DynamoClient::delete_item(std::string_view table, const Item& key,
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

DynamoResult<std::optional<Item>> DynamoClient::get_item(std::string_view table, const Item& key) const {
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
  if (!item) return Unexpected{unreadable("GetItem", table, item.error().message)};
  return std::move(item).value();
}

}  // namespace ebworker

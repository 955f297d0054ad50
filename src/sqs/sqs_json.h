#pragma once
// The JSON shapes of the SQS actions (docs/wire-protocol.md, "SQS"): request bodies out, answers
// in. Parsing never trusts the answer: a missing or mistyped field is an error, not a default.

#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ebworker/result.h>

#include "sqs/sqs_messages.h"

namespace ebworker {

// A flat JSON request body, built key by key: {"QueueUrl":"…","MaxNumberOfMessages":10}.
class JsonBody {
 public:
  JsonBody();
  ~JsonBody();
  JsonBody& string(const char* key, std::string_view value);
  JsonBody& integer(const char* key, long long value);
  JsonBody& strings(const char* key, const std::vector<std::string>& values);
  JsonBody& object(const char* key, const std::map<std::string, std::string>& values);
  JsonBody& objects(const char* key, const std::vector<std::map<std::string, std::string>>& values);
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SendMessage: {"QueueUrl", "MessageBody", "DelaySeconds"?, "MessageAttributes"?, …}
std::string send_message_json(std::string_view queue_url, const OutgoingMessage& message);

// SendMessageBatch: {"QueueUrl", "Entries":[{"Id", …}]}; `entries` pairs each Id with a message.
std::string send_message_batch_json(
    std::string_view queue_url, const std::vector<std::pair<std::string, const OutgoingMessage*>>& entries);

// What SQS said it stored, before the MD5s are checked.
struct SendAnswer {
  std::string message_id;
  std::string md5_of_body;
  std::string md5_of_attributes;  // empty when absent
  std::string sequence_number;
};

Result<SendAnswer> parse_send_answer(const rapidjson::Value& answer);

struct BatchFailure {
  std::string id;
  bool sender_fault = false;
  std::string code;
  std::string message;
};

// SendMessageBatch, DeleteMessageBatch: {"Successful":[{"Id", …}], "Failed":[{"Id", …}]}.
struct BatchAnswer {
  std::vector<std::pair<std::string, const rapidjson::Value*>> successful;  // Id, the entry
  std::vector<BatchFailure> failed;
};

Result<BatchAnswer> parse_batch_answer(const rapidjson::Value& answer);

// A failed entry of a batch answer, classified: throttling and SQS's own faults are retried,
// the sender's are not.
SqsError sqs_error_from_batch_entry(bool sender_fault, std::string code, std::string message);

// ReceiveMessage's "Messages", with Binary attribute values decoded.
Result<std::vector<ReceivedMessage>> parse_received_messages(const rapidjson::Value& answer);

// The string member `name` of an object, or an error naming it.
Result<std::string> string_member(const rapidjson::Value& object, const char* name);

// A flat JSON object of strings, e.g. queue attributes.
Result<std::map<std::string, std::string>> string_map(const rapidjson::Value& object);

// Base64 as SQS carries Binary attribute values.
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

}  // namespace ebworker

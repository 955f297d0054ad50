#include "sqs/sqs_json.h"

#include <openssl/evp.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "aws/aws_error.h"
#include "core/json.h"

namespace ebworker {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

bool is_binary(const MessageAttribute& a) { return a.data_type.rfind("Binary", 0) == 0; }

void write_message_fields(Writer& w, const OutgoingMessage& m) {
  w.Key("MessageBody");
  write_json_string(w, m.body);
  if (m.delay_seconds) {
    w.Key("DelaySeconds");
    w.Int(*m.delay_seconds);
  }
  if (!m.attributes.empty()) {
    w.Key("MessageAttributes");
    w.StartObject();
    for (const auto& a : m.attributes) {
      write_json_string(w, a.name);
      w.StartObject();
      w.Key("DataType");
      write_json_string(w, a.data_type);
      if (is_binary(a)) {
        w.Key("BinaryValue");
        write_json_string(w, base64_encode(a.value));
      } else {
        w.Key("StringValue");
        write_json_string(w, a.value);
      }
      w.EndObject();
    }
    w.EndObject();
  }
  if (!m.group_id.empty()) {
    w.Key("MessageGroupId");
    write_json_string(w, m.group_id);
  }
  if (!m.deduplication_id.empty()) {
    w.Key("MessageDeduplicationId");
    write_json_string(w, m.deduplication_id);
  }
}

std::string string_or_empty(const rapidjson::Value& object, const char* name) {
  const auto value = json_string(object, name);
  return value ? std::string(*value) : std::string();
}

Result<std::vector<MessageAttribute>> parse_message_attributes(const rapidjson::Value& object) {
  std::vector<MessageAttribute> out;
  if (!object.IsObject()) return fail("\"MessageAttributes\" is not an object");
  for (const auto& member : object.GetObject()) {
    MessageAttribute a;
    a.name.assign(member.name.GetString(), member.name.GetStringLength());
    if (!member.value.IsObject()) return fail("message attribute \"" + a.name + "\" is not an object");
    auto type = string_member(member.value, "DataType");
    if (!type) return Unexpected{type.error()};
    a.data_type = std::move(type).value();
    if (is_binary(a)) {
      auto encoded = string_member(member.value, "BinaryValue");
      if (!encoded) return Unexpected{encoded.error()};
      auto decoded = base64_decode(*encoded);
      if (!decoded) return fail("message attribute \"" + a.name + "\": " + decoded.error().message);
      a.value = std::move(decoded).value();
    } else {
      auto value = string_member(member.value, "StringValue");
      if (!value) return Unexpected{value.error()};
      a.value = std::move(value).value();
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

struct JsonBody::Impl {
  rapidjson::StringBuffer buffer;
  Writer writer{buffer};
};

JsonBody::JsonBody() : impl_(std::make_unique<Impl>()) { impl_->writer.StartObject(); }
JsonBody::~JsonBody() = default;

JsonBody& JsonBody::string(const char* key, std::string_view value) {
  impl_->writer.Key(key);
  write_json_string(impl_->writer, value);
  return *this;
}

JsonBody& JsonBody::integer(const char* key, long long value) {
  impl_->writer.Key(key);
  impl_->writer.Int64(value);
  return *this;
}

JsonBody& JsonBody::strings(const char* key, const std::vector<std::string>& values) {
  impl_->writer.Key(key);
  impl_->writer.StartArray();
  for (const auto& v : values) write_json_string(impl_->writer, v);
  impl_->writer.EndArray();
  return *this;
}

JsonBody& JsonBody::object(const char* key, const std::map<std::string, std::string>& values) {
  impl_->writer.Key(key);
  impl_->writer.StartObject();
  for (const auto& [k, v] : values) {
    write_json_string(impl_->writer, k);
    write_json_string(impl_->writer, v);
  }
  impl_->writer.EndObject();
  return *this;
}

JsonBody& JsonBody::objects(const char* key, const std::vector<std::map<std::string, std::string>>& values) {
  impl_->writer.Key(key);
  impl_->writer.StartArray();
  for (const auto& object : values) {
    impl_->writer.StartObject();
    for (const auto& [k, v] : object) {
      write_json_string(impl_->writer, k);
      write_json_string(impl_->writer, v);
    }
    impl_->writer.EndObject();
  }
  impl_->writer.EndArray();
  return *this;
}

std::string JsonBody::finish() {
  impl_->writer.EndObject();
  return {impl_->buffer.GetString(), impl_->buffer.GetSize()};
}

std::string send_message_json(std::string_view queue_url, const OutgoingMessage& message) {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("QueueUrl");
  write_json_string(w, queue_url);
  write_message_fields(w, message);
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

std::string send_message_batch_json(
    std::string_view queue_url, const std::vector<std::pair<std::string, const OutgoingMessage*>>& entries) {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  w.Key("QueueUrl");
  write_json_string(w, queue_url);
  w.Key("Entries");
  w.StartArray();
  for (const auto& [id, message] : entries) {
    w.StartObject();
    w.Key("Id");
    write_json_string(w, id);
    write_message_fields(w, *message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

Result<std::string> string_member(const rapidjson::Value& object, const char* name) {
  const auto value = json_string(object, name);
  if (value) return std::string(*value);
  if (value.error() == JsonStringProblem::not_an_object)
    return fail(std::string("expected an object holding \"") + name + "\"");
  if (value.error() == JsonStringProblem::absent) return fail(std::string("the answer has no \"") + name + "\"");
  return fail(std::string("\"") + name + "\" in the answer is not a string");
}

Result<std::map<std::string, std::string>> string_map(const rapidjson::Value& object) {
  std::map<std::string, std::string> out;
  if (!object.IsObject()) return fail("expected an object of strings");
  for (const auto& member : object.GetObject()) {
    if (!member.value.IsString())
      return fail(std::string("\"") + member.name.GetString() + "\" is not a string");
    out.emplace(std::string(member.name.GetString(), member.name.GetStringLength()),
                std::string(member.value.GetString(), member.value.GetStringLength()));
  }
  return out;
}

Result<SendAnswer> parse_send_answer(const rapidjson::Value& answer) {
  SendAnswer a;
  auto id = string_member(answer, "MessageId");
  if (!id) return Unexpected{id.error()};
  a.message_id = std::move(id).value();
  auto md5 = string_member(answer, "MD5OfMessageBody");
  if (!md5) return fail("message " + a.message_id + ": " + md5.error().message);
  a.md5_of_body = std::move(md5).value();
  a.md5_of_attributes = string_or_empty(answer, "MD5OfMessageAttributes");
  a.sequence_number = string_or_empty(answer, "SequenceNumber");
  return a;
}

Result<BatchAnswer> parse_batch_answer(const rapidjson::Value& answer) {
  if (!answer.IsObject()) return fail("the batch answer is not a JSON object");
  BatchAnswer out;
  if (auto s = answer.FindMember("Successful"); s != answer.MemberEnd()) {
    if (!s->value.IsArray()) return fail("\"Successful\" is not an array");
    for (const auto& entry : s->value.GetArray()) {
      auto id = string_member(entry, "Id");
      if (!id) return fail("a successful entry: " + id.error().message);
      out.successful.emplace_back(std::move(id).value(), &entry);
    }
  }
  if (auto f = answer.FindMember("Failed"); f != answer.MemberEnd()) {
    if (!f->value.IsArray()) return fail("\"Failed\" is not an array");
    for (const auto& entry : f->value.GetArray()) {
      auto id = string_member(entry, "Id");
      if (!id) return fail("a failed entry: " + id.error().message);
      BatchFailure failure;
      failure.id = std::move(id).value();
      const auto fault = entry.FindMember("SenderFault");
      failure.sender_fault = fault != entry.MemberEnd() && fault->value.IsBool() && fault->value.GetBool();
      failure.code = string_or_empty(entry, "Code");
      failure.message = string_or_empty(entry, "Message");
      out.failed.push_back(std::move(failure));
    }
  }
  return out;
}

SqsError sqs_error_from_batch_entry(bool sender_fault, std::string code, std::string message) {
  SqsError e;
  if (is_throttling_code(code))
    e.kind = SqsErrorKind::throttled;
  else
    e.kind = sender_fault ? SqsErrorKind::client : SqsErrorKind::server;
  e.code = std::move(code);
  e.message = message.empty() ? (sender_fault ? "refused by SQS" : "failed inside SQS") : std::move(message);
  e.http_status = 200;
  return e;
}

Result<std::vector<ReceivedMessage>> parse_received_messages(const rapidjson::Value& answer) {
  std::vector<ReceivedMessage> out;
  if (!answer.IsObject()) return fail("the answer is not a JSON object");
  const auto messages = answer.FindMember("Messages");
  if (messages == answer.MemberEnd()) return out;  // nothing to receive
  if (!messages->value.IsArray()) return fail("\"Messages\" is not an array");
  for (const auto& m : messages->value.GetArray()) {
    ReceivedMessage r;
    for (auto [field, name] : {std::pair{&r.message_id, "MessageId"}, {&r.receipt_handle, "ReceiptHandle"},
                               {&r.body, "Body"}, {&r.md5_of_body, "MD5OfBody"}}) {
      auto value = string_member(m, name);
      if (!value) return Unexpected{value.error()};
      *field = std::move(value).value();
    }
    if (auto a = m.FindMember("Attributes"); a != m.MemberEnd()) {
      auto attributes = string_map(a->value);
      if (!attributes) return fail("message " + r.message_id + ": " + attributes.error().message);
      r.attributes = std::move(attributes).value();
    }
    if (auto a = m.FindMember("MessageAttributes"); a != m.MemberEnd()) {
      auto attributes = parse_message_attributes(a->value);
      if (!attributes) return fail("message " + r.message_id + ": " + attributes.error().message);
      r.message_attributes = std::move(attributes).value();
    }
    r.md5_of_message_attributes = string_or_empty(m, "MD5OfMessageAttributes");
    out.push_back(std::move(r));
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return fail("base64 length is not a multiple of 4");
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return fail("invalid base64");
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

}  // namespace ebworker

#include "fake_sqs.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "envelope/uuid.h"
#include "sqs/message_md5.h"
#include "sqs/sqs_json.h"

namespace ebworker::testing {

namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("not a JSON object: " + json);
  return doc;
}

// MD5OfMessageBody and MD5OfMessageAttributes of one SendMessage request or batch entry.
std::pair<std::string, std::string> digests_of(const rapidjson::Value& entry) {
  const std::string body = entry["MessageBody"].GetString();
  std::string attributes_md5;
  if (entry.HasMember("MessageAttributes")) {
    std::vector<MessageAttribute> attributes;
    for (const auto& a : entry["MessageAttributes"].GetObject()) {
      MessageAttribute m{a.name.GetString(), a.value["DataType"].GetString(), ""};
      if (a.value.HasMember("StringValue")) {
        m.value = a.value["StringValue"].GetString();
      } else {
        auto decoded = base64_decode(a.value["BinaryValue"].GetString());
        m.value = decoded ? *decoded : "";
      }
      attributes.push_back(std::move(m));
    }
    attributes_md5 = md5_of_attributes(std::move(attributes));
  }
  return {md5_of_body(body), attributes_md5};
}

void write_sent(rapidjson::Writer<rapidjson::StringBuffer>& w, const rapidjson::Value& entry) {
  const auto [body_md5, attributes_md5] = digests_of(entry);
  w.Key("MessageId");
  w.String(uuid_v4().c_str());
  w.Key("MD5OfMessageBody");
  w.String(body_md5.c_str());
  if (!attributes_md5.empty()) {
    w.Key("MD5OfMessageAttributes");
    w.String(attributes_md5.c_str());
  }
}

}  // namespace

std::shared_ptr<CredentialsProvider> test_credentials(std::string session_token) {
  return static_credentials({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                             std::move(session_token), std::nullopt});
}

std::string queue_url_on(const FakeHttpServer& server, const std::string& name) {
  return server.url() + "/000000000000/" + name;
}

ClientConfig client_config_for(const FakeHttpServer& server, const std::string& queue) {
  ClientConfig c;
  c.queue_url = queue_url_on(server, queue);
  c.secret = kTestSecret;
  c.endpoint = {server.url(), "us-east-1"};
  c.retry = {.max_attempts = 4,
             .base_delay = std::chrono::milliseconds(1),
             .max_delay = std::chrono::milliseconds(2),
             .budget = std::chrono::seconds(10)};
  c.request_timeout = std::chrono::seconds(5);
  c.credentials = test_credentials();
  return c;
}

std::string action_of(const CapturedRequest& request) {
  const std::string_view target = request.headers.get("X-Amz-Target");
  const std::string_view prefix = "AmazonSQS.";
  return target.rfind(prefix, 0) == 0 ? std::string(target.substr(prefix.size())) : std::string(target);
}

Response sqs_answer(std::string json, int status) {
  Response r;
  r.status = status;
  r.body = std::move(json);
  return r;
}

Response sqs_error(int status, const std::string& code, const std::string& message,
                   const std::string& query_error) {
  Response r = sqs_answer(R"({"__type":"com.amazonaws.sqs#)" + code + R"(","message":")" + message + R"("})",
                          status);
  if (!query_error.empty()) r.headers.add("x-amzn-query-error", query_error);
  return r;
}

std::string send_answer_for(const std::string& request_body) {
  const auto request = parse(request_body);
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  write_sent(w, request);
  w.EndObject();
  return out.GetString();
}

std::string batch_answer_for(const std::string& request_body, const std::map<std::string, FailedEntry>& failed) {
  const auto request = parse(request_body);
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("Successful");
  w.StartArray();
  for (const auto& entry : request["Entries"].GetArray()) {
    if (failed.count(entry["Id"].GetString())) continue;
    w.StartObject();
    w.Key("Id");
    w.String(entry["Id"].GetString());
    write_sent(w, entry);
    w.EndObject();
  }
  w.EndArray();
  w.Key("Failed");
  w.StartArray();
  for (const auto& entry : request["Entries"].GetArray()) {
    const auto f = failed.find(entry["Id"].GetString());
    if (f == failed.end()) continue;
    w.StartObject();
    w.Key("Id");
    w.String(entry["Id"].GetString());
    w.Key("SenderFault");
    w.Bool(f->second.sender_fault);
    w.Key("Code");
    w.String(f->second.code.c_str());
    w.Key("Message");
    w.String(("entry failed: " + f->second.code).c_str());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out.GetString();
}

std::vector<std::string> batch_bodies(const std::string& request_body) {
  const auto request = parse(request_body);
  std::vector<std::string> bodies;
  for (const auto& entry : request["Entries"].GetArray()) bodies.emplace_back(entry["MessageBody"].GetString());
  return bodies;
}

}  // namespace ebworker::testing

#include "sqs/sqs_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "aws/aws_error.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/text.h"
#include "sqs/sqs_json.h"

namespace ebworker {

namespace {

constexpr AwsJsonService kSqs{
    .name = "SQS",
    .target_prefix = "AmazonSQS",
    .signing_name = "sqs",
    // Ten 1 MiB messages with their attributes, JSON-escaped, fit with room to spare.
    .max_answer = 32 * 1024 * 1024,
};

SqsError mismatch(std::string_view message_id, std::string_view field, std::string_view theirs,
                  std::string_view ours, std::string_view what) {
  SqsError e;
  e.kind = SqsErrorKind::md5_mismatch;
  e.message = "message " + std::string(message_id) + ": SQS's " + std::string(field) + " is " +
              (theirs.empty() ? std::string("missing") : std::string(theirs)) + " but " + std::string(what) +
              " hashes to " + std::string(ours) + "; SQS holds something other than what was sent";
  return e;
}

// SQS's MD5s against the message sent: the body always, the attributes when there were any.
SqsResult<SentMessage> verified(const OutgoingMessage& sent, const SendAnswer& answer) {
  const std::string body_md5 = md5_of_body(sent.body);
  if (to_lower(answer.md5_of_body) != body_md5)
    return Unexpected{mismatch(answer.message_id, "MD5OfMessageBody", answer.md5_of_body, body_md5,
                               "the body sent")};
  if (!sent.attributes.empty()) {
    const std::string attributes_md5 = md5_of_attributes(sent.attributes);
    if (to_lower(answer.md5_of_attributes) != attributes_md5)
      return Unexpected{mismatch(answer.message_id, "MD5OfMessageAttributes", answer.md5_of_attributes,
                                 attributes_md5, "the attributes sent")};
  }
  return SentMessage{answer.message_id, answer.sequence_number};
}

// The same check on a received message, against what arrived.
SqsResult<void> verify_received(const ReceivedMessage& m) {
  const std::string body_md5 = md5_of_body(m.body);
  if (to_lower(m.md5_of_body) != body_md5)
    return Unexpected{mismatch(m.message_id, "MD5OfBody", m.md5_of_body, body_md5, "the body received")};
  if (!m.message_attributes.empty()) {
    const std::string attributes_md5 = md5_of_attributes(m.message_attributes);
    if (to_lower(m.md5_of_message_attributes) != attributes_md5)
      return Unexpected{mismatch(m.message_id, "MD5OfMessageAttributes", m.md5_of_message_attributes,
                                 attributes_md5, "the attributes received")};
  }
  return {};
}

}  // namespace

SqsClient::SqsClient(SqsClientOptions options)
    : endpoint_(std::move(options.endpoint)),
      aws_(kSqs, {.credentials = std::move(options.credentials), .retry = options.retry,
                  .retry_hooks = std::move(options.retry_hooks), .connect_timeout = options.connect_timeout,
                  .request_timeout = options.request_timeout, .http = std::move(options.http)}) {}

SqsResult<rapidjson::Document> SqsClient::call(std::string_view action, std::string_view queue_url,
                                               std::string_view about, const std::string& body,
                                               RetryPolicy::Attempts& attempts,
                                               std::chrono::milliseconds extra_timeout,
                                               const std::atomic<bool>* cancel) const {
  if (!queue_url.empty()) about = queue_url;
  auto endpoint = resolve_sqs_target(endpoint_, queue_url);
  if (!endpoint) return Unexpected{aws_.with_context(invalid_request(endpoint.error().message), action, about)};
  auto answer = aws_.call({action, about, std::move(endpoint).value(), body, extra_timeout, cancel}, attempts);
  if (!answer) return Unexpected{answer.error()};
  // An HTTP 200 we cannot read is not sent again: SQS may have acted on the request.
  auto doc = parse_json(*answer);
  if (!doc || !doc->IsObject()) {
    SqsError e = aws_.unreadable(action, about,
                                 "HTTP 200 with a body that is not a JSON object: " + answer->substr(0, 200));
    e.attempts = attempts.made();
    return Unexpected{std::move(e)};
  }
  return std::move(doc).value();
}

template <typename T, typename Body, typename OnSuccess>
std::vector<SqsResult<T>> SqsClient::batch(std::string_view action, std::string_view queue_url,
                                           std::size_t count, Body make_body, OnSuccess on_success) const {
  std::vector<std::optional<SqsResult<T>>> results(count);
  const auto finish = [&] {
    std::vector<SqsResult<T>> out;
    out.reserve(count);
    for (auto& r : results) out.push_back(std::move(*r));
    return out;
  };
  const auto fail_all = [&](const std::vector<std::size_t>& which, const SqsError& e) {
    for (auto i : which) results[i] = Unexpected{e};
  };
  std::vector<std::size_t> pending(count);
  for (std::size_t i = 0; i < count; ++i) pending[i] = i;
  if (count > kMaxBatchEntries) {
    fail_all(pending, invalid_request(std::string(action) + " takes at most " + std::to_string(kMaxBatchEntries) +
                                      " entries, got " + std::to_string(count)));
    return finish();
  }

  auto attempts = aws_.retry_policy().start();
  while (!pending.empty()) {
    // Entry Ids are the indexes into the caller's list: distinct, and [0-9]{1,2}.
    auto doc = call(action, queue_url, queue_url, make_body(pending), attempts);
    if (!doc) {
      fail_all(pending, doc.error());
      break;
    }
    auto answer = parse_batch_answer(*doc);
    if (!answer) {
      fail_all(pending, aws_.unreadable(action, queue_url, answer.error().message));
      break;
    }
    const auto index_of = [&](const std::string& id) -> std::optional<std::size_t> {
      for (auto i : pending)
        if (std::to_string(i) == id && !results[i]) return i;
      return std::nullopt;
    };
    std::vector<std::size_t> again;
    std::vector<SqsError> last_errors(count);
    for (const auto& [id, entry] : answer->successful)
      if (auto i = index_of(id)) results[*i] = on_success(*i, *entry);
    for (const auto& f : answer->failed) {
      auto i = index_of(f.id);
      if (!i) continue;
      SqsError e = aws_.with_context(sqs_error_from_batch_entry(f.sender_fault, f.code, f.message), action,
                                     std::string(queue_url) + " entry " + f.id);
      e.attempts = attempts.made();
      if (e.retryable())
        again.push_back(*i), last_errors[*i] = std::move(e);
      else
        results[*i] = Unexpected{std::move(e)};
    }
    for (auto i : pending)
      if (!results[i] && std::find(again.begin(), again.end(), i) == again.end())
        results[i] = Unexpected{aws_.unreadable(action, queue_url, "entry " + std::to_string(i) +
                                                                  " is neither Successful nor Failed")};
    if (again.empty()) break;
    if (!attempts.wait_before_retry()) {
      for (auto i : again) results[i] = Unexpected{std::move(last_errors[i])};
      break;
    }
    pending = std::move(again);  // only the failed entries go again
  }
  return finish();
}

SqsResult<SentMessage> SqsClient::send_message(std::string_view queue_url, const OutgoingMessage& message) const {
  auto attempts = aws_.retry_policy().start();
  auto doc = call("SendMessage", queue_url, queue_url, send_message_json(queue_url, message), attempts);
  if (!doc) return Unexpected{doc.error()};
  auto answer = parse_send_answer(*doc);
  if (!answer) return Unexpected{aws_.unreadable("SendMessage", queue_url, answer.error().message)};
  auto sent = verified(message, *answer);
  if (!sent) {
    SqsError e = aws_.with_context(sent.error(), "SendMessage", queue_url);
    e.attempts = attempts.made();
    return Unexpected{std::move(e)};
  }
  return sent;
}

std::vector<SqsResult<SentMessage>> SqsClient::send_message_batch(
    std::string_view queue_url, const std::vector<OutgoingMessage>& messages) const {
  const auto body = [&](const std::vector<std::size_t>& pending) {
    std::vector<std::pair<std::string, const OutgoingMessage*>> entries;
    for (auto i : pending) entries.emplace_back(std::to_string(i), &messages[i]);
    return send_message_batch_json(queue_url, entries);
  };
  const auto on_success = [&](std::size_t i, const rapidjson::Value& entry) -> SqsResult<SentMessage> {
    auto answer = parse_send_answer(entry);
    if (!answer) return Unexpected{aws_.unreadable("SendMessageBatch", queue_url, answer.error().message)};
    auto sent = verified(messages[i], *answer);
    if (!sent)
      return Unexpected{aws_.with_context(sent.error(), "SendMessageBatch",
                                          std::string(queue_url) + " entry " + std::to_string(i))};
    return sent;
  };
  return batch<SentMessage>("SendMessageBatch", queue_url, messages.size(), body, on_success);
}

SqsResult<std::vector<ReceivedMessage>> SqsClient::receive_messages(std::string_view queue_url,
                                                                    const ReceiveOptions& options) const {
  JsonBody body;
  body.string("QueueUrl", queue_url)
      .integer("MaxNumberOfMessages", std::clamp(options.max_messages, 1, static_cast<int>(kMaxBatchEntries)))
      .integer("WaitTimeSeconds", std::clamp(options.wait_seconds, 0, kMaxWaitSeconds))
      .strings("MessageSystemAttributeNames", {"All"})
      .strings("AttributeNames", {"All"})  // the older name, for SQS look-alikes that know only it
      .strings("MessageAttributeNames", {"All"});
  if (options.visibility_timeout) body.integer("VisibilityTimeout", *options.visibility_timeout);
  auto attempts = aws_.retry_policy().start();
  auto doc = call("ReceiveMessage", queue_url, queue_url, body.finish(), attempts,
                  std::chrono::seconds(std::clamp(options.wait_seconds, 0, kMaxWaitSeconds)), options.cancel);
  if (!doc) return Unexpected{doc.error()};
  auto messages = parse_received_messages(*doc);
  if (!messages) return Unexpected{aws_.unreadable("ReceiveMessage", queue_url, messages.error().message)};
  std::vector<ReceivedMessage> intact;
  for (auto& m : *messages) {
    if (auto ok = verify_received(m); !ok) {
      // Not handed out. It comes back after its visibility timeout, and after maxReceiveCount
      // receives a redrive policy moves it to the dead-letter queue.
      spdlog::error("ReceiveMessage {}: {}", queue_url, ok.error().message);
      continue;
    }
    intact.push_back(std::move(m));
  }
  return intact;
}

SqsResult<void> SqsClient::delete_message(std::string_view queue_url, std::string_view receipt_handle) const {
  auto attempts = aws_.retry_policy().start();
  auto doc = call("DeleteMessage", queue_url, queue_url,
                  JsonBody().string("QueueUrl", queue_url).string("ReceiptHandle", receipt_handle).finish(),
                  attempts);
  if (!doc) return Unexpected{doc.error()};
  return {};
}

std::vector<SqsResult<void>> SqsClient::delete_message_batch(
    std::string_view queue_url, const std::vector<std::string>& receipt_handles) const {
  const auto body = [&](const std::vector<std::size_t>& pending) {
    std::vector<std::map<std::string, std::string>> entries;
    for (auto i : pending) entries.push_back({{"Id", std::to_string(i)}, {"ReceiptHandle", receipt_handles[i]}});
    return JsonBody().string("QueueUrl", queue_url).objects("Entries", entries).finish();
  };
  const auto on_success = [](std::size_t, const rapidjson::Value&) -> SqsResult<void> { return {}; };
  return batch<void>("DeleteMessageBatch", queue_url, receipt_handles.size(), body, on_success);
}

SqsResult<void> SqsClient::change_message_visibility(std::string_view queue_url, std::string_view receipt_handle,
                                                     int visibility_timeout_seconds) const {
  auto attempts = aws_.retry_policy().start();
  auto doc = call("ChangeMessageVisibility", queue_url, queue_url,
                  JsonBody()
                      .string("QueueUrl", queue_url)
                      .string("ReceiptHandle", receipt_handle)
                      .integer("VisibilityTimeout", visibility_timeout_seconds)
                      .finish(),
                  attempts);
  if (!doc) return Unexpected{doc.error()};
  return {};
}

SqsResult<std::string> SqsClient::create_queue(std::string_view name,
                                               const std::map<std::string, std::string>& attributes) const {
  JsonBody body;
  body.string("QueueName", name);
  if (!attributes.empty()) body.object("Attributes", attributes);
  auto attempts = aws_.retry_policy().start();
  auto doc = call("CreateQueue", "", name, body.finish(), attempts);
  if (!doc) return Unexpected{doc.error()};
  auto url = string_member(*doc, "QueueUrl");
  if (!url) return Unexpected{aws_.unreadable("CreateQueue", name, url.error().message)};
  return std::move(url).value();
}

SqsResult<std::string> SqsClient::get_queue_url(std::string_view name) const {
  auto attempts = aws_.retry_policy().start();
  auto doc = call("GetQueueUrl", "", name, JsonBody().string("QueueName", name).finish(), attempts);
  if (!doc) return Unexpected{doc.error()};
  auto url = string_member(*doc, "QueueUrl");
  if (!url) return Unexpected{aws_.unreadable("GetQueueUrl", name, url.error().message)};
  return std::move(url).value();
}

SqsResult<std::map<std::string, std::string>> SqsClient::get_queue_attributes(
    std::string_view queue_url, const std::vector<std::string>& names) const {
  auto attempts = aws_.retry_policy().start();
  auto doc = call("GetQueueAttributes", queue_url, queue_url,
                  JsonBody().string("QueueUrl", queue_url).strings("AttributeNames", names).finish(), attempts);
  if (!doc) return Unexpected{doc.error()};
  const auto it = doc->FindMember("Attributes");
  if (it == doc->MemberEnd()) return std::map<std::string, std::string>{};
  auto attributes = string_map(it->value);
  if (!attributes) return Unexpected{aws_.unreadable("GetQueueAttributes", queue_url, attributes.error().message)};
  return std::move(attributes).value();
}

SqsResult<void> SqsClient::set_queue_attributes(std::string_view queue_url,
                                                const std::map<std::string, std::string>& attributes) const {
  auto attempts = aws_.retry_policy().start();
  auto doc = call("SetQueueAttributes", queue_url, queue_url,
                  JsonBody().string("QueueUrl", queue_url).object("Attributes", attributes).finish(), attempts);
  if (!doc) return Unexpected{doc.error()};
  return {};
}

}  // namespace ebworker

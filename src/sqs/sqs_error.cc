#include <rapidjson/document.h>

#include <array>

#include "core/json.h"
#include "sqs/sqs_error_reply.h"

namespace ebworker {

std::string_view to_string(SqsErrorKind kind) {
  switch (kind) {
    case SqsErrorKind::transport: return "transport";
    case SqsErrorKind::timeout: return "timeout";
    case SqsErrorKind::throttled: return "throttled";
    case SqsErrorKind::server: return "server";
    case SqsErrorKind::client: return "client";
    case SqsErrorKind::md5_mismatch: return "md5_mismatch";
    case SqsErrorKind::invalid_request: return "invalid_request";
    case SqsErrorKind::credentials: return "credentials";
  }
  return "unknown";
}

bool SqsError::retryable() const {
  switch (kind) {
    case SqsErrorKind::transport:
    case SqsErrorKind::timeout:
    case SqsErrorKind::throttled:
    case SqsErrorKind::server:
      return true;
    default:
      return false;
  }
}

std::string SqsError::describe() const {
  std::string out = context.empty() ? "" : context + ": ";
  const std::string& shown_code = code.empty() ? query_code : code;
  // A failed batch entry came inside an HTTP 200: the status says nothing about it.
  const bool show_status = http_status != 0 && http_status != 200;
  if (!shown_code.empty())
    out += shown_code + (show_status ? " (HTTP " + std::to_string(http_status) + ")" : "") + ": ";
  else if (show_status)
    out += "HTTP " + std::to_string(http_status) + ": ";
  out += message.empty() ? std::string(to_string(kind)) + " error" : message;
  if (attempts > 1) out += " (after " + std::to_string(attempts) + " attempts)";
  for (auto& c : out)  // one line, whatever a server put in its message
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

SqsError invalid_request(std::string message) {
  SqsError e;
  e.kind = SqsErrorKind::invalid_request;
  e.message = std::move(message);
  return e;
}

bool is_throttling_code(std::string_view code) {
  // A query code reads "AWS.SimpleQueueService.RequestThrottled": compare its last part.
  if (const auto dot = code.rfind('.'); dot != std::string_view::npos) code.remove_prefix(dot + 1);
  static constexpr std::array<std::string_view, 6> kThrottling = {
      "RequestThrottled", "ThrottlingException", "Throttling",
      "RequestThrottledException", "TooManyRequestsException", "KmsThrottled"};
  for (auto t : kThrottling)
    if (code == t) return true;
  return false;
}

SqsError sqs_error_from_reply(long status, const Headers& headers, std::string_view body) {
  SqsError e;
  e.http_status = status;

  // Body: {"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"…"} (some services say
  // "Message"). Anything else, e.g. a proxy's HTML page, leaves code and message empty.
  auto parsed = parse_json(body);
  if (parsed && parsed->IsObject()) {
    const rapidjson::Document& doc = *parsed;
    if (const auto t = json_string(doc, "__type")) {
      std::string_view type = *t;
      if (const auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
      e.code = std::string(type);
    }
    for (const char* name : {"message", "Message"})
      if (const auto m = json_string(doc, name)) {
        e.message = std::string(*m);
        break;
      }
  }
  // x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender
  std::string_view query = headers.get("x-amzn-query-error");
  if (const auto semi = query.find(';'); semi != std::string_view::npos) query = query.substr(0, semi);
  e.query_code = std::string(query);

  if (status == 429 || is_throttling_code(e.code) || is_throttling_code(e.query_code))
    e.kind = SqsErrorKind::throttled;
  else if (status >= 500)
    e.kind = SqsErrorKind::server;
  else
    e.kind = SqsErrorKind::client;

  if (e.message.empty()) {
    std::string_view excerpt = body.substr(0, 200);
    e.message = excerpt.empty() ? "no error message in the answer"
                                : "unexpected answer: " + std::string(excerpt);
  }
  return e;
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

}  // namespace ebworker

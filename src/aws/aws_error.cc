#include "aws/aws_error.h"

#include <rapidjson/document.h>

#include <array>

#include "core/json.h"

namespace ebworker {

std::string_view to_string(AwsErrorKind kind) {
  switch (kind) {
    case AwsErrorKind::transport: return "transport";
    case AwsErrorKind::timeout: return "timeout";
    case AwsErrorKind::throttled: return "throttled";
    case AwsErrorKind::server: return "server";
    case AwsErrorKind::client: return "client";
    case AwsErrorKind::md5_mismatch: return "md5_mismatch";
    case AwsErrorKind::invalid_request: return "invalid_request";
    case AwsErrorKind::credentials: return "credentials";
  }
  return "unknown";
}

bool AwsError::retryable() const {
  switch (kind) {
    case AwsErrorKind::transport:
    case AwsErrorKind::timeout:
    case AwsErrorKind::throttled:
    case AwsErrorKind::server:
      return true;
    default:
      return false;
  }
}

std::string AwsError::describe() const {
  std::string out = context.empty() ? "" : context + ": ";
  const std::string& shown_code = code.empty() ? query_code : code;
  // A failure named inside an HTTP 200 (a batch entry) is not about the 200; an answer we could
  // not read is.
  const bool show_status = http_status != 0 && !(http_status == 200 && !shown_code.empty());
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

AwsError invalid_request(std::string message) {
  AwsError e;
  e.kind = AwsErrorKind::invalid_request;
  e.message = std::move(message);
  return e;
}

bool is_throttling_code(std::string_view code) {
  // A query code reads "AWS.SimpleQueueService.RequestThrottled": compare its last part.
  if (const auto dot = code.rfind('.'); dot != std::string_view::npos) code.remove_prefix(dot + 1);
  // SQS's, then DynamoDB's (a transaction conflict is retried as throttling is).
  static constexpr std::array<std::string_view, 9> kThrottling = {
      "RequestThrottled", "ThrottlingException", "Throttling", "RequestThrottledException",
      "TooManyRequestsException", "KmsThrottled", "ProvisionedThroughputExceededException",
      "RequestLimitExceeded", "TransactionConflictException"};
  for (auto t : kThrottling)
    if (code == t) return true;
  return false;
}

AwsError aws_error_from_reply(long status, const Headers& headers, std::string_view body) {
  AwsError e;
  e.http_status = status;

  // Body: {"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"…"} (some errors say
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
  e.request_id = std::string(headers.get("x-amzn-RequestId"));

  if (status == 429 || is_throttling_code(e.code) || is_throttling_code(e.query_code))
    e.kind = AwsErrorKind::throttled;
  else if (status >= 500)
    e.kind = AwsErrorKind::server;
  else
    e.kind = AwsErrorKind::client;

  if (e.message.empty()) {
    std::string_view excerpt = body.substr(0, 200);
    e.message = excerpt.empty() ? "no error message in the answer"
                                : "unexpected answer: " + std::string(excerpt);
  }
  return e;
}

}  // namespace ebworker

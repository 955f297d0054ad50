#include "dynamodb/dynamodb_error.h"

#include <array>

#include "core/json.h"

namespace ebworker {

bool DynamoError::retryable() const {
  switch (kind) {
    case DynamoErrorKind::transport:
    case DynamoErrorKind::timeout:
    case DynamoErrorKind::throttled:
    case DynamoErrorKind::server:
      return true;
    default:
      return false;
  }
}

std::string DynamoError::describe() const {
  std::string out = context.empty() ? "" : context + ": ";
  if (!code.empty())
    out += code + (http_status ? " (HTTP " + std::to_string(http_status) + ")" : "") + ": ";
  else if (http_status)
    out += "HTTP " + std::to_string(http_status) + ": ";
  out += message;
  if (attempts > 1) out += " (after " + std::to_string(attempts) + " attempts)";
  for (auto& c : out)  // one line, whatever a server put in its message
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

DynamoError dynamo_error_from_reply(long status, std::string_view body) {
  DynamoError e;
  e.http_status = status;
  // {"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"…"}
  // (some errors say "Message"). A proxy's HTML page leaves code and message empty.
  auto parsed = parse_json(body);
  if (parsed && parsed->IsObject()) {
    if (const auto t = json_string(*parsed, "__type")) {
      std::string_view type = *t;
      if (const auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
      e.code = std::string(type);
    }
    for (const char* name : {"message", "Message"})
      if (const auto m = json_string(*parsed, name)) {
        e.message = std::string(*m);
        break;
      }
  }
  static constexpr std::array<std::string_view, 4> kThrottling = {
      "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
      "TransactionConflictException"};
  bool throttling = status == 429;
  for (auto t : kThrottling) throttling = throttling || e.code == t;
  if (throttling)
    e.kind = DynamoErrorKind::throttled;
  else if (status >= 500)
    e.kind = DynamoErrorKind::server;
  else if (e.code == "ResourceNotFoundException")
    e.kind = DynamoErrorKind::not_found;
  else
    e.kind = DynamoErrorKind::client;
  if (e.message.empty()) {
    const std::string_view excerpt = body.substr(0, 200);
    e.message = excerpt.empty() ? "no error message in the answer" : "unexpected answer: " + std::string(excerpt);
  }
  return e;
}

}  // namespace ebworker
